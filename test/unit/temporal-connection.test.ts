import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../config/env';
import { loadTemporalSettings, withAddress } from '../../config/temporal-connection';

/** No file in the home folder may leak into these cases. */
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-envconfig-home-'));

function configFile(toml: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-envconfig-')), 'temporal.toml');
  fs.writeFileSync(file, toml);
  return file;
}

describe('Temporal connection settings (envconfig)', () => {
  it('when nothing is set, then there is no address (npm start runs its own server) and the namespace is default', () => {
    const s = loadTemporalSettings({ HOME });
    expect(s).toMatchObject({ address: undefined, namespace: 'default', connection: {} });
  });

  it('when TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE are set, then the connection is plaintext to that address', () => {
    const s = loadTemporalSettings({
      HOME,
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'pulse',
    });
    expect(s.connection).toEqual({ address: 'temporal.internal:7233' });
    expect(s.namespace).toBe('pulse');
    expect(s.summary).toBe('temporal.internal:7233 namespace pulse, plaintext');
  });

  it('when TEMPORAL_API_KEY is set, then TLS is on (Temporal Cloud) and the summary shows no secret', () => {
    const s = loadTemporalSettings({
      HOME,
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'pulse.a1b2c',
      TEMPORAL_API_KEY: 'secret-api-key',
    });
    expect(s.connection).toMatchObject({ apiKey: 'secret-api-key', tls: true });
    expect(s.summary).toBe('us-east-1.aws.api.temporal.io:7233 namespace pulse.a1b2c, API key over TLS');
    expect(s.summary).not.toContain('secret');
  });

  it('when a TOML profile names mTLS files, then the certificate pair and CA are loaded; env variables override the profile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-certs-'));
    for (const name of ['client.pem', 'client.key', 'ca.pem'])
      fs.writeFileSync(path.join(dir, name), `-- ${name} --`);
    const file = configFile(`
[profile.prod]
address = "pulse.a1b2c.tmprl.cloud:7233"
namespace = "pulse.a1b2c"
[profile.prod.tls]
client_cert_path = "${path.join(dir, 'client.pem')}"
client_key_path = "${path.join(dir, 'client.key')}"
server_ca_cert_path = "${path.join(dir, 'ca.pem')}"
server_name = "pulse.a1b2c.tmprl.cloud"
`);
    const s = loadTemporalSettings({ HOME, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
    expect(s.address).toBe('pulse.a1b2c.tmprl.cloud:7233');
    expect(s.namespace).toBe('pulse.a1b2c');
    const tls = s.connection.tls as {
      clientCertPair: { crt: Buffer; key: Buffer };
      serverRootCACertificate: Buffer;
      serverNameOverride: string;
    };
    expect(tls.clientCertPair.crt.toString()).toBe('-- client.pem --');
    expect(tls.clientCertPair.key.toString()).toBe('-- client.key --');
    expect(tls.serverRootCACertificate.toString()).toBe('-- ca.pem --');
    expect(tls.serverNameOverride).toBe('pulse.a1b2c.tmprl.cloud');
    expect(s.summary).toBe('pulse.a1b2c.tmprl.cloud:7233 namespace pulse.a1b2c, mTLS, profile prod');

    const overridden = loadTemporalSettings({
      HOME,
      TEMPORAL_CONFIG_FILE: file,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'other',
    });
    expect(overridden.namespace).toBe('other');
    expect(withAddress(overridden, '127.0.0.1:7233').connection.address).toBe('127.0.0.1:7233');
  });

  it('when npm start fills in the address of its own server, then the summary names that address once (not "(no address)" half replaced)', () => {
    const s = withAddress(loadTemporalSettings({ HOME }), '127.0.0.1:40715');
    expect(s.summary).toBe('127.0.0.1:40715 namespace default, plaintext');
  });

  it('when the profile or a file is missing, or the address is not host:port, then a ConfigError names what to fix', () => {
    const file = configFile('[profile.default]\naddress = "localhost:7233"\n');
    expect(() =>
      loadTemporalSettings({ HOME, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadTemporalSettings({ HOME, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' }),
    ).toThrow(/TEMPORAL_PROFILE.*'nope' not found/);
    expect(() =>
      loadTemporalSettings({
        HOME,
        TEMPORAL_ADDRESS: 'x:1',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/c.pem',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/c.key',
      }),
    ).toThrow(/TEMPORAL_TLS_\*.*nonexistent/);
    expect(() => loadTemporalSettings({ HOME, TEMPORAL_ADDRESS: 'localhost' })).toThrow(
      /TEMPORAL_ADDRESS: must be host:port/,
    );
  });
});

/**
 * The YAML that Temporal's own server (built from Go, stack/go-tools.ts) starts from: all services
 * in one process on loopback ports. The production-shaped cluster (PostgreSQL) and the mTLS test
 * server (SQLite in memory, TLS frontend) differ only in their datastores, shards and TLS block.
 */
export interface TemporalServerConfig {
  host: string;
  /** frontend gRPC, frontend HTTP, then each service's gRPC and membership port. */
  ports: {
    grpc: number;
    http: number;
    frontendRing: number;
    history: number;
    historyRing: number;
    matching: number;
    matchingRing: number;
    worker: number;
    workerRing: number;
  };
  historyShards: number;
  /** The `sql:` blocks of the default and visibility stores (see postgresDatastore, sqliteDatastore). */
  datastores: { default: { name: string; sql: string }; visibility: { name: string; sql: string } };
  /** A `tls:` block under `global:`, already indented by four spaces. */
  tls?: string;
  dynamicConfigFile?: string;
  /** Who wrote the file, for the reader of the generated YAML. */
  comment: string;
}

const q = JSON.stringify; // a JSON string is a valid YAML scalar

/**
 * The ports after the frontend's gRPC port, in the order they are allocated and saved (the
 * cluster keeps them in ports.json between restarts).
 */
export function namedServerPorts(grpc: number, rest: readonly number[]): TemporalServerConfig['ports'] {
  const [http, frontendRing, history, historyRing, matching, matchingRing, worker, workerRing] = rest;
  const ports = {
    grpc,
    http,
    frontendRing,
    history,
    historyRing,
    matching,
    matchingRing,
    worker,
    workerRing,
  };
  for (const [name, port] of Object.entries(ports))
    if (port === undefined) throw new Error(`no port for the Temporal server's ${name}`);
  return ports as TemporalServerConfig['ports'];
}

export function postgresDatastore(pg: URL, database: string, maxConns: number): string {
  return `
      sql:
        pluginName: postgres12
        databaseName: ${q(database)}
        connectAddr: ${q(`${pg.hostname}:${pg.port || '5432'}`)}
        connectProtocol: tcp
        user: ${q(decodeURIComponent(pg.username))}
        password: ${q(decodeURIComponent(pg.password))}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
}

/** In memory: one connection, or each connection would see a database of its own. */
export function sqliteDatastore(): string {
  return `
      sql:
        pluginName: sqlite
        databaseName: default
        connectAddr: localhost
        connectProtocol: tcp
        connectAttributes: { mode: memory, cache: private }
        maxConns: 1
        maxIdleConns: 1`;
}

export function temporalServerConfigYaml(c: TemporalServerConfig): string {
  const p = c.ports;
  const service = (grpc: number, ring: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${ring}
      bindOnIP: ${c.host}${extra}`;
  const { default: defaultStore, visibility } = c.datastores;
  const sameStore = defaultStore.name === visibility.name;
  return `# ${c.comment}
log:
  stdout: true
  level: warn
persistence:
  defaultStore: ${defaultStore.name}
  visibilityStore: ${visibility.name}
  numHistoryShards: ${c.historyShards}
  datastores:
    ${defaultStore.name}:${defaultStore.sql}${sameStore ? '' : `\n    ${visibility.name}:${visibility.sql}`}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: ${c.host}${c.tls ? `\n${c.tls}` : ''}
services:
  frontend:${service(p.grpc, p.frontendRing, `\n      httpPort: ${p.http}`)}
  history:${service(p.history, p.historyRing)}
  matching:${service(p.matching, p.matchingRing)}
  worker:${service(p.worker, p.workerRing)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: ${q(`${c.host}:${p.grpc}`)}
dcRedirectionPolicy:
  policy: noop
${
  c.dynamicConfigFile
    ? `dynamicConfigClient:
  filepath: ${q(c.dynamicConfigFile)}
  pollInterval: 10s
`
    : ''
}`;
}

import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError } from './env';

/**
 * Where and how to reach Temporal, read by Temporal's own convention (@temporalio/envconfig), the
 * same for the API, the worker, the CLI and the scripts: a TOML profile (TEMPORAL_CONFIG_FILE,
 * else ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, else "default"), overridden by
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_* and
 * TEMPORAL_GRPC_META_*. An API key turns TLS on, as Temporal Cloud expects.
 */
export interface TemporalSettings {
  /** host:port; undefined when nothing names one (npm start then runs a dev server). */
  address: string | undefined;
  namespace: string;
  /** For Connection.connect (client) and NativeConnection.connect (worker) alike. */
  connection: {
    address?: string;
    tls?: TLSConfig | boolean;
    apiKey?: string;
    metadata?: Record<string, string>;
  };
  /** For logs and errors: address, namespace and how it authenticates, never a secret. */
  summary: string;
}

const DEFAULT_NAMESPACE = 'default';

export function loadTemporalSettings(source: NodeJS.ProcessEnv = process.env): TemporalSettings {
  // Empty variables count as unset, as in loadEnv.
  const env = Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: env });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      `Invalid Temporal connection settings (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE, TEMPORAL_TLS_*): ${reason}`,
    );
  }
  const { connectionOptions: options } = loaded;
  if (options.address !== undefined && !/^[^\s:]+:\d{1,5}$/.test(options.address))
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_ADDRESS: must be host:port, got "${options.address}"`,
    );
  const namespace = loaded.namespace || DEFAULT_NAMESPACE;
  return {
    address: options.address,
    namespace,
    connection: {
      ...(options.address !== undefined && { address: options.address }),
      ...(options.tls !== undefined && options.tls !== null && { tls: asBuffers(options.tls) }),
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      // envconfig builds gRPC metadata from TEMPORAL_GRPC_META_* and the profile: text values.
      ...(options.metadata && { metadata: options.metadata as Record<string, string> }),
    },
    summary: summarize(options, namespace, env),
  };
}

/**
 * envconfig loads certificate files as Uint8Array; the client's gRPC library (grpc-js) accepts
 * only Buffers (`rootCerts must be a Buffer`).
 */
function asBuffers(tls: TLSConfig | boolean): TLSConfig | boolean {
  if (typeof tls === 'boolean') return tls;
  const buffer = (data: Uint8Array | undefined) => data && Buffer.from(data);
  return {
    ...tls,
    ...(tls.serverRootCACertificate && { serverRootCACertificate: buffer(tls.serverRootCACertificate) }),
    ...(tls.clientCertPair && {
      clientCertPair: { crt: buffer(tls.clientCertPair.crt)!, key: buffer(tls.clientCertPair.key)! },
    }),
  };
}

/** Settings for a known address (tests, the bench, npm start's dev server): no file, no other variable. */
export function temporalSettingsAt(address: string, namespace = DEFAULT_NAMESPACE): TemporalSettings {
  return loadTemporalSettings({ TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace });
}

/** The same settings pointed at another address: npm start's own dev server. */
export function withAddress(settings: TemporalSettings, address: string): TemporalSettings {
  return {
    ...settings,
    address,
    connection: { ...settings.connection, address },
    // The summary starts with the address, or with "(no address)", which is two words.
    summary: settings.summary.replace(/^(\(no address\)|\S+)/, address),
  };
}

function summarize(
  options: ReturnType<typeof loadClientConnectConfig>['connectionOptions'],
  namespace: string,
  env: Record<string, string>,
): string {
  const tls = options.tls;
  const auth = options.apiKey
    ? 'API key over TLS'
    : typeof tls === 'object' && tls?.clientCertPair
      ? 'mTLS'
      : tls
        ? 'TLS'
        : 'plaintext';
  const profile = env.TEMPORAL_PROFILE ?? (env.TEMPORAL_CONFIG_FILE ? 'default' : undefined);
  return `${options.address ?? '(no address)'} namespace ${namespace}, ${auth}${profile ? `, profile ${profile}` : ''}`;
}

import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TemporalSettings } from './temporal-connection';

/** A client on the settings' connection (address, TLS or mTLS, API key) and namespace. */
export async function connectTemporalClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect(settings.connection);
  return new Client({ connection, namespace: settings.namespace });
}

export type SearchAttributeTypeName = keyof typeof INDEXED_VALUE_TYPES;

/** gRPC status codes Temporal answers with (grpc.status; @grpc/grpc-js is only a transitive dependency). */
export const GRPC_STATUS = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
const status = GRPC_STATUS;

/** A setup problem an operator must fix; retrying as it is will not help. */
export class TemporalSetupError extends Error {
  override name = 'TemporalSetupError';
}

/** Which of `attributes` the namespace lacks (registered under another type counts as lacking). */
export async function missingSearchAttributes(
  client: Client,
  namespace: string,
  attributes: Record<string, SearchAttributeTypeName>,
): Promise<string[]> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  return Object.entries(attributes)
    .filter(([name, type]) => custom[name] !== INDEXED_VALUE_TYPES[type])
    .map(([name]) => name);
}

/** gRPC attempts per call for the API: ~0.3 s of retries when refused, not the SDK's ~20 s. */
const API_CALL_ATTEMPTS = 3;

/**
 * The API's client: connects on first use, so the API starts (and accepts interactions) while
 * Temporal is away, and gives up on an unreachable server after a few quick attempts so that
 * requests needing it are answered 503 within 2 s (api/temporal-gate.ts).
 */
export function lazyApiTemporalClient(settings: TemporalSettings): Client {
  const { namespace } = settings;
  const connection = Connection.lazy({
    ...settings.connection,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: API_CALL_ATTEMPTS }))],
  });
  return new Client({ connection, namespace });
}

/**
 * `pulse setup`, also run by the worker at start: checks that the namespace exists and registers
 * the custom search attributes it lacks, then waits until the server lists them (a namespace's
 * attributes reach every frontend through a cache). Idempotent. Where the connection may not add
 * attributes (Temporal Cloud: they are managed with tcld or the Cloud UI), the error names them.
 */
export async function setupTemporal(
  client: Client,
  namespace: string,
  attributes: Record<string, SearchAttributeTypeName>,
  { visibleWithinMs = 30_000 }: { visibleWithinMs?: number } = {},
): Promise<{ added: string[] }> {
  try {
    await client.workflowService.describeNamespace({ namespace });
  } catch (err) {
    if (grpcCodeOf(err) === status.NOT_FOUND)
      throw new TemporalSetupError(
        `Temporal namespace "${namespace}" does not exist: create it (temporal operator namespace create ${namespace}) or set TEMPORAL_NAMESPACE`,
      );
    throw err;
  }
  const missing = await missingSearchAttributes(client, namespace, attributes);
  if (missing.length === 0) return { added: [] };
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((name) => [name, INDEXED_VALUE_TYPES[attributes[name]!]]),
      ),
    });
  } catch (err) {
    const code = grpcCodeOf(err);
    if (code !== status.ALREADY_EXISTS) {
      const wanted = missing.map((name) => `${name} (${attributes[name]})`).join(', ');
      throw new TemporalSetupError(
        `namespace "${namespace}" lacks search attributes ${wanted} and adding them failed (${err instanceof Error ? err.message : String(err)}); add them as an administrator of the namespace (Temporal Cloud: tcld namespace search-attributes add), then run pulse setup again`,
      );
    }
  }
  const deadline = Date.now() + visibleWithinMs;
  for (;;) {
    const still = await missingSearchAttributes(client, namespace, attributes);
    if (still.length === 0) return { added: missing };
    if (Date.now() > deadline)
      throw new TemporalSetupError(
        `search attributes ${still.join(', ')} were added to namespace "${namespace}" but are not listed after ${visibleWithinMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The gRPC status code behind a Temporal client or connection error, if it carries one. */
export function grpcCodeOf(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'number') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

const INDEXED_VALUE_TYPES = {
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;

import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export async function connectTemporalClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/** gRPC attempts per call for the API: ~0.3 s of retries when refused, not the SDK's ~20 s. */
const API_CALL_ATTEMPTS = 3;

/**
 * The API's client: connects on first use, so the API starts (and accepts interactions) while
 * Temporal is away, and gives up on an unreachable server after a few quick attempts so that
 * requests needing it are answered 503 within 2 s (api/temporal-gate.ts).
 */
export function lazyApiTemporalClient(address: string, namespace: string): Client {
  const connection = Connection.lazy({
    address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: API_CALL_ATTEMPTS }))],
  });
  return new Client({ connection, namespace });
}

/**
 * Registers the custom search attributes on a server we did not start (a dev server we start
 * gets them on its command line). Already-registered attributes are left alone.
 */
export async function ensureSearchAttributes(
  client: Client,
  namespace: string,
  attributes: Record<string, keyof typeof INDEXED_VALUE_TYPES>,
): Promise<void> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.entries(attributes).filter(([name]) => !(name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]])),
  });
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

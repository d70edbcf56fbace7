import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveAllowed } from './address-guard';

export interface PostResult {
  status: number;
  /** The start of the reply, for the record when it is not a success. */
  bodyStart: string;
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

const MAX_REPLY_KEPT = 500;

/**
 * POSTs `body` to `url` once: no redirects followed (a 3xx is returned like any status, and the
 * caller refuses it), the connection made only to an address the guard allowed, the whole
 * exchange bounded by `timeoutMs`. Throws AddressRefusedError before connecting to a refused
 * address, and the socket's error (ECONNREFUSED, a timeout, ...) when there is no reply.
 */
export async function postOnce(
  url: URL,
  headers: Record<string, string>,
  body: string,
  { timeoutMs, allowPrivate }: PostOptions,
): Promise<PostResult> {
  const started = Date.now();
  const [first] = await withinTime(resolveAllowed(url.hostname, allowPrivate), timeoutMs);
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs - (Date.now() - started)));
  // The connection goes to the address just checked, never to a second DNS answer.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [first!]);
    else callback(null, first!.address, first!.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < MAX_REPLY_KEPT) chunks.push(chunk);
          kept += chunk.length;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            bodyStart: Buffer.concat(chunks).toString('utf8').slice(0, MAX_REPLY_KEPT),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (err) =>
      reject(signal.aborted ? new Error(`no reply within ${timeoutMs} ms`, { cause: err }) : err),
    );
    request.end(body);
  });
}

/** A DNS lookup cannot be aborted: stop waiting for it once the POST's time is up. */
async function withinTime<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no DNS answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

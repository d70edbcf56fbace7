import { storedKey } from './session';

/** A problem+json answer: `errors` name the fields (body.0.points, query.minScore). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Calls the public API with the signed-in key (or the one given, at sign-in). */
export async function api<T>(method: string, path: string, body?: unknown, key = storedKey()): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(key && { authorization: `Bearer ${key}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const payload = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const detail = typeof payload.detail === 'string' ? payload.detail : res.statusText;
    throw new ApiError(res.status, detail, (payload.errors as ApiError['errors'] | undefined) ?? []);
  }
  return payload as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** One message for a failed call, with the fields it names. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return fields ? `${err.message} (${fields})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

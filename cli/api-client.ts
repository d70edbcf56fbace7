/** The Pulse HTTP API as the CLI uses it: JSON in, JSON out, problem+json turned into ApiError. */

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
  requestId?: string;
}

/** An answer of 400 or more, or no answer at all (status 0). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
  }

  /** What the CLI prints: the problem's title and detail, then each invalid field. */
  describe(): string {
    const p = this.problem;
    if (!p) return this.message;
    const head = `${p.status ?? this.status} ${p.title ?? 'Error'}${p.detail ? `: ${p.detail}` : ''}`;
    const fields = (p.errors ?? [])
      .filter((e) => !p.detail?.startsWith(`${e.path}: ${e.message}`))
      .map((e) => `  ${e.path}: ${e.message}`);
    return [head, ...fields].join('\n');
  }
}

export interface ApiClient {
  readonly baseUrl: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
}

export function createApiClient(opts: { baseUrl: string; apiKey: string }): ApiClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.apiKey}`,
      accept: 'application/json, application/problem+json',
      'user-agent': 'pulse-cli',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      throw new ApiError(
        0,
        `cannot reach the Pulse API at ${baseUrl} (${reason}); set PULSE_API_URL or --api-url`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const problem = typeof parsed === 'object' && parsed !== null ? (parsed as Problem) : undefined;
      throw new ApiError(res.status, `${res.status} ${res.statusText} from ${method} ${path}`, problem);
    }
    return parsed as T;
  }

  return {
    baseUrl,
    get: (path, query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {}))
        if (value !== undefined) params.set(key, String(value));
      const qs = params.toString();
      return request('GET', qs ? `${path}?${qs}` : path);
    },
    post: (path, body) => request('POST', path, body),
    put: (path, body) => request('PUT', path, body),
  };
}

/** A path segment: ids are restricted by the API, but a typo must not turn into another path. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));

import type { z } from 'zod';

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

export interface FieldProblem {
  /** Where the problem is, e.g. `body.0.occurredAt` or `params.contactId`. */
  path: string;
  message: string;
}

/** An error that maps to one HTTP answer, sent as application/problem+json (RFC 9457). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  static notFound(what: string): HttpError {
    return new HttpError(404, 'Not Found', `${what} does not exist`);
  }

  static validation(location: 'body' | 'params' | 'query', error: z.ZodError): HttpError {
    const errors = fieldProblems(location, error);
    const first = errors[0];
    return new HttpError(
      400,
      'Invalid request',
      first ? `${first.path}: ${first.message}` : undefined,
      errors,
    );
  }

  /** 400 for one bad field. */
  static field(rawPath: string, rawMessage: string): HttpError {
    const { path, message } = fieldProblem(rawPath, rawMessage);
    return new HttpError(400, 'Invalid request', `${path}: ${message}`, [{ path, message }]);
  }

  static unavailable(detail: string, retryAfterSeconds = 5): HttpError {
    return new HttpError(503, 'Service Unavailable', detail, undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/** What a schema found wrong with the value at `location` (`body`, or `items.3` of a bulk request). */
export function fieldProblems(location: string, error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap(chosenBranch).map((issue) => ({
    path: printablePath([...location.split('.'), ...issue.path.map(String)]),
    message: printable(issue.message, MAX_MESSAGE),
  }));
}

/** One problem at a dotted path, printable. */
export function fieldProblem(rawPath: string, message: string): FieldProblem {
  return { path: printablePath(rawPath.split('.')), message: printable(message, MAX_MESSAGE) };
}

/**
 * A union that matched no member reports each member's issues. When the value's shape rules out
 * all members but one (an object is not an array), that member's issues are the useful ones:
 * `body.1.type` rather than "invalid input".
 */
function chosenBranch(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors) return [issue];
  const plausible = issue.errors.filter(
    (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  if (plausible.length !== 1) return [issue];
  return plausible[0]!.flatMap((inner) => chosenBranch({ ...inner, path: [...issue.path, ...inner.path] }));
}

/**
 * Paths and messages name a field; they do not echo what a client sent as a key (zod quotes an
 * unknown key in its message), so long text is cut and control characters are escaped.
 */
const MAX_PATH_SEGMENT = 64;
const MAX_MESSAGE = 300;

function printablePath(segments: string[]): string {
  return segments.map((segment) => printable(segment, MAX_PATH_SEGMENT)).join('.');
}

function printable(text: string, maxLength: number): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it escapes
    /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

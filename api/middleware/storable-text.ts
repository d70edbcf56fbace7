import type { FieldProblem } from '../http-error';

/**
 * Text Postgres cannot store: NUL (U+0000) is refused in text and jsonb alike, and a UTF-16
 * surrogate without its pair has no UTF-8 form (jsonb refuses it; text would store U+FFFD
 * instead). Such a value passes every schema and fails only when written, possibly inside a
 * workflow's activity that then retries forever, so every request is checked here, keys
 * included, before any schema or handler sees it.
 */
// eslint-disable-next-line no-control-regex -- NUL is what it finds
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** For the OpenAPI document: a string matching this holds no NUL (surrogates cannot travel in UTF-8 JSON). */
export const STORABLE_TEXT_PATTERN = '^[^\\u0000]*$';

interface Node {
  value: unknown;
  key: string;
  parent: Node | undefined;
}

/** The first string (value or key) under `value` that Postgres would refuse, with its path. */
export function findUnstorableText(value: unknown, location: string): FieldProblem | undefined {
  const stack: Node[] = [{ value, key: location, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node.value === 'string') {
      if (UNSTORABLE.test(node.value)) return problemAt(node, node.value);
      continue;
    }
    if (node.value === null || typeof node.value !== 'object') continue;
    for (const [key, child] of Object.entries(node.value as Record<string, unknown>)) {
      const childNode = { value: child, key, parent: node };
      if (UNSTORABLE.test(key)) return problemAt(childNode, key, 'key');
      stack.push(childNode);
    }
  }
  return undefined;
}

function problemAt(node: Node, text: string, what: 'value' | 'key' = 'value'): FieldProblem {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) keys.push(n.key);
  const character = text.includes('\u0000') ? 'a NUL character (U+0000)' : 'an unpaired UTF-16 surrogate';
  return {
    path: keys.reverse().join('.'),
    message: `${what === 'key' ? 'the key ' : ''}must not contain ${character}`,
  };
}

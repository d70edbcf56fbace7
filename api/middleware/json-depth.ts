import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';

/** Deeper than any real payload; far below what recursive code (schemas, JSON.stringify) survives. */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON.parse accepts any depth that fits in the size limit, and a few thousand levels overflow
 * the stack of whatever walks the value next (a 500). One iterative check for every body, so no
 * schema or store has to guard itself.
 */
export function limitJsonDepth(maxDepth = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    const tooDeep = findTooDeep(req.body, maxDepth);
    if (tooDeep) {
      return next(HttpError.field(tooDeep, `nested deeper than ${maxDepth} levels`));
    }
    next();
  };
}

interface Node {
  value: unknown;
  depth: number;
  key: string;
  parent: Node | undefined;
}

/** Depth-first without recursion; the path is rebuilt only for the node that is too deep. */
function findTooDeep(value: unknown, maxDepth: number): string | undefined {
  const stack: Node[] = [{ value, depth: 0, key: 'body', parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.value === null || typeof node.value !== 'object') continue;
    if (node.depth >= maxDepth) return pathOf(node);
    for (const [key, child] of Object.entries(node.value))
      stack.push({ value: child, depth: node.depth + 1, key, parent: node });
  }
  return undefined;
}

function pathOf(node: Node): string {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) keys.push(n.key);
  return keys.reverse().join('.');
}

/**
 * Values no route can store, refused before any handler runs, naming the field:
 * - non-finite numbers: JSON's `1e999` parses to Infinity, and ajv's type coercion turns the
 *   strings "Infinity" and "1e309" into Infinity while still passing `maximum`;
 * - NUL characters in strings, which PostgreSQL text and jsonb cannot hold;
 * - lone UTF-16 surrogates (JSON's "\ud800"), which jsonb refuses and text would silently
 *   turn into U+FFFD.
 * The walk is iterative, so a deeply nested body cannot overflow the stack.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

type Part = 'params' | 'querystring' | 'body';

// String.prototype.isWellFormed (Node 20; typed from lib ES2024): false exactly when the string
// holds a lone surrogate. Native, so a large body is not run through a regex string by string.
const isWellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

function check(v: unknown, at: () => string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw badRequest('invalid_value', `${at()} must be a finite number, got ${v}`);
  } else if (typeof v === 'string') {
    if (v.includes('\u0000')) throw badRequest('invalid_string', `${at()} must not contain NUL characters`);
    if (!isWellFormed(v))
      throw badRequest('invalid_string', `${at()} is not well-formed Unicode (a lone surrogate)`);
  }
}

/** Throws a 400 naming the first non-finite number or unstorable string under `root`. */
export function guardValue(root: unknown, part: Part): void {
  // Body fields are named as the services name them (`readings[3].value`), others by part.
  const stack: Array<[unknown, string]> = [[root, part === 'body' ? '' : part]];
  const child = (path: string, k: string | number) =>
    typeof k === 'number' ? `${path || 'body'}[${k}]` : path === '' ? k : `${path}.${k}`;
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') {
      check(v, () => path || 'body');
      continue;
    }
    if (ArrayBuffer.isView(v)) continue; // binary bodies are judged by their own parser
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item !== null && typeof item === 'object') stack.push([item, child(path, i)]);
        else check(item, () => child(path, i));
      }
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      check(k, () => `${path || 'body'} key ${JSON.stringify(k.replaceAll('\u0000', '\\0'))}`);
      if (item !== null && typeof item === 'object') stack.push([item, child(path, k)]);
      else check(item, () => child(path, k));
    }
  }
}

export function installInputGuard(app: FastifyInstance): void {
  // preHandler: after ajv's coercion, which is where "Infinity" becomes a number.
  app.addHook('preHandler', async (req) => {
    guardValue(req.params, 'params');
    guardValue(req.query, 'querystring');
    guardValue(req.body, 'body');
  });
}

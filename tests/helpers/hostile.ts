/**
 * fast-check arbitraries of hostile HTTP requests: odd path parameters and query strings,
 * malformed, deep, huge and badly encoded bodies, wrong content types. Bodies are shaped by the
 * route's OpenAPI schema (its property names, with hostile values) often enough to get past
 * `additionalProperties: false` and reach the services.
 *
 * This file composes a request (path parameters, query string, headers); the bodies are in
 * hostile-bodies.ts and the hostile values themselves in hostile-values.ts.
 */
import fc from 'fast-check';
import { bodyArbitrary, CONTENT_TYPES } from './hostile-bodies.js';
import { hostileNumber, hostileString, pct } from './hostile-values.js';
import { shaped, type RouteShape } from './schema-arbitrary.js';

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  kind: string;
}

const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%00',
  '..',
  '..%2f..',
  '%2e%2e',
  '1;drop',
  '0x10',
  '1.0',
  '+1',
  '%201',
  '1e2',
  '-0',
];

function paramArbitrary(ids: number[]) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids.map(String)) },
    { weight: 2, arbitrary: hostileString.map((s) => pct(s.slice(0, 200)) || 'x') },
    { weight: 1, arbitrary: hostileNumber(ids).map((n) => pct(String(n))) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

function queryArbitrary(route: RouteShape, ids: number[]) {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...route.queryProps, 'limit', 'cursor', 'from', 'to') },
    { weight: 1, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.constantFrom('a[b]', '__proto__', 'constructor[prototype]', '') },
  );
  const value = fc.oneof(hostileString, hostileNumber(ids).map(String));
  const names = Object.keys(route.querySchemas);
  const bySchema = fc
    .record(Object.fromEntries(names.map((n) => [n, shaped(route.querySchemas[n]!, ids)])), {
      requiredKeys: [],
    })
    .map((q) => {
      const parts = Object.entries(q).map(
        ([k, v]) => `${pct(k)}=${pct(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`,
      );
      return parts.length ? `?${parts.join('&')}` : '';
    });
  return fc.oneof(
    fc.constant(''),
    { weight: names.length ? 3 : 0, arbitrary: bySchema },
    fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 5 }).map((pairs) =>
      pairs.length === 0
        ? ''
        : '?' +
          pairs
            // Sometimes unencoded, as a careless or malicious client would send it.
            .map(([k, v, raw]) => (raw ? `${k}=${v}` : `${pct(k)}=${pct(v)}`))
            .join('&'),
    ),
    fc.constantFrom(
      '?',
      '?&&',
      '?=',
      '?limit',
      '?limit=1&limit=2',
      '?%zz=1',
      '?a=%',
      `?cursor=${'A'.repeat(3000)}`,
    ),
  );
}

const ACCEPTS = ['application/json', 'application/octet-stream', '*/*', 'text/html', 'image/*;q=0', 'x'];

export function hostileRequest(
  route: RouteShape,
  ids: number[],
  limits: { bodyLimit: number; maxItems: number },
): fc.Arbitrary<HostileRequest> {
  const segments = route.url.split('/');
  const params = segments.filter((s) => s.startsWith(':') || s === '*');
  const hasBody = !['GET', 'DELETE', 'HEAD', 'OPTIONS'].includes(route.method);
  return fc
    .record({
      params: fc.array(paramArbitrary(ids), { minLength: params.length, maxLength: params.length }),
      query: queryArbitrary(route, ids),
      body: hasBody
        ? bodyArbitrary(route, ids, limits.bodyLimit, limits.maxItems)
        : fc.oneof(
            fc.constant({ kind: 'none', body: undefined as string | Buffer | undefined }),
            fc.constant({ kind: 'body-on-read', body: '{"a":1}' as string | Buffer | undefined }),
          ),
      contentType: fc.oneof(
        { weight: 4, arbitrary: fc.constant('application/json') },
        { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
      accept: fc.option(fc.constantFrom(...ACCEPTS)),
      ifNoneMatch: fc.option(fc.constantFrom('"abc"', '*', 'W/"x"', '"' + 'e'.repeat(300) + '"')),
      captureTs: fc.option(hostileString),
    })
    .map((r) => {
      let i = 0;
      const path = segments.map((s) => (s.startsWith(':') || s === '*' ? r.params[i++]! : s)).join('/');
      const headers: Record<string, string> = {};
      if (r.body.body !== undefined && r.contentType !== '') headers['content-type'] = r.contentType;
      if (r.accept) headers.accept = r.accept;
      if (r.ifNoneMatch) headers['if-none-match'] = r.ifNoneMatch;
      if (r.captureTs) headers['x-capture-ts'] = pct(r.captureTs);
      return { method: route.method, url: path + r.query, headers, payload: r.body.body, kind: r.body.kind };
    });
}

/**
 * fast-check arbitraries of hostile HTTP requests: odd path parameters and query strings,
 * malformed, deep, huge and badly encoded bodies, wrong content types. Bodies are shaped by the
 * route's OpenAPI schema (its property names, with hostile values) often enough to get past
 * `additionalProperties: false` and reach the services.
 */
import fc from 'fast-check';
import { shaped, type JsonSchema } from './schema-arbitrary.js';

export interface RouteShape {
  method: string;
  url: string;
  bodyProps: string[];
  queryProps: string[];
  bodySchema: JsonSchema | undefined;
  querySchemas: Record<string, JsonSchema>;
}

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  kind: string;
}

const STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  '💥🔥',
  'é'.normalize('NFD'),
  '../../etc/passwd',
  "'; drop table assets; --",
  '" or 1=1 --',
  '%00',
  '%',
  '1e309',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1.5',
  '9'.repeat(40),
  'x'.repeat(5000),
  '2024-02-30T00:00:00Z',
  '2024-05-01T12:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '1714564800000',
  'null',
  'true',
  '<script>alert(1)</script>',
  '${7*7}',
  '__proto__',
  'constructor',
  'admin',
  'vibration',
  'pump',
];

export const hostileString = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

export function hostileNumber(ids: number[]) {
  return fc.oneof(
    fc.constantFrom(0, -0, -1, 1, 2, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 2 ** 63, 1e21, 1e308, -1e308, 5e-324),
    fc.constantFrom(0.5, Number.MAX_SAFE_INTEGER, ...ids),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
}

export function hostileValue(ids: number[]): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    hostileString,
    hostileNumber(ids),
    fc.boolean(),
    fc.constant(null),
    fc.constant({}),
    fc.constant([]),
  );
  return fc.oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 8 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileString, leaf, { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;;;',
  'text/plain',
  'text/html',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/octet-stream; charset=utf-8',
  'image/png',
  '*/*',
  'garbage',
  '',
];

const MALFORMED_JSON = [
  '{',
  '}',
  '{"a":}',
  '{"a":1,}',
  '[1,2,',
  "{'a':1}",
  '{"a":1}{"b":2}',
  'undefined',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1e999999}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":"\\u0000"}',
  '{"a":"\\ud800"}',
  '{"a":"\\x41"}',
  '\ufeff{}',
  '  ',
  'null',
  '0',
  '"string"',
  'true',
  '[]',
];

const BAD_UTF8 = [
  [0xff, 0xfe, 0xfd],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0x00],
];

/** Bodies built once: deep nesting and huge arrays cost more to make than to send. */
function bigBodies(bodyLimit: number, maxItems: number, props: string[]): string[] {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const arr = (n: number, item: string) => `[${Array(n).fill(item).join(',')}]`;
  const out = [
    deep(5_000),
    deep(100_000),
    deepObj(20_000),
    arr(maxItems + 1, '0'),
    'x'.repeat(bodyLimit + 1),
    `{"a":"${'y'.repeat(bodyLimit)}"}`,
  ];
  for (const p of props.slice(0, 3)) {
    out.push(`{"${p}":${arr(maxItems + 1, '{"ts":"2024-05-01T12:00:00Z","value":1}')}}`);
    out.push(`{"${p}":${arr(maxItems + 1, '1.5')}}`);
    out.push(`{"${p}":${deep(10_000)}}`);
  }
  return out;
}

function bodyArbitrary(route: RouteShape, ids: number[], bodyLimit: number, maxItems: number) {
  const value = hostileValue(ids);
  const named =
    route.bodyProps.length === 0
      ? fc.dictionary(hostileString, value, { maxKeys: 4 })
      : fc
          .tuple(
            fc.subarray(route.bodyProps),
            fc.array(value, { minLength: route.bodyProps.length, maxLength: route.bodyProps.length }),
            fc.option(fc.tuple(hostileString, value), { freq: 4 }),
          )
          .map(([keys, vals, extra]) => {
            const o: Record<string, unknown> = {};
            keys.forEach((k, i) => (o[k] = vals[i]));
            if (extra) o[extra[0]] = extra[1];
            return o;
          });
  const bySchema = route.bodySchema
    ? shaped(route.bodySchema, ids).map((o) => ({ kind: 'schema', body: JSON.stringify(o) ?? '' }))
    : fc.constant({ kind: 'none', body: undefined });
  return fc.oneof(
    { weight: route.bodySchema ? 8 : 0, arbitrary: bySchema },
    { weight: 4, arbitrary: named.map((o) => ({ kind: 'shaped', body: JSON.stringify(o) })) },
    {
      weight: 2,
      arbitrary: fc.jsonValue().map((v) => ({ kind: 'random-json', body: JSON.stringify(v) ?? '' })),
    },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((body) => ({ kind: 'malformed', body })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...bigBodies(bodyLimit, maxItems, route.bodyProps))
        .map((body) => ({ kind: 'big', body })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...BAD_UTF8), fc.constantFrom(...route.bodyProps, 'name'))
        .map(([bytes, key]) => ({
          kind: 'bad-utf8',
          body: Buffer.concat([Buffer.from(`{"${key}":"`), Buffer.from(bytes), Buffer.from('"}')]),
        })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ kind: 'bytes', body: Buffer.from(b) })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none', body: undefined }) },
  );
}

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as on the wire). */
function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
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

/**
 * fast-check arbitraries of hostile request bodies: shaped by the route's OpenAPI schema (its
 * property names, with hostile values) often enough to get past `additionalProperties: false`,
 * or malformed, deep, huge, badly encoded; and the content types to send them with.
 */
import fc from 'fast-check';
import { hostileString, hostileValue } from './hostile-values.js';
import { shaped, type RouteShape } from './schema-arbitrary.js';

export const CONTENT_TYPES = [
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

export function bodyArbitrary(route: RouteShape, ids: number[], bodyLimit: number, maxItems: number) {
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

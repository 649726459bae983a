/**
 * fast-check arbitraries of hostile scalar and JSON values (odd strings, extreme numbers,
 * small nested values) and the percent-encoding used to put them in a URL. Shared by the
 * request generator (hostile.ts) and the schema-shaped bodies (schema-arbitrary.ts).
 */
import fc from 'fast-check';

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

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as on the wire). */
export function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

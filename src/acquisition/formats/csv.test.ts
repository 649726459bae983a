import { describe, expect, it } from 'vitest';
import {
  decodeText,
  indexHeader,
  numberedLines,
  parseFlagField,
  parseIntegerField,
  parseNumberField,
  splitFields,
} from './csv.js';
import { FormatError } from './format-error.js';

describe('csv helpers', () => {
  it('splits LF, CRLF and CR lines, keeping line numbers and skipping blank lines', () => {
    expect(numberedLines('a\r\nb  \n\n c\rd\r\n\r\n')).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 4, text: ' c' },
      { line: 5, text: 'd' },
    ]);
    expect(numberedLines('')).toEqual([]);
  });

  it('drops a BOM from strings and bytes and rejects invalid UTF-8', () => {
    expect(decodeText('\uFEFFx')).toBe('x');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
    expect(() => decodeText(new Uint8Array([0xc3, 0x28]), 'x.csv')).toThrow(/^x\.csv: not valid UTF-8/);
  });

  it('splits quoted fields', () => {
    expect(splitFields('a, b ,c', ',')).toEqual(['a', 'b', 'c']);
    expect(splitFields('"a,1", "say ""hi""" ,,x', ',')).toEqual(['a,1', 'say "hi"', '', 'x']);
    expect(splitFields('"a";"b"', ';')).toEqual(['a', 'b']);
    expect(splitFields('x,""', ',')).toEqual(['x', '']);
    expect(() => splitFields('a,"b', ',', { file: 'f', line: 3 })).toThrow(
      /^f line 3, column 2: unterminated quoted field/,
    );
    expect(() => splitFields('"a"b,c', ',', { line: 1 })).toThrow(FormatError);
  });

  it('parses numbers strictly', () => {
    for (const [s, v] of [
      ['1', 1],
      ['-0.5', -0.5],
      ['.5', 0.5],
      ['5.', 5],
      ['1.1879e+05', 118_790],
      ['+2E-3', 0.002],
    ] as const) {
      expect(parseNumberField(s, {})).toBe(v);
    }
    for (const bad of ['', ' ', '1e', 'abc', '1,5', 'Infinity', 'NaN', '0x10', '1 2', '--1']) {
      expect(() => parseNumberField(bad, { line: 1 }), bad).toThrow(FormatError);
    }
    expect(parseIntegerField('09', {})).toBe(9);
    expect(() => parseIntegerField('1.5', {})).toThrow(/expected an integer/);
    expect(parseFlagField('1', {})).toBe(true);
    expect(() => parseFlagField('yes', {})).toThrow(/expected 0 or 1/);
  });

  it('indexes headers by name, case-insensitively', () => {
    const col = indexHeader([' A ', 'b', 'C'], ['a', 'c'], ['d'], {});
    expect(col).toEqual({ a: 0, c: 2, d: undefined });
    expect(() => indexHeader(['a', 'A'], ['a'], [], { line: 1 })).toThrow(
      /line 1, column 2: duplicate column "A"/,
    );
    expect(() => indexHeader(['a'], ['a', 'x', 'y'], [], {})).toThrow(/missing required columns "x", "y"/);
  });
});

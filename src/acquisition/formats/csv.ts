import { FormatError, type FormatErrorLocation } from './format-error.js';

/** Text input of the delimited-text parsers: a string, or raw bytes (UTF-8, with or without BOM). */
export type TextInput = string | Uint8Array;

/** One non-blank line of a text file with its 1-based line number (blank lines are skipped). */
export interface NumberedLine {
  line: number;
  text: string;
}

const BOM = '\uFEFF';

/** Decodes UTF-8 bytes strictly (an invalid byte is a format error, not a silent U+FFFD) and drops a BOM. */
export function decodeText(input: TextInput, file?: string): string {
  if (typeof input === 'string') return input.startsWith(BOM) ? input.slice(1) : input;
  try {
    // TextDecoder drops a leading BOM by default.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new FormatError('not valid UTF-8 text', { file });
  }
}

/**
 * Splits text into lines on LF, CRLF or CR, strips trailing whitespace and skips blank lines
 * (a trailing newline, or an editor's empty last line, must not become a record).
 */
export function numberedLines(input: TextInput, file?: string): NumberedLine[] {
  const text = decodeText(input, file);
  const raw = text.split(/\r\n|\n|\r/);
  const out: NumberedLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const trimmed = (raw[i] as string).trimEnd();
    if (trimmed.trim() !== '') out.push({ line: i + 1, text: trimmed });
  }
  return out;
}

/**
 * Splits one delimited line into fields. Double-quoted fields may contain the separator and
 * doubled quotes (RFC 4180); unquoted fields are trimmed of surrounding spaces.
 */
export function splitFields(text: string, separator: string, location: FormatErrorLocation = {}): string[] {
  if (!text.includes('"')) return text.split(separator).map((f) => f.trim());
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          throw new FormatError('unterminated quoted field', { ...location, column: fields.length + 1 });
        }
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      while (text[j] === ' ' || text[j] === '\t') j++;
      fields.push(value);
      if (j >= text.length) return fields;
      if (!text.startsWith(separator, j)) {
        throw new FormatError(`unexpected character after quoted field: "${text[j]}"`, {
          ...location,
          column: fields.length,
        });
      }
      i = j + separator.length;
    } else {
      const next = text.indexOf(separator, i);
      if (next < 0) {
        fields.push(text.slice(i).trim());
        return fields;
      }
      fields.push(text.slice(i, next).trim());
      i = next + separator.length;
    }
  }
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a decimal number strictly: `Number('')` is 0 and `parseFloat('1x')` is 1, both wrong here. */
export function parseNumberField(value: string, location: FormatErrorLocation): number {
  if (!NUMBER_RE.test(value)) {
    throw new FormatError(`expected a number, got ${JSON.stringify(value)}`, location);
  }
  return Number(value);
}

export function parseIntegerField(value: string, location: FormatErrorLocation): number {
  const n = parseNumberField(value, location);
  if (!Number.isSafeInteger(n)) {
    throw new FormatError(`expected an integer, got ${JSON.stringify(value)}`, location);
  }
  return n;
}

/** Parses a 0/1 flag column. */
export function parseFlagField(value: string, location: FormatErrorLocation): boolean {
  if (value === '0') return false;
  if (value === '1') return true;
  throw new FormatError(`expected 0 or 1, got ${JSON.stringify(value)}`, location);
}

function normaliseHeader(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Maps header names to column indexes (case-insensitive, trimmed). Every name in `required` must
 * be present; names in `optional` may be absent (index `undefined`). Extra columns are ignored.
 */
export function indexHeader<R extends string, O extends string = never>(
  header: readonly string[],
  required: readonly R[],
  optional: readonly O[],
  location: FormatErrorLocation,
): Record<R, number> & Record<O, number | undefined> {
  const positions = new Map<string, number>();
  header.forEach((name, i) => {
    const key = normaliseHeader(name);
    if (key === '') return;
    if (positions.has(key)) {
      throw new FormatError(`duplicate column ${JSON.stringify(name)}`, { ...location, column: i + 1 });
    }
    positions.set(key, i);
  });
  const missing = required.filter((name) => !positions.has(normaliseHeader(name)));
  if (missing.length > 0) {
    throw new FormatError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')}` +
        ` (header has ${header.map((h) => JSON.stringify(h)).join(', ')})`,
      { ...location, field: missing[0] },
    );
  }
  const out: Record<string, number | undefined> = {};
  for (const name of [...required, ...optional]) out[name] = positions.get(normaliseHeader(name));
  return out as Record<R, number> & Record<O, number | undefined>;
}

/** Where in an input a format problem was found. All parts are optional; give as many as are known. */
export interface FormatErrorLocation {
  /** File name (or another label of the input) as the caller knows it. */
  file?: string;
  /** 1-based line number in a text file. */
  line?: number;
  /** 1-based column (field) number in a delimited text file. */
  column?: number;
  /** Column header, variable name or record field the problem concerns. */
  field?: string;
  /** Byte offset in a binary file. */
  byteOffset?: number;
}

/**
 * Thrown by every parser in `src/acquisition/formats/` on malformed input, so that callers never
 * receive half-parsed garbage. The message always starts with the location, for example
 * `Bearing2_7/acc_00001.csv line 12, column 5: expected a number, got "abc"`, so that an operator
 * can open the file at the right place. Services translate it into an `AppError` (422).
 */
export class FormatError extends Error {
  readonly code = 'FORMAT_ERROR';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  readonly byteOffset: number | undefined;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(reason: string, location: FormatErrorLocation = {}) {
    super(`${describeLocation(location)}: ${reason}`);
    this.name = 'FormatError';
    this.reason = reason;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.field = location.field;
    this.byteOffset = location.byteOffset;
  }
}

function describeLocation(location: FormatErrorLocation): string {
  const parts: string[] = [];
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.column !== undefined) parts.push(`column ${location.column}`);
  if (location.byteOffset !== undefined) parts.push(`byte offset ${location.byteOffset}`);
  if (location.field !== undefined) parts.push(`field "${location.field}"`);
  const file = location.file ?? '<input>';
  return parts.length === 0 ? file : `${file} ${parts.join(', ')}`;
}

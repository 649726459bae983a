import { FormatError } from './format-error.js';

/**
 * MATLAB level-5 MAT-file reader (the format of `save -v6` / `-v7`, and of the CWRU bearing
 * files). Pure: bytes in, variables out. Compressed (v7) variables need a `decompress` function
 * (zlib inflate), which `files.ts` supplies from node:zlib. Only numeric arrays become variables;
 * cells, structs, chars, sparse and objects are listed in `skipped`. Both byte orders are read.
 */

type Mat5Endian = 'little' | 'big';

type Mat5NumericClass =
  'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

interface Mat5Header {
  /** The 116-byte descriptive text, trailing spaces and NULs removed. */
  text: string;
  version: number;
  endian: Mat5Endian;
}

export interface Mat5Variable {
  name: string;
  /** MATLAB dimensions, e.g. `[122571, 1]` for a column vector. */
  dims: number[];
  className: Mat5NumericClass;
  /** Real part in MATLAB's column-major order, whatever the stored type. */
  data: Float64Array;
  /** Imaginary part, only for complex arrays. */
  imag?: Float64Array;
  logical: boolean;
  global: boolean;
}

interface Mat5Skipped {
  name: string;
  className: string;
  byteOffset: number;
}

export interface Mat5File {
  header: Mat5Header;
  variables: Mat5Variable[];
  skipped: Mat5Skipped[];
}

export interface Mat5Options {
  /** Named in error messages. */
  file?: string;
  /** zlib inflate, for miCOMPRESSED elements; without it a compressed variable is a FormatError. */
  decompress?: (data: Uint8Array) => Uint8Array;
}

const MAT5_HEADER_BYTES = 128;

const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

type Getter = (v: DataView, p: number, le: boolean) => number;

/** Element width and reader per numeric data type. */
const NUMERIC_TYPES: Record<number, [width: number, get: Getter]> = {
  [MI_INT8]: [1, (v, p) => v.getInt8(p)],
  [MI_UINT8]: [1, (v, p) => v.getUint8(p)],
  [MI_INT16]: [2, (v, p, le) => v.getInt16(p, le)],
  [MI_UINT16]: [2, (v, p, le) => v.getUint16(p, le)],
  [MI_INT32]: [4, (v, p, le) => v.getInt32(p, le)],
  [MI_UINT32]: [4, (v, p, le) => v.getUint32(p, le)],
  [MI_SINGLE]: [4, (v, p, le) => v.getFloat32(p, le)],
  [MI_DOUBLE]: [8, (v, p, le) => v.getFloat64(p, le)],
  // 64-bit integers beyond 2^53 lose precision; sensor data never gets there.
  [MI_INT64]: [8, (v, p, le) => Number(v.getBigInt64(p, le))],
  [MI_UINT64]: [8, (v, p, le) => Number(v.getBigUint64(p, le))],
};

const CLASS_NAMES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function',
  17: 'opaque',
};

const FLAG_COMPLEX = 0x08;
const FLAG_GLOBAL = 0x04;
const FLAG_LOGICAL = 0x02;

interface Element {
  type: number;
  /** Start and end of the element's data in the buffer. */
  start: number;
  end: number;
  /** Offset of the next element. */
  next: number;
}

/** Reads tags and data of one buffer (the file, or one inflated miCOMPRESSED element). */
class Reader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly fail: (reason: string, offset: number, field?: string) => never,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, this.le);
  }

  element(offset: number, limit: number, what: string, variable?: string): Element {
    if (offset + 8 > limit) this.fail(`truncated: no room for the tag of ${what}`, offset, variable);
    const first = this.u32(offset);
    if (first >>> 16 !== 0) {
      // Small data element: up to 4 bytes packed into the tag itself.
      const size = first >>> 16;
      if (size > 4) this.fail(`small data element claims ${size} bytes`, offset, variable);
      return { type: first & 0xffff, start: offset + 4, end: offset + 4 + size, next: offset + 8 };
    }
    const size = this.u32(offset + 4);
    const start = offset + 8;
    if (start + size > limit) {
      this.fail(`truncated: ${what} needs ${size} bytes, ${limit - start} left`, offset, variable);
    }
    return { type: first, start, end: start + size, next: start + size + ((8 - (size % 8)) % 8) };
  }

  /** Converts a numeric data element of any stored type to doubles. */
  numbers(el: Element, offset: number, variable?: string): Float64Array {
    const numeric = NUMERIC_TYPES[el.type];
    if (numeric === undefined) this.fail(`unsupported numeric data type ${el.type}`, offset, variable);
    const [width, get] = numeric;
    const length = el.end - el.start;
    if (length % width !== 0) this.fail(`${length} bytes is not a whole number of values`, offset, variable);
    const n = length / width;
    if (el.type === MI_DOUBLE && this.le && littleEndianHost) {
      // Copy rather than view: the caller's buffer may be reused and offsets need not be aligned.
      const abs = this.bytes.byteOffset + el.start;
      return new Float64Array(this.bytes.buffer.slice(abs, abs + length));
    }
    const out = new Float64Array(n);
    for (let i = 0, p = el.start; i < n; i++, p += width) out[i] = get(this.view, p, this.le);
    return out;
  }
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function parseMat5Header(bytes: Uint8Array, file?: string): Mat5Header {
  if (bytes.length < MAT5_HEADER_BYTES) {
    throw new FormatError(`truncated: ${bytes.length} bytes, shorter than the 128-byte MAT header`, {
      file,
      byteOffset: bytes.length,
    });
  }
  const text = latin1(bytes.subarray(0, 116)).replace(/[\s\0]+$/, '');
  const indicator = String.fromCharCode(bytes[126] as number, bytes[127] as number);
  let endian: Mat5Endian;
  if (indicator === 'IM') endian = 'little';
  else if (indicator === 'MI') endian = 'big';
  else {
    throw new FormatError(
      `not a level-5 MAT file: endian indicator ${JSON.stringify(indicator)}, expected "IM" or "MI"` +
        (text.startsWith('MATLAB') ? '' : ' (MAT v4 files have no text header)'),
      { file, byteOffset: 126 },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, endian === 'little');
  if (version === 0x0200) {
    throw new FormatError('MAT v7.3 (HDF5) files are not supported; save with -v7 or -v6', {
      file,
      byteOffset: 124,
    });
  }
  if (version !== 0x0100) {
    throw new FormatError(`unknown MAT version 0x${version.toString(16)}`, { file, byteOffset: 124 });
  }
  return { text, version, endian };
}

export function parseMat5(bytes: Uint8Array, options: Mat5Options = {}): Mat5File {
  const { file } = options;
  const header = parseMat5Header(bytes, file);
  const le = header.endian === 'little';
  const fail =
    (base: number) =>
    (reason: string, offset: number, field?: string): never => {
      throw new FormatError(reason, { file, byteOffset: base + offset, field });
    };
  const reader = new Reader(bytes, le, fail(0));
  const variables: Mat5Variable[] = [];
  const skipped: Mat5Skipped[] = [];
  let offset = MAT5_HEADER_BYTES;
  while (offset < bytes.length) {
    // Some writers pad the file end with zeros.
    if (bytes.length - offset < 8 && bytes.subarray(offset).every((b) => b === 0)) break;
    const el = reader.element(offset, bytes.length, 'data element');
    if (el.type === MI_MATRIX) {
      readMatrix(reader, el, offset, variables, skipped);
      offset = el.next;
    } else if (el.type === MI_COMPRESSED) {
      if (!options.decompress) {
        throw new FormatError('compressed variable (miCOMPRESSED) and no decompress function given', {
          file,
          byteOffset: offset,
        });
      }
      let inflated: Uint8Array;
      try {
        inflated = options.decompress(bytes.subarray(el.start, el.end));
      } catch (err) {
        throw new FormatError(`cannot decompress: ${(err as Error).message}`, { file, byteOffset: offset });
      }
      // Offsets inside the inflated stream are reported relative to the compressed element.
      const inner = new Reader(inflated, le, fail(offset));
      const innerEl = inner.element(0, inflated.length, 'compressed data element');
      if (innerEl.type !== MI_MATRIX) {
        fail(offset)(`compressed element holds type ${innerEl.type}, expected miMATRIX`, 0);
      }
      readMatrix(inner, innerEl, 0, variables, skipped);
      // Compressed elements are not padded to 8 bytes.
      offset = el.end;
    } else {
      fail(0)(`unexpected top-level data type ${el.type}, expected miMATRIX or miCOMPRESSED`, offset);
    }
  }
  return { header, variables, skipped };
}

function readMatrix(
  r: Reader,
  el: Element,
  offset: number,
  variables: Mat5Variable[],
  skipped: Mat5Skipped[],
): void {
  if (el.end === el.start) return; // an empty placeholder matrix
  const flagsEl = r.element(el.start, el.end, 'array flags');
  if (flagsEl.type !== MI_UINT32 || flagsEl.end - flagsEl.start !== 8) {
    r.fail('array flags must be 8 bytes of miUINT32', el.start);
  }
  const flags = r.u32(flagsEl.start);
  const classId = flags & 0xff;
  const className = CLASS_NAMES[classId] ?? `class ${classId}`;
  if (classId === 17) {
    // Opaque objects (strings, tables, ...) have no dimensions: name comes right after the flags.
    const nameEl = r.element(flagsEl.next, el.end, 'array name');
    skipped.push({ name: latin1(r.bytes.subarray(nameEl.start, nameEl.end)), className, byteOffset: offset });
    return;
  }
  const dimsEl = r.element(flagsEl.next, el.end, 'dimensions');
  if (dimsEl.type !== MI_INT32 || (dimsEl.end - dimsEl.start) % 4 !== 0 || dimsEl.end - dimsEl.start < 8) {
    r.fail('dimensions must be at least two miINT32 values', flagsEl.next);
  }
  const dims = Array.from(r.numbers(dimsEl, flagsEl.next));
  const nameEl = r.element(dimsEl.next, el.end, 'array name');
  if (nameEl.type !== MI_INT8 && nameEl.type !== MI_UINT8) {
    r.fail(`array name must be miINT8, got type ${nameEl.type}`, dimsEl.next);
  }
  const name = latin1(r.bytes.subarray(nameEl.start, nameEl.end));
  if (classId < 6 || classId > 15 || name === '') {
    skipped.push({ name, className, byteOffset: offset });
    return;
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const realEl = r.element(nameEl.next, el.end, `real part of ${name}`, name);
  const data = r.numbers(realEl, nameEl.next, name);
  if (data.length !== count) {
    r.fail(`${data.length} values, but dimensions ${dims.join('x')} need ${count}`, nameEl.next, name);
  }
  const variable: Mat5Variable = {
    name,
    dims,
    className: className as Mat5NumericClass,
    data,
    logical: (flags & (FLAG_LOGICAL << 8)) !== 0,
    global: (flags & (FLAG_GLOBAL << 8)) !== 0,
  };
  if ((flags & (FLAG_COMPLEX << 8)) !== 0) {
    const imagEl = r.element(realEl.next, el.end, `imaginary part of ${name}`, name);
    const imag = r.numbers(imagEl, realEl.next, name);
    if (imag.length !== count) {
      r.fail(`imaginary part has ${imag.length} values, expected ${count}`, realEl.next, name);
    }
    variable.imag = imag;
  }
  variables.push(variable);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
}

/** The variable called `name`, or a FormatError naming the variables that are there. */
export function getMat5Variable(mat: Mat5File, name: string, file?: string): Mat5Variable {
  const found = mat.variables.find((v) => v.name === name);
  if (!found) {
    const names = mat.variables.map((v) => v.name).join(', ') || 'none';
    throw new FormatError(`no numeric variable ${JSON.stringify(name)} (found: ${names})`, {
      file,
      field: name,
    });
  }
  return found;
}

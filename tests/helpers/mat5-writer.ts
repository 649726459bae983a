// A minimal MATLAB level-5 MAT-file writer, for tests and for deriving the committed CWRU sample.
// It writes what MATLAB writes for numeric arrays: a 128-byte header, one miMATRIX per variable,
// small data elements where the data fits in 4 bytes, and optionally miCOMPRESSED wrapping.

type MatNumericType = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';

export interface MatVariableSpec {
  name: string;
  data: ArrayLike<number>;
  /** Defaults to a column vector. */
  dims?: number[];
  /** MATLAB class; defaults to double. */
  className?: MatNumericType;
  /** Stored element type, when MATLAB saves e.g. a double array as uint8; defaults to the class. */
  storedAs?: MatNumericType;
  imag?: ArrayLike<number>;
  logical?: boolean;
  /** Class id written instead of the numeric class's (e.g. 4 = char), to test skipped classes. */
  rawClassId?: number;
}

export interface MatWriteOptions {
  endian?: 'little' | 'big';
  /** zlib deflate; when given, each variable is wrapped in an miCOMPRESSED element. */
  compress?: (data: Uint8Array) => Uint8Array;
  headerText?: string;
}

const MI: Record<MatNumericType, [type: number, width: number]> = {
  int8: [1, 1],
  uint8: [2, 1],
  int16: [3, 2],
  uint16: [4, 2],
  int32: [5, 4],
  uint32: [6, 4],
  single: [7, 4],
  double: [9, 8],
};

const CLASS_ID: Record<MatNumericType, number> = {
  double: 6,
  single: 7,
  int8: 8,
  uint8: 9,
  int16: 10,
  uint16: 11,
  int32: 12,
  uint32: 13,
};

class ByteSink {
  private chunks: Uint8Array[] = [];
  length = 0;
  constructor(readonly le: boolean) {}
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u32(value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, this.le);
    this.push(b);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}

function encode(values: ArrayLike<number>, type: MatNumericType, le: boolean): Uint8Array {
  const [, width] = MI[type];
  const out = new Uint8Array(values.length * width);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    const p = i * width;
    switch (type) {
      case 'int8':
        v.setInt8(p, x);
        break;
      case 'uint8':
        v.setUint8(p, x);
        break;
      case 'int16':
        v.setInt16(p, x, le);
        break;
      case 'uint16':
        v.setUint16(p, x, le);
        break;
      case 'int32':
        v.setInt32(p, x, le);
        break;
      case 'uint32':
        v.setUint32(p, x, le);
        break;
      case 'single':
        v.setFloat32(p, x, le);
        break;
      case 'double':
        v.setFloat64(p, x, le);
        break;
    }
  }
  return out;
}

function element(sink: ByteSink, type: number, data: Uint8Array): void {
  if (data.length <= 4 && data.length > 0) {
    sink.u32((data.length << 16) | type);
    const padded = new Uint8Array(4);
    padded.set(data);
    sink.push(padded);
    return;
  }
  sink.u32(type);
  sink.u32(data.length);
  sink.push(data);
  const pad = (8 - (data.length % 8)) % 8;
  if (pad > 0) sink.push(new Uint8Array(pad));
}

function matrix(spec: MatVariableSpec, le: boolean): Uint8Array {
  const className = spec.className ?? 'double';
  const storedAs = spec.storedAs ?? className;
  const dims = spec.dims ?? [spec.data.length, 1];
  const body = new ByteSink(le);
  let flags = spec.rawClassId ?? CLASS_ID[className];
  if (spec.imag) flags |= 0x08 << 8;
  if (spec.logical) flags |= 0x02 << 8;
  const flagBytes = new Uint8Array(8);
  new DataView(flagBytes.buffer).setUint32(0, flags, le);
  // Array flags always use the long tag form, as MATLAB does.
  body.u32(6);
  body.u32(8);
  body.push(flagBytes);
  body.u32(5);
  body.u32(dims.length * 4);
  body.push(encode(dims, 'int32', le));
  if (dims.length % 2 === 1) body.push(new Uint8Array(4));
  element(body, 1, new TextEncoder().encode(spec.name));
  element(body, MI[storedAs][0], encode(spec.data, storedAs, le));
  if (spec.imag) element(body, MI[storedAs][0], encode(spec.imag, storedAs, le));
  const out = new ByteSink(le);
  out.u32(14);
  out.u32(body.length);
  out.push(body.concat());
  return out.concat();
}

export function writeMat5(variables: MatVariableSpec[], options: MatWriteOptions = {}): Uint8Array {
  const le = (options.endian ?? 'little') === 'little';
  const sink = new ByteSink(le);
  const header = new Uint8Array(128).fill(0x20);
  const text = options.headerText ?? 'MATLAB 5.0 MAT-file, Platform: prognos test writer';
  header.set(new TextEncoder().encode(text.slice(0, 116)));
  header.fill(0, 116, 124);
  new DataView(header.buffer).setUint16(124, 0x0100, le);
  header.set(new TextEncoder().encode(le ? 'IM' : 'MI'), 126);
  sink.push(header);
  for (const spec of variables) {
    const m = matrix(spec, le);
    if (options.compress) {
      const z = options.compress(m);
      sink.u32(15);
      sink.u32(z.length);
      sink.push(z);
    } else {
      sink.push(m);
    }
  }
  return sink.concat();
}

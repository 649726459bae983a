import { createReadStream } from 'node:fs';
import { endianness } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { FeatureExtractor } from '../features/extract-features.js';
import { defineFeatureSet, type FeatureSet } from '../features/feature-set.js';
import type { BearingGeometry } from '../signal/bearing.js';
import { validateGeometry } from '../signal/bearing.js';
import { initSignal } from '../signal/fft.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE =
  'prognos features --input FILE|- --sample-rate HZ --window N [--dtype f32|f64] [--shaft-hz HZ] ' +
  '[--bearing "n_balls,ball_d,pitch_d,contact_deg"] [--format jsonl|csv]';

interface FeaturesOptions {
  input: string;
  sampleRate: number;
  window: number;
  dtype: 'f32' | 'f64';
  shaftHz: number | null;
  bearing: BearingGeometry | null;
  format: 'jsonl' | 'csv';
}

export interface FeaturesIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/**
 * `prognos features`: raw little-endian samples (one channel, acceleration in g) in, one row of
 * the default feature set per consecutive, non-overlapping window out. A trailing partial window
 * is dropped with a note on stderr. env_* are empty (CSV) / null (JSON) unless both --shaft-hz and
 * --bearing are given.
 */
export const featuresCommand: Command = {
  name: 'features',
  summary: 'Vibration features (statistics, spectrum, ISO velocity, envelope) per window of a raw signal',
  usage: USAGE,
  run: (args) => runFeatures(args, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }),
};

function parseFeaturesArgs(args: string[]): FeaturesOptions {
  const { values } = parseFlags({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      input: { type: 'string' },
      'sample-rate': { type: 'string' },
      window: { type: 'string' },
      dtype: { type: 'string', default: 'f32' },
      'shaft-hz': { type: 'string' },
      bearing: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
    },
  });
  if (values.input === undefined || values.input === '')
    throw new UsageError('--input is required (a file or -)');
  const sampleRate = positiveNumber(values['sample-rate'], '--sample-rate');
  const window = Number(values.window);
  if (values.window === undefined || !Number.isInteger(window) || window < 16) {
    throw new UsageError(`--window must be an integer ≥ 16, got ${values.window ?? 'nothing'}`);
  }
  if (values.dtype !== 'f32' && values.dtype !== 'f64') throw new UsageError(`--dtype must be f32 or f64`);
  if (values.format !== 'jsonl' && values.format !== 'csv')
    throw new UsageError(`--format must be jsonl or csv`);
  const shaftHz = values['shaft-hz'] === undefined ? null : positiveNumber(values['shaft-hz'], '--shaft-hz');
  return {
    input: values.input,
    sampleRate,
    window,
    dtype: values.dtype,
    shaftHz,
    bearing: values.bearing === undefined ? null : parseBearing(values.bearing),
    format: values.format,
  };
}

function positiveNumber(raw: string | undefined, flag: string): number {
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v) || v <= 0) {
    throw new UsageError(`${flag} must be a number > 0, got ${raw ?? 'nothing'}`);
  }
  return v;
}

function parseBearing(raw: string): BearingGeometry {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v))) {
    throw new UsageError(`--bearing must be "n_balls,ball_d,pitch_d,contact_deg", got "${raw}"`);
  }
  const [nBalls, ballDiameter, pitchDiameter, contactAngleDeg] = parts as [number, number, number, number];
  const g = { nBalls, ballDiameter, pitchDiameter, contactAngleDeg };
  try {
    validateGeometry(g);
  } catch (err) {
    throw new UsageError(`--bearing: ${(err as Error).message}`);
  }
  return g;
}

export async function runFeatures(args: string[], io: FeaturesIo): Promise<number> {
  const opts = parseFeaturesArgs(args);
  let set: FeatureSet;
  try {
    set = defineFeatureSet({ sampleRate: opts.sampleRate, windowLength: opts.window });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await initSignal();
  const extractor = new FeatureExtractor(set);
  const bytesPerSample = opts.dtype === 'f32' ? 4 : 8;
  const windowBytes = opts.window * bytesPerSample;
  const pending = new Uint8Array(windowBytes);
  const samples = new Float64Array(opts.window);
  const values = new Float64Array(set.featureNames.length);
  const view = new DataView(pending.buffer);
  const littleEndianHost = endianness() === 'LE';
  const typed = opts.dtype === 'f32' ? new Float32Array(pending.buffer) : new Float64Array(pending.buffer);
  const context = { shaftHz: opts.shaftHz, bearing: opts.bearing };
  const out = new OutputBuffer(io.stdout);
  let filled = 0;
  let index = 0;

  if (opts.format === 'csv') out.push(`window,start_s,${set.featureNames.join(',')}\n`);
  const emit = async (): Promise<void> => {
    if (littleEndianHost) samples.set(typed);
    else {
      for (let i = 0; i < opts.window; i++) {
        samples[i] = bytesPerSample === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
      }
    }
    extractor.extract(samples, context, values);
    const start = (index * opts.window) / opts.sampleRate;
    if (opts.format === 'csv') {
      let line = `${index},${start}`;
      for (let i = 0; i < values.length; i++) line += Number.isFinite(values[i]) ? `,${values[i]}` : ',';
      out.push(`${line}\n`);
    } else {
      const row: Record<string, number | null> = { window: index, start_s: start };
      set.featureNames.forEach((name, i) => (row[name] = Number.isFinite(values[i]) ? values[i]! : null));
      out.push(`${JSON.stringify(row)}\n`);
    }
    index++;
    await out.maybeFlush();
  };

  const source: Readable = opts.input === '-' ? io.stdin : createReadStream(opts.input);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(windowBytes - filled, chunk.length - offset);
        pending.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === windowBytes) {
          await emit();
          filled = 0;
        }
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES') {
      throw new UsageError(`--input ${opts.input}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    throw err;
  }
  await out.flush();
  if (filled > 0) {
    const note = `prognos features: dropped a trailing partial window (${filled} bytes)`;
    io.stderr.write(`${note}; ${index} window(s) written\n`);
  }
  return 0;
}

/** Batches rows into ~64 kB writes and honours backpressure. */
class OutputBuffer {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly stream: Writable) {}
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }
  async maybeFlush(): Promise<void> {
    if (this.size >= 65_536) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(data)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

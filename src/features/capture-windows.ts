import { endianness } from 'node:os';

/**
 * Turns a stored capture into consecutive, non-overlapping windows of the feature set's length.
 * Samples are little-endian float32 (captures.samples); a trailing partial window is dropped.
 * Window times are derived from the capture start and the sample rate, rounded to the
 * millisecond the same way on every run, so a re-run hits the same (sensor, set, window_start).
 */
export interface CaptureWindow {
  index: number;
  start: Date;
  end: Date;
  samples: Float32Array;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** float32 LE bytes → Float32Array (a view when aligned on a little-endian host, else a copy). */
export function decodeFloat32(bytes: Uint8Array, nSamples: number): Float32Array | undefined {
  if (bytes.byteLength !== nSamples * 4) return undefined;
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    return new Float32Array(bytes.buffer, bytes.byteOffset, nSamples);
  }
  if (LITTLE_ENDIAN) return new Float32Array(bytes.slice().buffer, 0, nSamples);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(nSamples);
  for (let i = 0; i < nSamples; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

function windowCount(nSamples: number, windowLength: number): number {
  return Math.floor(nSamples / windowLength);
}

export function* captureWindows(
  captureStart: Date,
  sampleRate: number,
  samples: Float32Array,
  windowLength: number,
): Generator<CaptureWindow> {
  const t0 = captureStart.getTime();
  const msPerWindow = (windowLength * 1000) / sampleRate;
  const n = windowCount(samples.length, windowLength);
  for (let k = 0; k < n; k++) {
    yield {
      index: k,
      start: new Date(t0 + Math.round(k * msPerWindow)),
      end: new Date(t0 + Math.round((k + 1) * msPerWindow)),
      samples: samples.subarray(k * windowLength, (k + 1) * windowLength),
    };
  }
}

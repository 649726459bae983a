// Rows and small helpers of bench/ingest.bench.ts: every method writes the same readings.

export interface BenchSetup {
  url: string;
  sensors: number;
  rowsPerSensor: number;
  /** Rows per transaction (one imported "file"). */
  chunk: number;
  /** Rows per INSERT statement of the bulk writer. */
  batch: number;
  /** Readings per HTTP request. */
  httpBatch: number;
  connections: number;
}

/** 2000-01-01T00:00:00Z: rows at 1 Hz from here. */
export const BENCH_BASE_SEC = 946_684_800;

export interface SensorSeries {
  /** Epoch seconds. */
  secs: Float64Array;
  values: Float64Array;
}

const cache = new Map<string, SensorSeries[]>();

/** The readings of sensor k (0-based): 1 Hz timestamps, a slow sine plus a little noise. */
export function series(setup: BenchSetup): SensorSeries[] {
  const key = `${setup.sensors}x${setup.rowsPerSensor}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = Array.from({ length: setup.sensors }, (_, k) => {
    const secs = new Float64Array(setup.rowsPerSensor);
    const values = new Float64Array(setup.rowsPerSensor);
    for (let t = 0; t < setup.rowsPerSensor; t++) {
      secs[t] = BENCH_BASE_SEC + t;
      values[t] = Math.round((20 + 5 * Math.sin(t / 600 + k) + ((t * 7919) % 101) / 1000) * 1000) / 1000;
    }
    return { secs, values };
  });
  cache.set(key, out);
  return out;
}

/** A run of one sensor's rows inside a transaction. */
export interface Segment {
  sensor: number;
  from: number;
  to: number;
}

/** Transactions of `chunk` rows over the sensors' series in order (sensor-major). */
export function transactions(setup: BenchSetup): Segment[][] {
  const out: Segment[][] = [];
  let current: Segment[] = [];
  let room = setup.chunk;
  for (let sensor = 0; sensor < setup.sensors; sensor++) {
    let from = 0;
    while (from < setup.rowsPerSensor) {
      const to = Math.min(setup.rowsPerSensor, from + room);
      current.push({ sensor, from, to });
      room -= to - from;
      from = to;
      if (room === 0) {
        out.push(current);
        current = [];
        room = setup.chunk;
      }
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

export function formatRate(rowsPerSecond: number): string {
  return `${Math.round(rowsPerSecond).toLocaleString('en').padStart(9)} rows/s`;
}

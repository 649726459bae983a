/**
 * Plays a fleet's histories out in time order, paced against the wall clock: `speedup`
 * simulated seconds per second (1 = real time, Infinity = as fast as the callbacks take).
 * Callbacks are awaited, so a slow consumer (an HTTP post, an MQTT publish) slows the stream
 * instead of piling data up. Dropped-out captures and readings are not emitted; a failure
 * emits `onFailure` and ends that machine's stream.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FAULT_CODE,
  ISO_14224,
  SENSOR_FAULTS,
  TEMPERATURE_SENSOR,
  VIBRATION_SENSOR,
  type FailureMode,
  type FleetConfig,
  type SensorFault,
} from './config.js';
import { generateMachine, type MachineHistory } from './history.js';
import { renderCapture } from './vibration.js';

export interface LiveCapture {
  machineId: string;
  sensor: typeof VIBRATION_SENSOR;
  index: number;
  ts: Date;
  sampleRateHz: number;
  /** Acceleration in g; a fresh array per capture (the consumer may keep it). */
  samples: Float32Array;
  truth: {
    severity: number;
    health: number;
    rulHours: number | null;
    load: number;
    shaftHz: number;
    fault: SensorFault;
  };
}

export interface LiveReading {
  machineId: string;
  sensor: typeof TEMPERATURE_SENSOR;
  index: number;
  ts: Date;
  /** °C as measured. */
  value: number;
  truth: { trueValue: number; severity: number; fault: SensorFault };
}

interface LiveFailure {
  machineId: string;
  ts: Date;
  mode: Exclude<FailureMode, 'none'>;
  iso14224: { mode: string; mechanism: string; component: string };
}

export interface StreamLiveOptions {
  fleet: FleetConfig;
  /** Simulated seconds per wall-clock second; default 1, Infinity for no pacing. */
  speedup?: number;
  onCapture?: (c: LiveCapture) => void | Promise<void>;
  onReading?: (r: LiveReading) => void | Promise<void>;
  onFailure?: (f: LiveFailure) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface StreamLiveResult {
  captures: number;
  readings: number;
  failures: number;
  aborted: boolean;
  /** Simulated time of the last event emitted (ISO 8601), or null. */
  until: string | null;
}

interface Cursor {
  h: MachineHistory;
  capture: number;
  reading: number;
  failed: boolean;
}

export async function streamLive(opts: StreamLiveOptions): Promise<StreamLiveResult> {
  const { fleet, signal } = opts;
  const speedup = opts.speedup ?? 1;
  if (!(speedup > 0)) throw new RangeError(`speedup must be > 0, got ${speedup}`);
  const cursors: Cursor[] = fleet.machines.map((_, i) => ({
    h: generateMachine(fleet, i),
    capture: 0,
    reading: 0,
    failed: false,
  }));
  const simStart = Date.parse(fleet.start);
  const wallStart = performance.now();
  const out: StreamLiveResult = { captures: 0, readings: 0, failures: 0, aborted: false, until: null };
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const next = earliest(cursors);
      if (!next) break;
      const { cursor, t, kind } = next;
      if (Number.isFinite(speedup)) {
        const wait = wallStart + (t - simStart) / speedup - performance.now();
        if (wait > 0) await sleep(wait, undefined, { signal });
      }
      await emit(cursor, kind, opts, out);
      out.until = new Date(t).toISOString();
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
    out.aborted = true;
  }
  return out;
}

type Kind = 'capture' | 'reading' | 'failure';

/** The next event over all machines: earliest time, then machine order, then readings first. */
function earliest(cursors: Cursor[]): { cursor: Cursor; t: number; kind: Kind } | null {
  let best: { cursor: Cursor; t: number; kind: Kind } | null = null;
  const consider = (cursor: Cursor, t: number, kind: Kind) => {
    if (best === null || t < best.t) best = { cursor, t, kind };
  };
  for (const c of cursors) {
    const { h } = c;
    // Dropouts are skipped here, so they never hold the clock.
    while (c.reading < h.readings.ts.length && h.readings.fault[c.reading] === FAULT_CODE.dropout)
      c.reading++;
    while (c.capture < h.captures.ts.length && h.captures.fault[c.capture] === FAULT_CODE.dropout)
      c.capture++;
    if (c.reading < h.readings.ts.length) consider(c, h.readings.ts[c.reading]!, 'reading');
    if (c.capture < h.captures.ts.length) consider(c, h.captures.ts[c.capture]!, 'capture');
    if (h.failureMs !== null && !c.failed) consider(c, h.failureMs, 'failure');
  }
  return best;
}

async function emit(
  cursor: Cursor,
  kind: Kind,
  opts: StreamLiveOptions,
  out: StreamLiveResult,
): Promise<void> {
  const { h } = cursor;
  const machineId = h.machine.id;
  if (kind === 'reading') {
    const k = cursor.reading++;
    const r = h.readings;
    out.readings++;
    await opts.onReading?.({
      machineId,
      sensor: TEMPERATURE_SENSOR,
      index: k,
      ts: new Date(r.ts[k]!),
      value: r.value[k]!,
      truth: { trueValue: r.trueValue[k]!, severity: r.severity[k]!, fault: SENSOR_FAULTS[r.fault[k]!]! },
    });
  } else if (kind === 'capture') {
    const k = cursor.capture++;
    const c = h.captures;
    out.captures++;
    await opts.onCapture?.({
      machineId,
      sensor: VIBRATION_SENSOR,
      index: k,
      ts: new Date(c.ts[k]!),
      sampleRateHz: h.fleet.sampleRateHz,
      samples: renderCapture(h, k),
      truth: {
        severity: c.severity[k]!,
        health: c.health[k]!,
        rulHours: Number.isFinite(c.rulHours[k]!) ? c.rulHours[k]! : null,
        load: c.load[k]!,
        shaftHz: c.shaftHz[k]!,
        fault: SENSOR_FAULTS[c.fault[k]!]!,
      },
    });
  } else {
    cursor.failed = true;
    out.failures++;
    const mode = h.machine.degradation.mode as Exclude<FailureMode, 'none'>;
    await opts.onFailure?.({ machineId, ts: new Date(h.failureMs!), mode, iso14224: ISO_14224[mode] });
  }
}

/**
 * Ground truth in JSON form (file export, asset metadata) and the counts the CLI reports.
 * Timestamps are epoch seconds; NaN (no RUL for a healthy machine) becomes null.
 */
import { FAULT_CODE, ISO_14224, SENSOR_FAULTS, type FleetConfig, type SensorFault } from './config.js';
import type { MachineHistory } from './history.js';
import { mixSeed } from './random.js';

export interface MachineTruth {
  machineId: string;
  mode: MachineHistory['machine']['degradation']['mode'];
  law: MachineHistory['machine']['degradation']['law'];
  onsetAt: string | null;
  endOfLifeAt: string | null;
  /** End of life within the horizon: the run ends in a failure there. */
  failureAt: string | null;
  censored: boolean;
  iso14224: { mode: string; mechanism: string; component: string } | null;
  defectHzAtNominalSpeed: Record<'ftf' | 'bpfo' | 'bpfi' | 'bsf', number>;
  faultCodes: Record<SensorFault, number>;
  captures: {
    ts: number[];
    shaftHz: number[];
    load: number[];
    severity: number[];
    health: number[];
    rulHours: Array<number | null>;
    fault: number[];
  };
  /** Readings that carry an injected fault: [epoch s, FAULT_CODE]. */
  readingFaults: Array<[number, number]>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const round = (a: ArrayLike<number>, digits: number) =>
  Array.from(a, (v) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null));

export function machineTruth(h: MachineHistory): MachineTruth {
  const d = h.machine.degradation;
  const c = h.captures;
  const r = h.readings;
  const readingFaults: Array<[number, number]> = [];
  for (let k = 0; k < r.ts.length; k++)
    if (r.fault[k] !== FAULT_CODE.none) readingFaults.push([r.ts[k]! / 1000, r.fault[k]!]);
  const { ftf, bpfo, bpfi, bsf } = h.defectHz;
  return {
    machineId: h.machine.id,
    mode: d.mode,
    law: d.law,
    onsetAt: iso(h.onsetMs),
    endOfLifeAt: iso(h.endOfLifeMs),
    failureAt: iso(h.failureMs),
    censored: h.endOfLifeMs !== null && h.failureMs === null,
    iso14224: d.mode === 'none' ? null : ISO_14224[d.mode],
    defectHzAtNominalSpeed: { ftf, bpfo, bpfi, bsf },
    faultCodes: FAULT_CODE,
    captures: {
      ts: Array.from(c.ts, (t) => t / 1000),
      shaftHz: round(c.shaftHz, 4) as number[],
      load: round(c.load, 3) as number[],
      severity: round(c.severity, 5) as number[],
      health: round(c.health, 5) as number[],
      rulHours: round(c.rulHours, 3),
      fault: Array.from(c.fault),
    },
    readingFaults,
  };
}

/** Identifies what generated a machine's data: its config plus the fleet's time axis and seed. */
export function machineFingerprint(fleet: FleetConfig, index: number): string {
  const { seed, start, days, sampleRateHz, captureSeconds, captureEveryMin, readingEveryMin } = fleet;
  const key = JSON.stringify([
    seed,
    start,
    days,
    sampleRateHz,
    captureSeconds,
    captureEveryMin,
    readingEveryMin,
    fleet.machines[index],
  ]);
  return [mixSeed(0, key), mixSeed(1, key)].map((h) => h.toString(16).padStart(8, '0')).join('');
}

export interface FleetSummary {
  machines: number;
  failures: number;
  censored: number;
  healthy: number;
  /** Capture time steps, and the captures delivered (time steps minus dropouts). */
  capture_steps: number;
  captures: number;
  reading_steps: number;
  readings: number;
  samples: number;
  capture_faults: Record<SensorFault, number>;
  reading_faults: Record<SensorFault, number>;
}

export function summarize(histories: readonly MachineHistory[]): FleetSummary {
  const zero = () => Object.fromEntries(SENSOR_FAULTS.map((f) => [f, 0])) as Record<SensorFault, number>;
  const s: FleetSummary = {
    machines: histories.length,
    failures: 0,
    censored: 0,
    healthy: 0,
    capture_steps: 0,
    captures: 0,
    reading_steps: 0,
    readings: 0,
    samples: 0,
    capture_faults: zero(),
    reading_faults: zero(),
  };
  for (const h of histories) {
    if (h.failureMs !== null) s.failures++;
    else if (h.endOfLifeMs !== null) s.censored++;
    else s.healthy++;
    s.capture_steps += h.captures.ts.length;
    s.reading_steps += h.readings.ts.length;
    for (const code of h.captures.fault) s.capture_faults[SENSOR_FAULTS[code]!]++;
    for (const code of h.readings.fault) s.reading_faults[SENSOR_FAULTS[code]!]++;
  }
  s.captures = s.capture_steps - s.capture_faults.dropout;
  s.readings = s.reading_steps - s.reading_faults.dropout;
  s.samples = histories.reduce(
    (a, h) =>
      a + (h.captures.ts.length - countCode(h.captures.fault, FAULT_CODE.dropout)) * h.samplesPerCapture,
    0,
  );
  return s;
}

function countCode(codes: Uint8Array, code: number): number {
  let n = 0;
  for (const c of codes) if (c === code) n++;
  return n;
}

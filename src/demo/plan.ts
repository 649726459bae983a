/**
 * What the demo simulates and trains: a seeded twin fleet whose machines are drawn over
 * `fleetDays` and whose first `historyDays` are stored as history; the rest plays live. With
 * the defaults (seed 4, 12 machines) six machines fail within the history (the RUL model's
 * labels, lives of 69–97 days), three are degrading when it ends (they fail 7–14 days into the
 * live stream) and three stay healthy. Lives of months, not weeks, let the RUL model tell a
 * healthy machine (RUL at its cap of 60 days, beyond four planning lead times) from a worn one.
 *
 * Captures are 0.1 s at 25.6 kHz: exactly one 2560-sample window of the
 * `prognos-vibration-temperature-25k6` set, so one feature row per capture, evenly spaced,
 * the same sequence live scoring sees.
 */
import { createFleet, type FleetConfig, type MachineConfig } from '../twin/index.js';

export interface DemoOptions {
  machines: number;
  seed: number;
  fleetDays: number;
  historyDays: number;
  captureEveryMin: number;
  readingEveryMin: number;
  /** External refs are `<prefix>.<machine id>`; a re-run finds its assets by it. */
  prefix: string;
  featureSet: string;
  /** Model names; each is trained once, then reused while it has an active version. */
  healthModel: string;
  rulModel: string;
  healthParams: Record<string, unknown>;
  rulParams: Record<string, unknown>;
  /** Newest feature rows of each asset scored at set-up (a short forecast history). */
  scoreRows: number;
}

const DEMO_FEATURE_SET = 'prognos-vibration-temperature-25k6';
const SAMPLE_RATE_HZ = 25_600;
const CAPTURE_SECONDS = 0.1;

export const DEMO_DEFAULTS: DemoOptions = {
  machines: 12,
  seed: 4,
  fleetDays: 180,
  historyDays: 120,
  captureEveryMin: 480,
  readingEveryMin: 20,
  prefix: 'demo',
  featureSet: DEMO_FEATURE_SET,
  healthModel: 'demo-health',
  rulModel: 'demo-rul',
  healthParams: { healthyHours: 192, epochs: 60, patience: 10, seed: 7 },
  rulParams: {
    members: 2,
    maxEpochs: 8,
    window: 20,
    // Steps of 8 h: 60 days.
    cap: 180,
    holdoutFraction: 0.34,
    samplesPerEpoch: 3000,
    maxTrainSeconds: 40,
    seed: 7,
  },
  scoreRows: 6,
};

/** Every machine over the full horizon (the live fleet is cut from it). */
export function fullFleet(o: DemoOptions): FleetConfig {
  return createFleet({
    machines: o.machines,
    days: o.fleetDays,
    seed: o.seed,
    sampleRateHz: SAMPLE_RATE_HZ,
    captureSeconds: CAPTURE_SECONDS,
    captureEveryMin: o.captureEveryMin,
    readingEveryMin: o.readingEveryMin,
  });
}

/** The stored history: the same machines, ending after `historyDays`. */
export function historyFleet(o: DemoOptions): FleetConfig {
  return { ...fullFleet(o), days: o.historyDays };
}

const shiftMachine = (m: MachineConfig, days: number): MachineConfig => {
  // The load segment in force at the new start begins at day 0.
  const current = m.load.filter((s) => s.fromDay <= days).at(-1) ?? m.load[0]!;
  return {
    ...m,
    load: [
      { fromDay: 0, load: current.load },
      ...m.load.filter((s) => s.fromDay > days).map((s) => ({ ...s, fromDay: s.fromDay - days })),
    ],
    degradation: {
      ...m.degradation,
      onsetDay: m.degradation.onsetDay - days,
      endOfLifeDay: m.degradation.endOfLifeDay - days,
    },
  };
};

/**
 * The fleet from `fromDay` on, for `days`: the same machines in the same state (severity,
 * load), restarted at that time. Machines already past their end of life are left out.
 */
export function continuationFleet(full: FleetConfig, fromDay: number, days: number): FleetConfig {
  const start = new Date(Date.parse(full.start) + fromDay * 86_400_000).toISOString();
  const machines = full.machines
    .filter((m) => m.degradation.mode === 'none' || m.degradation.endOfLifeDay > fromDay)
    .map((m) => shiftMachine(m, fromDay));
  return { ...full, start, days, machines };
}

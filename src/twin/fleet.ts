/**
 * A randomised but seeded fleet: pumps, motors and fans spread over sites, with bearings, ISO
 * 20816 classes, load profiles and failure modes drawn from `seed`. Machine i depends only on
 * (seed, i, options), so growing the fleet keeps the machines it already had.
 */
import { zoneBoundaries } from '../state/iso20816.js';
import {
  BEARINGS,
  FAILURE_MODES,
  type FailureMode,
  type FaultRates,
  type FleetConfig,
  type LoadSegment,
  type MachineConfig,
  type MachineType,
} from './config.js';
import { TwinRandom } from './random.js';

export interface FleetOptions {
  machines: number;
  days: number;
  seed: number;
  sampleRateHz?: number;
  captureSeconds?: number;
  captureEveryMin?: number;
  readingEveryMin?: number;
  start?: string;
  faultRates?: Partial<FaultRates>;
  /** Share of machines that stay healthy over the horizon. */
  healthyFraction?: number;
}

export const DEFAULT_START = '2024-01-01T00:00:00.000Z';
const DEFAULT_FAULT_RATES: FaultRates = {
  dropout: 0.01,
  spike: 0.005,
  saturation: 0.003,
  stuck: 0.005,
};

const TYPES: readonly MachineType[] = ['pump', 'motor', 'fan'];
const SITES = [
  { site: 'plant-north', meanC: 9, dailyC: 4, seasonalC: 9 },
  { site: 'plant-south', meanC: 24, dailyC: 5, seasonalC: 6 },
  { site: 'plant-east', meanC: 17, dailyC: 2, seasonalC: 4 },
] as const;
const SPEEDS: Record<MachineType, readonly number[]> = {
  pump: [1480, 2960],
  motor: [1485, 2980],
  fan: [985, 1470],
};
const MODE_WEIGHTS: ReadonlyArray<[FailureMode, number]> = [
  ['outer_race', 0.3],
  ['inner_race', 0.25],
  ['ball', 0.15],
  ['imbalance', 0.15],
  ['misalignment', 0.15],
];
const LOAD_LEVELS = [0.55, 0.7, 0.85, 1] as const;

export function createFleet(opts: FleetOptions): FleetConfig {
  const fleet: FleetConfig = {
    seed: opts.seed,
    start: opts.start ?? DEFAULT_START,
    days: opts.days,
    sampleRateHz: opts.sampleRateHz ?? 12_800,
    captureSeconds: opts.captureSeconds ?? 1,
    captureEveryMin: opts.captureEveryMin ?? 360,
    readingEveryMin: opts.readingEveryMin ?? 10,
    machines: [],
  };
  const rates = { ...DEFAULT_FAULT_RATES, ...opts.faultRates };
  for (let i = 0; i < opts.machines; i++) {
    fleet.machines.push(createMachine(fleet, i, rates, opts.healthyFraction ?? 0.2));
  }
  validateFleet(fleet);
  return fleet;
}

function createMachine(
  fleet: FleetConfig,
  i: number,
  faults: FaultRates,
  healthyFraction: number,
): MachineConfig {
  const rng = new TwinRandom(fleet.seed, 'machine', i);
  const type = TYPES[i % TYPES.length]!;
  const site = SITES[Math.floor(i / TYPES.length) % SITES.length]!;
  const id = `${type}-${String(i + 1).padStart(2, '0')}`;
  const isoGroup = rng.uniform() < 0.2 ? 1 : 2;
  const foundation = rng.uniform() < (type === 'fan' ? 0.6 : 0.25) ? 'flexible' : 'rigid';
  const [ab, , cd] = zoneBoundaries(isoGroup, foundation);
  const bearing =
    type === 'pump'
      ? BEARINGS['SKF 6310']
      : type === 'fan'
        ? BEARINGS['SKF 6205']
        : rng.pick(Object.values(BEARINGS));
  const { days } = fleet;
  const onsetDay = rng.uniform(0.05, 0.45) * days;
  return {
    id,
    name: `${type[0]!.toUpperCase()}${type.slice(1)} ${i + 1} (${site.site})`,
    type,
    site: site.site,
    shaftRpm: rng.pick(SPEEDS[type]),
    slipAtFullLoad: type === 'fan' ? 0.015 : 0.01,
    isoGroup,
    foundation,
    bearing: { ...bearing },
    load: loadProfile(rng, days),
    vibration: {
      rangeG: 50,
      resonanceHz: Math.min(rng.uniform(2500, 4500), 0.35 * fleet.sampleRateHz),
      dampingRatio: rng.uniform(0.03, 0.06),
      pedestalHz: rng.uniform(350, 700),
      pedestalDamping: 0.1,
      oneXMmS: rng.uniform(0.3, 0.45) * ab,
      twoXMmS: rng.uniform(0.15, 0.25) * ab,
      noiseG: rng.uniform(0.02, 0.04),
      impactG: rng.uniform(1, 3),
      damageMmS: rng.uniform(1.5, 2.2) * cd,
      slip: rng.uniform(0.01, 0.02),
    },
    thermal: {
      rangeMinC: -20,
      rangeMaxC: 150,
      ambientMeanC: site.meanC,
      ambientDailyC: site.dailyC,
      ambientSeasonalC: site.seasonalC,
      riseAtFullLoadC: rng.uniform(15, 30),
      degradationRiseC: rng.uniform(12, 25),
      timeConstantH: rng.uniform(0.7, 2),
      noiseC: 0.15,
    },
    degradation: {
      mode: rng.uniform() < healthyFraction ? 'none' : weightedMode(rng),
      onsetDay,
      endOfLifeDay: onsetDay + rng.uniform(0.3, 0.6) * days,
      law: rng.uniform() < 0.5 ? 'exponential' : 'paris',
      initialSeverity: rng.uniform(0.02, 0.05),
      parisExponent: rng.uniform(3, 4),
    },
    faults: { ...faults },
  };
}

function weightedMode(rng: TwinRandom): FailureMode {
  let u = rng.uniform();
  for (const [mode, w] of MODE_WEIGHTS) {
    if (u < w) return mode;
    u -= w;
  }
  return MODE_WEIGHTS[0]![0];
}

/** Operating-condition changes every 1–7 days between typical duty points. */
function loadProfile(rng: TwinRandom, days: number): LoadSegment[] {
  const out: LoadSegment[] = [];
  for (let day = 0; day < days; day += rng.uniform(1, 7))
    out.push({ fromDay: day, load: rng.pick(LOAD_LEVELS) });
  return out;
}

/** Throws a RangeError naming the first field out of range. */
export function validateFleet(fleet: FleetConfig): void {
  const check = (ok: boolean, field: string, what: string) => {
    if (!ok) throw new RangeError(`${field} ${what}`);
  };
  check(Number.isInteger(fleet.seed), 'seed', 'must be an integer');
  check(Number.isFinite(Date.parse(fleet.start)), 'start', 'must be an ISO 8601 date');
  check(fleet.days > 0, 'days', 'must be > 0');
  check(fleet.sampleRateHz >= 1000 && fleet.sampleRateHz <= 200_000, 'sampleRateHz', 'must be 1000–200000');
  check(fleet.captureSeconds > 0 && fleet.captureSeconds <= 10, 'captureSeconds', 'must be in (0, 10]');
  check(fleet.captureEveryMin > 0, 'captureEveryMin', 'must be > 0');
  check(fleet.readingEveryMin > 0, 'readingEveryMin', 'must be > 0');
  const ids = new Set<string>();
  fleet.machines.forEach((m, i) => {
    const at = `machines[${i}]`;
    check(!ids.has(m.id) && /^[\w.-]+$/.test(m.id), `${at}.id`, 'must be unique letters, digits, . _ -');
    ids.add(m.id);
    check(m.shaftRpm >= 60, `${at}.shaftRpm`, 'must be ≥ 60');
    check(m.load.length > 0 && m.load[0]!.fromDay <= 0, `${at}.load`, 'must start at day 0');
    check(
      m.vibration.resonanceHz < fleet.sampleRateHz / 2,
      `${at}.vibration.resonanceHz`,
      'must be below Nyquist',
    );
    check(m.vibration.rangeG > 0, `${at}.vibration.rangeG`, 'must be > 0');
    check(
      (FAILURE_MODES as readonly string[]).includes(m.degradation.mode),
      `${at}.degradation.mode`,
      'unknown',
    );
    const d = m.degradation;
    check(
      d.initialSeverity > 0 && d.initialSeverity < 1,
      `${at}.degradation.initialSeverity`,
      'must be in (0, 1)',
    );
    check(d.endOfLifeDay > d.onsetDay, `${at}.degradation.endOfLifeDay`, 'must follow onsetDay');
    check(d.law !== 'paris' || d.parisExponent > 2, `${at}.degradation.parisExponent`, 'must be > 2');
    for (const [k, v] of Object.entries(m.faults))
      check(v >= 0 && v < 0.5, `${at}.faults.${k}`, 'must be in [0, 0.5)');
  });
}

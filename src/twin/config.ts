/**
 * The digital twin's fleet configuration: plain JSON-compatible data, so a fleet can be written
 * next to what it generated and regenerated from it. Times are days from `start`; vibration
 * levels are ISO 20816 velocity RMS in mm/s (10–1000 Hz), the unit the zones are written in.
 */
import type { Foundation, MachineGroup } from '../state/iso20816.js';

export type MachineType = 'pump' | 'motor' | 'fan';

/** Sensor names on every simulated asset: drive-end accelerometer and bearing-housing temperature. */
export const VIBRATION_SENSOR = 'accel-de';
export const TEMPERATURE_SENSOR = 'temp-de';

export const BEARING_MODES = ['outer_race', 'inner_race', 'ball'] as const;
export const FAILURE_MODES = ['none', ...BEARING_MODES, 'imbalance', 'misalignment'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

type GrowthLaw = 'exponential' | 'paris';

/** Sensor faults injected into the measurements; the code is what the truth arrays hold. */
export const SENSOR_FAULTS = ['none', 'dropout', 'spike', 'saturation', 'stuck'] as const;
export type SensorFault = (typeof SENSOR_FAULTS)[number];
export const FAULT_CODE: Record<SensorFault, number> = {
  none: 0,
  dropout: 1,
  spike: 2,
  saturation: 3,
  stuck: 4,
};

export interface BearingSpec {
  designation: string;
  nBalls: number;
  ballDiameterMm: number;
  pitchDiameterMm: number;
  contactAngleDeg: number;
}

/** Deep-groove ball bearings (SKF catalogue dimensions; 6205 as on the CWRU rig). */
export const BEARINGS = {
  'SKF 6205': {
    designation: 'SKF 6205',
    nBalls: 9,
    ballDiameterMm: 7.94,
    pitchDiameterMm: 39.04,
    contactAngleDeg: 0,
  },
  'SKF 6310': {
    designation: 'SKF 6310',
    nBalls: 8,
    ballDiameterMm: 19.05,
    pitchDiameterMm: 80,
    contactAngleDeg: 0,
  },
} as const satisfies Record<string, BearingSpec>;

/** Piecewise-constant load (fraction of rated, 0–1.2) from `fromDay` on: operating-condition changes. */
export interface LoadSegment {
  fromDay: number;
  load: number;
}

export interface DegradationSpec {
  mode: FailureMode;
  /** Defect initiation (days from start); ignored when mode is 'none'. */
  onsetDay: number;
  /** Severity reaches 1 (functional failure) here; may lie beyond the horizon (censored). */
  endOfLifeDay: number;
  law: GrowthLaw;
  /** Severity at onset (a just-detectable spall), 0 < s0 < 1. */
  initialSeverity: number;
  /** Paris exponent m of da/dN = C·ΔK^m with ΔK ∝ √a ('paris' law); m > 2. */
  parisExponent: number;
}

interface VibrationSpec {
  /** Accelerometer full scale ±g: the signal clips here. */
  rangeG: number;
  /** Structural resonance rung by each bearing impact (envelope-analysis band). */
  resonanceHz: number;
  dampingRatio: number;
  /** Low bearing-pedestal mode: carries the impacts into the 10–1000 Hz velocity band. */
  pedestalHz: number;
  pedestalDamping: number;
  /** Healthy residual 1× (imbalance) and 2× (misalignment) velocity RMS, mm/s. */
  oneXMmS: number;
  twoXMmS: number;
  /** Broadband noise RMS in g (sensor and process). */
  noiseG: number;
  /** Peak of one impact's ringing at severity 1 and rated load, g. */
  impactG: number;
  /** Velocity RMS (mm/s) the fault adds at severity 1 and rated load. */
  damageMmS: number;
  /** Standard deviation of the rolling-element slip (fraction of the impact interval). */
  slip: number;
}

export interface ThermalSpec {
  rangeMinC: number;
  rangeMaxC: number;
  ambientMeanC: number;
  /** Half the day–night swing (warmest at 15:00 UTC) and half the seasonal swing (warmest mid-July). */
  ambientDailyC: number;
  ambientSeasonalC: number;
  /** Bearing housing over ambient at rated load, healthy. */
  riseAtFullLoadC: number;
  /** Extra rise at severity 1 (friction of a damaged bearing, misaligned coupling). */
  degradationRiseC: number;
  /** First-order thermal time constant of the housing. */
  timeConstantH: number;
  noiseC: number;
}

/** Fraction of captures (vibration) and of readings (temperature) each fault affects. */
export interface FaultRates {
  dropout: number;
  spike: number;
  saturation: number;
  stuck: number;
}

export interface MachineConfig {
  id: string;
  name: string;
  type: MachineType;
  site: string;
  shaftRpm: number;
  /** Fractional speed drop at rated load (induction-motor slip): the shaft speed follows load. */
  slipAtFullLoad: number;
  isoGroup: MachineGroup;
  foundation: Foundation;
  bearing: BearingSpec;
  load: LoadSegment[];
  vibration: VibrationSpec;
  thermal: ThermalSpec;
  degradation: DegradationSpec;
  faults: FaultRates;
}

export interface FleetConfig {
  seed: number;
  /** ISO 8601 UTC start of the histories. */
  start: string;
  days: number;
  sampleRateHz: number;
  captureSeconds: number;
  captureEveryMin: number;
  readingEveryMin: number;
  machines: MachineConfig[];
}

/** ISO 14224 failure mode and mechanism codes recorded with each failure. */
export const ISO_14224: Record<
  Exclude<FailureMode, 'none'>,
  { mode: string; mechanism: string; component: string }
> = {
  outer_race: { mode: 'BRD', mechanism: '2.4 wear', component: 'drive-end bearing outer race' },
  inner_race: { mode: 'BRD', mechanism: '2.6 fatigue', component: 'drive-end bearing inner race' },
  ball: { mode: 'BRD', mechanism: '2.6 fatigue', component: 'drive-end bearing rolling element' },
  imbalance: { mode: 'VIB', mechanism: '1.2 vibration', component: 'rotor' },
  misalignment: { mode: 'VIB', mechanism: '1.3 clearance/alignment failure', component: 'coupling' },
};

export function isBearingMode(mode: FailureMode): mode is (typeof BEARING_MODES)[number] {
  return (BEARING_MODES as readonly string[]).includes(mode);
}

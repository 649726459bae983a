import { createHash } from 'node:crypto';
import { DEFAULT_TOLERANCE, type PeakTolerance } from '../signal/envelope.js';
import { equalBands, type Band } from '../signal/spectrum.js';
import { ISO_VELOCITY_BAND } from '../signal/velocity.js';
import { WINDOW_NAMES, type WindowName } from '../signal/window.js';

/**
 * A versioned, hashed definition of the vibration features a model is trained on. The hash is
 * the sha256 of the canonical JSON of { name, version, params, featureNames }: any change to a
 * window, band, tolerance or the name list changes it, so a model that stores the hash it was
 * trained with can refuse features of any other definition (see assertFeatureSetHash).
 *
 * env_* are in the name list whenever `params.envelope` is set, so the vector length is fixed per
 * set; their values are NaN for a window whose shaft speed or bearing geometry is unknown.
 */

interface EnvelopeParams {
  /** Band-pass before demodulation, Hz: a resonance band a few kHz wide. */
  band: Band;
  /** Harmonics of each defect frequency combined (root-sum-square) into one env_* value. */
  harmonics: number;
  tolerance: PeakTolerance;
  window: WindowName;
}

export interface FeatureSetParams {
  sampleRate: number;
  windowLength: number;
  /** Window for the spectral features. */
  window: WindowName;
  /** band_energy_1..N: mean-square acceleration (g²) per band. */
  bands: Band[];
  /** Velocity RMS band, Hz (ISO 20816: 10–1000). */
  velocityBand: Band;
  envelope: EnvelopeParams | null;
}

export interface FeatureSet {
  readonly name: string;
  readonly version: number;
  readonly params: Readonly<FeatureSetParams>;
  readonly featureNames: readonly string[];
  readonly hash: string;
}

const TIME_FEATURES = [
  'mean',
  'std',
  'rms',
  'peak',
  'peak_to_peak',
  'crest_factor',
  'kurtosis',
  'skewness',
  'shape_factor',
  'impulse_factor',
  'clearance_factor',
] as const;

const SPECTRAL_FEATURES = [
  'velocity_rms_mm_s',
  'dominant_hz',
  'spectral_centroid_hz',
  'spectral_entropy',
] as const;

const ENVELOPE_FEATURES = ['env_bpfo', 'env_bpfi', 'env_bsf', 'env_ftf'] as const;

export interface FeatureSetOptions {
  name?: string;
  version?: number;
  sampleRate: number;
  windowLength: number;
  window?: WindowName;
  /** Explicit bands; otherwise `bandCount` (default 8) equal bands from 0 Hz to Nyquist. */
  bands?: Band[];
  bandCount?: number;
  velocityBand?: Band;
  /** null drops env_*; defaults: band fs/6–5fs/12 (2–5 kHz at 12 kHz), 3 harmonics, ±max(2 %, 1 bin). */
  envelope?: Partial<EnvelopeParams> | null;
}

const DEFAULT_FEATURE_SET_NAME = 'prognos-vibration';
const DEFAULT_FEATURE_SET_VERSION = 1;

export function defineFeatureSet(options: FeatureSetOptions): FeatureSet {
  const { sampleRate, windowLength } = options;
  if (!(Number.isFinite(sampleRate) && sampleRate > 0)) throw new RangeError(`sampleRate must be > 0`);
  if (!Number.isInteger(windowLength) || windowLength < 16) {
    throw new RangeError(`windowLength must be an integer ≥ 16, got ${windowLength}`);
  }
  const nyquist = sampleRate / 2;
  const window = checkWindow(options.window ?? 'hann', 'window');
  const bands = (options.bands ?? equalBands(options.bandCount ?? 8, sampleRate)).map((b, i) =>
    checkBand(b, nyquist, `bands[${i}]`),
  );
  if (bands.length === 0) throw new RangeError(`bands must not be empty`);
  const velocityBand = checkBand(options.velocityBand ?? ISO_VELOCITY_BAND, nyquist, 'velocityBand');
  let envelope: EnvelopeParams | null = null;
  if (options.envelope !== null) {
    const e = options.envelope ?? {};
    const harmonics = e.harmonics ?? 3;
    if (!Number.isInteger(harmonics) || harmonics < 1) throw new RangeError(`envelope.harmonics must be ≥ 1`);
    const tolerance = { ...DEFAULT_TOLERANCE, ...e.tolerance };
    if (!(tolerance.fraction >= 0 && tolerance.bins >= 0))
      throw new RangeError(`envelope.tolerance must be ≥ 0`);
    envelope = {
      band: checkBand(e.band ?? [sampleRate / 6, (5 * sampleRate) / 12], nyquist, 'envelope.band'),
      harmonics,
      tolerance: { fraction: tolerance.fraction, bins: tolerance.bins },
      window: checkWindow(e.window ?? 'hann', 'envelope.window'),
    };
  }
  const params: FeatureSetParams = { sampleRate, windowLength, window, bands, velocityBand, envelope };
  const featureNames = [
    ...TIME_FEATURES,
    ...SPECTRAL_FEATURES,
    ...bands.map((_, i) => `band_energy_${i + 1}`),
    ...(envelope ? ENVELOPE_FEATURES : []),
  ];
  const name = options.name ?? DEFAULT_FEATURE_SET_NAME;
  const version = options.version ?? DEFAULT_FEATURE_SET_VERSION;
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`version must be an integer ≥ 1`);
  const hash = featureSetHash({ name, version, params, featureNames });
  return deepFreeze({ name, version, params, featureNames, hash });
}

function featureSetHash(def: Omit<FeatureSet, 'hash'>): string {
  const { name, version, params, featureNames } = def;
  return createHash('sha256').update(canonicalJson({ name, version, params, featureNames })).digest('hex');
}

/** JSON with object keys sorted at every level, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`cannot hash ${value}`);
  return JSON.stringify(value);
}

/** Throws unless `set` is the definition a model was trained with. */
export function assertFeatureSetHash(set: FeatureSet, expectedHash: string): void {
  if (set.hash !== featureSetHash(set))
    throw new Error(`feature set ${set.name} v${set.version} was modified`);
  if (set.hash !== expectedHash) {
    throw new Error(
      `feature set mismatch: got ${set.name} v${set.version} (${set.hash.slice(0, 12)}), expected ${expectedHash.slice(0, 12)}`,
    );
  }
}

function checkWindow(w: WindowName, field: string): WindowName {
  if (!WINDOW_NAMES.includes(w)) throw new RangeError(`${field} must be one of ${WINDOW_NAMES.join(', ')}`);
  return w;
}

function checkBand(b: Band, nyquist: number, field: string): Band {
  const [lo, hi] = b;
  if (!(lo >= 0 && hi > lo && hi <= nyquist)) {
    throw new RangeError(
      `${field} must satisfy 0 ≤ low < high ≤ Nyquist (${nyquist} Hz), got [${lo}, ${hi}]`,
    );
  }
  return [lo, hi];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

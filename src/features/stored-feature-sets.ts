import { createHash } from 'node:crypto';
import { canonicalJson, defineFeatureSet, type FeatureSet, type FeatureSetParams } from './feature-set.js';

/**
 * The named feature sets features are stored with. A stored set is a vibration feature set
 * (feature-set.ts, unchanged) optionally followed by temperature features of the readings in
 * the `lookbackSeconds` before each vibration window's end: one vector per window, so a model
 * sees vibration and temperature of the same moment without a join.
 *
 * `definition` is what is hashed (sha256 of its canonical JSON) and stored in feature_sets; for
 * a vibration-only set it is exactly the vibration set's own definition, so the hash equals the
 * pinned `FeatureSet.hash`. Changing a definition means a new version (feature_sets refuses a
 * second hash under the same name and version).
 */

const TEMPERATURE_FEATURES = ['temp_mean_c', 'temp_max_c', 'temp_slope_c_per_h', 'temp_rise_c'] as const;

interface TemperatureWindowParams {
  /** Readings in (window_end − lookback, window_end] are summarised for each window. */
  lookbackSeconds: number;
}

export interface FeatureSetDefinition {
  name: string;
  version: number;
  params: FeatureSetParams | { vibration: FeatureSetParams; temperature: TemperatureWindowParams };
  featureNames: readonly string[];
}

export interface StoredFeatureSet {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly featureNames: readonly string[];
  readonly vibration: FeatureSet;
  readonly temperature: TemperatureWindowParams | null;
  readonly definition: FeatureSetDefinition;
}

export function definitionHash(definition: FeatureSetDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

function vibrationOnly(vibration: FeatureSet): StoredFeatureSet {
  const { name, version, params, featureNames } = vibration;
  const definition: FeatureSetDefinition = { name, version, params, featureNames };
  return Object.freeze({
    name,
    version,
    hash: vibration.hash,
    featureNames,
    vibration,
    temperature: null,
    definition,
  });
}

function withTemperature(
  name: string,
  version: number,
  vibration: FeatureSet,
  temperature: TemperatureWindowParams,
): StoredFeatureSet {
  if (!(temperature.lookbackSeconds > 0)) throw new RangeError('temperature.lookbackSeconds must be > 0');
  const featureNames = Object.freeze([...vibration.featureNames, ...TEMPERATURE_FEATURES]);
  const definition: FeatureSetDefinition = {
    name,
    version,
    params: { vibration: vibration.params, temperature: { ...temperature } },
    featureNames,
  };
  return Object.freeze({
    name,
    version,
    hash: definitionHash(definition),
    featureNames,
    vibration,
    temperature: Object.freeze({ ...temperature }),
    definition,
  });
}

const HOUR = { lookbackSeconds: 3600 };
// 12 kHz / 4096 is the CWRU-style default (pinned hash); 25.6 kHz / 2560 fits FEMTO's 0.1 s
// snapshots and gives 10 windows per 1 s capture of the usual industrial DAQ rate.
const vib12k = defineFeatureSet({ sampleRate: 12_000, windowLength: 4096 });
const vib25k6 = defineFeatureSet({ name: 'prognos-vibration-25k6', sampleRate: 25_600, windowLength: 2560 });

const SETS: readonly StoredFeatureSet[] = [
  withTemperature('prognos-vibration-temperature', 1, vib12k, HOUR),
  vibrationOnly(vib12k),
  withTemperature('prognos-vibration-temperature-25k6', 1, vib25k6, HOUR),
  vibrationOnly(vib25k6),
];

export const DEFAULT_STORED_FEATURE_SET = SETS[0]!.name;

export function listFeatureSets(): readonly StoredFeatureSet[] {
  return SETS;
}

/** The current definition registered under `name`, or undefined. */
export function getFeatureSet(name: string): StoredFeatureSet | undefined {
  return SETS.find((s) => s.name === name);
}

/**
 * The set live data of this sample rate is extracted and scored with: of the sets at that rate
 * (any rate when undefined), the one with temperature features exactly when the asset has a
 * temperature sensor, else the first. Undefined when no set serves the rate.
 */
export function featureSetForRate(
  rateHz: number | undefined,
  withTemperature: boolean,
): StoredFeatureSet | undefined {
  const candidates = SETS.filter((s) => rateHz === undefined || s.vibration.params.sampleRate === rateHz);
  return candidates.find((s) => (s.temperature !== null) === withTemperature) ?? candidates[0];
}

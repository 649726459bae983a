/**
 * Turns live data into one feature vector of a stored feature set: a vibration capture through
 * the same extractor as the batch job (averaged over its whole windows), temperature features
 * from the request's readings or the asset's stored ones, or a ready vector by name.
 */
import { badRequest } from '../errors.js';
import { FeatureExtractor } from '../features/extract-features.js';
import {
  featureSetForRate,
  getFeatureSet,
  listFeatureSets,
  type StoredFeatureSet,
} from '../features/stored-feature-sets.js';
import { temperatureWindowInto } from '../features/temperature-window.js';
import type { BearingGeometry } from '../signal/bearing.js';

export interface LiveInput {
  featureSet?: string;
  capture?: { ts: Date; sampleRateHz: number; samples: ArrayLike<number> };
  /** Temperature readings (°C), any order. */
  temperature?: { ts: Date; value: number }[];
  features?: Record<string, number | null>;
}

export interface AssetContext {
  shaftHz: number | null;
  bearing: BearingGeometry | null;
  temperatureBaselineC: number | null;
}

// FeatureExtractor.extract is synchronous, so one instance per set is safe to share.
const extractors = new Map<string, FeatureExtractor>();
const MAX_WINDOWS = 8;

export function chooseFeatureSet(input: LiveInput, hasTemperature: boolean): StoredFeatureSet {
  if (input.featureSet) {
    const set = getFeatureSet(input.featureSet);
    if (!set)
      throw badRequest(
        'unknown_feature_set',
        `featureSet "${input.featureSet}" is not a registered feature set`,
      );
    return set;
  }
  const rate = input.capture?.sampleRateHz;
  const pick = featureSetForRate(rate, hasTemperature);
  if (!pick) {
    const rates = [...new Set(listFeatureSets().map((s) => s.vibration.params.sampleRate))].join(', ');
    throw badRequest(
      'unsupported_sample_rate',
      `capture.sampleRateHz ${rate} matches no feature set (available: ${rates} Hz)`,
    );
  }
  return pick;
}

export function liveFeatureVector(
  set: StoredFeatureSet,
  input: LiveInput,
  asset: AssetContext,
): Float64Array {
  const out = new Float64Array(set.featureNames.length).fill(NaN);
  if (input.features) {
    const index = new Map(set.featureNames.map((n, i) => [n, i]));
    for (const [name, value] of Object.entries(input.features)) {
      const i = index.get(name);
      if (i === undefined)
        throw badRequest('unknown_feature', `features.${name} is not a feature of ${set.name}`);
      if (value !== null && !Number.isFinite(value))
        throw badRequest('invalid_feature', `features.${name} must be a finite number or null`);
      out[i] = value ?? NaN;
    }
    return out;
  }
  if (input.capture) {
    const p = set.vibration.params;
    if (input.capture.sampleRateHz !== p.sampleRate) {
      throw badRequest(
        'sample_rate_mismatch',
        `capture.sampleRateHz must be ${p.sampleRate} for feature set ${set.name}`,
      );
    }
    const n = input.capture.samples.length;
    const windows = Math.min(MAX_WINDOWS, Math.floor(n / p.windowLength));
    if (windows < 1)
      throw badRequest(
        'capture_too_short',
        `capture.samples must hold at least ${p.windowLength} samples, got ${n}`,
      );
    let extractor = extractors.get(set.vibration.hash);
    if (!extractor) extractors.set(set.vibration.hash, (extractor = new FeatureExtractor(set.vibration)));
    const buf = new Float64Array(p.windowLength);
    const one = new Float64Array(extractor.size);
    const sum = new Float64Array(extractor.size);
    for (let w = 0; w < windows; w++) {
      for (let i = 0; i < p.windowLength; i++) buf[i] = Number(input.capture.samples[w * p.windowLength + i]);
      extractor.extract(buf, { shaftHz: asset.shaftHz, bearing: asset.bearing }, one);
      for (let i = 0; i < one.length; i++) sum[i]! += one[i]!;
    }
    for (let i = 0; i < sum.length; i++) out[i] = sum[i]! / windows;
  }
  if (set.temperature) {
    const readings = [...(input.temperature ?? [])].sort((a, b) => a.ts.getTime() - b.ts.getTime());
    const end = input.capture?.ts.getTime() ?? readings.at(-1)?.ts.getTime() ?? Date.now();
    temperatureWindowInto(
      {
        ts: Float64Array.from(readings, (r) => r.ts.getTime()),
        values: Float64Array.from(readings, (r) => r.value),
      },
      end,
      set.temperature.lookbackSeconds * 1000,
      asset.temperatureBaselineC ?? undefined,
      out,
      set.vibration.featureNames.length,
    );
  }
  return out;
}

export function featureValue(set: StoredFeatureSet, v: Float64Array, name: string): number | null {
  const i = set.featureNames.indexOf(name);
  const x = i >= 0 ? v[i]! : NaN;
  return Number.isFinite(x) ? x : null;
}

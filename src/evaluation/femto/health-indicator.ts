/**
 * Health indicators of a PRONOSTIA bearing run, one value per 0.1 s vibration snapshot.
 * Per snapshot (`snapshotIndicators`), horizontal and vertical together:
 * - `rms`: sqrt((rms_h² + rms_v²) / 2), g; `peak`: largest |acceleration| of either axis, g (the
 *   challenge's end-of-life criterion is a vibration above 20 g, so this is the quantity the
 *   degradation model extrapolates);
 * - `kurtosis`, `crest`: the mean of the two axes' (signal/stats.ts);
 * - `band0…band3`: mean-square power of both axes in four equal bands 0–12.8 kHz (signal/spectrum.ts).
 * No bearing-defect orders: the challenge description gives no bearing geometry and says a
 * degraded bearing holds "almost all the types of defects (balls, rings and cage)".
 *
 * A candidate indicator (`INDICATOR_CANDIDATES`) is one of these relative to the run's own
 * early-life baseline (median of its first snapshots), smoothed by a causal running median. The
 * ratio is the condition normalisation: a PRONOSTIA run keeps one speed and load throughout, so
 * dividing by the run's own healthy level puts bearings at other speeds, loads and sensor
 * mountings on one scale. The running median looks only at past snapshots (the value at a cut
 * never sees data after it) and ignores isolated impacts (Bearing2_7 has single 16 g spikes in
 * otherwise healthy snapshots).
 */
import { median } from '../../maths/order-statistics.js';
import { timeStats } from '../../signal/stats.js';
import { bandEnergies, equalBands, SpectrumAnalyzer } from '../../signal/spectrum.js';
import { FEMTO_SAMPLE_RATE_HZ } from '../../acquisition/formats/femto.js';

export const BAND_COUNT = 4;
export type IndicatorFeature = 'rms' | 'peak' | 'kurtosis' | 'crest' | 'band0' | 'band1' | 'band2' | 'band3';

export interface SnapshotIndicators {
  /** Seconds since the run's first snapshot. */
  t: number;
  rms: number;
  peak: number;
  /** Absent from synthetic runs that only model rms and peak: candidates on them are skipped. */
  kurtosis?: number;
  crest?: number;
  bands?: readonly number[];
}

// One analyser for every snapshot of the run (they all have one length): its buffers and window
// sums are made once, not per file.
let analyzer: SpectrumAnalyzer | null = null;

function bandPower(x: Float32Array | Float64Array): Float64Array {
  if (analyzer?.n !== x.length) analyzer = new SpectrumAnalyzer(x.length, FEMTO_SAMPLE_RATE_HZ);
  const a = analyzer.analyze(x);
  return bandEnergies(a.power, a.binHz, equalBands(BAND_COUNT, FEMTO_SAMPLE_RATE_HZ));
}

export function snapshotIndicators(
  t: number,
  horizontal: Float32Array | Float64Array,
  vertical: Float32Array | Float64Array,
): SnapshotIndicators {
  const h = timeStats(horizontal);
  const v = timeStats(vertical);
  const bh = bandPower(horizontal);
  const bv = bandPower(vertical);
  return {
    t,
    rms: Math.sqrt((h.rms ** 2 + v.rms ** 2) / 2),
    peak: Math.max(h.peak, v.peak),
    kurtosis: (h.kurtosis + v.kurtosis) / 2,
    crest: (h.crestFactor + v.crestFactor) / 2,
    bands: Array.from(bh, (p, i) => p + bv[i]!),
  };
}

function featureOf(s: SnapshotIndicators, f: IndicatorFeature): number | undefined {
  if (f.startsWith('band')) return s.bands?.[Number(f.slice(4))];
  return s[f as 'rms' | 'peak' | 'kurtosis' | 'crest'];
}

/** Causal running median over the last `span` values. */
export function runningMedian(values: readonly number[], span: number): number[] {
  if (span <= 1) return [...values];
  return values.map((_, i) => median(values.slice(Math.max(0, i - span + 1), i + 1)));
}

export interface IndicatorCandidate {
  /** `feature` or `feature~median<span>`. */
  name: string;
  feature: IndicatorFeature;
  /** Causal running-median span, snapshots (1: unsmoothed). */
  span: number;
}

const FEATURES: readonly IndicatorFeature[] = [
  'rms',
  'peak',
  'kurtosis',
  'crest',
  'band0',
  'band1',
  'band2',
  'band3',
];
const SPANS = [1, 5, 15] as const;

export const INDICATOR_CANDIDATES: readonly IndicatorCandidate[] = FEATURES.flatMap((feature) =>
  SPANS.map((span) => ({ name: span === 1 ? feature : `${feature}~median${span}`, feature, span })),
);

export function candidateByName(name: string): IndicatorCandidate {
  const c = INDICATOR_CANDIDATES.find((x) => x.name === name);
  if (!c) throw new RangeError(`unknown health indicator "${name}"`);
  return c;
}

/** Snapshots of the early-life baseline: `wanted`, capped at a third of the run, at least 3. */
export function baselineCount(snapshots: number, wanted: number): number {
  return Math.max(3, Math.min(wanted, Math.floor(snapshots / 3)));
}

/**
 * A candidate's raw (unsmoothed) ratio to the run's baseline and its smoothed series; null when
 * the snapshots do not carry the feature or its baseline is not positive.
 */
export function candidateSeries(
  snapshots: readonly SnapshotIndicators[],
  c: IndicatorCandidate,
  baselineSnapshots: number,
): { raw: number[]; smoothed: number[] } | null {
  const values = snapshots.map((s) => featureOf(s, c.feature));
  if (values.some((v) => v === undefined || !Number.isFinite(v))) return null;
  const n = baselineCount(snapshots.length, baselineSnapshots);
  const base = median(values.slice(0, n) as number[]);
  if (!(base > 0)) return null;
  const raw = (values as number[]).map((v) => v / base);
  return { raw, smoothed: runningMedian(raw, c.span) };
}

export interface HealthOptions {
  /** Snapshots of the early-life baseline (capped at a third of the available ones). */
  baselineSnapshots: number;
  /** Running-median span of the peak (the quantity extrapolated to failure), snapshots. */
  smoothing: number;
  /** Onset when the indicator exceeds max(minOnsetLevel, 1 + sigmas · robust σ of the baseline)… */
  minOnsetLevel: number;
  sigmas: number;
  /** …for this many consecutive snapshots. */
  persistence: number;
  /** Indicator the onset is detected on: a name of INDICATOR_CANDIDATES. */
  indicator: string;
}

export const HEALTH_DEFAULTS: HealthOptions = {
  baselineSnapshots: 30,
  smoothing: 5,
  minOnsetLevel: 1.3,
  sigmas: 6,
  persistence: 3,
  indicator: 'rms~median5',
};

export interface HealthTrack {
  t: number[];
  /** The onset indicator, relative to the baseline, smoothed. */
  level: number[];
  /** Smoothed peak, g. */
  peak: number[];
  indicator: string;
  onsetThreshold: number;
  /** Index of the first snapshot of the persistent excursion, null if none. */
  onset: number | null;
}

export function healthTrack(
  snapshots: readonly SnapshotIndicators[],
  o: HealthOptions = HEALTH_DEFAULTS,
): HealthTrack {
  const n = baselineCount(snapshots.length, o.baselineSnapshots);
  const series = candidateSeries(snapshots, candidateByName(o.indicator), o.baselineSnapshots);
  if (!series) throw new RangeError(`the snapshots do not carry the indicator "${o.indicator}"`);
  // Robust σ of the baseline ratio: 1.4826 × median absolute deviation.
  const mad = median(series.raw.slice(0, n).map((v) => Math.abs(v - 1))) * 1.4826;
  const onsetThreshold = Math.max(o.minOnsetLevel, 1 + o.sigmas * mad);
  const level = series.smoothed;
  const peak = runningMedian(
    snapshots.map((s) => s.peak),
    o.smoothing,
  );
  let onset: number | null = null;
  let run = 0;
  for (let i = n; i < level.length; i++) {
    run = level[i]! > onsetThreshold ? run + 1 : 0;
    if (run >= o.persistence) {
      onset = i - run + 1;
      break;
    }
  }
  return { t: snapshots.map((s) => s.t), level, peak, indicator: o.indicator, onsetThreshold, onset };
}

/**
 * Window-based quality analysis of a scalar series (pure). Timestamps in epoch ms, ascending and
 * unique (as stored). Flags are computed for every row given; the summary counts only rows in
 * [start, end), so callers can pass context rows either side of the window they report on.
 */
import {
  DEFAULT_QUALITY_OPTIONS,
  FLAG_NAMES,
  QUALITY_FLAGS,
  UNUSABLE_FLAGS,
  coefficientOfVariation,
  rangeFlags,
  robustScale,
  type QualityFlagName,
  type QualityOptions,
  type SensorLimits,
} from '../acquisition/quality.js';
import { median } from '../maths/order-statistics.js';

export interface SeriesQuality {
  samples: number;
  firstTs: number | null;
  lastTs: number | null;
  expectedIntervalMs: number | null;
  expectedIntervalSource: 'sample_rate' | 'median' | null;
  gaps: { count: number; largestMs: number; largestIntervals: number; missingSamples: number };
  sampling: { medianIntervalMs: number | null; intervalCv: number; jitterCv: number; irregular: boolean };
  outOfRange: number;
  stuck: { runs: number; samples: number; longestRun: number };
  saturated: { samples: number; values: number[] };
  spikes: number;
  usable: { samples: number; share: number };
  /** Samples present / samples expected between the first and the last, when an interval is known. */
  completeness: number | null;
  flagged: Record<QualityFlagName, number>;
}

export interface SeriesAnalysis {
  flags: Uint8Array;
  summary: SeriesQuality;
}

export function analyseSeries(
  ts: Float64Array,
  values: Float64Array,
  limits: SensorLimits,
  options: Partial<QualityOptions> = {},
  window: { start?: number; end?: number } = {},
): SeriesAnalysis {
  const opts = { ...DEFAULT_QUALITY_OPTIONS, ...options };
  const n = values.length;
  const start = window.start ?? 0;
  const end = window.end ?? n;
  const inWindow = (i: number) => i >= start && i < end;
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) flags[i] = rangeFlags(values[i] as number, limits);

  // Sampling: expected interval from the configured rate, else the median interval.
  const intervals = new Float64Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) intervals[i - 1] = (ts[i] as number) - (ts[i - 1] as number);
  const medianInterval = intervals.length > 0 ? median(intervals) : null;
  const expected = limits.sampleRateHz ? 1000 / limits.sampleRateHz : medianInterval;
  const source = limits.sampleRateHz ? 'sample_rate' : medianInterval !== null ? 'median' : null;
  const gaps = { count: 0, largestMs: 0, largestIntervals: 0, missingSamples: 0 };
  const regular: number[] = [];
  const windowIntervals: number[] = [];
  for (let i = 1; i < n; i++) {
    const dt = intervals[i - 1] as number;
    const isGap = expected !== null && expected > 0 && dt > opts.gapFactor * expected;
    if (isGap) flags[i] = (flags[i] as number) | QUALITY_FLAGS.GAP_BEFORE;
    // An interval belongs to the window when the sample that ends it does.
    if (!inWindow(i) || !inWindow(i - 1)) continue;
    windowIntervals.push(dt);
    if (isGap) {
      gaps.count += 1;
      gaps.missingSamples += Math.max(0, Math.round(dt / expected!) - 1);
      if (dt > gaps.largestMs) gaps.largestMs = dt;
    } else regular.push(dt);
  }
  if (expected) gaps.largestIntervals = gaps.largestMs / expected;

  const stuck = markStuck(values, flags, opts.stuckMinRun, start, end);
  markSaturation(values, flags, opts);
  markSpikes(values, flags, opts);

  const flagged = Object.fromEntries(FLAG_NAMES.map((k) => [k, 0])) as Record<QualityFlagName, number>;
  let usable = 0;
  const satSeen = new Set<number>();
  for (let i = start; i < end; i++) {
    const f = flags[i] as number;
    if ((f & UNUSABLE_FLAGS) === 0) usable += 1;
    for (const k of FLAG_NAMES) if (f & QUALITY_FLAGS[k]) flagged[k] += 1;
    if (f & QUALITY_FLAGS.SATURATED) satSeen.add(values[i] as number);
  }
  const samples = Math.max(0, end - start);
  const firstTs = samples > 0 ? (ts[start] as number) : null;
  const lastTs = samples > 0 ? (ts[end - 1] as number) : null;
  const expectedCount = expected && samples > 0 ? Math.round((lastTs! - firstTs!) / expected) + 1 : null;
  const jitterCv = coefficientOfVariation(regular);
  return {
    flags,
    summary: {
      samples,
      firstTs,
      lastTs,
      expectedIntervalMs: expected,
      expectedIntervalSource: source,
      gaps,
      sampling: {
        medianIntervalMs: windowIntervals.length > 0 ? median(windowIntervals) : null,
        intervalCv: coefficientOfVariation(windowIntervals),
        jitterCv,
        irregular: jitterCv > opts.irregularCv,
      },
      outOfRange: flagged.OUT_OF_RANGE,
      stuck,
      saturated: {
        samples: flagged.SATURATED,
        // Distinct values seen saturated, at most 20: enough to recognise a pinned level.
        values: [...satSeen].sort((a, b) => a - b).slice(0, 20),
      },
      spikes: flagged.SPIKE,
      usable: { samples: usable, share: samples > 0 ? usable / samples : 0 },
      completeness: expectedCount ? Math.min(1, samples / expectedCount) : null,
      flagged,
    },
  };
}

/** Runs of identical consecutive values at least `minRun` long. Counts runs touching the window. */
function markStuck(values: Float64Array, flags: Uint8Array, minRun: number, start: number, end: number) {
  const out = { runs: 0, samples: 0, longestRun: 0 };
  const n = values.length;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[j] === values[i]) j++;
    const len = j - i;
    if (len >= minRun) {
      for (let k = i; k < j; k++) flags[k] = (flags[k] as number) | QUALITY_FLAGS.STUCK;
      const inside = Math.min(j, end) - Math.max(i, start);
      if (inside > 0) {
        out.runs += 1;
        out.samples += inside;
        out.longestRun = Math.max(out.longestRun, len);
      }
    }
    i = j;
  }
  return out;
}

/**
 * A value repeated at least `saturationMinRepeats` times that is itself a robust outlier against
 * the whole series is a pinned transducer, not a measurement (FEMTO Bearing2_7: 1254.005 °C).
 */
function markSaturation(values: Float64Array, flags: Uint8Array, opts: QualityOptions): void {
  const pinned = new Set<number>();
  if (values.length === 0) return;
  const center = median(values);
  const scale = robustScale(values, center);
  if (!(scale > 0)) return;
  const counts = new Map<number, number>();
  for (const v of values) {
    if (Math.abs(v - center) / scale >= opts.spikeThreshold) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (const [v, c] of counts) if (c >= opts.saturationMinRepeats) pinned.add(v);
  if (pinned.size === 0) return;
  for (let i = 0; i < values.length; i++) {
    if (pinned.has(values[i] as number)) flags[i] = (flags[i] as number) | QUALITY_FLAGS.SATURATED;
  }
}

/**
 * Hampel filter: a value further than `spikeThreshold` robust sigmas from the median of its
 * neighbourhood. The local sigma is floored at a tenth of the global one, so a one-step change
 * in a quantised, mostly flat signal is not a spike.
 */
function markSpikes(values: Float64Array, flags: Uint8Array, opts: QualityOptions): void {
  const n = values.length;
  const k = opts.spikeHalfWindow;
  if (n < 2 * k + 1) return;
  const floor = 0.1 * robustScale(values);
  if (!(floor > 0)) return;
  const win = new Float64Array(2 * k + 1);
  const dev = new Float64Array(2 * k + 1);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, Math.min(i - k, n - 2 * k - 1));
    for (let j = 0; j < win.length; j++) win[j] = values[lo + j] as number;
    insertionSort(win);
    const m = win[k] as number;
    for (let j = 0; j < dev.length; j++) dev[j] = Math.abs((win[j] as number) - m);
    insertionSort(dev);
    const sigma = Math.max(1.4826 * (dev[k] as number), floor);
    if (Math.abs((values[i] as number) - m) > opts.spikeThreshold * sigma) {
      flags[i] = (flags[i] as number) | QUALITY_FLAGS.SPIKE;
    }
  }
}

/** Faster than TypedArray#sort for the ~15 values of a Hampel window (no call overhead). */
function insertionSort(a: Float64Array): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > x) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * The figures of a model card, from the held-out predictions a trainer kept: what a reviewer
 * needs to judge a version at a glance, per model kind. Pure: predictions in, SVG strings out.
 */
import type { ClassifierHeldOut, HealthHeldOut, HeldOut, RulHeldOut } from './held-out.js';
import { barChart, heatmap, PALETTE, xyPlot, type XYSeries } from '../../plot/index.js';

export type { ClassifierHeldOut, HeldOut, RulHeldOut };

export interface Figure {
  file: string;
  caption: string;
  svg: string;
}

const BUCKET = 25;
const finite = (xs: readonly number[]) => xs.filter(Number.isFinite);
/** (x, y) pairs as the columns a series holds. */
const columns = (points: readonly (readonly [number, number])[]) => ({
  x: points.map((p) => p[0]),
  y: points.map((p) => p[1]),
});
/** The dashed identity line from (0, 0) to (end, end): perfect prediction, chance, calibration. */
const diagonal = (end: number): XYSeries => ({
  label: 'chance',
  x: [0, end],
  y: [0, end],
  dash: '6 4',
  color: '#555',
});
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Indices of the held-out units by true-RUL bucket [0,25), [25,50), …; the cap has its own. */
export function rulBuckets(h: RulHeldOut): { label: string; idx: number[] }[] {
  const out: { label: string; idx: number[] }[] = [];
  const top = Math.ceil(h.cap / BUCKET);
  for (let b = 0; b < top; b++) {
    const lo = b * BUCKET;
    const hi = Math.min(h.cap, lo + BUCKET);
    const idx = h.trueRul.flatMap((t, i) =>
      Number.isFinite(t) && t >= lo && (t < hi || (hi === h.cap && t <= hi)) ? [i] : [],
    );
    out.push({ label: hi === h.cap ? `${lo}–${hi}` : `${lo}–${hi - 1}`, idx });
  }
  return out;
}

function rulFigures(h: RulHeldOut): Figure[] {
  const n = h.trueRul.length;
  const u = h.unitName;
  const scatter = xyPlot(
    [
      {
        label: 'held-out unit',
        x: h.trueRul,
        y: h.trueRul.map((_, i) => h.predicted[i] ?? NaN),
        style: 'points',
      },
      { ...diagonal(h.cap), label: 'perfect prediction' },
    ],
    {
      title: `Predicted vs true RUL (${n} held-out units)`,
      x: { label: `true RUL (${u}, capped at ${h.cap})`, min: 0, max: h.cap * 1.05 },
      y: { label: `predicted RUL (${u})`, min: 0, max: h.cap * 1.05 },
      legend: 'bottom-right',
    },
  );
  const buckets = rulBuckets(h);
  const covered = (i: number) => h.lower[i]! <= h.trueRul[i]! && h.trueRul[i]! <= h.upper[i]!;
  const all = h.trueRul.map((_, i) => i);
  const groups = [...buckets, { label: 'all', idx: all }];
  const coverage = barChart({
    title: `Empirical coverage of the ${Math.round(h.level * 100)} % interval`,
    xLabel: `true RUL bucket (${u})`,
    // Headroom above 1 for the legend.
    y: { label: 'share of units inside the interval', min: 0, max: 1.2 },
    categories: groups.map((g) => `${g.label}\nn=${g.idx.length}`),
    series: [
      {
        label: 'empirical coverage',
        values: groups.map((g) => (g.idx.length ? g.idx.filter(covered).length / g.idx.length : NaN)),
      },
    ],
    refLines: [{ y: h.level, label: `nominal level ${h.level}` }],
  });
  // A value that went through JSON as null is no prediction, not a zero.
  const residuals = buckets.map((b) =>
    b.idx.flatMap((i) => (Number.isFinite(h.predicted[i]) ? [h.predicted[i]! - h.trueRul[i]!] : [])),
  );
  const residualChart = barChart({
    title: 'Prediction error by true RUL bucket (mean ± 1 sd)',
    xLabel: `true RUL bucket (${u})`,
    y: { label: `predicted − true (${u}); > 0 is late` },
    categories: buckets.map((b, k) => `${b.label}\nn=${residuals[k]!.length}`),
    series: [
      {
        label: 'mean error',
        values: residuals.map((r) => mean(r)),
        errors: residuals.map((r) => sd(r)),
        color: PALETTE[1],
      },
    ],
  });
  return [
    {
      file: 'card-predicted-vs-true.svg',
      caption: 'Predicted against true RUL; the dashed line is a perfect prediction.',
      svg: scatter,
    },
    {
      file: 'card-interval-coverage.svg',
      caption: `Share of held-out units whose true RUL falls inside the stated ${Math.round(h.level * 100)} % interval, per bucket and overall; the dashed line is the nominal level.`,
      svg: coverage,
    },
    {
      file: 'card-residuals-by-rul.svg',
      caption: `Mean signed error ± one standard deviation per bucket of ${BUCKET} ${u} of true RUL (positive = predicted too late, the costly side).`,
      svg: residualChart,
    },
  ];
}

/** Shares of each group's values in common bins spanning both groups. */
function histogram(
  groups: readonly (readonly number[])[],
  bins = 20,
): { edges: number[]; shares: number[][] } {
  const all = groups.flatMap((g) => finite(g));
  if (all.length === 0) return { edges: [], shares: groups.map(() => []) };
  const lo = Math.min(...all);
  const hi = Math.max(...all) === lo ? lo + 1 : Math.max(...all);
  const w = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * w);
  const shares = groups.map((g) => {
    const f = finite(g);
    const counts = new Array<number>(bins).fill(0);
    for (const x of f) counts[Math.min(bins - 1, Math.floor((x - lo) / w))]! += 1;
    return counts.map((k) => k / Math.max(1, f.length));
  });
  return { edges, shares };
}

/** ROC points (false positive rate, true positive rate) from scores where higher = positive. */
export function rocCurve(scores: readonly number[], labels: readonly number[]): [number, number][] {
  const pairs = scores.map((s, i) => [s, labels[i]!] as const).filter(([s]) => Number.isFinite(s));
  const pos = pairs.filter(([, l]) => l === 1).length;
  const neg = pairs.length - pos;
  if (pos === 0 || neg === 0) return [];
  pairs.sort((a, b) => b[0] - a[0]);
  const out: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < pairs.length; i++) {
    if (pairs[i]![1] === 1) tp += 1;
    else fp += 1;
    if (i === pairs.length - 1 || pairs[i + 1]![0] !== pairs[i]![0]) out.push([fp / neg, tp / pos]);
  }
  return out;
}

/** The ROC curve against the chance diagonal, on the unit square. */
function rocPlot(
  scores: readonly number[],
  labels: readonly number[],
  title: string,
  axes: [string, string],
) {
  return xyPlot([{ label: 'model', ...columns(rocCurve(scores, labels)), size: 2 }, diagonal(1)], {
    title,
    x: { label: axes[0], min: 0, max: 1 },
    y: { label: axes[1], min: 0, max: 1 },
    legend: 'bottom-right',
  });
}

function healthFigures(h: HealthHeldOut): Figure[] {
  const { edges, shares } = histogram([h.healthy, h.endOfLife]);
  const mids = edges.slice(0, -1).map((e, k) => (e + edges[k + 1]!) / 2);
  const dist = xyPlot(
    [
      { label: `healthy held-out (n=${finite(h.healthy).length})`, x: mids, y: shares[0]!, size: 2 },
      { label: `end of life (n=${finite(h.endOfLife).length})`, x: mids, y: shares[1]!, size: 2 },
    ],
    {
      title: 'Anomaly score: held-out healthy vs end-of-life rows',
      x: { label: 'anomaly score (calibrated to the healthy training error)' },
      y: { label: 'share of rows', min: 0 },
    },
  );
  const labels = [...h.healthy.map(() => 0), ...h.endOfLife.map(() => 1)];
  const roc = rocPlot([...h.healthy, ...h.endOfLife], labels, 'ROC: end-of-life vs healthy rows', [
    'false positive rate (healthy rows flagged)',
    'true positive rate (end-of-life rows flagged)',
  ]);
  return [
    {
      file: 'card-score-distribution.svg',
      caption:
        'Distribution of the anomaly score on held-out healthy rows and on the end of life of assets that failed.',
      svg: dist,
    },
    {
      file: 'card-roc.svg',
      caption: 'How well a threshold on the score separates end-of-life rows from healthy ones.',
      svg: roc,
    },
  ];
}

/** Counts [[TN, FP], [FN, TP]] at the threshold (probability ≥ threshold = positive). */
export function confusion(h: ClassifierHeldOut): number[][] {
  const m = [
    [0, 0],
    [0, 0],
  ];
  h.probabilities.forEach((p, i) => {
    if (!Number.isFinite(p)) return;
    m[h.labels[i] === 1 ? 1 : 0]![p >= h.threshold ? 1 : 0]! += 1;
  });
  return m;
}

/** Mean predicted probability against observed positive rate in 10 equal-width bins. */
export function reliability(h: ClassifierHeldOut, bins = 10): [number, number][] {
  const out: [number, number][] = [];
  for (let b = 0; b < bins; b++) {
    const idx = h.probabilities.flatMap((p, i) =>
      Number.isFinite(p) && p >= b / bins && (p < (b + 1) / bins || (b === bins - 1 && p <= 1)) ? [i] : [],
    );
    if (idx.length === 0) continue;
    out.push([mean(idx.map((i) => h.probabilities[i]!)), mean(idx.map((i) => (h.labels[i] === 1 ? 1 : 0)))]);
  }
  return out;
}

function classifierFigures(h: ClassifierHeldOut): Figure[] {
  const cm = heatmap({
    title: `Confusion matrix at threshold ${h.threshold.toPrecision(3)}`,
    xLabel: 'predicted',
    yLabel: 'actual',
    rows: ['no failure', h.positiveLabel],
    cols: ['no alarm', 'alarm'],
    values: confusion(h),
  });
  const rel = xyPlot(
    [
      { label: 'model', ...columns(reliability(h)), size: 2 },
      { ...diagonal(1), label: 'perfectly calibrated' },
    ],
    {
      title: 'Reliability: predicted probability vs observed rate',
      x: { label: 'mean predicted probability (bin)', min: 0, max: 1 },
      y: { label: 'observed failure rate', min: 0, max: 1 },
      legend: 'top-left',
    },
  );
  const roc = rocPlot(h.probabilities, h.labels, 'ROC curve', ['false positive rate', 'true positive rate']);
  return [
    {
      file: 'card-confusion-matrix.svg',
      caption: 'Held-out rows by actual class and alarm at the stated threshold.',
      svg: cm,
    },
    {
      file: 'card-reliability.svg',
      caption: 'Calibration of the probability: points on the diagonal are well calibrated.',
      svg: rel,
    },
    {
      file: 'card-roc.svg',
      caption: 'Trade-off between false alarms and caught failures over all thresholds.',
      svg: roc,
    },
  ];
}

export function figuresFor(h: HeldOut): Figure[] {
  if (h.kind === 'rul') return rulFigures(h);
  if (h.kind === 'health') return healthFigures(h);
  return classifierFigures(h);
}

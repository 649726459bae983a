/**
 * Explainable two-stage diagnosis, the way an analyst reads a bearing:
 * - stage A, "is anything wrong": logistic regression normal vs fault on the vibration level
 *   (log RMS, log peak). Kurtosis and crest factor were tried and left out: a linear model
 *   extrapolates them badly (IR014's kurtosis of ~20 lies far outside IR007/IR021's 5–10);
 * - stage B, "which part": a signature test, not a fitted boundary. For each race, the SES family
 *   score (ses_bpfo, ses_bpfi: ln line-to-floor ratios, see ses-signatures.ts) is standardised
 *   against its null distribution — the training windows whose label says that defect is absent
 *   (normal, ball and the other race), median and MAD — and the race is "present" when it stands
 *   more than `threshold` robust standard deviations above that null. A fault with neither race
 *   signature is a ball fault: ball defects rarely show a clean BSF line (Smith & Randall 2015
 *   could diagnose few CWRU ball records), so "damaged, but not a race" is the ball reading.
 *
 * Why a test against the null rather than logistic regression on the same scores: a boundary
 * fitted between classes sits between their means, so it moves with the fault sizes seen in
 * training (train on a strong 0.007 in outer-race record and a 0.021 in one reads weaker and falls
 * on the wrong side) and it is dragged by a training record whose labelled signature is absent
 * (OR014@6: labelled outer race, no BPFO line; it taught the regression that "no line" may mean
 * outer race, and ball records were read as outer race). The null distribution only involves
 * windows without the defect, so neither the size nor the strength of the training faults enters
 * the decision. The threshold is chosen by record-held-out cross-validation on the training files
 * (evaluation/cwru/evaluate-cwru.ts); the slope of the soft decision is fixed (probabilities for averaging over a
 * record, not a tuned quantity).
 *
 * P(race present) = σ(SLOPE·(z − threshold)); when both races are present the larger z wins
 * softly. P(fault) combines stage A with the signatures: a race line far above its null is a
 * defect whatever the level. P(normal) = 1 − P(fault), P(part) = P(fault) · P(part | fault).
 */
import type * as tf from '../../tf/tfjs.js';
import { median } from '../../maths/order-statistics.js';
import {
  fitStandardiser,
  predictProba,
  standardise,
  trainClassifier,
  type ClassifierOptions,
  type Standardiser,
} from './classifier.js';

/** The classes, in the order of labels and of every probability row. */
export const BEARING_CLASSES = ['normal', 'inner_race', 'ball', 'outer_race'] as const;
const LEVEL_FEATURES = ['log_rms', 'log_peak'] as const;
/** The race signatures stage B tests, with the BEARING_CLASSES index of the defect each reveals. */
const SIGNATURE_TESTS = [
  { feature: 'ses_bpfi', label: 1 },
  { feature: 'ses_bpfo', label: 3 },
] as const;
/** Candidate thresholds (robust σ above the null), chosen by cross-validation. */
export const THRESHOLD_GRID = [2, 2.5, 3, 3.5, 4] as const;
export const DEFAULT_THRESHOLD = 3;
/** Steepness of the soft decision, per robust σ. */
const SLOPE = 2;

export interface NullStatistics {
  feature: string;
  median: number;
  /** 1.4826 × median absolute deviation: σ for a Gaussian null. */
  scale: number;
  windows: number;
}

export interface StagedClassifier {
  /** Row-major [rows × 4] probabilities in BEARING_CLASSES order (normal, inner_race, ball, outer_race). */
  predict(x: Float32Array, threshold?: number): Float32Array;
  readonly nulls: readonly NullStatistics[];
  dispose(): void;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * P(signature present) for a family score standing `z` robust σ above its null: the soft decision
 * of stage B, shared with the live diagnosis (diagnose.ts), whose null comes from the window's own
 * spectrum instead of training windows.
 */
export const signaturePresence = (z: number, threshold: number = DEFAULT_THRESHOLD): number =>
  sigmoid(SLOPE * (z - threshold));

function column(x: Float32Array, width: number, c: number): Float64Array {
  const rows = x.length / width;
  return Float64Array.from({ length: rows }, (_, r) => x[r * width + c]!);
}

/** Median and scaled MAD of a feature over the rows whose label is not `label`. */
export function nullStatistics(
  values: Float64Array,
  y: Int32Array,
  label: number,
  feature: string,
): NullStatistics {
  const rest = values.filter((_, i) => y[i] !== label);
  if (rest.length === 0) throw new RangeError(`no training windows without label ${label} for ${feature}`);
  return { feature, ...robustLocation(rest), windows: rest.length };
}

/** Median and 1.4826 × MAD (σ for a Gaussian), floored so a constant null cannot divide by 0. */
export function robustLocation(values: Float64Array): { median: number; scale: number } {
  const center = median(values);
  const mad = median(values.map((v) => Math.abs(v - center)));
  return { median: center, scale: Math.max(1.4826 * mad, 1e-6) };
}

interface LevelStage {
  columns: number[];
  standardiser: Standardiser;
  model: tf.Sequential;
}

function pick(x: Float32Array, width: number, columns: readonly number[]): Float32Array {
  const rows = x.length / width;
  const out = new Float32Array(rows * columns.length);
  for (let r = 0; r < rows; r++) columns.forEach((c, j) => (out[r * columns.length + j] = x[r * width + c]!));
  return out;
}

/** Labels: 0 normal, 1 inner race, 2 ball, 3 outer race (BEARING_CLASSES order). */
export async function trainStagedClassifier(
  x: Float32Array,
  y: Int32Array,
  names: readonly string[],
  options: ClassifierOptions,
  threshold: number = DEFAULT_THRESHOLD,
): Promise<StagedClassifier> {
  const width = names.length;
  const levelCols = LEVEL_FEATURES.map((n) => names.indexOf(n)).filter((i) => i >= 0);
  const testCols = SIGNATURE_TESTS.map((t) => names.indexOf(t.feature));
  if (levelCols.length === 0 || testCols.some((i) => i < 0)) {
    throw new RangeError(
      `the staged classifier needs ${LEVEL_FEATURES.join('/')} and ${SIGNATURE_TESTS.map((t) => t.feature).join(', ')}`,
    );
  }
  const sub = pick(x, width, levelCols);
  const standardiser = fitStandardiser(sub, levelCols.length);
  const { model } = await trainClassifier(
    { x: standardise(sub, standardiser), y: Int32Array.from(y, (c) => (c === 0 ? 0 : 1)) },
    null,
    levelCols.length,
    2,
    { ...options, hidden: [], dropout: 0 },
  );
  const level: LevelStage = { columns: levelCols, standardiser, model };
  const nulls = SIGNATURE_TESTS.map((t, j) =>
    nullStatistics(column(x, width, testCols[j]!), y, t.label, t.feature),
  );

  return {
    nulls,
    predict(rowsX: Float32Array, at: number = threshold): Float32Array {
      const rows = rowsX.length / width;
      const pa = predictProba(
        level.model,
        standardise(pick(rowsX, width, level.columns), level.standardiser),
        level.columns.length,
      );
      const out = new Float32Array(rows * 4);
      for (let r = 0; r < rows; r++) {
        const [zi, zo] = nulls.map((s, j) => (rowsX[r * width + testCols[j]!]! - s.median) / s.scale) as [
          number,
          number,
        ];
        const pi = signaturePresence(zi, at);
        const po = signaturePresence(zo, at);
        const both = pi * po;
        const innerWins = sigmoid(SLOPE * (zi - zo));
        const inner = pi * (1 - po) + both * innerWins;
        const outer = po * (1 - pi) + both * (1 - innerWins);
        const ball = (1 - pi) * (1 - po);
        const fault = 1 - pa[r * 2]! * (1 - Math.max(pi, po));
        out[r * 4] = 1 - fault;
        out[r * 4 + 1] = fault * inner;
        out[r * 4 + 2] = fault * ball;
        out[r * 4 + 3] = fault * outer;
      }
      return out;
    },
    dispose(): void {
      level.model.dispose();
    },
  };
}

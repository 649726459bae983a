/**
 * Explainable two-stage diagnosis, the way an analyst reads a bearing:
 * - stage A, "is anything wrong": logistic regression normal vs fault on the vibration level
 *   (log RMS, log peak). Kurtosis and crest factor were tried and left out: a linear model
 *   extrapolates them badly (IR014's kurtosis of ~20 lies far outside IR007/IR021's 5–10);
 * - stage B, "which part": logistic regression inner race / ball / outer race on the
 *   order-normalised envelope features only (peak-to-floor ratios at BPFO, BPFI and BSF in the
 *   best demodulation band). These are dimensionless, so a model
 *   trained on two fault sizes reads the third: the size changes the amplitude, not which defect
 *   order stands out of the envelope spectrum.
 * P(normal) = A₀, P(fault c) = A₁ · B_c. Each stage's weights are per standardised feature, so
 * the decision can be read off them.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  fitStandardiser,
  predictProba,
  standardise,
  trainClassifier,
  type ClassifierOptions,
  type Standardiser,
} from './classifier.js';

export const LEVEL_FEATURES = ['log_rms', 'log_peak'] as const;
/**
 * Stage B reads the best-band line-to-floor ratio at the three defect orders. Band averages, FTF,
 * 1× shaft and BPFI sidebands were tried too: with two training records per class a linear model
 * latched onto their record-specific quirks (OR021 read as inner race, 021 rotation).
 */
export const ORDER_FEATURES = ['env_order_bpfo_max', 'env_order_bpfi_max', 'env_order_bsf_max'] as const;

interface Stage {
  columns: number[];
  standardiser: Standardiser;
  model: tf.Sequential;
}

export interface StagedClassifier {
  /** Row-major [rows × 4] probabilities in CWRU_LABELS order (normal, inner_race, ball, outer_race). */
  predict(x: Float32Array): Float32Array;
  dispose(): void;
}

function pick(x: Float32Array, width: number, columns: readonly number[]): Float32Array {
  const rows = x.length / width;
  const out = new Float32Array(rows * columns.length);
  for (let r = 0; r < rows; r++) columns.forEach((c, j) => (out[r * columns.length + j] = x[r * width + c]!));
  return out;
}

async function trainStage(
  x: Float32Array,
  width: number,
  y: Int32Array,
  columns: number[],
  classes: number,
  o: ClassifierOptions,
): Promise<Stage> {
  const sub = pick(x, width, columns);
  const standardiser = fitStandardiser(sub, columns.length);
  const { model } = await trainClassifier(
    { x: standardise(sub, standardiser), y },
    null,
    columns.length,
    classes,
    o,
  );
  return { columns, standardiser, model };
}

function stageProba(stage: Stage, x: Float32Array, width: number): Float32Array {
  const sub = pick(x, width, stage.columns);
  return predictProba(stage.model, standardise(sub, stage.standardiser), stage.columns.length);
}

/** Labels: 0 normal, 1 inner race, 2 ball, 3 outer race (CWRU_LABELS order). */
export async function trainStagedClassifier(
  x: Float32Array,
  y: Int32Array,
  names: readonly string[],
  options: ClassifierOptions,
): Promise<StagedClassifier> {
  const width = names.length;
  const levelCols = LEVEL_FEATURES.map((n) => names.indexOf(n)).filter((i) => i >= 0);
  const orderCols = ORDER_FEATURES.map((n) => names.indexOf(n)).filter((i) => i >= 0);
  if (levelCols.length === 0 || orderCols.length === 0) {
    throw new RangeError('the staged classifier needs level features and env_order_* features');
  }
  const linear: ClassifierOptions = { ...options, hidden: [], dropout: 0 };
  const a = await trainStage(
    x,
    width,
    Int32Array.from(y, (c) => (c === 0 ? 0 : 1)),
    levelCols,
    2,
    linear,
  );
  const faultRows = [...y.keys()].filter((i) => y[i] !== 0);
  const xf = new Float32Array(faultRows.length * width);
  faultRows.forEach((r, i) => xf.set(x.subarray(r * width, (r + 1) * width), i * width));
  const b = await trainStage(
    xf,
    width,
    Int32Array.from(faultRows, (r) => y[r]! - 1),
    orderCols,
    3,
    linear,
  );
  return {
    predict(rowsX: Float32Array): Float32Array {
      const pa = stageProba(a, rowsX, width);
      const pb = stageProba(b, rowsX, width);
      const rows = rowsX.length / width;
      const out = new Float32Array(rows * 4);
      for (let r = 0; r < rows; r++) {
        out[r * 4] = pa[r * 2]!;
        for (let c = 0; c < 3; c++) out[r * 4 + 1 + c] = pa[r * 2 + 1]! * pb[r * 3 + c]!;
      }
      return out;
    },
    dispose(): void {
      a.model.dispose();
      b.model.dispose();
    },
  };
}

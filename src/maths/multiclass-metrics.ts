/** Confusion matrix, per-class precision/recall/F1 and accuracy for integer class predictions. */

interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  per_class: Record<string, ClassScores>;
  /** matrix[true][predicted], rows and columns in `labels` order. */
  confusion: { labels: string[]; matrix: number[][] };
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

export function classificationReport(
  labels: readonly string[],
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ClassificationReport {
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    matrix[t]![p]!++;
    if (t === p) correct++;
  }
  const per_class: Record<string, ClassScores> = {};
  labels.forEach((label, c) => {
    const tp = matrix[c]![c]!;
    const support = matrix[c]!.reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((a, row) => a + row[c]!, 0);
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    per_class[label] = { precision: round(precision), recall: round(recall), f1: round(f1), support };
  });
  return {
    accuracy: round(truth.length > 0 ? correct / truth.length : NaN),
    per_class,
    confusion: { labels: [...labels], matrix },
  };
}

/** Index of the largest value in row r of a row-major [rows × k] array. */
export function argmaxRow(values: ArrayLike<number>, r: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (values[r * k + c]! > values[r * k + best]!) best = c;
  return best;
}

/** Mean recall over the classes present in `truth` (class-size independent). */
export function balancedAccuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const hits = new Map<number, [number, number]>();
  for (let i = 0; i < truth.length; i++) {
    const h = hits.get(truth[i]!) ?? [0, 0];
    h[0] += truth[i] === predicted[i] ? 1 : 0;
    h[1]++;
    hits.set(truth[i]!, h);
  }
  const recalls = [...hits.values()].map(([c, n]) => c / n);
  return recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : NaN;
}

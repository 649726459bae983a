/** Scores of a binary classifier that outputs probabilities; labels are 0/1. */
import { averageRanks } from './ranks.js';

/** ROC AUC as the Mann–Whitney statistic (ties count one half). NaN without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const ranks = averageRanks(scores);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      pos++;
      rankSum += ranks[i] ?? 0;
    }
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * PR AUC as average precision (scikit-learn's definition): Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct
 * score thresholds, highest first; tied scores enter together.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[b] ?? 0) - (scores[a] ?? 0),
  );
  let totalPos = 0;
  for (let i = 0; i < labels.length; i++) totalPos += labels[i] === 1 ? 1 : 0;
  if (totalPos === 0) return NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < order.length;) {
    const s = scores[order[k] ?? 0];
    while (k < order.length && scores[order[k] ?? 0] === s) {
      tp += labels[order[k] ?? 0] === 1 ? 1 : 0;
      seen++;
      k++;
    }
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return ap;
}

export interface ThresholdScores {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Positive when probability ≥ threshold. */
export function scoresAt(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ThresholdScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const alarm = (probabilities[i] ?? 0) >= threshold;
    if (labels[i] === 1) {
      if (alarm) tp++;
      else fn++;
    } else if (alarm) fp++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1, tp, fp, fn, tn };
}

/** The threshold (one of the observed probabilities) that maximises F1. */
export function bestF1Threshold(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): ThresholdScores {
  const candidates = [...new Set(Array.from(probabilities))].sort((a, b) => a - b);
  let best = scoresAt(probabilities, labels, 0.5);
  for (const t of candidates) {
    const s = scoresAt(probabilities, labels, t);
    if (s.f1 > best.f1) best = s;
  }
  return best;
}

export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += ((probabilities[i] ?? 0) - (labels[i] ?? 0)) ** 2;
  return s / Math.max(1, labels.length);
}

export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, probabilities[i] ?? 0));
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / Math.max(1, labels.length);
}

/**
 * Held-out predictions of the `eval` commands, kept beside a saved model (`--out`) so that
 * registering it (`prognos models register`) draws its card.
 */
import type { RulPrediction } from '../prognostics/rul/predict-rul.js';
import type { ClassifierHeldOut, RulHeldOut } from '../models/cards/card-figures.js';

export function rulHeldOutOf(
  predictions: readonly (RulPrediction & { trueRul: number })[],
  cap: number,
  level: number,
  source: string,
): RulHeldOut {
  return {
    kind: 'rul',
    source,
    unitName: 'cycles',
    cap,
    level,
    trueRul: predictions.map((p) => p.trueRul),
    predicted: predictions.map((p) => p.rul),
    lower: predictions.map((p) => p.lower),
    upper: predictions.map((p) => p.upper),
  };
}

export function classifierHeldOutOf(
  probabilities: readonly number[],
  labels: readonly number[],
  threshold: number,
  positiveLabel: string,
  source: string,
): ClassifierHeldOut {
  return {
    kind: 'classifier',
    source,
    positiveLabel,
    threshold,
    labels: [...labels],
    probabilities: [...probabilities],
  };
}

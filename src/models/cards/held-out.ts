/** What a trainer or an evaluation keeps of its held-out predictions, per kind of model. */

/** RUL predictions at the last row of each held-out unit (cut short, as NASA's test files). */
export interface RulHeldOut {
  kind: 'rul';
  /** What the held-out set is, in words (e.g. "C-MAPSS test_FD001.txt, 100 engines"). */
  source: string;
  unitName: string;
  cap: number;
  /** Nominal level of the stated interval (e.g. 0.8). */
  level: number;
  trueRul: number[];
  predicted: number[];
  lower: number[];
  upper: number[];
}

/** Anomaly scores of held-out healthy rows and of end-of-life rows of failed assets. */
export interface HealthHeldOut {
  kind: 'health';
  source: string;
  healthy: number[];
  endOfLife: number[];
}

/** Calibrated probabilities of a binary classifier on held-out rows, and the alarm threshold. */
export interface ClassifierHeldOut {
  kind: 'classifier';
  source: string;
  positiveLabel: string;
  threshold: number;
  labels: number[];
  probabilities: number[];
}

export type HeldOut = RulHeldOut | HealthHeldOut | ClassifierHeldOut;

/** The trainer of each model kind the service can train from stored data. */
import { withFeatureRows } from './feature-rul-trainer.js';
import { healthTrainer } from './health-trainer.js';
import { rulTrainer } from './rul-trainer.js';
import type { TrainerRegistry } from './trainer.js';

/** The kinds createTrainers trains: what POST /v1/training-runs accepts and documents. */
export const TRAINABLE_KINDS = ['rul', 'health'] as const;

export function createTrainers(): TrainerRegistry & Record<(typeof TRAINABLE_KINDS)[number], unknown> {
  // `rul` trains on scalar readings, or on stored feature rows with params.source 'feature-rows'.
  return { rul: withFeatureRows(rulTrainer), health: healthTrainer };
}

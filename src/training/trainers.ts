/** The trainer of each model kind the service can train from stored data. */
import { withFeatureRows } from './feature-rul-trainer.js';
import { healthTrainer } from './health-trainer.js';
import { rulTrainer } from './rul-trainer.js';
import type { TrainerRegistry } from './trainer.js';

export function createTrainers(): TrainerRegistry {
  // `rul` trains on scalar readings, or on stored feature rows with params.source 'feature-rows'.
  return { rul: withFeatureRows(rulTrainer), health: healthTrainer };
}

/** The trainer of each model kind the service can train from stored data. */
import { rulTrainer } from './rul-trainer.js';
import type { TrainerRegistry } from './trainer.js';

export function createTrainers(): TrainerRegistry {
  return { rul: rulTrainer };
}

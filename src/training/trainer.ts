/**
 * A trainer turns a training run's parameters into a registered-ready artifact directory. One
 * per model kind; the training job and service are the same for all of them.
 */
import type { Kysely } from 'kysely';
import type { DB, ModelKind } from '../db/schema.js';
import type { HeldOut } from '../models/cards/card-figures.js';
import type { LoadedModel } from '../models/registry.service.js';

interface EpochReport {
  epoch: number;
  /** Which ensemble member (0 when a single model). */
  member?: number;
  loss?: number;
  valLoss?: number;
  valRmse?: number;
  seconds?: number;
  [k: string]: unknown;
}

export interface TrainerInput {
  runId: number;
  modelName: string;
  params: Record<string, unknown>;
  /** Directory to write model.json, weights and manifest.json into. */
  workDir: string;
  db: Kysely<DB>;
  /** The active version, if any: the trainer scores it on its own held-out data so a
   * candidate can be compared with it on equal terms. */
  baseline: LoadedModel | undefined;
  signal: AbortSignal;
  progress(p: { percent: number; phase: string; etaSeconds?: number }): Promise<void>;
  epoch(e: EpochReport): Promise<void>;
  log(message: string): Promise<void>;
}

export interface TrainerResult {
  /** Metrics of the new model on the held-out data (the primary one is named in `primary`). */
  metrics: Record<string, number>;
  /** The baseline's metrics on the same held-out data, when a baseline was given. */
  baselineMetrics?: Record<string, number>;
  primary: { name: string; lowerIsBetter: boolean };
  dataRange: Record<string, unknown>;
  /** The new model's held-out predictions, drawn on its model card. */
  heldOut?: HeldOut;
}

export interface Trainer {
  kind: ModelKind;
  train(input: TrainerInput): Promise<TrainerResult>;
}

export type TrainerRegistry = Partial<Record<ModelKind, Trainer>>;

/** True when the candidate beats the baseline on the primary metric by at least `margin`
 * (relative: 0.02 = 2 % better). */
export function beatsBaseline(result: TrainerResult, margin: number): boolean {
  const m = result.primary.name;
  const cand = result.metrics[m];
  const base = result.baselineMetrics?.[m];
  if (cand === undefined || base === undefined || !Number.isFinite(cand) || !Number.isFinite(base))
    return false;
  // Better by exactly the margin counts, whatever rounding 0.8 × 1.1 does.
  const eps = 1e-9 * Math.abs(base);
  return result.primary.lowerIsBetter ? cand <= base * (1 - margin) + eps : cand >= base * (1 + margin) - eps;
}

/** The RUL ensemble's per-epoch callback: records the epoch and reports progress between 5 %
 * and 90 % (data loading and evaluation take the rest), with an ETA from the pace so far. */
export function ensembleEpochReporter(input: TrainerInput, members: number, maxEpochs: number) {
  let done = 0;
  const started = Date.now();
  return (epoch: number, logs: { member: number; loss: number; valRmse: number; elapsedSeconds: number }) => {
    done += 1;
    const share = Math.min(1, done / (members * maxEpochs));
    const elapsed = (Date.now() - started) / 1000;
    void input.epoch({
      epoch,
      member: logs.member,
      loss: logs.loss,
      valRmse: logs.valRmse,
      seconds: logs.elapsedSeconds,
    });
    void input.progress({
      percent: Math.round(5 + 85 * share),
      phase: `training member ${logs.member + 1}/${members}`,
      etaSeconds: share > 0 ? Math.round((elapsed / share) * (1 - share)) : undefined,
    });
  };
}

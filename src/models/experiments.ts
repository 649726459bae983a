/**
 * What a training run recorded about a version (parameters, data range, the active model's
 * scores on the same held-out data) and a comparison of two versions on equal terms: when one
 * was trained while the other was active, the trainer scored both on its held-out data, and
 * those figures are the fair comparison (each version's own metrics may come from different
 * held-out sets).
 */
import type { Kysely } from 'kysely';
import type { DB, ModelVersion } from '../db/schema.js';
import { registryRepository } from './registry.repository.js';

export interface Experiment {
  trainingRunId: number | null;
  params: Record<string, unknown> | null;
  dataRange: Record<string, unknown> | null;
}

export interface SameDataComparison {
  /** Whose held-out data both were scored on. */
  heldOutOf: number;
  metrics: Record<string, { a: number | null; b: number | null; delta: number | null }>;
}

async function runOf(db: Kysely<DB>, row: ModelVersion) {
  if (row.training_run_id === null) return undefined;
  return registryRepository.trainingRun(db, row.training_run_id);
}

export async function experimentOf(db: Kysely<DB>, row: ModelVersion): Promise<Experiment> {
  const run = await runOf(db, row);
  const manifestRange = row.manifest.dataRange as Record<string, unknown> | undefined;
  return {
    trainingRunId: row.training_run_id,
    params: run?.params ?? null,
    dataRange: run?.data_range ?? manifestRange ?? null,
  };
}

const numbers = (m: unknown): Record<string, number> =>
  Object.fromEntries(
    Object.entries((m ?? {}) as Record<string, unknown>).filter(
      (e): e is [string, number] => typeof e[1] === 'number',
    ),
  );

/** Both versions on one held-out set, when a training run scored them together. */
export async function compareOnSameData(
  db: Kysely<DB>,
  a: ModelVersion,
  b: ModelVersion,
): Promise<SameDataComparison | null> {
  for (const [cand, other, flip] of [
    [b, a, false],
    [a, b, true],
  ] as const) {
    const run = await runOf(db, cand);
    if (!run || run.metrics.baselineVersion !== other.version) continue;
    const own = numbers(run.metrics);
    const base = numbers(run.metrics.baseline);
    const metrics: SameDataComparison['metrics'] = {};
    for (const k of Object.keys(base)
      .filter((k) => k in own)
      .sort()) {
      const va = flip ? own[k]! : base[k]!;
      const vb = flip ? base[k]! : own[k]!;
      metrics[k] = { a: va, b: vb, delta: vb - va };
    }
    return { heldOutOf: cand.version, metrics };
  }
  return null;
}

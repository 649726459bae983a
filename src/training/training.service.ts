/**
 * Training runs: start one (a row + a job on the `training` queue), execute it (in the worker),
 * and read or cancel it. A version is registered only when training finished; it becomes active
 * only by an explicit promote, or automatically when asked and it beats the active model on the
 * same held-out data by the configured margin.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB, ModelKind, TrainingRun } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { saveCardData } from '../models/cards/card-store.js';
import { JOBS } from '../jobs/names.js';
import type { JobContext, JobQueue } from '../jobs/types.js';
import type { ModelRegistry } from '../models/registry.service.js';
import { beatsBaseline, type TrainerRegistry } from './trainer.js';
import { missingParam } from './training-params.js';
import { trainingRepository as repo } from './training.repository.js';

export interface TrainingDeps {
  db: Kysely<DB>;
  models: ModelRegistry;
  trainers: TrainerRegistry;
  /** Relative improvement a candidate needs for automatic promotion (0.02 = 2 %). */
  autoPromoteMargin: number;
  logger?: Logger;
}

export interface StartTraining {
  modelName: string;
  kind: ModelKind;
  params?: Record<string, unknown>;
  autoPromote?: boolean;
}

export class TrainingService {
  constructor(
    private readonly deps: TrainingDeps,
    private readonly jobs: () => JobQueue,
  ) {}

  async start(req: StartTraining): Promise<TrainingRun> {
    if (!this.deps.trainers[req.kind]) {
      throw new AppError('unsupported_kind', 400, `kind: no trainer for model kind "${req.kind}"`);
    }
    const missing = missingParam(req.kind, req.params ?? {});
    if (missing) throw new AppError('missing_param', 400, missing.message);
    const run = await repo.create(this.deps.db, {
      modelName: req.modelName,
      kind: req.kind,
      params: { ...(req.params ?? {}), autoPromote: req.autoPromote ?? false },
    });
    try {
      const { id } = await this.jobs().enqueue(JOBS.trainModel, { runId: run.id });
      await repo.setJob(this.deps.db, run.id, id);
    } catch (err) {
      await repo.finish(this.deps.db, run.id, {
        status: 'failed',
        error: `could not enqueue: ${(err as Error).message}`,
      });
      throw err;
    }
    return (await repo.get(this.deps.db, run.id))!;
  }

  async get(id: number): Promise<TrainingRun> {
    const run = await repo.get(this.deps.db, id);
    if (!run) throw notFound('training run', id);
    return run;
  }

  list(f: { modelName?: string; limit?: number; beforeId?: number }) {
    return repo.list(this.deps.db, { ...f, limit: f.limit ?? 50 });
  }

  async cancel(id: number): Promise<TrainingRun> {
    const run = await this.get(id);
    if (['completed', 'failed', 'cancelled'].includes(run.status)) {
      throw new AppError('run_finished', 409, `training run ${id} is already ${run.status}`);
    }
    // Recorded first: the worker re-reads it every epoch and before registering, so a cancel
    // that races the job's own signal still stops the run and registers nothing.
    await repo.finish(this.deps.db, id, { status: 'cancelled', error: 'cancelled by request' });
    if (run.job_id) await this.jobs().cancel(run.job_id);
    return this.get(id);
  }
}

/** The body of the `train-model` job, run by a worker (or in-process). */
export async function executeTrainingRun(deps: TrainingDeps, runId: number, ctx: JobContext) {
  const run = await repo.get(deps.db, runId);
  if (!run) throw new Error(`training run ${runId} does not exist`);
  if (run.status === 'cancelled' || run.status === 'completed') return { skipped: run.status };
  const trainer = deps.trainers[run.kind];
  if (!trainer) throw new Error(`no trainer for kind ${run.kind}`);
  if (!(await repo.start(deps.db, runId))) return { skipped: 'cancelled' };
  // An earlier attempt registered its version and died before recording it: record, don't retrain.
  const registered = await deps.models.forTrainingRun(runId);
  if (registered) {
    // The comparison with the active model died with that attempt: only a first version is
    // still promoted automatically; otherwise it stays a candidate for an explicit promote.
    const promoted =
      run.params.autoPromote === true &&
      registered.status !== 'archived' &&
      !(await deps.models.active(run.model_name));
    if (promoted)
      await deps.models.promote(run.model_name, registered.version, {
        action: 'auto-promote',
        reason: 'first version of this model (recorded by a retry)',
      });
    await repo.finish(deps.db, runId, {
      status: 'completed',
      metrics: { ...registered.metrics, promoted },
      error: null,
      modelVersionId: registered.id,
    });
    return { modelVersion: registered.version, promoted, metrics: registered.metrics };
  }
  // Cancelled either through the job (ctx.signal) or in the database, when the cancel request
  // found no job to signal (between attempts, or a queue that lost it): check both.
  const controller = new AbortController();
  ctx.signal.addEventListener('abort', () => controller.abort(ctx.signal.reason), { once: true });
  const signal = controller.signal;
  const checkCancelled = async () => {
    if (!signal.aborted && (await repo.get(deps.db, runId))?.status === 'cancelled')
      controller.abort(new Error('cancelled'));
  };
  // Trainers report from synchronous callbacks without awaiting: keep the writes in order, one at
  // a time (a burst of epochs must not exhaust the pool), and never let one reject unhandled.
  let reports: Promise<void> = Promise.resolve();
  const report = (write: () => Promise<void>) => {
    reports = reports
      .then(write)
      .catch((err: unknown) => deps.logger?.warn({ err, run: runId }, 'progress not recorded'));
    return reports;
  };
  const baseline = await deps.models.load(run.model_name).catch(() => undefined);
  // One staging directory per run beside the registry (a dot name the registry never reads):
  // what a killed attempt left there is removed by the retry, wherever that runs.
  const workDir = path.join(deps.models.modelsDir, '.staging', `run-${runId}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  try {
    const result = await trainer.train({
      runId,
      modelName: run.model_name,
      params: run.params,
      workDir,
      db: deps.db,
      baseline,
      signal,
      progress: (p) =>
        report(async () => {
          await repo.progress(deps.db, runId, p);
          await ctx.progress(p);
        }),
      epoch: (e) =>
        report(async () => {
          await repo.appendEpoch(deps.db, runId, e);
          await checkCancelled();
        }),
      log: async (m) => {
        deps.logger?.info({ run: runId }, m);
        await ctx.log(m);
      },
    });
    await reports;
    await checkCancelled();
    if (signal.aborted) throw new Error('cancelled');
    // Kept beside the artifact, so the registry draws the version's model card from it.
    if (result.heldOut) {
      await saveCardData(workDir, {
        heldOut: result.heldOut,
        params: run.params,
        dataRange: result.dataRange,
        primary: result.primary,
        ...(baseline && result.baselineMetrics
          ? { baseline: { version: baseline.row.version, metrics: result.baselineMetrics } }
          : {}),
      });
    }
    const version = await deps.models.register({
      name: run.model_name,
      kind: run.kind,
      sourceDir: workDir,
      metrics: result.metrics,
      trainingRunId: runId,
    });
    let promoted = false;
    const margin = Number(run.params.autoPromoteMargin ?? deps.autoPromoteMargin);
    if (run.params.autoPromote === true && (!baseline || beatsBaseline(result, margin))) {
      const reason = baseline
        ? `${result.primary.name} ${result.metrics[result.primary.name]?.toFixed(3)} vs active ${result.baselineMetrics?.[result.primary.name]?.toFixed(3)} on the same held-out data (margin ${margin})`
        : 'first version of this model';
      await deps.models.promote(run.model_name, version.version, { action: 'auto-promote', reason });
      promoted = true;
    }
    const metrics = {
      ...result.metrics,
      ...(result.baselineMetrics && baseline
        ? { baseline: result.baselineMetrics, baselineVersion: baseline.row.version }
        : {}),
      promoted,
    };
    await repo.finish(deps.db, runId, {
      status: 'completed',
      metrics,
      dataRange: result.dataRange,
      error: null,
      modelVersionId: version.id,
    });
    await ctx.progress({ percent: 100, phase: 'done' });
    return { modelVersion: version.version, promoted, metrics: result.metrics };
  } catch (err) {
    await reports;
    const cancelled = signal.aborted;
    await repo.finish(deps.db, runId, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? 'cancelled' : (err as Error).message,
    });
    throw err;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

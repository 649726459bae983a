/**
 * Trains the health (anomaly) autoencoder from stored feature rows. The early life of every
 * asset — its first `healthyHours`, or its first `healthyFraction` of rows, and always before
 * its first failure event — is taken as healthy. The last quarter of each asset's healthy rows
 * is held out; the model is judged on how well it separates those from the last
 * `endOfLifeFraction` of the life of assets that failed (ROC AUC, higher is better), and the
 * active model, when it serves the same feature set, is scored on the same rows.
 */
import { AppError } from '../errors.js';
import { buildDriftReference, saveDriftReference } from '../models/drift-reference.js';
import { rocAuc } from '../maths/binary-metrics.js';
import { scoreHealth, trainHealthModel, type TrainHealthOptions } from '../health/health-model.js';
import { loadHealthModel, saveHealthModel } from '../health/health-store.js';
import type { HealthManifest } from '../health/health-manifest.js';
import type { FeatureHistory } from './feature-rows.repository.js';
import type { AssetFilter } from './run-rows.repository.js';
import { loadSetHistories } from './set-histories.js';
import type { Trainer, TrainerInput, TrainerResult } from './trainer.js';

interface HealthTrainParams extends AssetFilter {
  /** A registered stored feature set (src/features/stored-feature-sets.ts). */
  featureSet: string;
  healthyHours?: number;
  /** Used when healthyHours is not given; default 0.2. */
  healthyFraction?: number;
  /** Share of each asset's healthy rows (the latest ones) held out; default 0.25. */
  holdoutFraction?: number;
  /** Share of a failed asset's life, before the failure, taken as end of life; default 0.1. */
  endOfLifeFraction?: number;
  seed?: number;
  epochs?: number;
  patience?: number;
  hidden?: number;
  bottleneck?: number;
}

/** A column finite in fewer than this share of the healthy rows is not modelled. */
const MIN_FINITE_SHARE = 0.5;

interface Split {
  train: number[][];
  groups: number[];
  heldHealthy: number[][];
  heldGroups: number[];
  endOfLife: number[][];
  assets: number[];
  failed: number[];
  from: Date | undefined;
  to: Date | undefined;
}

function splitHistories(histories: FeatureHistory[], p: HealthTrainParams): Split {
  const holdout = p.holdoutFraction ?? 0.25;
  const eolShare = p.endOfLifeFraction ?? 0.1;
  const out: Split = {
    train: [],
    groups: [],
    heldHealthy: [],
    heldGroups: [],
    endOfLife: [],
    assets: [],
    failed: [],
    from: undefined,
    to: undefined,
  };
  for (const h of histories) {
    const t = h.timestamps.map((d) => d.getTime());
    let end = h.failureAt ? t.findIndex((x) => x >= h.failureAt!.getTime()) : t.length;
    if (end < 0) end = t.length;
    if (end < 2) continue;
    let healthyEnd =
      p.healthyHours !== undefined
        ? t.findIndex((x) => x >= t[0]! + p.healthyHours! * 3_600_000)
        : Math.round(end * (p.healthyFraction ?? 0.2));
    if (healthyEnd < 0 || healthyEnd > end) healthyEnd = end;
    if (healthyEnd < 2) continue;
    const held = Math.min(healthyEnd - 1, Math.round(healthyEnd * holdout));
    out.train.push(...h.vectors.slice(0, healthyEnd - held));
    out.groups.push(...new Array<number>(healthyEnd - held).fill(h.assetId));
    out.heldHealthy.push(...h.vectors.slice(healthyEnd - held, healthyEnd));
    out.heldGroups.push(...new Array<number>(held).fill(h.assetId));
    out.assets.push(h.assetId);
    if (h.failureAt && end > healthyEnd) {
      const eol = Math.max(1, Math.round(end * eolShare));
      out.endOfLife.push(...h.vectors.slice(Math.max(healthyEnd, end - eol), end));
      out.failed.push(h.assetId);
    }
    const first = h.timestamps[0]!;
    const last = h.timestamps[end - 1]!;
    if (!out.from || first < out.from) out.from = first;
    if (!out.to || last > out.to) out.to = last;
  }
  return out;
}

/** Columns finite in too few healthy rows: zero for training and ignored by the standardiser. */
function sparseColumns(rows: number[][], width: number): number[] {
  const finite = new Array<number>(width).fill(0);
  for (const r of rows) for (let j = 0; j < width; j++) if (Number.isFinite(r[j])) finite[j]! += 1;
  return finite.flatMap((n, j) => (n < MIN_FINITE_SHARE * rows.length ? [j] : []));
}

/** P(end-of-life score > healthy score), ties counting half: 1 = perfect separation. */
function separationAuc(healthy: readonly number[], endOfLife: readonly number[]): number {
  // The ROC AUC of end of life (1) against healthy (0): the failure models' Mann–Whitney.
  return rocAuc([...healthy, ...endOfLife], [...healthy.map(() => 0), ...endOfLife.map(() => 1)]);
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function evaluate(
  model: Parameters<typeof scoreHealth>[0],
  manifest: HealthManifest,
  split: Split,
): { metrics: Record<string, number>; healthy: number[]; endOfLife: number[] } {
  // As scoring does: a value that is not finite reaches the model as 0.
  const clean = (rows: number[][]) => rows.map((r) => r.map((x) => (Number.isFinite(x) ? x : 0)));
  const healthy = scoreHealth(model, manifest, clean(split.heldHealthy)).map((s) => s.score);
  const eol = scoreHealth(model, manifest, clean(split.endOfLife)).map((s) => s.score);
  const metrics = {
    separation_auc: separationAuc(healthy, eol),
    healthy_mean_score: mean(healthy),
    end_of_life_mean_score: mean(eol),
    score_gap: mean(eol) - mean(healthy),
    healthy_holdout_rows: healthy.length,
    end_of_life_rows: eol.length,
  };
  return { metrics, healthy, endOfLife: eol };
}

export const healthTrainer: Trainer = {
  kind: 'health',
  async train(input: TrainerInput): Promise<TrainerResult> {
    const p = input.params as unknown as HealthTrainParams;
    const { set, histories, assetCount } = await loadSetHistories(input, p, 10);
    const split = splitHistories(histories, p);
    if (split.train.length < 20) {
      throw new AppError(
        'not_enough_data',
        400,
        `health training needs at least 20 healthy rows of feature set ${set.name}; found ${split.train.length} in ${histories.length} of ${assetCount} assets (extract features first)`,
      );
    }
    const width = set.featureNames.length;
    const sparse = sparseColumns(split.train, width);
    // Before the sparse columns are zeroed: drift compares the field with what was measured.
    const reference = buildDriftReference(
      set,
      set.featureNames.flatMap((_, j) => (sparse.includes(j) ? [] : [j])),
      [...split.train, ...split.heldHealthy],
      `healthy feature rows of ${set.name}`,
      [...split.groups, ...split.heldGroups],
    );
    const zero = (rows: number[][]) => {
      for (const r of rows) for (const j of sparse) r[j] = 0;
    };
    [split.train, split.heldHealthy, split.endOfLife].forEach(zero);
    if (sparse.length > 0)
      await input.log(`not modelled (mostly NaN): ${sparse.map((j) => set.featureNames[j]).join(', ')}`);
    await input.log(
      `training on ${split.train.length} healthy rows of ${split.assets.length} assets; ` +
        `${split.heldHealthy.length} held out, ${split.endOfLife.length} end-of-life rows of ${split.failed.length} failed assets`,
    );
    const epochs = p.epochs ?? 60;
    const started = Date.now();
    const options: TrainHealthOptions = {
      featureNames: set.featureNames,
      featureSet: set,
      healthy: split.train,
      groups: split.groups,
      seed: p.seed ?? 42,
      epochs,
      source: `feature rows of ${set.name}`,
      signal: input.signal,
      ...(p.patience ? { patience: p.patience } : {}),
      ...(p.hidden ? { hidden: p.hidden } : {}),
      ...(p.bottleneck ? { bottleneck: p.bottleneck } : {}),
      onEpoch: (e) => {
        const share = Math.min(1, e.epoch / epochs);
        const elapsed = (Date.now() - started) / 1000;
        void input.epoch({ epoch: e.epoch, loss: e.loss, valLoss: e.validation, seconds: elapsed });
        void input.progress({
          percent: Math.round(10 + 80 * share),
          phase: `training epoch ${e.epoch}/${epochs}`,
          etaSeconds: share > 0 ? Math.round((elapsed / share) * (1 - share)) : undefined,
        });
      },
    };
    const { model, manifest } = await trainHealthModel(options);
    if (input.signal.aborted) throw new Error('cancelled');
    // Ignored columns: any value standardises to ~0, as they were in training.
    for (const j of sparse) {
      manifest.normalisation.mean[j] = 0;
      manifest.normalisation.std[j] = 1e12;
    }
    await input.progress({ percent: 92, phase: 'evaluating on held-out rows' });
    const { metrics, healthy, endOfLife } = evaluate(model, manifest, split);
    let baselineMetrics: Record<string, number> | undefined;
    if (input.baseline && input.baseline.row.feature_set_hash === set.hash) {
      try {
        const base = await loadHealthModel(input.baseline.dir);
        baselineMetrics = evaluate(base.model, base.manifest, split).metrics;
        base.model.dispose();
      } catch (err) {
        await input.log(
          `the active model could not be scored on the held-out data: ${(err as Error).message}`,
        );
      }
    }
    const dataRange = {
      featureSet: { name: set.name, version: set.version, hash: set.hash },
      assets: split.assets,
      failedAssets: split.failed,
      from: split.from?.toISOString(),
      to: split.to?.toISOString(),
      healthyRows: split.train.length + split.heldHealthy.length,
      ignoredFeatures: sparse.map((j) => set.featureNames[j]!),
    };
    Object.assign(manifest.metrics, metrics);
    await saveHealthModel(input.workDir, model, manifest);
    await saveDriftReference(input.workDir, reference);
    model.dispose();
    return {
      metrics,
      baselineMetrics,
      primary: { name: 'separation_auc', lowerIsBetter: false },
      dataRange,
      heldOut: {
        kind: 'health',
        source: `the latest healthy rows of ${split.assets.length} assets, held out, and the end of life of ${split.failed.length} failed assets`,
        healthy,
        endOfLife,
      },
    };
  },
};

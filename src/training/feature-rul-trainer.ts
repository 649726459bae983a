/**
 * RUL from stored feature rows (`params.source: 'feature-rows'`): each asset's windows of a
 * stored feature set, in window_start order, up to its first failure event, are a run to
 * failure. The cycle of a row is its time since the asset's first row in steps of `stepHours`
 * (the median window spacing), so dropped captures leave gaps instead of shortening the life;
 * scoring multiplies the predicted steps by the manifest's `stepHours`.
 *
 * The model input is the columns finite in every row (`inputColumns`, indices into the set's
 * vector), with no operating settings. Scoring sees only the last `window` rows of an asset, so
 * the per-unit baseline channels and the age feature (which need the whole history) are off.
 */
import { AppError } from '../errors.js';
import { buildDriftReference, saveDriftReference } from '../models/drift-reference.js';
import { transformInput, type InputTransform } from '../prognostics/rul/input-transform.js';
import { loadRulModel, saveRulModel } from '../prognostics/rul/rul-store.js';
import { assertRulManifest, type RulManifest } from '../prognostics/rul/rul-manifest.js';
import type { AssetSequence } from '../prognostics/rul/sequences.js';
import { trainRul, TRAIN_DEFAULTS } from './rul/train-rul.js';
import { holdOutRuns } from './held-out-runs.js';
import type { FeatureHistory } from './feature-rows.repository.js';
import { loadSetHistories } from './set-histories.js';
import type { RulTrainingKnobs } from './rul-input.js';
import type { AssetFilter } from './run-rows.repository.js';
import { scoreRulHoldout as score } from './rul-trainer.js';
import { ensembleEpochReporter, type Trainer, type TrainerInput, type TrainerResult } from './trainer.js';
import { median } from '../maths/order-statistics.js';

interface FeatureRulParams extends AssetFilter, RulTrainingKnobs {
  source: 'feature-rows';
  featureSet: string;
}

type FeatureRulManifest = RulManifest & {
  inputColumns?: number[];
  stepHours?: number;
  inputTransform?: InputTransform;
};

const INPUT_TRANSFORM: InputTransform = 'signed-log1p';

interface Unit {
  assetId: number;
  times: number[];
  vectors: number[][];
}

/** Failed assets' rows before the failure; assets without a failure event tell no RUL. */
function unitsOf(histories: FeatureHistory[]): Unit[] {
  const units: Unit[] = [];
  for (const h of histories) {
    if (!h.failureAt) continue;
    const t = h.timestamps.map((d) => d.getTime());
    let end = t.findIndex((x) => x >= h.failureAt!.getTime());
    if (end < 0) end = t.length;
    if (end >= 2)
      units.push({ assetId: h.assetId, times: t.slice(0, end), vectors: h.vectors.slice(0, end) });
  }
  return units;
}

/** One sequence per unit, keyed by its 1-based position in `units`. */
function toSequences(
  units: Unit[],
  columns: number[],
  stepMs: number,
  transform: InputTransform | undefined,
): AssetSequence[] {
  return units.map((u, i) => {
    let previous = 0;
    const steps = u.vectors.map((v, k) => {
      // Two windows closer than a step (several per capture) still get increasing steps.
      const t = Math.max(previous + 1, Math.round((u.times[k]! - u.times[0]!) / stepMs) + 1);
      previous = t;
      return { t, conditions: [], values: columns.map((c) => transformInput(transform, v[c]!)) };
    });
    return { key: i + 1, steps };
  });
}

const featureRulTrainer: Trainer = {
  kind: 'rul',
  async train(input: TrainerInput): Promise<TrainerResult> {
    const p = input.params as unknown as FeatureRulParams;
    const { set, histories, assetCount } = await loadSetHistories(input, p, 5);
    const units = unitsOf(histories);
    if (units.length < 4) {
      throw new AppError(
        'not_enough_data',
        400,
        `RUL training needs at least 4 assets with feature rows of ${set.name} and a failure event; found ${units.length} of ${assetCount}`,
      );
    }
    const all = units.flatMap((u) => u.vectors);
    const columns = set.featureNames.flatMap((_, j) => (all.every((v) => Number.isFinite(v[j])) ? [j] : []));
    if (columns.length === 0)
      throw new AppError('not_enough_data', 400, `no feature of ${set.name} is finite in every row`);
    const stepMs = median(units.flatMap((u) => u.times.slice(1).map((t, k) => t - u.times[k]!)));
    if (!(stepMs > 0)) throw new AppError('not_enough_data', 400, 'feature rows share one window_start');
    const stepHours = stepMs / 3_600_000;
    const runs = toSequences(units, columns, stepMs, INPUT_TRANSFORM);
    const seed = p.seed ?? TRAIN_DEFAULTS.seed;
    const split = holdOutRuns(runs, p.holdoutFraction ?? 0.2, seed);
    const members = p.members ?? 2;
    const maxEpochs = p.maxEpochs ?? 10;
    await input.log(
      `training on ${units.length - split.rul.length} assets (${columns.length} features, step ${stepHours.toFixed(3)} h), holding out ${split.rul.length}`,
    );
    const { model, manifest } = await trainRul(split.train, {
      seed,
      members,
      maxEpochs,
      minEpochs: Math.min(TRAIN_DEFAULTS.minEpochs, maxEpochs),
      baselineCycles: 0,
      cycleFeature: false,
      source: `feature rows of ${set.name}`,
      ...(p.window ? { window: p.window } : {}),
      ...(p.cap ? { cap: p.cap } : {}),
      ...(p.samplesPerEpoch ? { samplesPerEpoch: p.samplesPerEpoch } : {}),
      ...(p.maxTrainSeconds ? { maxTrainSeconds: p.maxTrainSeconds } : {}),
      signal: input.signal,
      onEpoch: ensembleEpochReporter(input, members, maxEpochs),
    });
    if (input.signal.aborted) throw new Error('cancelled');
    await input.progress({ percent: 92, phase: 'evaluating on held-out assets' });
    const truth = new Map(split.test.map((s, i) => [s.key, split.rul[i] ?? NaN] as const));
    const withHours = (m: Record<string, number>, hours: number) => ({ ...m, rmse_hours: m.rmse! * hours });
    const scored = score(model, manifest, split.test, truth, `steps of ${stepHours.toPrecision(3)} h`);
    const metrics = withHours(scored.metrics, stepHours);
    let baselineMetrics: Record<string, number> | undefined;
    if (input.baseline && input.baseline.row.feature_set_hash === set.hash) {
      try {
        const base = await loadRulModel(input.baseline.dir);
        assertRulManifest(base.manifest);
        const bm = base.manifest as FeatureRulManifest;
        const baseColumns = bm.inputColumns ?? columns;
        const sameStep = Math.abs((bm.stepHours ?? stepHours) / stepHours - 1) < 0.01;
        const finite = baseColumns.every((c) => all.every((v) => Number.isFinite(v[c])));
        if (sameStep && finite) {
          // Same held-out assets and cut points, in the baseline's own columns.
          const test = split.test.map((s) => ({
            key: s.key,
            steps: s.steps.map((step, k) => {
              const v = units[s.key - 1]!.vectors[k]!;
              return { ...step, values: baseColumns.map((c) => transformInput(bm.inputTransform, v[c]!)) };
            }),
          }));
          baselineMetrics = withHours(score(base.model, base.manifest, test, truth).metrics, stepHours);
        } else {
          await input.log('the active model reads other columns or another step: not compared');
        }
        base.model.dispose();
      } catch (err) {
        await input.log(
          `the active model could not be scored on the held-out data: ${(err as Error).message}`,
        );
      }
    }
    const times = units.flatMap((u) => [u.times[0]!, u.times.at(-1)!]);
    const dataRange = {
      source: 'feature-rows',
      featureSet: { name: set.name, version: set.version, hash: set.hash },
      assets: units.map((u) => u.assetId),
      from: new Date(Math.min(...times)).toISOString(),
      to: new Date(Math.max(...times)).toISOString(),
      rows: all.length,
      labels: 'failure-events',
      holdoutAssets: [...truth.keys()].map((key) => units[key - 1]!.assetId),
    };
    const full = Object.assign(manifest, {
      modelKind: 'rul',
      featureSet: { name: set.name, version: set.version, hash: set.hash },
      inputColumns: columns,
      inputNames: columns.map((c) => set.featureNames[c]!),
      inputTransform: INPUT_TRANSFORM,
      stepHours,
      metrics,
      dataRange,
    });
    await saveRulModel(input.workDir, model, full);
    await saveDriftReference(
      input.workDir,
      buildDriftReference(
        set,
        columns,
        all,
        `feature rows of ${set.name} up to each failure`,
        units.flatMap((u) => u.vectors.map(() => u.assetId)),
      ),
    );
    model.dispose();
    return {
      metrics,
      baselineMetrics,
      primary: { name: 'rmse_hours', lowerIsBetter: true },
      dataRange,
      heldOut: scored.heldOut,
    };
  },
};

/** The `rul` kind: feature rows when `params.source` is 'feature-rows', scalar readings otherwise. */
export function withFeatureRows(scalar: Trainer): Trainer {
  return {
    kind: 'rul',
    train: (input) =>
      input.params.source === 'feature-rows' ? featureRulTrainer.train(input) : scalar.train(input),
  };
}

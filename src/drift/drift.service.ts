/**
 * Drift of recent feature rows against the training data of the active models: per asset (its
 * newest rows) and for the fleet (every reporting asset's newest rows, pooled per model). A model
 * is comparable when it was trained on a stored feature set and its artifact carries a drift
 * reference; otherwise the answer says why, with status 'unknown', never an error.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DriftConfig } from '../config.js';
import type { DB, ModelVersion } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { listFeatureSets } from '../features/stored-feature-sets.js';
import type { RuleSettings } from '../maintenance/rule-settings.js';
import type { ModelRegistry } from '../models/registry.service.js';
import { mixtureReference, readDriftReference, type DriftReference } from '../models/drift-reference.js';
import { featureDrift, worstLevel, type FeatureReference } from '../models/drift-stats.js';
import type { Comparison } from './comparison.js';
import { driftRepository as repo, type FleetRow, type RecentRow } from './drift.repository.js';
import { rankAssets, rankFeatures } from './fleet-ranking.js';
import { alarmedAssets, faultyAssets, trainedUntil, type Exclusion } from './retraining-exclusions.js';

const DRIFT_KINDS = new Set(['health', 'rul', 'failure']);

interface ModelRef {
  name: string;
  version: number;
  kind: string;
  featureSet: { name: string; version: string; hash: string };
  trainingRows: number | null;
}

export interface DriftDeps {
  db: Kysely<DB>;
  models: ModelRegistry;
  config: DriftConfig;
  /** The work-order rules' settings: what counts as a faulty asset (retraining-exclusions.ts). */
  rules: RuleSettings;
  logger?: Logger;
}

const STORED_SETS = new Set(listFeatureSets().map((s) => s.hash));

function modelRef(row: ModelVersion, ref?: DriftReference): ModelRef {
  return {
    name: row.name,
    version: row.version,
    kind: row.kind,
    featureSet: { name: row.feature_set_name, version: row.feature_set_version, hash: row.feature_set_hash },
    trainingRows: ref?.rows ?? null,
  };
}

interface FleetRows {
  rows: FleetRow[];
  staleAssets: number;
  byAsset: Map<number, { name: string; rows: RecentRow[] }>;
  /** What maintenance says of the reporting assets (alarmedAssets): the same for every model. */
  alarmed: Promise<Map<number, string[]>>;
}

export class DriftService {
  // Artifacts never change once registered: a version's reference is read once.
  private readonly refs = new Map<number, { ref?: DriftReference; reason?: string }>();

  constructor(readonly deps: DriftDeps) {}

  get thresholds() {
    const c = this.deps.config;
    return { psiWarn: c.psiWarn, psiDrift: c.psiDrift, ksAlpha: c.ksAlpha, minRows: c.minRows };
  }

  /** Active models that read stored feature rows, health first (its training data is the normal
   * state), then by name. */
  async comparableModels(): Promise<ModelVersion[]> {
    const rows = await this.deps.models.list({ status: 'active' });
    // References of versions no longer active are not asked for again: let them go.
    const active = new Set(rows.map((r) => r.id));
    for (const id of this.refs.keys()) if (!active.has(id)) this.refs.delete(id);
    return rows
      .filter((r) => DRIFT_KINDS.has(r.kind) && STORED_SETS.has(r.feature_set_hash))
      .sort(
        (a, b) => Number(b.kind === 'health') - Number(a.kind === 'health') || a.name.localeCompare(b.name),
      );
  }

  async referenceOf(row: ModelVersion): Promise<{ ref?: DriftReference; reason?: string }> {
    const hit = this.refs.get(row.id);
    if (hit) return hit;
    let out: { ref?: DriftReference; reason?: string };
    try {
      // Verifies the artifact hash first: a swapped reference file is refused like a model.
      const { dir } = await this.deps.models.load(row.name, { version: row.version });
      const ref = await readDriftReference(dir);
      out = ref
        ? { ref }
        : {
            reason: `model ${row.name}@${row.version} was registered without a drift reference (trained before drift checks existed, or outside Prognos): retrain it to enable drift checks`,
          };
    } catch (err) {
      this.deps.logger?.warn({ err, model: `${row.name}@${row.version}` }, 'drift reference unreadable');
      return {
        reason: `the drift reference of ${row.name}@${row.version} cannot be read: ${(err as Error).message}`,
      };
    }
    this.refs.set(row.id, out);
    return out;
  }

  /** An asset's recent rows against its own training rows when it was trained on (machines
   * differ from each other more than from themselves), else against the whole training set. */
  compareAsset(ref: DriftReference, assetId: number, rows: readonly RecentRow[]): Comparison {
    const own = ref.assets?.find((a) => a.assetId === assetId);
    return own ? this.compare(own.features, rows, 'asset') : this.compare(ref.features, rows, 'fleet');
  }

  /** Recent rows against the reference, features ranked by PSI. */
  compare(
    reference: readonly FeatureReference[],
    rows: readonly RecentRow[],
    baseline: 'asset' | 'fleet' | 'assets' = 'fleet',
  ): Comparison {
    // Pooled rows come asset by asset: the window is the earliest start to the latest end.
    const first = rows.reduce((m, r) => Math.min(m, +r.window_start), Infinity);
    const last = rows.reduce((m, r) => Math.max(m, +r.window_end), -Infinity);
    const from = rows.length ? new Date(first).toISOString() : null;
    const to = rows.length ? new Date(last).toISOString() : null;
    if (rows.length < this.deps.config.minRows) {
      return {
        status: 'unknown',
        baseline,
        reason: `${rows.length} recent feature rows, fewer than the ${this.deps.config.minRows} needed (PROGNOS_DRIFT_MIN_ROWS)`,
        rows: rows.length,
        from,
        to,
        maxPsi: 0,
        features: [],
      };
    }
    const features = reference
      .map((f) =>
        featureDrift(
          f,
          rows.map((r) => r.values[f.index] ?? NaN),
          this.deps.config,
        ),
      )
      .sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1) || a.feature.localeCompare(b.feature));
    return {
      status: worstLevel(features.map((f) => f.status)),
      baseline,
      reason: null,
      rows: rows.length,
      from,
      to,
      maxPsi: features.reduce((m, f) => Math.max(m, f.psi ?? 0), 0),
      features,
    };
  }

  private async pickModel(assetId: number, name: string | undefined) {
    const models = await this.comparableModels();
    if (name !== undefined) {
      const m = models.find((r) => r.name === name);
      if (!m) {
        throw new AppError(
          'no_comparable_model',
          404,
          `query/model: model ${name} has no active version trained on stored feature rows`,
        );
      }
      return { model: m, others: models.filter((r) => r !== m) };
    }
    const sets = await repo.assetSets(this.deps.db, assetId);
    const served = models.filter((m) => sets.includes(m.feature_set_hash));
    const model = served[0] ?? models[0];
    return { model, others: (served.length ? served : models).filter((r) => r !== model) };
  }

  /** Assets of `assetIds` believed faulty, with why: left out of `model`'s retraining drift. */
  async retrainingExclusions(
    model: ModelVersion | undefined,
    assetIds: number[],
    alarmed?: Promise<Map<number, string[]>>,
  ) {
    const since = model ? await trainedUntil(this.deps.db, model) : null;
    return faultyAssets(this.deps.db, assetIds, this.deps.rules, since, alarmed);
  }

  async assetDrift(assetId: number, q: { model?: string; window?: number }) {
    const name = await repo.assetName(this.deps.db, assetId);
    if (name === undefined) throw notFound('asset', assetId);
    const windowRows = q.window ?? this.deps.config.windowRows;
    const { model, others } = await this.pickModel(assetId, q.model);
    const exclusion = (await this.retrainingExclusions(model, [assetId])).get(assetId) ?? null;
    const base = {
      assetId,
      assetName: name,
      thresholds: this.thresholds,
      windowRows,
      otherModels: others.map((m) => m.name),
      countsForRetraining: exclusion === null,
      retrainingExclusion: exclusion,
    };
    if (!model) {
      const reason = 'no active model trained on stored feature rows: nothing to compare with';
      return { ...base, model: null, ...empty(reason) };
    }
    const { ref, reason } = await this.referenceOf(model);
    if (!ref) return { ...base, model: modelRef(model), ...empty(reason!) };
    const rows = await repo.recentRows(this.deps.db, assetId, model.feature_set_hash, windowRows);
    const c = this.compareAsset(ref, assetId, rows);
    if (rows.length === 0) c.reason = `no feature rows of ${model.feature_set_name} for this asset`;
    return { ...base, model: modelRef(model, ref), ...c };
  }

  /** Pooled and per-asset comparisons of every comparable model (or the one named). */
  async fleetDrift(q: { model?: string; window?: number }) {
    const windowRows = q.window ?? this.deps.config.windowRows;
    let models = await this.comparableModels();
    if (q.model !== undefined) {
      models = models.filter((m) => m.name === q.model);
      if (models.length === 0)
        throw new AppError(
          'no_comparable_model',
          404,
          `query/model: model ${q.model} has no active version trained on stored feature rows`,
        );
    }
    const out = [];
    // Models often share a feature set (a health and a RUL model on the same rows): the fleet's
    // newest rows of a set are read, and grouped by asset, once per call, not once per model.
    const fleetRows = new Map<string, Promise<FleetRows>>();
    for (const model of models) {
      const { ref, reason } = await this.referenceOf(model);
      if (!ref) {
        out.push({
          model: modelRef(model),
          pooled: empty(reason!),
          staleAssets: 0,
          excluded: [] as Exclusion[],
          assets: [],
          features: [],
        });
        continue;
      }
      const hash = model.feature_set_hash;
      if (!fleetRows.has(hash)) fleetRows.set(hash, this.fleetRowsByAsset(hash, windowRows));
      const { rows, staleAssets, byAsset, alarmed } = await fleetRows.get(hash)!;
      const faulty = await this.retrainingExclusions(model, [...byAsset.keys()], alarmed);
      const excluded = [...faulty].map(([assetId, why]) => ({
        assetId,
        assetName: byAsset.get(assetId)!.name,
        reason: why,
      }));
      const compared = [...byAsset].map(([assetId, a]) => ({
        assetId,
        assetName: a.name,
        countsForRetraining: !faulty.has(assetId),
        ...this.compareAsset(ref, assetId, a.rows),
      }));
      // The pooled comparison decides retraining: healthy assets only, against their own
      // training rows.
      const counted = new Map(
        [...byAsset].filter(([id]) => !faulty.has(id)).map(([id, a]) => [id, a.rows.length]),
      );
      const mix = mixtureReference(ref, counted);
      const pooled = this.compare(
        mix,
        rows.filter((r) => counted.has(r.asset_id)),
        mix === ref.features ? 'fleet' : 'assets',
      );
      if (pooled.status === 'unknown' && excluded.length > 0)
        pooled.reason += ` (${excluded.length} of ${byAsset.size} reporting assets left out as believed faulty)`;
      out.push({
        model: modelRef(model, ref),
        pooled,
        staleAssets,
        excluded,
        assets: rankAssets(compared),
        features: rankFeatures(compared),
      });
    }
    return {
      thresholds: this.thresholds,
      windowRows,
      maxAgeHours: this.deps.config.maxAgeHours,
      models: out,
    };
  }

  private async fleetRowsByAsset(setHash: string, windowRows: number): Promise<FleetRows> {
    const { rows, staleAssets } = await repo.fleetRows(
      this.deps.db,
      setHash,
      windowRows,
      this.deps.config.maxAgeHours,
    );
    const byAsset = new Map<number, { name: string; rows: RecentRow[] }>();
    for (const r of rows) {
      const a = byAsset.get(r.asset_id) ?? { name: r.asset_name, rows: [] };
      a.rows.push(r);
      byAsset.set(r.asset_id, a);
    }
    const alarmed = alarmedAssets(this.deps.db, [...byAsset.keys()], this.deps.rules);
    // Awaited by each model's exclusions; a failure surfaces there, not as an unhandled rejection.
    alarmed.catch(() => undefined);
    return { rows, staleAssets, byAsset, alarmed };
  }
}

function empty(reason: string): Comparison {
  return {
    status: 'unknown',
    baseline: null,
    reason,
    rows: 0,
    from: null,
    to: null,
    maxPsi: 0,
    features: [],
  };
}

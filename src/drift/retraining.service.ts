/**
 * Retraining suggestions: the drift check raises one when the pooled recent rows of the assets
 * believed healthy (retraining-exclusions.ts) drift from an active model's training data, keeps at most one live (open, acknowledged or
 * retraining) per model and updates it with each check, and closes it when another version
 * becomes active. A dismissal is final for that model version: its drift was judged acceptable.
 * "Retrain" starts a training run through the training service with the parameters of the run
 * that produced the active version (or the ones given).
 */
import type { Kysely } from 'kysely';
import type { DB, RetrainingStatus, RetrainingSuggestion, ModelKind } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { setDriftLevels } from '../metrics.js';
import { registryRepository } from '../models/registry.repository.js';
import type { TrainingService } from '../training/training.service.js';
import type { Comparison } from './comparison.js';
import type { DriftService } from './drift.service.js';
import { driftRepository as repo, LIVE } from './drift.repository.js';
import type { Exclusion } from './retraining-exclusions.js';

export interface CheckResult {
  models: number;
  /** Per model compared: its pooled verdict, features at each level, assets left out as faulty. */
  compared: Array<{ model: string; status: string; drift: number; warn: number; excluded: number }>;
  drifting: string[];
  raised: number[];
  updated: number[];
  resolved: number[];
  reopened: number[];
  skipped: Array<{ model: string; reason: string }>;
}

const TOP_FEATURES = 10;

function evidenceOf(
  c: Comparison,
  all: Array<{
    assetId: number;
    assetName: string;
    status: string;
    maxPsi: number;
    countsForRetraining: boolean;
  }>,
  excluded: Exclusion[],
) {
  const assets = all.filter((a) => a.countsForRetraining);
  return {
    checkedAt: new Date().toISOString(),
    rows: c.rows,
    from: c.from,
    to: c.to,
    assets: assets.length,
    excluded,
    features: c.features.filter((f) => f.status !== 'ok').slice(0, TOP_FEATURES),
    driftingAssets: assets
      .filter((a) => a.status === 'drift' || a.status === 'warn')
      .sort((a, b) => b.maxPsi - a.maxPsi)
      .slice(0, TOP_FEATURES)
      .map((a) => ({ assetId: a.assetId, assetName: a.assetName, status: a.status, maxPsi: a.maxPsi })),
  };
}

export class RetrainingService {
  constructor(
    private readonly drift: DriftService,
    private readonly training: () => TrainingService,
  ) {}

  private get db(): Kysely<DB> {
    return this.drift.deps.db;
  }

  /** The drift check: one pooled comparison per comparable model, then the suggestions. */
  async check(signal?: AbortSignal): Promise<CheckResult> {
    const out: CheckResult = {
      models: 0,
      compared: [],
      drifting: [],
      raised: [],
      updated: [],
      resolved: [],
      reopened: [],
      skipped: [],
    };
    const models = await this.drift.comparableModels();
    const activeIds = new Set((await this.drift.deps.models.list({ status: 'active' })).map((m) => m.id));
    for (const s of await repo.live(this.db)) {
      if (!activeIds.has(s.model_version_id)) {
        const note = 'another version of the model is active now';
        if (await repo.setStatus(this.db, s.id, LIVE, 'resolved', { note })) out.resolved.push(s.id);
      } else if (s.status === 'retraining' && s.training_run_id !== null) {
        const run = await repo.runStatus(this.db, s.training_run_id);
        if (!run || run.status === 'failed' || run.status === 'cancelled') {
          const note = `training run ${s.training_run_id} ${run?.status ?? 'was deleted'}${run?.error ? `: ${run.error}` : ''}`;
          if (await repo.setStatus(this.db, s.id, ['retraining'], 'open', { note })) out.reopened.push(s.id);
        }
      }
    }
    const report = await this.drift.fleetDrift({});
    setDriftLevels(
      report.models.map((m) => ({
        model: m.model.name,
        status: m.pooled.status,
        maxPsi: m.pooled.status === 'unknown' ? null : m.pooled.maxPsi,
      })),
    );
    for (const m of report.models) {
      signal?.throwIfAborted();
      out.models += 1;
      const row = models.find((r) => r.name === m.model.name)!;
      const count = (level: string) => m.pooled.features.filter((f) => f.status === level).length;
      out.compared.push({
        model: m.model.name,
        status: m.pooled.status,
        drift: count('drift'),
        warn: count('warn'),
        excluded: m.excluded.length,
      });
      if (m.pooled.status === 'unknown') {
        out.skipped.push({ model: m.model.name, reason: m.pooled.reason ?? 'unknown' });
        continue;
      }
      if (m.pooled.status !== 'drift') continue;
      out.drifting.push(m.model.name);
      const evidence = { model: m.model, ...evidenceOf(m.pooled, m.assets, m.excluded) };
      const result = await this.raise(row.name, row.id, evidence, m.pooled.maxPsi);
      if (result.raised) out.raised.push(result.id);
      else if (result.id) out.updated.push(result.id);
    }
    return out;
  }

  /** One live suggestion per model: update it, or raise one unless this version's was dismissed. */
  private raise(modelName: string, versionId: number, evidence: object, maxPsi: number) {
    return this.db.transaction().execute(async (trx) => {
      await repo.lockModel(trx, modelName);
      const [live] = await repo.live(trx, modelName);
      if (live && live.model_version_id === versionId) {
        await repo.updateEvidence(trx, live.id, evidence, maxPsi);
        return { raised: false, id: live.id };
      }
      if (live)
        await repo.setStatus(trx, live.id, LIVE, 'resolved', {
          note: 'another version of the model is active now',
        });
      if (await repo.dismissedFor(trx, versionId)) return { raised: false, id: 0 };
      const row = await repo.insert(trx, { modelName, modelVersionId: versionId, evidence, maxPsi });
      return { raised: true, id: row.id };
    });
  }

  list(f: { status?: RetrainingStatus; model?: string; limit?: number }) {
    return repo.list(this.db, { status: f.status, modelName: f.model, limit: f.limit ?? 50 });
  }

  async get(id: number): Promise<RetrainingSuggestion> {
    const s = await repo.get(this.db, id);
    if (!s) throw notFound('retraining suggestion', id);
    return s;
  }

  private async move(id: number, from: readonly RetrainingStatus[], to: RetrainingStatus, note?: string) {
    const s = await this.get(id);
    if (s.status === to && to !== 'retraining') return s; // a repeated action changes nothing
    const moved = await repo.setStatus(this.db, id, from, to, note === undefined ? {} : { note });
    if (!moved) throw invalidTransition(await this.get(id), to);
    return moved;
  }

  acknowledge(id: number, note?: string) {
    return this.move(id, ['open'], 'acknowledged', note);
  }

  dismiss(id: number, reason: string) {
    return this.move(id, ['open', 'acknowledged'], 'dismissed', reason);
  }

  /** Starts a training run of the suggestion's model and marks the suggestion 'retraining'. */
  async retrain(id: number, body: { params?: Record<string, unknown>; autoPromote?: boolean }) {
    const s = await this.get(id);
    if (s.status !== 'open' && s.status !== 'acknowledged') throw invalidTransition(s, 'retraining');
    // The foreign key (on delete cascade) keeps the suggestion's version while the suggestion exists.
    const version = await registryRepository.byId(this.db, s.model_version_id);
    if (!version) throw new Error(`model version ${s.model_version_id} of suggestion ${s.id} not found`);
    let params = body.params;
    if (params === undefined) {
      const run =
        version.training_run_id === null ? undefined : await repo.runStatus(this.db, version.training_run_id);
      if (!run)
        throw badRequest(
          'params_required',
          `body/params is required: ${s.model_name} was not trained by a training run whose parameters could be reused`,
        );
      const { autoPromote: _auto, ...rest } = run.params;
      params = rest;
    }
    const run = await this.training().start({
      modelName: s.model_name,
      kind: version.kind as ModelKind,
      params,
      autoPromote: body.autoPromote ?? false,
    });
    const moved = await repo.setStatus(this.db, id, ['open', 'acknowledged'], 'retraining', {
      trainingRunId: run.id,
      note: `training run ${run.id} started`,
    });
    if (!moved) {
      // Another request moved it first: do not leave a second run behind.
      await this.training()
        .cancel(run.id)
        .catch(() => undefined);
      throw invalidTransition(await this.get(id), 'retraining');
    }
    return { suggestion: moved, trainingRunId: run.id };
  }
}

function invalidTransition(s: RetrainingSuggestion, to: string) {
  return new AppError(
    'invalid_transition',
    409,
    `retraining suggestion ${s.id} is ${s.status}: it cannot become ${to}`,
    {
      details: { from: s.status, to },
    },
  );
}

/**
 * The demo's set-up, end to end on an application context: simulate and store the fleet's
 * history, extract features (extract-features jobs), train the health and RUL models (training
 * runs, auto-promoted as first versions), score every asset, and with that evaluate the
 * work-order rules, then run one drift check (retraining suggestions). Every stage skips what a previous run already did, so running it again on
 * the same database stores nothing twice:
 *  - the history is exported only when a machine's asset is missing (the export itself is
 *    idempotent: whole machines per transaction, duplicates ignored);
 *  - features are extracted from each asset's newest stored window on;
 *  - a model with an active version is kept, not retrained;
 *  - only feature rows newer than an asset's latest forecast are scored.
 */
import { createApiKey, listApiKeys, revokeApiKey, type CreatedKey } from '../auth/api-keys.js';
import type { AppContext } from '../context.js';
import { getFeatureSet } from '../features/stored-feature-sets.js';
import type { CheckResult } from '../drift/retraining.service.js';
import { JOBS } from '../jobs/names.js';
import type { JobStatus } from '../jobs/types.js';
import { assetRef, exportToDatabase, machineFingerprint, REF_SEPARATOR } from '../twin/index.js';
import * as repo from './demo.repository.js';
import { historyFleet, type DemoOptions } from './plan.js';

export type DemoStage = 'simulate' | 'features' | 'train-health' | 'train-rul' | 'score' | 'drift';

export interface DemoReporter {
  /** fraction in [0, 1]; detail is one short line. */
  progress(stage: DemoStage, fraction: number, detail: string): void;
  done(stage: DemoStage, seconds: number, summary: string): void;
}

const silentReporter: DemoReporter = { progress() {}, done() {} };

export interface DemoSetupResult {
  assets: repo.DemoAsset[];
  timings: Record<DemoStage, number>;
  forecasts: number;
  suggestions: number;
  /** The drift check run after scoring, so the dashboard's drift panel has a verdict at once. */
  drift: CheckResult;
}

/** "demo-health ok (1 warn, 3 assets left out as faulty), …; 0 retraining suggestions raised". */
function driftSummary(r: CheckResult): string {
  const models = r.compared.map((c) => {
    const levels = [c.drift ? `${c.drift} drifting` : '', c.warn ? `${c.warn} warn` : '']
      .filter(Boolean)
      .join(', ');
    const faulty = c.excluded ? `${c.excluded} assets left out as faulty` : '';
    const detail = [levels ? `${levels} features` : '', faulty].filter(Boolean).join('; ');
    return `${c.model} ${c.status}${detail ? ` (${detail})` : ''}`;
  });
  const kept = r.updated.length ? ` (${r.updated.length} kept up to date)` : '';
  return `${models.join(', ') || 'no comparable model'}; ${r.raised.length} retraining suggestions raised${kept}`;
}

const elapsed = (t0: number) => (performance.now() - t0) / 1000;

/** Waits for a job, reporting its progress every half second. */
async function waitJob(
  ctx: AppContext,
  id: string,
  onProgress: (p: { percent?: number; phase?: string }) => void,
): Promise<JobStatus> {
  const timer = setInterval(() => {
    void ctx.jobs
      .get(id)
      .then((s) => {
        const p = s?.progress;
        if (typeof p === 'number') onProgress({ percent: p });
        else if (p && typeof p === 'object') onProgress(p as { percent?: number; phase?: string });
      })
      .catch(() => {});
  }, 500);
  try {
    return await ctx.jobs.waitFor(id, 30 * 60_000);
  } finally {
    clearInterval(timer);
  }
}

async function simulate(ctx: AppContext, o: DemoOptions, report: DemoReporter): Promise<string> {
  const fleet = historyFleet(o);
  const existing = new Map((await repo.demoAssets(ctx.database.db, o.prefix)).map((a) => [a.externalRef, a]));
  const complete = fleet.machines.every(
    (m, i) => existing.get(assetRef(fleet, m.id, o.prefix))?.fingerprint === machineFingerprint(fleet, i),
  );
  if (complete) return `${fleet.machines.length} machines already stored`;
  const counts = await exportToDatabase(ctx.database, fleet, {
    prefix: o.prefix,
    onMachine: (done, total, id) => report.progress('simulate', done / total, `machine ${id}`),
  });
  return (
    `${fleet.machines.length} machines × ${o.historyDays} days: ${counts.assets} assets, ` +
    `${counts.captures} captures, ${counts.readings} readings, ${counts.events} failures stored`
  );
}

async function features(ctx: AppContext, o: DemoOptions, assets: repo.DemoAsset[], report: DemoReporter) {
  const set = getFeatureSet(o.featureSet)!;
  const jobs: Array<{ asset: repo.DemoAsset; id: string }> = [];
  for (const asset of assets) {
    const last = await repo.lastWindowStart(ctx.database.db, asset.id, set.hash);
    const payload = {
      assetId: asset.id,
      featureSet: set.name,
      ...(last ? { from: new Date(last.getTime() + 1).toISOString() } : {}),
    };
    jobs.push({ asset, id: (await ctx.jobs.enqueue(JOBS.extractFeatures, payload)).id });
  }
  let windows = 0;
  for (const [i, j] of jobs.entries()) {
    const status = await waitJob(ctx, j.id, (p) =>
      report.progress('features', (i + (p.percent ?? 0) / 100) / jobs.length, j.asset.name),
    );
    if (status.state !== 'completed')
      throw new Error(`feature extraction of ${j.asset.externalRef} ${status.state}: ${status.error ?? ''}`);
    windows += (status.result as { windows?: number } | null)?.windows ?? 0;
    report.progress('features', (i + 1) / jobs.length, j.asset.name);
  }
  return `${windows} new windows of ${set.name} for ${jobs.length} assets`;
}

async function train(
  ctx: AppContext,
  o: DemoOptions,
  stage: 'train-health' | 'train-rul',
  report: DemoReporter,
): Promise<string> {
  const health = stage === 'train-health';
  const name = health ? o.healthModel : o.rulModel;
  const set = getFeatureSet(o.featureSet)!;
  const active = await ctx.models.active(name);
  if (active && active.feature_set_hash === set.hash) return `${name} v${active.version} already active`;
  const params = {
    featureSet: set.name,
    externalRefPrefix: `${o.prefix}${REF_SEPARATOR}`,
    ...(health ? o.healthParams : { source: 'feature-rows', ...o.rulParams }),
  };
  const run = await ctx.training.start({
    modelName: name,
    kind: health ? 'health' : 'rul',
    params,
    autoPromote: true,
  });
  const status = await waitJob(ctx, run.job_id!, (p) =>
    report.progress(stage, (p.percent ?? 0) / 100, p.phase ?? ''),
  );
  const done = await ctx.training.get(run.id);
  if (status.state !== 'completed' || done.status !== 'completed')
    throw new Error(`training ${name} ${done.status}: ${done.error ?? status.error ?? ''}`);
  const m = (done.metrics ?? {}) as Record<string, unknown>;
  const fmt = (k: string, unit = '') =>
    typeof m[k] === 'number' ? `${k} ${(m[k] as number).toFixed(3)}${unit}` : '';
  const metric = health ? fmt('separation_auc') : fmt('rmse_hours', ' h');
  return `${name} trained (${metric}; ${m.promoted ? 'active' : 'not promoted'})`;
}

async function score(ctx: AppContext, o: DemoOptions, assets: repo.DemoAsset[], report: DemoReporter) {
  const set = getFeatureSet(o.featureSet)!;
  let scored = 0;
  for (const [i, asset] of assets.entries()) {
    const r = await ctx.scoring.scoreNewRows({
      assetIds: [asset.id],
      featureSetHash: set.hash,
      perAsset: o.scoreRows,
      source: 'demo',
    });
    scored += r.scored;
    report.progress('score', (i + 1) / assets.length, asset.name);
  }
  return scored;
}

export async function runDemoSetup(
  ctx: AppContext,
  o: DemoOptions,
  report: DemoReporter = silentReporter,
): Promise<DemoSetupResult> {
  if (!getFeatureSet(o.featureSet)) throw new Error(`unknown feature set ${o.featureSet}`);
  const timings = {} as Record<DemoStage, number>;
  const stage = async (name: DemoStage, fn: () => Promise<string>) => {
    const t0 = performance.now();
    const summary = await fn();
    timings[name] = elapsed(t0);
    report.done(name, timings[name], summary);
  };
  await stage('simulate', () => simulate(ctx, o, report));
  const assets = await repo.demoAssets(ctx.database.db, o.prefix);
  await stage('features', () => features(ctx, o, assets, report));
  await stage('train-health', () => train(ctx, o, 'train-health', report));
  await stage('train-rul', () => train(ctx, o, 'train-rul', report));
  const ids = assets.map((a) => a.id);
  const before = await repo.countRows(ctx.database.db, ids);
  await stage('score', async () => {
    const scored = await score(ctx, o, assets, report);
    // The work-order rules run after each committed batch, off the scoring path: wait for them.
    await ctx.scoring.settled();
    const after = await repo.countRows(ctx.database.db, ids);
    return `${scored} forecasts for ${assets.length} assets; ${after.suggestions - before.suggestions} new work-order suggestions (${after.suggestions} in all)`;
  });
  let drift: CheckResult | undefined;
  await stage('drift', async () => {
    drift = await ctx.retraining.check();
    return driftSummary(drift);
  });
  const counts = await repo.countRows(ctx.database.db, ids);
  return { assets, timings, forecasts: counts.forecasts, suggestions: counts.suggestions, drift: drift! };
}

const DEMO_KEY_NAME = 'prognos demo (admin)';

/** A fresh admin key; keys are shown only once, so each run revokes the previous demo key. */
export async function issueDemoKey(ctx: AppContext): Promise<CreatedKey> {
  const db = ctx.database.db;
  for (const k of await listApiKeys(db))
    if (k.name === DEMO_KEY_NAME && !k.revoked_at) await revokeApiKey(db, k.id);
  return createApiKey(db, DEMO_KEY_NAME, ['admin']);
}

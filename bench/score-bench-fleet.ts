/**
 * The score bench's fleet: the demo's set-up (twin fleet, feature extraction, health and RUL
 * models trained and promoted through training runs), plus a failure-within-horizon classifier
 * trained on the same feature rows with the twin's failure events as labels, so all three model
 * kinds are active. The demo's machines are then cloned, each clone with the recent feature
 * windows of its original (their source_id still names the original's captures), until the fleet has `assets` machines: every score request reads its
 * own asset (no cache hit across requests) and has the history the RUL model needs.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { sql } from 'kysely';
import type { AppContext } from '../src/context.js';
import { DEMO_DEFAULTS, type DemoOptions } from '../src/demo/plan.js';
import { runDemoSetup } from '../src/demo/setup.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { trainFailureModel } from '../src/prognostics/failure/failure-model.js';
import { saveFailureModel } from '../src/prognostics/failure/failure-store.js';
import { DAY_MS } from '../src/prognostics/failure/horizon-labels.js';
import { featureSetIdByHash, loadFeatureHistories } from '../src/training/feature-rows.repository.js';

export interface BenchFleet {
  assetIds: number[];
  /** The POST /v1/score body of each asset: its newest stored feature vector. */
  bodies: Map<number, string>;
  models: string[];
}

const OPTIONS: DemoOptions = {
  ...DEMO_DEFAULTS,
  prefix: 'bench',
  healthModel: 'bench-health',
  rulModel: 'bench-rul',
  rulParams: { ...DEMO_DEFAULTS.rulParams, maxTrainSeconds: 20 },
  scoreRows: 1,
};
/** Windows copied to each clone: more than any RUL window (20) needs. */
const CLONED_WINDOWS = 30;

async function promoteFailureModel(ctx: AppContext, name: string, horizonDays: number): Promise<void> {
  const set = getFeatureSet(OPTIONS.featureSet)!;
  const setId = (await featureSetIdByHash(ctx.database.db, set.hash))!;
  const assets = await ctx.database.db
    .selectFrom('assets')
    .select(['id', 'external_ref'])
    .where('external_ref', 'like', `${OPTIONS.prefix}%`)
    .execute();
  const vectors: number[][] = [];
  const labels: number[] = [];
  for (const h of await loadFeatureHistories(ctx.database.db, assets, setId)) {
    for (const [i, v] of h.vectors.entries()) {
      const t = h.timestamps[i]!.getTime();
      const fail = h.failureAt?.getTime();
      if (fail !== undefined && t >= fail) continue; // after the failure: not a running machine
      if (!v.every(Number.isFinite)) continue;
      vectors.push(v);
      labels.push(fail !== undefined && fail - t <= horizonDays * DAY_MS ? 1 : 0);
    }
  }
  const { model, manifest } = await trainFailureModel({
    featureNames: set.featureNames,
    featureSet: { name: set.name, version: set.version, hash: set.hash },
    vectors,
    labels,
    label: `failure within ${horizonDays} d`,
    epochs: 60,
    patience: 10,
    seed: 7,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-failure-'));
  await saveFailureModel(dir, model, manifest);
  model.dispose();
  const row = await ctx.models.register({ name, sourceDir: dir });
  await ctx.models.promote(name, row.version);
}

/** A copy of asset `from` with its sensors and its newest feature windows; returns its id. */
async function cloneAsset(ctx: AppContext, from: number, n: number, setId: number): Promise<number> {
  return ctx.database.db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ id: number }>`
      insert into assets (name, type, site, iso_machine_group, iso_foundation, nominal_speed_rpm,
        bearing_n_balls, bearing_ball_diameter_mm, bearing_pitch_diameter_mm,
        bearing_contact_angle_deg, temperature_baseline_c, metadata)
      select name || ' clone ' || ${n}, type, site, iso_machine_group, iso_foundation,
        nominal_speed_rpm, bearing_n_balls, bearing_ball_diameter_mm, bearing_pitch_diameter_mm,
        bearing_contact_angle_deg, temperature_baseline_c, metadata
      from assets where id = ${from} returning id`.execute(tx);
    const id = Number(rows[0]!.id);
    await sql`
      insert into sensors (asset_id, name, kind, unit, axis, location, sample_rate_hz, range_min, range_max)
      select ${id}, name, kind, unit, axis, location, sample_rate_hz, range_min, range_max
      from sensors where asset_id = ${from}`.execute(tx);
    await sql`
      insert into feature_rows (asset_id, sensor_id, feature_set_id, window_start, window_end, source, source_id, values)
      select ${id}, ns.id, fr.feature_set_id, fr.window_start, fr.window_end, fr.source, fr.source_id, fr.values
      from (select * from feature_rows where asset_id = ${from} and feature_set_id = ${setId}
            order by window_start desc limit ${CLONED_WINDOWS}) fr
      join sensors os on os.id = fr.sensor_id
      join sensors ns on ns.asset_id = ${id} and ns.name = os.name`.execute(tx);
    return id;
  });
}

export async function prepareBenchFleet(
  ctx: AppContext,
  assets: number,
  log: (line: string) => void,
): Promise<BenchFleet> {
  const setup = await runDemoSetup(ctx, OPTIONS, {
    progress() {},
    done: (stage, seconds, summary) => log(`  set-up ${stage} (${seconds.toFixed(1)} s): ${summary}`),
  });
  const t0 = performance.now();
  await promoteFailureModel(ctx, 'bench-failure', ctx.config.failureHorizonHours / 24);
  log(`  set-up train-failure (${((performance.now() - t0) / 1000).toFixed(1)} s): bench-failure active`);

  const set = getFeatureSet(OPTIONS.featureSet)!;
  const setId = (await featureSetIdByHash(ctx.database.db, set.hash))!;
  const originals = setup.assets.map((a) => a.id);
  const assetIds = [...originals];
  for (let n = 1; assetIds.length < assets; n++) {
    assetIds.push(await cloneAsset(ctx, originals[(n - 1) % originals.length]!, n, setId));
  }
  assetIds.length = Math.min(assetIds.length, assets);

  const bodies = new Map<number, string>();
  for (const id of assetIds) {
    const row = await ctx.database.db
      .selectFrom('feature_rows')
      .select('values')
      .where('asset_id', '=', id)
      .where('feature_set_id', '=', setId)
      .orderBy('window_start', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const features = Object.fromEntries(
      set.featureNames.map((name, i) => {
        const v = Number(row.values[i]);
        return [name, Number.isFinite(v) ? v : null];
      }),
    );
    bodies.set(id, JSON.stringify({ assetId: id, featureSet: set.name, features }));
  }
  return { assetIds, bodies, models: [OPTIONS.healthModel, 'bench-failure', OPTIONS.rulModel] };
}

/** Every query of drift and retraining suggestions. Returns rows; the services decide. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, RetrainingStatus, RetrainingSuggestion } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

export interface RecentRow {
  asset_id: number;
  window_start: Date;
  window_end: Date;
  values: number[];
}

export interface FleetRow extends RecentRow {
  asset_name: string;
}

/** Live = not final: at most one per model (unique partial index). */
export const LIVE: readonly RetrainingStatus[] = ['open', 'acknowledged', 'retraining'];

// real[] comes back as numbers; NaN may come back as the string 'NaN' from some drivers.
const numeric = <T extends { values: unknown[] }>(r: T) => ({ ...r, values: r.values.map(Number) });

export const driftRepository = {
  /** The asset's newest `limit` rows of the set, oldest first. */
  async recentRows(db: Q, assetId: number, setHash: string, limit: number): Promise<RecentRow[]> {
    const rows = await db
      .selectFrom('feature_rows as fr')
      .innerJoin('feature_sets as fs', 'fs.id', 'fr.feature_set_id')
      .select(['fr.asset_id', 'fr.window_start', 'fr.window_end', 'fr.values'])
      .where('fr.asset_id', '=', assetId)
      .where('fs.hash', '=', setHash)
      .orderBy('fr.window_start', 'desc')
      .orderBy('fr.sensor_id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map(numeric);
  },

  /** Hashes of the feature sets the asset has rows of, newest row first. */
  async assetSets(db: Q, assetId: number): Promise<string[]> {
    const rows = await db
      .selectFrom('feature_rows as fr')
      .innerJoin('feature_sets as fs', 'fs.id', 'fr.feature_set_id')
      .select(['fs.hash', sql<Date>`max(fr.window_start)`.as('last')])
      .where('fr.asset_id', '=', assetId)
      .groupBy('fs.hash')
      .orderBy('last', 'desc')
      .execute();
    return rows.map((r) => r.hash);
  },

  /** Each active asset's newest `limit` rows of the set, leaving out assets whose newest row is
   * more than `maxAgeHours` older than the fleet's newest (they stopped reporting). */
  async fleetRows(
    db: Q,
    setHash: string,
    limit: number,
    maxAgeHours: number,
  ): Promise<{ rows: FleetRow[]; staleAssets: number }> {
    const { rows } = await sql<FleetRow & { stale: boolean }>`
      with s as (select id from feature_sets where hash = ${setHash}),
      newest as (
        select fr.asset_id, max(fr.window_start) as last
        from feature_rows fr
        join s on s.id = fr.feature_set_id
        join assets a on a.id = fr.asset_id and a.status = 'active'
        group by fr.asset_id
      ),
      fresh as (
        select asset_id, last < (select max(last) from newest) - make_interval(hours => ${maxAgeHours}::int) as stale
        from newest
      )
      select f.asset_id, a.name as asset_name, f.stale, r.window_start, r.window_end, r."values"
      from fresh f
      join assets a on a.id = f.asset_id
      left join lateral (
        select fr.window_start, fr.window_end, fr."values"
        from feature_rows fr
        where fr.asset_id = f.asset_id and fr.feature_set_id = (select id from s) and not f.stale
        order by fr.window_start desc, fr.sensor_id desc
        limit ${limit}
      ) r on true
      order by f.asset_id, r.window_start`.execute(db);
    const stale = new Set(rows.filter((r) => r.stale).map((r) => r.asset_id));
    return {
      rows: rows.filter((r) => !r.stale && r.values !== null).map(({ stale: _stale, ...r }) => numeric(r)),
      staleAssets: stale.size,
    };
  },

  /** Work-order suggestions still in hand (open or acknowledged) of the assets. */
  liveWorkOrders(db: Q, assetIds: number[]) {
    if (assetIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('work_order_suggestions')
      .select(['id', 'asset_id', 'status', 'failure_mode', 'title'])
      .where('asset_id', 'in', assetIds)
      .where('status', 'in', ['open', 'acknowledged'])
      .orderBy('asset_id')
      .orderBy('priority')
      .orderBy('id')
      .execute();
  },

  /** Failures of the assets recorded after `since` and not followed by a repair or a
   * replacement (the machine is back in service then), newest first. */
  failuresSince(db: Q, assetIds: number[], since: Date) {
    if (assetIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('maintenance_events as e')
      .select(['e.id', 'e.asset_id', 'e.occurred_at', 'e.failure_mode', 'e.component'])
      .where('e.asset_id', 'in', assetIds)
      .where('e.kind', '=', 'failure')
      .where('e.occurred_at', '>', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('maintenance_events as r')
              .select('r.id')
              .whereRef('r.asset_id', '=', 'e.asset_id')
              .where('r.kind', 'in', ['repair', 'replacement'])
              .whereRef('r.occurred_at', '>=', 'e.occurred_at'),
          ),
        ),
      )
      .orderBy('e.occurred_at', 'desc')
      .execute();
  },

  async assetName(db: Q, assetId: number): Promise<string | undefined> {
    const row = await db.selectFrom('assets').select('name').where('id', '=', assetId).executeTakeFirst();
    return row?.name;
  },

  /** Serialises the writers of one model's suggestions (drift checks, actions) across processes. */
  async lockModel(trx: Transaction<DB>, modelName: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`retraining:${modelName}`}))`.execute(trx);
  },

  live(db: Q, modelName?: string): Promise<RetrainingSuggestion[]> {
    let q = db.selectFrom('retraining_suggestions').selectAll().where('status', 'in', LIVE);
    if (modelName !== undefined) q = q.where('model_name', '=', modelName);
    return q.orderBy('id').execute();
  },

  async dismissedFor(db: Q, modelVersionId: number): Promise<boolean> {
    const row = await db
      .selectFrom('retraining_suggestions')
      .select('id')
      .where('model_version_id', '=', modelVersionId)
      .where('status', '=', 'dismissed')
      .executeTakeFirst();
    return row !== undefined;
  },

  insert(
    db: Q,
    r: { modelName: string; modelVersionId: number; evidence: object; maxPsi: number },
  ): Promise<RetrainingSuggestion> {
    return db
      .insertInto('retraining_suggestions')
      .values({
        model_name: r.modelName,
        model_version_id: r.modelVersionId,
        evidence: JSON.stringify(r.evidence),
        max_psi: r.maxPsi,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async updateEvidence(db: Q, id: number, evidence: object, maxPsi: number): Promise<void> {
    await db
      .updateTable('retraining_suggestions')
      .set((eb) => ({
        evidence: JSON.stringify(evidence),
        max_psi: maxPsi,
        checks: eb('checks', '+', 1),
        updated_at: new Date(),
      }))
      .where('id', '=', id)
      .execute();
  },

  /** Moves a suggestion from one of `from` to `to`; undefined when it was not in `from`. */
  setStatus(
    db: Q,
    id: number,
    from: readonly RetrainingStatus[],
    to: RetrainingStatus,
    extra: { note?: string | null; trainingRunId?: number } = {},
  ): Promise<RetrainingSuggestion | undefined> {
    const now = new Date();
    return db
      .updateTable('retraining_suggestions')
      .set({
        status: to,
        status_changed_at: now,
        updated_at: now,
        ...(extra.note !== undefined ? { status_note: extra.note } : {}),
        ...(extra.trainingRunId !== undefined ? { training_run_id: extra.trainingRunId } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  },

  get(db: Q, id: number): Promise<RetrainingSuggestion | undefined> {
    return db.selectFrom('retraining_suggestions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  list(
    db: Q,
    f: { status?: RetrainingStatus; modelName?: string; limit: number },
  ): Promise<RetrainingSuggestion[]> {
    let q = db.selectFrom('retraining_suggestions').selectAll();
    if (f.status) q = q.where('status', '=', f.status);
    if (f.modelName) q = q.where('model_name', '=', f.modelName);
    return q.orderBy('id', 'desc').limit(f.limit).execute();
  },

  runStatus(db: Q, runId: number) {
    return db
      .selectFrom('training_runs')
      .select(['status', 'error', 'params', 'kind'])
      .where('id', '=', runId)
      .executeTakeFirst();
  },
};

/** Every query on forecasts. */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { ensurePartitionsAt } from '../acquisition/partitions.repository.js';
import type { DB, Forecast, ForecastsTable } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;
export type NewForecast = Insertable<ForecastsTable>;

export const forecastsRepository = {
  /** Inserts the rows, making their as_of months' partitions first (migration 0020; idempotent,
   * so the insert stays one atomic statement even without a transaction). A keyed row
   * (input_key) whose (asset, as_of, key) is stored already is skipped (a replayed live-loop
   * refresh). Returns the rows inserted, in insertion order. */
  async insertMany(q: Q, rows: NewForecast[]): Promise<Forecast[]> {
    if (rows.length === 0) return [];
    await ensurePartitionsAt(
      q,
      'forecasts',
      rows.map((r) => new Date(r.as_of)),
    );
    return q
      .insertInto('forecasts')
      .values(rows)
      .onConflict((oc) => oc.columns(['asset_id', 'as_of', 'input_key']).doNothing())
      .returningAll()
      .execute();
  },

  /** The stored forecasts of these keys (what a skipped keyed insert resolves to). */
  byInputKeys(q: Q, assetId: number, keys: string[]): Promise<Forecast[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return q
      .selectFrom('forecasts')
      .selectAll()
      .where('asset_id', '=', assetId)
      .where('input_key', 'in', keys)
      .execute();
  },

  /** Which of these input keys of the asset are stored, for as_of within [from, to]. */
  async storedInputKeys(q: Q, assetId: number, from: Date, to: Date, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await q
      .selectFrom('forecasts')
      .select('input_key')
      .where('asset_id', '=', assetId)
      .where('as_of', '>=', from)
      .where('as_of', '<=', to)
      .where('input_key', 'in', keys)
      .execute();
    return new Set(rows.map((r) => r.input_key!));
  },

  latest(q: Q, assetId: number, limit: number): Promise<Forecast[]> {
    return q
      .selectFrom('forecasts')
      .selectAll()
      .where('asset_id', '=', assetId)
      .orderBy('scored_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },

  /** History, newest first, keyset-paged on (scored_at, id). */
  page(
    q: Q,
    f: { assetId: number; from?: Date; to?: Date; limit: number; before?: { scoredAt: Date; id: number } },
  ): Promise<Forecast[]> {
    let query = q.selectFrom('forecasts').selectAll().where('asset_id', '=', f.assetId);
    if (f.from) query = query.where('scored_at', '>=', f.from);
    if (f.to) query = query.where('scored_at', '<', f.to);
    if (f.before) {
      const b = f.before;
      query = query.where((eb) =>
        eb.or([
          eb('scored_at', '<', b.scoredAt),
          eb.and([eb('scored_at', '=', b.scoredAt), eb('id', '<', b.id)]),
        ]),
      );
    }
    return query.orderBy('scored_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  },

  /** The latest forecast of every active asset, riskiest first (all of them: the caller
   * sections them by lifecycle state before it applies a limit). */
  async fleet(q: Q, f: { site?: string | undefined; type?: string | undefined }) {
    const { rows } = await sql<
      Forecast & { asset_name: string; asset_type: string; site: string | null; external_ref: string | null }
    >`
      select f.*, a.name as asset_name, a.type as asset_type, a.site, a.external_ref
      from assets a
      join lateral (
        select * from forecasts f where f.asset_id = a.id order by f.scored_at desc, f.id desc limit 1
      ) f on true
      where a.status = 'active'
        and (${f.site ?? null}::text is null or a.site = ${f.site ?? null})
        and (${f.type ?? null}::text is null or a.type = ${f.type ?? null})
      order by f.risk desc, a.id`.execute(q);
    return rows;
  },
};

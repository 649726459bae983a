/** Every query of the dashboard routes that the domain repositories do not already have. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Db = Kysely<DB>;

export const dashboardRepository = {
  /** Filter choices for the fleet view: the distinct sites and types of active assets. */
  async sitesAndTypes(db: Db): Promise<{ sites: string[]; types: string[] }> {
    const rows = await db
      .selectFrom('assets')
      .select(['site', 'type'])
      .distinct()
      .where('status', '=', 'active')
      .execute();
    const sort = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => a.localeCompare(b));
    return {
      sites: sort(rows.flatMap((r) => (r.site === null ? [] : [r.site]))),
      types: sort(rows.map((r) => r.type)),
    };
  },

  async openSuggestionCounts(db: Db): Promise<Array<{ assetId: number; count: number }>> {
    const rows = await db
      .selectFrom('work_order_suggestions')
      .select(['asset_id', sql<string>`count(*)`.as('n')])
      .where('status', '=', 'open')
      .groupBy('asset_id')
      .orderBy('asset_id')
      .execute();
    return rows.map((r) => ({ assetId: r.asset_id, count: Number(r.n) }));
  },

  /** Newest capture of the asset's vibration sensors (the first sensor when several tie). */
  latestVibrationCapture(db: Db, assetId: number) {
    return db
      .selectFrom('captures as c')
      .innerJoin('sensors as s', 's.id', 'c.sensor_id')
      .select(['c.id', 'c.sensor_id', 'c.ts', 'c.sample_rate_hz', 'c.n_samples', 'c.samples'])
      .where('s.asset_id', '=', assetId)
      .where('s.kind', '=', 'vibration')
      .orderBy('c.ts', 'desc')
      .orderBy('s.id')
      .limit(1)
      .executeTakeFirst();
  },

  maintenanceEvents(db: Db, assetId: number, limit: number) {
    return db
      .selectFrom('maintenance_events')
      .select([
        'id',
        'kind',
        'component',
        'failure_mode',
        'description',
        'occurred_at',
        'ended_at',
        'work_order_ref',
        'source',
      ])
      .where('asset_id', '=', assetId)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },

  suggestions(db: Db, assetId: number, limit: number) {
    return db
      .selectFrom('work_order_suggestions')
      .select([
        'id',
        'status',
        'priority',
        'failure_mode',
        'component',
        'title',
        'description',
        'recommended_action',
        'due_at',
        'work_order_ref',
        'status_note',
        'created_at',
        'status_changed_at',
      ])
      .where('asset_id', '=', assetId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },

  assetExists(db: Db, id: number) {
    return db.selectFrom('assets').select('id').where('id', '=', id).executeTakeFirst();
  },
};

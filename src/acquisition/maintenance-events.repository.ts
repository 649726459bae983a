/**
 * Every write of `maintenance_events`: the maintenance history is acquired data, posted by a
 * CMMS (maintenance/ reads it through here), imported from files, or written by the simulator
 * and the demo. Lives in acquisition/ so the importers, the first stage, can use it.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { DB, MaintenanceEvent, MaintenanceEventsTable, MaintenanceKind } from '../db/schema.js';
import type { SqlSession } from '../db/sql-session.js';

type Q = Kysely<DB> | Transaction<DB>;

export interface LifeEventRow {
  id: number;
  asset_id: number;
  kind: 'failure' | 'repair' | 'replacement';
  occurred_at: Date;
  ended_at: Date | null;
}

export const maintenanceEventsRepository = {
  byDedupKey(q: Q, key: string): Promise<MaintenanceEvent | undefined> {
    return q.selectFrom('maintenance_events').selectAll().where('dedup_key', '=', key).executeTakeFirst();
  },

  /** undefined when a concurrent insert holds the dedup_key. */
  insertUnlessDuplicate(
    q: Q,
    row: Insertable<MaintenanceEventsTable>,
  ): Promise<MaintenanceEvent | undefined> {
    return q
      .insertInto('maintenance_events')
      .values(row)
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /** Per asset, its last life event (failure, repair, replacement) by occurred_at; at one
   * instant a repair or replacement comes after the failure it answers. */
  async lastLifeEvents(q: Q, assetIds: readonly number[]): Promise<Map<number, LifeEventRow>> {
    if (assetIds.length === 0) return new Map();
    const rows = await q
      .selectFrom('maintenance_events')
      .select(['id', 'asset_id', 'kind', 'occurred_at', 'ended_at'])
      .distinctOn('asset_id')
      .where('asset_id', 'in', [...assetIds])
      .where('kind', 'in', ['failure', 'repair', 'replacement'])
      .orderBy('asset_id')
      .orderBy('occurred_at', 'desc')
      .orderBy(sql`kind = 'failure'`)
      .orderBy('id', 'desc')
      .execute();
    return new Map(rows.map((r) => [r.asset_id, r as LifeEventRow]));
  },

  async assetId(q: Q, by: { id: number } | { externalRef: string }): Promise<number | undefined> {
    const base = q.selectFrom('assets').select('id');
    const row = await (
      'id' in by ? base.where('id', '=', by.id) : base.where('external_ref', '=', by.externalRef)
    ).executeTakeFirst();
    return row?.id;
  },
};

export interface EventSpec {
  assetId: number;
  kind: MaintenanceKind;
  component: string | null;
  failureMode: string | null;
  failureMechanism?: string | null;
  description: string | null;
  occurredAt: Date;
  dedupKey: string;
}

/** Multi-row insert on a bulk session (at most ~7,000 events: 9 parameters each); events whose
 * dedup_key exists are skipped. Returns how many were stored. */
export async function insertEventsUnlessDuplicate(
  session: SqlSession,
  source: 'import' | 'simulator',
  events: readonly EventSpec[],
): Promise<number> {
  const params: unknown[] = [];
  const tuples = events.map((e) => {
    params.push(e.assetId, e.kind, e.component, e.failureMode, e.failureMechanism ?? null, e.description);
    params.push(e.occurredAt.toISOString(), source, e.dedupKey);
    const p = params.length - 9;
    const at = (k: number) => `$${p + k}`;
    return `(${at(1)}::bigint, ${at(2)}, ${at(3)}, ${at(4)}, ${at(5)}, ${at(6)}, ${at(7)}::timestamptz, ${at(8)}, ${at(9)})`;
  });
  const r = await session.query(
    `insert into maintenance_events (asset_id, kind, component, failure_mode, failure_mechanism, description,
       occurred_at, source, dedup_key)
     values ${tuples.join(',')} on conflict (dedup_key) do nothing`,
    params,
  );
  return r.rowCount;
}

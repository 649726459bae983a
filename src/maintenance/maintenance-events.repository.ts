/** Every query of the maintenance-events route. */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, MaintenanceEvent, MaintenanceEventsTable } from '../db/schema.js';

type Q = Kysely<DB> | Transaction<DB>;

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

  async assetId(q: Q, by: { id: number } | { externalRef: string }): Promise<number | undefined> {
    const base = q.selectFrom('assets').select('id');
    const row = await (
      'id' in by ? base.where('id', '=', by.id) : base.where('external_ref', '=', by.externalRef)
    ).executeTakeFirst();
    return row?.id;
  },

  async suggestionResolvedBy(q: Q, eventId: number): Promise<number | null> {
    const row = await q
      .selectFrom('work_order_suggestions')
      .select('id')
      .where('resolved_by_event_id', '=', eventId)
      .executeTakeFirst();
    return row?.id ?? null;
  },
};

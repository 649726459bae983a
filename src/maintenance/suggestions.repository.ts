/** Every query on work_order_suggestions (and the forecasts/assets the rules read). */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, SuggestionStatus, WorkOrderSuggestion } from '../db/schema.js';
import type { RuleAsset, RuleForecast } from './rules.js';

type Q = Kysely<DB> | Transaction<DB>;

export interface SuggestionRow extends WorkOrderSuggestion {
  asset_name: string;
  asset_type: string;
  asset_site: string | null;
  asset_external_ref: string | null;
}

/**
 * Every write to the table takes this lock first and stamps `updated_at` inside it, strictly
 * above the table's maximum: stamps then follow commit order, so a reader that has seen a stamp
 * has seen every smaller one, and a keyset pass on (updated_at, id) cannot skip a row that
 * commits late. Millisecond stamps so the JSON `updatedAt` a client sends back is exact.
 */
export async function lockSuggestionWrites(tx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('prognos.work_order_suggestions'))`.execute(tx);
}

const nextStamp = sql<Date>`greatest(date_trunc('milliseconds', clock_timestamp()),
  coalesce((select max(updated_at) from work_order_suggestions), '-infinity'::timestamptz) + interval '1 millisecond')`;

const normalise = <T extends { forecast_ids: unknown }>(r: T): T => ({
  ...r,
  forecast_ids: (r.forecast_ids as Array<string | number>).map(Number),
});

export interface SuggestionContent {
  failure_mechanism: string;
  component: string | null;
  rules: string[];
  priority: number;
  title: string;
  description: string;
  recommended_action: string;
  due_at: Date;
  evidence: Record<string, unknown>;
  forecast_ids: number[];
}

export interface ListFilter {
  status?: SuggestionStatus | undefined;
  assetId?: number | undefined;
  site?: string | undefined;
  updatedSince?: Date | undefined;
  after?: { updatedAt: Date; id: number } | undefined;
  limit: number;
}

function withAsset(q: Q) {
  return q
    .selectFrom('work_order_suggestions as s')
    .innerJoin('assets as a', 'a.id', 's.asset_id')
    .selectAll('s')
    .select([
      'a.name as asset_name',
      'a.type as asset_type',
      'a.site as asset_site',
      'a.external_ref as asset_external_ref',
    ]);
}

export const suggestionsRepository = {
  async assetIdsOfForecasts(q: Q, forecastIds: number[]): Promise<number[]> {
    if (forecastIds.length === 0) return [];
    const rows = await q
      .selectFrom('forecasts')
      .select('asset_id')
      .distinct()
      .where('id', 'in', forecastIds)
      .orderBy('asset_id')
      .execute();
    return rows.map((r) => r.asset_id);
  },

  /** The newest forecast of each asset (or of one): what a re-evaluation starts from. */
  async latestForecastIds(q: Q, assetId?: number): Promise<number[]> {
    const rows = await q
      .selectFrom('forecasts')
      .select('id')
      .distinctOn('asset_id')
      .$if(assetId !== undefined, (qb) => qb.where('asset_id', '=', assetId!))
      .orderBy('asset_id')
      .orderBy('scored_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => r.id);
  },

  async assets(q: Q, ids: number[]): Promise<Map<number, RuleAsset>> {
    const rows = await q
      .selectFrom('assets')
      .select(['id', 'name', 'iso_machine_group', 'iso_foundation'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  },

  /** The newest `perAsset` forecasts of each asset, newest first (one indexed query). */
  async recentForecasts(q: Q, assetIds: number[], perAsset: number): Promise<Map<number, RuleForecast[]>> {
    const out = new Map<number, RuleForecast[]>(assetIds.map((id) => [id, []]));
    if (assetIds.length === 0) return out;
    const { rows } = await sql<RuleForecast & { asset_id: number }>`
      select f.id, f.asset_id, f.as_of, f.scored_at, f.health_index, f.anomaly_score, f.iso_zone,
             f.velocity_rms_mm_s, f.rul_hours, f.rul_lower_hours, f.rul_upper_hours, f.rul_interval_level,
             f.contributions, f.indicators, f.diagnosis
      from unnest(${assetIds}::bigint[]) as a(id)
      cross join lateral (
        select * from forecasts where asset_id = a.id order by scored_at desc, id desc limit ${perAsset}
      ) f
      order by f.asset_id, f.scored_at desc, f.id desc`.execute(q);
    for (const r of rows) out.get(r.asset_id)!.push(r);
    return out;
  },

  async openForAsset(q: Q, assetId: number): Promise<WorkOrderSuggestion[]> {
    const rows = await q
      .selectFrom('work_order_suggestions')
      .selectAll()
      .where('asset_id', '=', assetId)
      .where('status', '=', 'open')
      .execute();
    return rows.map(normalise);
  },

  /** The open suggestions of a batch of assets (one query): those whose condition may clear. */
  async openForAssets(q: Q, assetIds: number[]): Promise<WorkOrderSuggestion[]> {
    if (assetIds.length === 0) return [];
    const rows = await q
      .selectFrom('work_order_suggestions')
      .selectAll()
      .where('asset_id', 'in', assetIds)
      .where('status', '=', 'open')
      .orderBy('id')
      .execute();
    return rows.map(normalise);
  },

  /** Per asset and failure mode, the most recent suggestion that left 'open' (the policy). A
   * superseded one did not close its condition: its successor carries it on. */
  async lastClosed(q: Q, assetIds: number[]): Promise<WorkOrderSuggestion[]> {
    if (assetIds.length === 0) return [];
    const rows = await q
      .selectFrom('work_order_suggestions')
      .selectAll()
      .distinctOn(['asset_id', 'failure_mode'])
      .where('asset_id', 'in', assetIds)
      .where('status', 'not in', ['open', 'superseded'])
      .orderBy('asset_id')
      .orderBy('failure_mode')
      .orderBy('status_changed_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(normalise);
  },

  async insert(
    tx: Transaction<DB>,
    assetId: number,
    failureMode: string,
    c: SuggestionContent,
    o: { createdAt?: Date; supersedesId?: number } = {},
  ): Promise<number> {
    const row = await tx
      .insertInto('work_order_suggestions')
      .values({
        asset_id: assetId,
        failure_mode: failureMode,
        ...c,
        evidence: JSON.stringify(c.evidence),
        updated_at: nextStamp,
        ...(o.createdAt ? { created_at: o.createdAt } : {}),
        ...(o.supersedesId !== undefined ? { supersedes_id: o.supersedesId } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  /** Points a row already set to 'superseded' (in this transaction) at its successor: part of
   * the same change, so no new stamp or revision. */
  async linkSuperseded(tx: Transaction<DB>, id: number, successorId: number, note: string): Promise<void> {
    await tx
      .updateTable('work_order_suggestions')
      .set({ superseded_by_id: successorId, status_note: note })
      .where('id', '=', id)
      .where('status', '=', 'superseded')
      .execute();
  },

  async setStatus(
    tx: Transaction<DB>,
    id: number,
    s: { status: SuggestionStatus; workOrderRef?: string; note?: string | null; eventId?: number },
  ): Promise<void> {
    await tx
      .updateTable('work_order_suggestions')
      .set({
        status: s.status,
        ...(s.workOrderRef !== undefined ? { work_order_ref: s.workOrderRef } : {}),
        ...(s.note !== undefined ? { status_note: s.note } : {}),
        ...(s.eventId !== undefined ? { resolved_by_event_id: s.eventId } : {}),
        revision: sql`revision + 1`,
        updated_at: nextStamp,
        status_changed_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  },

  /** The suggestions a maintenance event resolved, oldest first, with their status notes. */
  resolvedByEvent(q: Q, eventId: number): Promise<Array<{ id: number; status_note: string | null }>> {
    return q
      .selectFrom('work_order_suggestions')
      .select(['id', 'status_note'])
      .where('resolved_by_event_id', '=', eventId)
      .orderBy('id')
      .execute();
  },

  /** Ids of the asset's suggestions in these statuses, locked for the caller's change. */
  async idsForAsset(tx: Transaction<DB>, assetId: number, statuses: SuggestionStatus[]): Promise<number[]> {
    const rows = await tx
      .selectFrom('work_order_suggestions')
      .select('id')
      .where('asset_id', '=', assetId)
      .where('status', 'in', statuses)
      .orderBy('id')
      .forUpdate()
      .execute();
    return rows.map((r) => r.id);
  },

  async get(q: Q, id: number, forUpdate = false): Promise<SuggestionRow | undefined> {
    let query = withAsset(q).where('s.id', '=', id);
    if (forUpdate) query = query.forUpdate('s');
    const row = await query.executeTakeFirst();
    return row && normalise(row);
  },

  async getMany(q: Q, ids: number[]): Promise<SuggestionRow[]> {
    if (ids.length === 0) return [];
    const rows = await withAsset(q).where('s.id', 'in', ids).orderBy('s.id').execute();
    return rows.map(normalise);
  },

  /** Oldest change first, keyset on (updated_at, id). */
  async list(q: Q, f: ListFilter): Promise<SuggestionRow[]> {
    let query = withAsset(q);
    if (f.status) query = query.where('s.status', '=', f.status);
    if (f.assetId !== undefined) query = query.where('s.asset_id', '=', f.assetId);
    if (f.site !== undefined) query = query.where('a.site', '=', f.site);
    if (f.updatedSince) query = query.where('s.updated_at', '>', f.updatedSince);
    const after = f.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('s.updated_at', '>', after.updatedAt),
          eb.and([eb('s.updated_at', '=', after.updatedAt), eb('s.id', '>', after.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('s.updated_at').orderBy('s.id').limit(f.limit).execute();
    return rows.map(normalise);
  },
};

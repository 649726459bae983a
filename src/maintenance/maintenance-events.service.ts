/**
 * What the CMMS reports back: findings and work done, stored in maintenance_events (source
 * 'cmms'). These are training labels — failure events are what the RUL trainer reads — so a
 * retried report must not count twice: dedup_key = cmms:<asset>:<work order>:<kind>, and a
 * repeat answers 200 with the event stored first. An event may resolve the suggestion it
 * answers, in the same transaction.
 *
 * A failure, repair or replacement that is the asset's newest life event also closes its live
 * suggestions in that transaction (resolved, by this event, with a `closed: …` note): a failure
 * the open ones (an acknowledged one is a work order the repair will close), a repair or
 * replacement the open and acknowledged ones — a new life begins. An event dated before the
 * asset's last repair or replacement is history and closes nothing.
 */
import type { Insertable, Transaction } from 'kysely';
import type { DB, MaintenanceEvent, MaintenanceEventsTable, SuggestionStatus } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { maintenanceEventsRepository as events } from '../acquisition/maintenance-events.repository.js';
import { changeStatus, invalidTransition, type ActionDeps } from './suggestion-actions.service.js';
import { dispatch } from './suggestions.service.js';
import { lockSuggestionWrites, suggestionsRepository } from './suggestions.repository.js';

export interface MaintenanceEventInput {
  assetId?: number | undefined;
  assetRef?: string | undefined;
  kind: 'failure' | 'repair' | 'replacement' | 'inspection' | 'preventive';
  component?: string | undefined;
  failureMode?: string | undefined;
  failureMechanism?: string | undefined;
  description?: string | undefined;
  occurredAt: string;
  endedAt?: string | undefined;
  workOrderRef: string;
  suggestionId?: number | undefined;
}

export interface MaintenanceEventDto {
  id: number;
  assetId: number;
  kind: string;
  component: string | null;
  failureMode: string | null;
  failureMechanism: string | null;
  description: string | null;
  occurredAt: string;
  endedAt: string | null;
  workOrderRef: string | null;
  source: string;
  createdAt: string;
  resolvedSuggestionId: number | null;
  closedSuggestionIds: number[];
}

/** How the status note of a suggestion closed by a life event begins. */
const CLOSED = 'closed: ';

function closingNote(e: MaintenanceEvent): string {
  if (e.kind === 'failure') return `${CLOSED}asset failed at ${e.occurred_at.toISOString()}`;
  const done = (e.ended_at ?? e.occurred_at).toISOString();
  return `${CLOSED}${e.kind === 'repair' ? 'repaired' : 'replaced'} at ${done}`;
}

/** Closes the asset's live suggestions when `e` is its newest life event; returns outbox ids. */
async function closeOnLifeEvent(tx: Transaction<DB>, deps: ActionDeps, e: MaintenanceEvent) {
  if (e.kind !== 'failure' && e.kind !== 'repair' && e.kind !== 'replacement') return [];
  const last = (await events.lastLifeEvents(tx, [e.asset_id])).get(e.asset_id);
  if (last?.id !== e.id) return [];
  await lockSuggestionWrites(tx);
  const statuses: SuggestionStatus[] = e.kind === 'failure' ? ['open'] : ['open', 'acknowledged'];
  const outbox: number[] = [];
  for (const id of await suggestionsRepository.idsForAsset(tx, e.asset_id, statuses)) {
    const change = { status: 'resolved' as const, note: closingNote(e), eventId: e.id };
    outbox.push(...(await changeStatus(tx, deps, id, change)).outbox);
  }
  return outbox;
}

const MAX_FUTURE_MS = 24 * 3_600_000;

export class MaintenanceEvents {
  constructor(private readonly deps: ActionDeps) {}

  async record(input: MaintenanceEventInput): Promise<{ event: MaintenanceEventDto; created: boolean }> {
    const db = this.deps.db;
    const assetId = await this.resolveAsset(input);
    const occurredAt = new Date(input.occurredAt);
    if (+occurredAt > Date.now() + MAX_FUTURE_MS)
      throw badRequest('invalid_occurred_at', 'body/occurredAt is more than a day in the future');
    const endedAt = input.endedAt ? new Date(input.endedAt) : null;
    if (endedAt && endedAt < occurredAt)
      throw badRequest('invalid_ended_at', 'body/endedAt is before body/occurredAt');
    const dedupKey = `cmms:${assetId}:${input.workOrderRef}:${input.kind}`;

    const out = await db
      .transaction()
      .execute(async (tx) => {
        const existing = await events.byDedupKey(tx, dedupKey);
        if (existing) return { row: existing, created: false, outbox: [] as number[] };
        let suggestionId: number | undefined;
        if (input.suggestionId !== undefined) {
          await lockSuggestionWrites(tx);
          const s = await suggestionsRepository.get(tx, input.suggestionId, true);
          if (!s) throw notFound('body/suggestionId: work-order suggestion', input.suggestionId);
          if (s.asset_id !== assetId)
            throw badRequest(
              'suggestion_asset_mismatch',
              `body/suggestionId ${s.id} belongs to asset ${s.asset_id}, not to asset ${assetId}`,
            );
          if (s.status !== 'open' && s.status !== 'acknowledged') throw invalidTransition(s, 'resolved');
          suggestionId = s.id;
        }
        const row = await events.insertUnlessDuplicate(tx, {
          asset_id: assetId,
          kind: input.kind,
          component: input.component ?? null,
          failure_mode: input.failureMode ?? null,
          failure_mechanism: input.failureMechanism ?? null,
          description: input.description ?? null,
          occurred_at: occurredAt,
          ended_at: endedAt,
          work_order_ref: input.workOrderRef,
          source: 'cmms',
          dedup_key: dedupKey,
        });
        // A concurrent retry won the insert: answer with its event.
        if (!row) throw new AppError('retry_dedup', 409, 'retry');
        const outbox =
          suggestionId === undefined
            ? []
            : (await changeStatus(tx, this.deps, suggestionId, { status: 'resolved', eventId: row.id }))
                .outbox;
        outbox.push(...(await closeOnLifeEvent(tx, this.deps, row)));
        return { row, created: true, outbox };
      })
      .catch(async (err: unknown) => {
        if (!(err instanceof AppError && err.code === 'retry_dedup')) throw err;
        const row = (await events.byDedupKey(db, dedupKey))!;
        return { row, created: false, outbox: [] as number[] };
      });
    if (out.outbox.length > 0) dispatch(this.deps, out.outbox);
    return { event: await this.toDto(out.row), created: out.created };
  }

  /** An event the simulator observed (the demo's live stream), deduplicated on its dedup_key,
   * closing suggestions as a reported one does. True when stored. */
  async recordObserved(row: Insertable<MaintenanceEventsTable>): Promise<boolean> {
    const outbox = await this.deps.db.transaction().execute(async (tx) => {
      const stored = await events.insertUnlessDuplicate(tx, row);
      return stored ? closeOnLifeEvent(tx, this.deps, stored) : null;
    });
    if (outbox && outbox.length > 0) dispatch(this.deps, outbox);
    return outbox !== null;
  }

  private async resolveAsset(input: MaintenanceEventInput): Promise<number> {
    if ((input.assetId === undefined) === (input.assetRef === undefined))
      throw badRequest('asset_required', 'body/assetId or body/assetRef is required (exactly one of them)');
    const id = await events.assetId(
      this.deps.db,
      input.assetId !== undefined ? { id: input.assetId } : { externalRef: input.assetRef! },
    );
    if (id === undefined) {
      const which =
        input.assetId !== undefined ? `body/assetId ${input.assetId}` : `body/assetRef "${input.assetRef}"`;
      throw new AppError('asset_not_found', 404, `${which}: no such asset`);
    }
    return id;
  }

  private async toDto(r: MaintenanceEvent): Promise<MaintenanceEventDto> {
    const resolved = await suggestionsRepository.resolvedByEvent(this.deps.db, r.id);
    const closed = (s: { status_note: string | null }) => s.status_note?.startsWith(CLOSED) === true;
    return {
      id: r.id,
      assetId: r.asset_id,
      kind: r.kind,
      component: r.component,
      failureMode: r.failure_mode,
      failureMechanism: r.failure_mechanism,
      description: r.description,
      occurredAt: r.occurred_at.toISOString(),
      endedAt: r.ended_at ? r.ended_at.toISOString() : null,
      workOrderRef: r.work_order_ref,
      source: r.source,
      createdAt: r.created_at.toISOString(),
      resolvedSuggestionId: resolved.find((s) => !closed(s))?.id ?? null,
      closedSuggestionIds: resolved.filter(closed).map((s) => s.id),
    };
  }
}

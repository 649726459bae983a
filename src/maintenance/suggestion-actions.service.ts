/**
 * What the CMMS does with suggestions: page through changes, read one, acknowledge (a work
 * order exists) or dismiss. Transitions: open → acknowledged | dismissed | resolved | superseded;
 * acknowledged → dismissed | resolved (superseded is the rules' doing: suggestions.service.ts). Repeating the same acknowledgement or dismissal is
 * answered with the unchanged suggestion (CMMS retries); anything else is 409
 * `invalid_transition`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { decodeCursor, encodeCursor } from '../acquisition/cursor.js';
import type { DB, SuggestionStatus } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { toSuggestionDto, type SuggestionDto } from './suggestion-dto.js';
import { dispatch } from './suggestions.service.js';
import {
  lockSuggestionWrites,
  suggestionsRepository as repo,
  type SuggestionRow,
} from './suggestions.repository.js';
import type { SuggestionWebhook } from './webhook.js';
import { outboxRepository, type WebhookEvent } from './webhook-outbox.repository.js';

export interface ListQuery {
  status?: SuggestionStatus | undefined;
  updated_since?: string | undefined;
  asset_id?: number | undefined;
  site?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface ActionDeps {
  db: Kysely<DB>;
  logger?: Logger | undefined;
  webhook?: SuggestionWebhook | undefined;
}

export function invalidTransition(s: { id: number; status: string }, to: string, hint = ''): AppError {
  return new AppError(
    'invalid_transition',
    409,
    `suggestion ${s.id} is ${s.status} and cannot become ${to}${hint}`,
    { details: { from: s.status, to } },
  );
}

/** Writes the status change and its outbox row in the caller's transaction. */
export async function changeStatus(
  tx: Transaction<DB>,
  deps: ActionDeps,
  id: number,
  change: Parameters<typeof repo.setStatus>[2],
): Promise<{ dto: SuggestionDto; outbox: number[] }> {
  await repo.setStatus(tx, id, change);
  const dto = toSuggestionDto((await repo.get(tx, id))!);
  const outbox = deps.webhook
    ? await outboxRepository.add(tx, [
        { event: `suggestion.${change.status}` as WebhookEvent, suggestion: dto },
      ])
    : [];
  return { dto, outbox };
}

export class SuggestionActions {
  constructor(private readonly deps: ActionDeps) {}

  async list(q: ListQuery): Promise<{ items: SuggestionDto[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const c = decodeCursor(q.cursor, ['t', 'id'] as const);
    const rows = await repo.list(this.deps.db, {
      status: q.status,
      assetId: q.asset_id,
      site: q.site,
      updatedSince: q.updated_since ? new Date(q.updated_since) : undefined,
      after: c ? { updatedAt: new Date(c.t), id: c.id } : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toSuggestionDto),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ t: last.updated_at.getTime(), id: last.id }) : null,
    };
  }

  async get(id: number): Promise<SuggestionDto> {
    const row = await repo.get(this.deps.db, id);
    if (!row) throw notFound('work-order suggestion', id);
    return toSuggestionDto(row);
  }

  ack(id: number, body: { workOrderRef: string; note?: string | undefined }): Promise<SuggestionDto> {
    return this.transition(id, (s) => {
      if (s.status === 'acknowledged' && s.work_order_ref === body.workOrderRef) return 'unchanged';
      if (s.status !== 'open') {
        const hint =
          s.status === 'acknowledged' ? ` (already acknowledged as work order ${s.work_order_ref})` : '';
        throw invalidTransition(s, 'acknowledged', hint);
      }
      return { status: 'acknowledged', workOrderRef: body.workOrderRef, note: body.note ?? null };
    });
  }

  dismiss(id: number, body: { reason: string }): Promise<SuggestionDto> {
    return this.transition(id, (s) => {
      if (s.status === 'dismissed') return 'unchanged';
      if (s.status !== 'open' && s.status !== 'acknowledged') throw invalidTransition(s, 'dismissed');
      return { status: 'dismissed', note: body.reason };
    });
  }

  private async transition(
    id: number,
    decide: (s: SuggestionRow) => 'unchanged' | Parameters<typeof repo.setStatus>[2],
  ): Promise<SuggestionDto> {
    const { dto, outbox } = await this.deps.db.transaction().execute(async (tx) => {
      await lockSuggestionWrites(tx);
      const row = await repo.get(tx, id, true);
      if (!row) throw notFound('work-order suggestion', id);
      const change = decide(row);
      if (change === 'unchanged') return { dto: toSuggestionDto(row), outbox: [] };
      return changeStatus(tx, this.deps, id, change);
    });
    if (outbox.length > 0) dispatch(this.deps, outbox);
    return dto;
  }
}

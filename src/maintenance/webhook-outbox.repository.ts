/** Every query on `webhook_outbox`: rows written with the change they report, then their delivery. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SuggestionDto } from './suggestion-dto.js';

/** `suggestion.<status>` for every status change, `suggestion.created` for a new one. */
export type WebhookEvent =
  | 'suggestion.created'
  | 'suggestion.acknowledged'
  | 'suggestion.dismissed'
  | 'suggestion.resolved'
  | 'suggestion.superseded';

export const outboxRepository = {
  async add(
    tx: Transaction<DB>,
    items: Array<{ event: WebhookEvent; suggestion: SuggestionDto }>,
  ): Promise<number[]> {
    if (items.length === 0) return [];
    const rows = await tx
      .insertInto('webhook_outbox')
      .values(
        items.map((i) => ({
          suggestion_id: i.suggestion.id,
          event: i.event,
          payload: JSON.stringify({ event: i.event, suggestion: i.suggestion }),
        })),
      )
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  },

  get(db: Kysely<DB>, id: number) {
    return db.selectFrom('webhook_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async pendingIds(db: Kysely<DB>, olderThanMs: number, limit: number): Promise<number[]> {
    const rows = await db
      .selectFrom('webhook_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('created_at', '<', new Date(Date.now() - olderThanMs))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  async attempted(
    db: Kysely<DB>,
    id: number,
    result: { ok: true } | { ok: false; error: string; final: boolean },
  ) {
    await db
      .updateTable('webhook_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_attempt_at: new Date(),
        ...(result.ok
          ? { status: 'delivered' as const, delivered_at: new Date(), last_error: null }
          : {
              last_error: result.error.slice(0, 1000),
              ...(result.final ? { status: 'failed' as const } : {}),
            }),
      }))
      .where('id', '=', id)
      .execute();
  },
};

/**
 * Sends one webhook_outbox row (see webhook.ts). Its own queue, so a receiver that is down
 * for hours (exponential backoff) never holds up partitions, features or scoring.
 */
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { WebhookConfig } from '../config.js';
import type { DB } from '../db/schema.js';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobDefinition } from '../jobs/types.js';
import { deliverOutboxRow } from './webhook.js';

const Payload = Type.Object({ outboxId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export function deliverWebhookJob(deps: {
  db: Kysely<DB>;
  webhook?: WebhookConfig | undefined;
}): JobDefinition<typeof Payload, { outcome: 'delivered' | 'skipped' }> {
  const attempts = deps.webhook?.maxAttempts ?? 1;
  return {
    name: JOBS.deliverWebhook,
    queue: QUEUES.webhooks,
    payload: Payload,
    attempts,
    backoffMs: deps.webhook?.backoffMs ?? 1_000,
    dedupKey: (p) => String(p.outboxId),
    async handle(p, ctx) {
      // Rows stay pending: a deployment that configures the webhook later still sends them.
      if (!deps.webhook) return { outcome: 'skipped' };
      const outcome = await deliverOutboxRow(deps.db, deps.webhook, p.outboxId, {
        final: ctx.attempt >= attempts,
        signal: ctx.signal,
      });
      await ctx.log(`${outcome} on attempt ${ctx.attempt}`);
      return { outcome };
    },
  };
}

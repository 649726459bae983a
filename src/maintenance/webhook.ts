/**
 * Webhook delivery of suggestion changes. Changes are written to `webhook_outbox` in the
 * transaction that makes them (nothing is lost if the process dies after commit); one
 * deliver-webhook job per row sends it, retried by the queue with exponential backoff. Rows
 * still pending after a restart (in-process queue) are picked up again by `dispatch`, which
 * every scoring batch calls. Delivery is at least once: receivers dedup on X-Prognos-Delivery
 * (or webhook-id) and keep the highest `suggestion.revision`.
 *
 * Two signatures are sent: X-Prognos-Signature (hex HMAC of "{timestamp}.{body}") and the
 * Standard Webhooks 1.0 headers webhook-id / webhook-timestamp / webhook-signature
 * ("v1," + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"), so receivers can use that spec's
 * libraries. Both use the same key: the bytes after "whsec_" base64-decoded when
 * PROGNOS_WEBHOOK_SECRET has the spec's form, else the secret's UTF-8 bytes — give a Standard
 * Webhooks library "whsec_" + base64(secret) in that case.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../config.js';
import type { DB } from '../db/schema.js';
import { JOBS } from '../jobs/names.js';
import type { JobQueue } from '../jobs/types.js';
import { outboxRepository } from './webhook-outbox.repository.js';

/** What the service needs: a way to have rows sent after commit. Never awaited by scoring. */
export interface SuggestionWebhook {
  dispatch(outboxIds: number[]): Promise<void>;
}

/** The HMAC key of PROGNOS_WEBHOOK_SECRET (format checked in src/config.ts). */
function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', signingKey(secret)).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Standard Webhooks `webhook-signature`: "v1," + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}". */
export function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The Standard Webhooks message id of an outbox row: the same on every retry. */
const webhookId = (outboxId: number) => `prognos_${outboxId}`;

export function verifySignature(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(signature(secret, timestamp, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** One POST of one outbox row. Throws on anything but 2xx so the queue retries. */
export async function deliverOutboxRow(
  db: Kysely<DB>,
  cfg: WebhookConfig,
  id: number,
  opts: { final: boolean; signal?: AbortSignal },
): Promise<'delivered' | 'skipped'> {
  const row = await outboxRepository.get(db, id);
  if (!row || row.status !== 'pending') return 'skipped';
  const body = JSON.stringify({
    deliveryId: row.id,
    createdAt: row.created_at.toISOString(),
    ...row.payload,
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signals = [AbortSignal.timeout(cfg.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  let error: string;
  try {
    const res = await fetch(cfg.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'prognos-webhook/1',
        'x-prognos-event': row.event,
        'x-prognos-delivery': String(row.id),
        'x-prognos-timestamp': timestamp,
        'x-prognos-signature': signature(cfg.secret, timestamp, body),
        'webhook-id': webhookId(row.id),
        'webhook-timestamp': timestamp,
        'webhook-signature': standardSignature(cfg.secret, webhookId(row.id), timestamp, body),
      },
      body,
      signal: AbortSignal.any(signals),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) {
      await outboxRepository.attempted(db, id, { ok: true });
      return 'delivered';
    }
    error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  await outboxRepository.attempted(db, id, { ok: false, error, final: opts.final });
  throw new Error(`webhook delivery ${id} failed: ${error}`);
}

/** The production `SuggestionWebhook`: a deliver-webhook job per row (deduplicated by row id),
 * plus rows left pending for over a minute (lost with an in-process queue on restart). */
export function queueWebhook(db: Kysely<DB>, jobs: JobQueue, logger?: Logger): SuggestionWebhook {
  return {
    async dispatch(outboxIds) {
      const stale = await outboxRepository.pendingIds(db, 60_000, 100);
      for (const outboxId of new Set([...outboxIds, ...stale])) {
        await jobs.enqueue(JOBS.deliverWebhook, { outboxId }).catch((err: unknown) => {
          logger?.warn({ err, outboxId }, 'could not queue a webhook delivery; it stays pending');
        });
      }
    },
  };
}

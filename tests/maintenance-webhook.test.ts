import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookConfig } from '../src/config.js';
import { InlineJobQueue } from '../src/jobs/inline-queue.js';
import { JOBS } from '../src/jobs/names.js';
import { buildJobHandlers } from '../src/jobs/handlers.js';
import { deliverWebhookJob } from '../src/maintenance/deliver-webhook.job.js';
import { SuggestionActions } from '../src/maintenance/suggestion-actions.service.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { loadConfig } from '../src/config.js';
import { queueWebhook, signature, standardSignature, verifySignature } from '../src/maintenance/webhook.js';
import { createTestContext } from './helpers/context.js';
import { deps, insertAsset, insertForecast } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

const SECRET = 'test-webhook-secret-0123456789';
const WHSEC = `whsec_${Buffer.from('a-32-byte-key-for-standard-hooks').toString('base64')}`;

/**
 * A receiver's verification written from the Standard Webhooks 1.0 spec text, independently of
 * src/: the key is the base64 after "whsec_"; the signed content is "{webhook-id}.{webhook-timestamp}.{body}";
 * webhook-signature holds space-delimited "v1,<base64 HMAC-SHA256>" entries, any one matching
 * (constant-time compare); a timestamp outside the tolerance (5 minutes) is refused as a replay.
 */
function verifyStandardWebhook(
  whsec: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Date.now() / 1000,
  toleranceSeconds = 300,
): 'ok' | 'bad_signature' | 'timestamp_out_of_tolerance' | 'missing_header' {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string') return 'missing_header';
  if (!/^\d+$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > toleranceSeconds)
    return 'timestamp_out_of_tolerance';
  const key = Buffer.from(whsec.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  for (const entry of sigs.split(' ')) {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || sig === undefined) continue;
    const got = Buffer.from(sig, 'base64');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return 'ok';
  }
  return 'bad_signature';
}

/** A receiver on 127.0.0.1 answering the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const answered = statuses[Math.min(received.length, statuses.length - 1)]!;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('suggestion webhook', () => {
  let ctx: Ctx;
  const servers: Server[] = [];
  const queues: InlineJobQueue[] = [];
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    for (const q of queues) await q.close();
    for (const s of servers) await new Promise((r) => s.close(r));
    await ctx?.close();
  });

  /** A queue whose deliver-webhook job is configured for `url` (the rest as the app's). */
  function queueFor(url: string, maxAttempts: number, secret = SECRET) {
    const cfg: WebhookConfig = { url, secret, maxAttempts, backoffMs: 10, timeoutMs: 5_000 };
    const defs = [...ctx.jobHandlers.values()].filter((d) => d.name !== JOBS.deliverWebhook);
    const queue = new InlineJobQueue(
      buildJobHandlers([...defs, deliverWebhookJob({ db: ctx.database.db, webhook: cfg })]),
    );
    queues.push(queue);
    return { ...deps(ctx.database.db), webhook: queueWebhook(ctx.database.db, queue) };
  }

  async function suggestionFor(name: string, d: ReturnType<typeof queueFor>) {
    const a = await insertAsset(ctx.database.db, name);
    const f = await insertForecast(ctx.database.db, a, { iso_zone: 'D', velocity_rms_mm_s: 8.8 });
    const r = await evaluateSuggestions(d, [f]);
    expect(r.created).toHaveLength(1);
    return r.created[0]!;
  }

  const outboxOf = (id: number) =>
    ctx.database.db
      .selectFrom('webhook_outbox')
      .selectAll()
      .where('suggestion_id', '=', id)
      .orderBy('id')
      .execute();

  it('retries with backoff until the receiver accepts: delivered once, signature verifies', async () => {
    const hook = await receiver([500, 503, 204]);
    servers.push(hook.server);
    const d = queueFor(hook.url, 5);
    const id = await suggestionFor('webhook-pump', d);
    const [row] = await until(async () => {
      const rows = await outboxOf(id);
      return rows[0]?.status === 'delivered' ? rows : undefined;
    }, 'delivery');
    expect(row).toMatchObject({ event: 'suggestion.created', attempts: 3, last_error: null });
    expect(hook.received.map((r) => r.answered)).toEqual([500, 503, 204]);
    const accepted = hook.received.filter((r) => r.answered < 300);
    expect(accepted).toHaveLength(1);
    const { headers, body } = accepted[0]!;
    const ts = headers['x-prognos-timestamp'] as string;
    expect(headers['x-prognos-signature']).toBe(signature(SECRET, ts, body));
    expect(verifySignature(SECRET, ts, body, headers['x-prognos-signature'] as string)).toBe(true);
    expect(
      verifySignature('another-secret-0123456789', ts, body, headers['x-prognos-signature'] as string),
    ).toBe(false);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(600);
    // Standard Webhooks headers beside ours: a plain secret is given to a Standard Webhooks
    // receiver as "whsec_" + base64 of its UTF-8 bytes.
    expect(headers['webhook-id']).toBe(`prognos_${row!.id}`);
    expect(headers['webhook-timestamp']).toBe(ts);
    const asWhsec = `whsec_${Buffer.from(SECRET).toString('base64')}`;
    expect(verifyStandardWebhook(asWhsec, headers, body)).toBe('ok');
    expect(verifyStandardWebhook(WHSEC, headers, body)).toBe('bad_signature');
    expect(verifyStandardWebhook(asWhsec, headers, body.replace('"priority":1', '"priority":4'))).toBe(
      'bad_signature',
    );
    // The same delivery replayed 6 minutes later is refused, though its signature is valid.
    expect(verifyStandardWebhook(asWhsec, headers, body, Number(ts) + 360)).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(verifyStandardWebhook(asWhsec, headers, body, Number(ts) - 360)).toBe(
      'timestamp_out_of_tolerance',
    );
    // Retries keep the webhook-id (receivers dedup on it) and sign a fresh timestamp.
    expect(new Set(hook.received.map((r) => r.headers['webhook-id']))).toEqual(
      new Set([`prognos_${row!.id}`]),
    );
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({
      deliveryId: row!.id,
      event: 'suggestion.created',
      suggestion: { id, priority: 1, failureMode: 'VIB' },
    });
    expect(headers['x-prognos-delivery']).toBe(String(row!.id));
    // Every attempt carried the same delivery, so a receiver can dedup on it.
    expect(new Set(hook.received.map((r) => JSON.parse(r.body).deliveryId))).toEqual(new Set([row!.id]));

    // Status changes from the CMMS API are sent too.
    await new SuggestionActions(d).ack(id, { workOrderRef: 'WO-H1' });
    const acked = await until(async () => {
      const rows = await outboxOf(id);
      return rows[1]?.status === 'delivered' ? rows[1] : undefined;
    }, 'the acknowledgement');
    expect(acked.event).toBe('suggestion.acknowledged');
    expect(JSON.parse(hook.received.at(-1)!.body).suggestion).toMatchObject({
      status: 'acknowledged',
      revision: 2,
    });
  });

  it('signs with a whsec_ secret as Standard Webhooks receivers expect', async () => {
    const hook = await receiver([204]);
    servers.push(hook.server);
    const id = await suggestionFor('webhook-whsec', queueFor(hook.url, 2, WHSEC));
    await until(async () => ((await outboxOf(id))[0]?.status === 'delivered' ? true : undefined), 'delivery');
    const { headers, body } = hook.received[0]!;
    expect(verifyStandardWebhook(WHSEC, headers, body)).toBe('ok');
    expect(
      verifySignature(
        WHSEC,
        headers['x-prognos-timestamp'] as string,
        body,
        headers['x-prognos-signature'] as string,
      ),
    ).toBe(true);
  });

  it('gives up after the last attempt and keeps the error', async () => {
    const hook = await receiver([500]);
    servers.push(hook.server);
    const id = await suggestionFor('webhook-down', queueFor(hook.url, 2));
    const [row] = await until(async () => {
      const rows = await outboxOf(id);
      return rows[0]?.status === 'failed' ? rows : undefined;
    }, 'the final failure');
    expect(row).toMatchObject({ attempts: 2, last_error: 'HTTP 500' });
    expect(hook.received).toHaveLength(2);
  });

  it('never blocks scoring, even when dispatch hangs', async () => {
    const db = ctx.database.db;
    const a = await insertAsset(db, 'webhook-hang');
    const f = await insertForecast(db, a, { iso_zone: 'D', velocity_rms_mm_s: 9 });
    const r = await evaluateSuggestions({ ...deps(db), webhook: { dispatch: () => new Promise(() => {}) } }, [
      f,
    ]);
    expect(r.created).toHaveLength(1);
    // The change is in the outbox, committed with the suggestion.
    expect(await outboxOf(r.created[0]!)).toHaveLength(1);

    // Left pending (as after a restart with the in-process queue): the next dispatch sends it.
    const hook = await receiver([200]);
    servers.push(hook.server);
    await sql`update webhook_outbox set created_at = now() - interval '5 minutes' where suggestion_id = ${r.created[0]!}`.execute(
      db,
    );
    await queueFor(hook.url, 3).webhook.dispatch([]);
    await until(
      async () => ((await outboxOf(r.created[0]!))[0]?.status === 'delivered' ? true : undefined),
      'the sweep',
    );
    expect(hook.received).toHaveLength(1);
  });
});

describe('Standard Webhooks signature', () => {
  it('reproduces the specification test vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';
    const sig = standardSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', payload);
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': `v1,bm90LXRoaXM= ${sig}`,
    };
    expect(verifyStandardWebhook(secret, headers, payload, 1614265330)).toBe('ok');
    expect(verifyStandardWebhook(secret, headers, payload, 1614265330 + 301)).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  it('refuses a malformed whsec_ secret at start-up', () => {
    const env = { PROGNOS_WEBHOOK_URL: 'http://127.0.0.1:9/hook' };
    expect(() => loadConfig({ ...env, PROGNOS_WEBHOOK_SECRET: 'whsec_not base64!!!!!!!' })).toThrow(/whsec_/);
    expect(() =>
      loadConfig({
        ...env,
        PROGNOS_WEBHOOK_SECRET: `whsec_${Buffer.from('short').toString('base64')}aaaaaaaa`,
      }),
    ).toThrow(/16 bytes/);
    expect(loadConfig({ ...env, PROGNOS_WEBHOOK_SECRET: WHSEC }).webhook?.secret).toBe(WHSEC);
  });
});

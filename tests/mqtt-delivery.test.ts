/**
 * MQTT delivery against a private Mosquitto running the broker limits of deploy/mosquitto.conf:
 * a burst, an outage of the consumer, two consumers sharing the load, and poison messages.
 * Every check counts the stored rows against what was published (each reading has its own
 * sensor and timestamp, so "stored exactly once" is "every published pair is there").
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMqttSubscriber,
  type MqttSubscriber,
  type MqttSubscriberOptions,
} from '../src/acquisition/mqtt-subscriber.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { mosquittoBinary, startPrivateMosquitto, type PrivateMosquitto } from './helpers/private-servers.js';
import { until } from './helpers/until.js';

const bin = mosquittoBinary();

/** The settings of the shipped broker config that decide delivery (its listener and paths aside). */
function shippedBrokerSettings(): string[] {
  const keys = ['max_queued_messages', 'max_inflight_messages', 'message_size_limit', 'autosave_interval'];
  const lines = readFileSync(new URL('../deploy/mosquitto.conf', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => keys.includes(l.split(/\s+/)[0]!));
  expect(lines.map((l) => l.split(/\s+/)[0]).sort()).toEqual([...keys].sort());
  return lines;
}

describe.runIf(bin)('MQTT delivery (private Mosquitto with deploy/mosquitto.conf limits)', () => {
  let broker: PrivateMosquitto;
  let ctx: TestCtx;
  let app: FastifyInstance;
  let publisher: MqttClient;
  let slotDir: string;
  const running: MqttSubscriber[] = [];
  const T0 = Date.parse('2024-07-01T00:00:00Z');

  beforeAll(async () => {
    broker = await startPrivateMosquitto(bin!, shippedBrokerSettings());
    ({ ctx, app } = await startApp());
    slotDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-mqtt-slots-'));
    publisher = await mqtt.connectAsync(broker.url, {
      clientId: `pub-${randomBytes(4).toString('hex')}`,
      protocolVersion: 5,
    });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    for (const s of running) await s.close();
    await app?.close();
    await ctx?.close();
    await broker?.close();
    if (slotDir) rmSync(slotDir, { recursive: true, force: true });
  });

  async function sensors(prefix: string, n: number): Promise<Array<{ id: number; topic: string }>> {
    const assetRef = `A-${randomBytes(3).toString('hex')}`;
    const assetId = await createAsset(app, { name: assetRef, externalRef: assetRef });
    const out = [];
    for (let i = 0; i < n; i++) {
      const name = `s${i}`;
      out.push({ id: await createSensor(app, assetId, { name }), topic: `${prefix}/${assetRef}/${name}` });
    }
    return out;
  }

  function subscribe(prefix: string, extra: Partial<MqttSubscriberOptions> = {}): MqttSubscriber {
    const s = startMqttSubscriber({
      url: broker.url,
      readings: ctx.readings,
      assets: ctx.assets,
      logger: ctx.logger,
      prefix,
      slotDir,
      batchMs: 50,
      batchMax: 500,
      sessionExpiryS: 3600,
      ...extra,
    });
    running.push(s);
    return s;
  }
  async function stop(s: MqttSubscriber): Promise<void> {
    running.splice(running.indexOf(s), 1);
    await s.close();
  }

  /** `n` one-reading messages spread over the sensors, published at once (QoS 1). */
  async function burst(targets: Array<{ topic: string }>, n: number, from: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        publisher.publishAsync(
          targets[i % targets.length]!.topic,
          JSON.stringify({ ts: T0 + from + i, value: i }),
          { qos: 1 },
        ),
      ),
    );
  }

  /** Stored (sensor, ts) pairs of these sensors: count, and distinct count. */
  async function stored(ids: number[]): Promise<{ rows: number; distinct: number }> {
    const { rows } = await sql<{ rows: number; distinct: number }>`
      select count(*)::int as rows, count(distinct (sensor_id, ts))::int as distinct
      from readings where sensor_id in (${sql.join(ids)})`.execute(ctx.database.db);
    return rows[0]!;
  }
  const storedAtLeast = (ids: number[], n: number, timeoutMs = 120_000) =>
    until(`${n} readings stored`, async () => ((await stored(ids)).rows >= n ? true : undefined), timeoutMs);

  it('absorbs a burst of 5000 QoS 1 messages: every reading stored exactly once', async () => {
    const prefix = `burst-${randomBytes(3).toString('hex')}`;
    const targets = await sensors(prefix, 5);
    const sub = subscribe(prefix);
    await sub.ready;
    const started = performance.now();
    await burst(targets, 5000, 0);
    await storedAtLeast(
      targets.map((t) => t.id),
      5000,
    );
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 300)); // anything late would show as a 5001st row
    expect(await stored(targets.map((t) => t.id))).toEqual({ rows: 5000, distinct: 5000 });
    const stats = sub.stats();
    expect(stats.inserted).toBe(5000);
    expect(stats.rejected + stats.failed).toBe(0);
    // One transaction per window, not per message.
    expect(stats.windows).toBeLessThan(stats.stored);
    console.info(
      `[mqtt burst] 5000 messages stored in ${seconds.toFixed(2)} s = ${Math.round(5000 / seconds)} msg/s, ` +
        `${stats.windows} transactions (${(stats.stored / stats.windows).toFixed(0)} messages each)`,
    );
    await stop(sub);
  }, 180_000);

  it('stores the 1500 messages published while it was down, once it is back (persistent session)', async () => {
    const prefix = `outage-${randomBytes(3).toString('hex')}`;
    const targets = await sensors(prefix, 3);
    const ids = targets.map((t) => t.id);
    const first = subscribe(prefix);
    await first.ready;
    await burst(targets, 10, 0);
    await storedAtLeast(ids, 10);
    const clientId = first.clientId;
    await stop(first);

    await burst(targets, 1500, 10); // the broker queues them for the session
    expect((await stored(ids)).rows).toBe(10);
    const back = subscribe(prefix);
    expect(back.clientId).toBe(clientId); // same slot, so the same session
    await back.ready;
    await storedAtLeast(ids, 1510);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(ids)).toEqual({ rows: 1510, distinct: 1510 });
    await stop(back);
  }, 180_000);

  it('two consumers of one shared group: distinct client ids, no kicking, everything once', async () => {
    const prefix = `shared-${randomBytes(3).toString('hex')}`;
    const targets = await sensors(prefix, 4);
    const ids = targets.map((t) => t.id);
    const group = `g${randomBytes(3).toString('hex')}`;
    const a = subscribe(prefix, { shareGroup: group });
    const b = subscribe(prefix, { shareGroup: group });
    await Promise.all([a.ready, b.ready]);
    expect(a.clientId).not.toBe(b.clientId);
    let drops = 0;
    for (const s of [a, b]) s.client.on('close', () => (drops += 1));

    await burst(targets, 2000, 0);
    await storedAtLeast(ids, 2000);
    await new Promise((r) => setTimeout(r, 2500)); // a clash of ids would disconnect every ~2 s
    expect(await stored(ids)).toEqual({ rows: 2000, distinct: 2000 });
    expect(drops).toBe(0);
    // Shared, not both given everything: each took part, and together exactly the burst.
    expect(a.stats().received).toBeGreaterThan(0);
    expect(b.stats().received).toBeGreaterThan(0);
    expect(a.stats().received + b.stats().received).toBe(2000);
    await stop(a);
    await stop(b);
  }, 180_000);

  it('acknowledges nothing while the database is unavailable: held, retried, or redelivered', async () => {
    const prefix = `dbdown-${randomBytes(3).toString('hex')}`;
    const targets = await sensors(prefix, 2);
    const ids = targets.map((t) => t.id);
    // The real service behind a switch that fails every write as an unreachable server does.
    let down = true;
    let refused = 0;
    const flaky = Object.create(ctx.readings) as typeof ctx.readings;
    flaky.ingestMany = async (...args) => {
      if (down) {
        refused += 1;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      }
      return ctx.readings.ingestMany(...args);
    };
    const first = subscribe(prefix, { readings: flaky });
    await first.ready;
    await burst(targets, 300, 0);
    await until('windows refused', () => refused >= 2);
    // Closing during the outage: what it holds stays unacknowledged, on the broker.
    await stop(first);
    expect((await stored(ids)).rows).toBe(0);

    const second = subscribe(prefix, { readings: flaky });
    await second.ready;
    await burst(targets, 200, 300);
    await until('retried', () => refused >= 4);
    down = false; // the database is back: the held window is retried, then the rest follows
    await storedAtLeast(ids, 500);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(ids)).toEqual({ rows: 500, distinct: 500 });
    expect(second.stats().rejected + second.stats().failed).toBe(0);
    await stop(second);
  }, 120_000);

  it('rejects invalid and oversized messages, acknowledged, without holding back the valid ones', async () => {
    const prefix = `poison-${randomBytes(3).toString('hex')}`;
    const [target] = await sensors(prefix, 1);
    const sub = subscribe(prefix, { bodyLimitBytes: 4096, maxReadingsPerBatch: 100 });
    await sub.ready;
    const errors: Array<{ code: string; message: string }> = [];
    await publisher.subscribeAsync(`${target!.topic}/errors`, { qos: 1 });
    publisher.on('message', (_t, payload) => errors.push(JSON.parse(payload.toString()).error));

    const send = (body: unknown) =>
      publisher.publishAsync(target!.topic, typeof body === 'string' ? body : JSON.stringify(body), {
        qos: 1,
      });
    const t = T0 + 10_000_000;
    await Promise.all([
      send({ ts: t, value: 1 }),
      send({ ts: t + 1, value: 2, unit: 'degC' }), // unknown field: refused, as over HTTP
      send({ readings: [{ ts: t + 2, value: 3 }], ts: t + 3, value: 4 }), // stray ts/value
      send({ readings: [{ ts: t + 4, value: 5, q: 1 }] }),
      send({ ts: t + 5 }),
      send({ readings: [{ ts: t + 6, value: 'x'.repeat(5000) }] }), // over bodyLimitBytes
      send({ readings: Array.from({ length: 101 }, (_, i) => ({ ts: t + 100 + i, value: i })) }),
      send('not json'),
      send({ ts: t + 7, value: 7 }),
    ]);
    await until('7 errors', () => errors.length >= 7 && errors);
    await storedAtLeast([target!.id], 2);
    expect(errors.map((e) => e.code).sort()).toEqual(
      [
        'batch_too_large',
        'invalid_json',
        'payload_too_large',
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'validation_failed',
      ].sort(),
    );
    expect(errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'payload/unit is not allowed',
        'payload/ts is not allowed',
        'payload/readings/0/q is not allowed',
        'payload/value is required',
      ]),
    );
    expect(sub.stats()).toMatchObject({ rejected: 7, stored: 2, inserted: 2 });
    const items = (await app.inject(`/v1/sensors/${target!.id}/readings`)).json().items;
    expect(items.map((r: { value: number }) => r.value)).toEqual([1, 7]);
    // Acknowledged: a new session of the same client gets none of them again.
    await stop(sub);
    const again = subscribe(prefix, { bodyLimitBytes: 4096, maxReadingsPerBatch: 100 });
    await again.ready;
    await new Promise((r) => setTimeout(r, 500));
    expect(again.stats().received).toBe(0);
    await stop(again);
  }, 120_000);
});
if (!bin) console.warn('[skipped] MQTT delivery: no mosquitto binary');

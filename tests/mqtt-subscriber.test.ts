import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttSubscriber } from '../src/acquisition/mqtt-subscriber.js';
import { countRows, createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { MQTT_URL, skipReason } from './helpers/database.js';
import { startTestSubscriber } from './helpers/mqtt-subscriber.js';
import { until } from './helpers/until.js';

describe.runIf(MQTT_URL)('MQTT live ingestion (local broker)', () => {
  const prefix = `prognos-test-${randomBytes(4).toString('hex')}`;
  let ctx: TestCtx;
  let app: FastifyInstance;
  let subscriber: MqttSubscriber;
  let publisher: MqttClient;
  let sensorId: number;
  const errors: Array<{ topic: string; body: { error: { code: string; message: string } } }> = [];

  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    const assetId = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    sensorId = await createSensor(app, assetId, {
      name: 'de-temp',
      unit: '°C',
      rangeMin: -40,
      rangeMax: 150,
    });
    subscriber = startTestSubscriber(ctx, prefix);
    await subscriber.ready;
    publisher = await mqtt.connectAsync(MQTT_URL!, { clientId: `${prefix}-pub` });
    await publisher.subscribeAsync(`${prefix}/+/+/errors`, { qos: 1 });
    publisher.on('message', (topic, payload) => errors.push({ topic, body: JSON.parse(payload.toString()) }));
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await subscriber?.close();
    await app?.close();
    await ctx?.close();
  });

  const publish = (topic: string, body: unknown) =>
    publisher.publishAsync(`${prefix}/${topic}`, typeof body === 'string' ? body : JSON.stringify(body), {
      qos: 1,
    });
  const rowsAtLeast = (n: number) =>
    until(`${n} rows`, async () => ((await countRows(ctx, 'readings', sensorId)) >= n ? true : undefined));

  it('stores readings published as { ts, value } and { readings: [...] }, by externalRef or name', async () => {
    const t0 = Date.parse('2024-06-01T00:00:00Z');
    await publish('PUMP-7/de-temp', { ts: t0, value: 41.5 });
    await rowsAtLeast(1);
    await publish('Pump 7/de-temp', {
      readings: [1, 2, 3].map((i) => ({ ts: t0 + i * 1000, value: 41 + i })),
    });
    await rowsAtLeast(4);
    await publish('PUMP-7/de-temp', { ts: t0, value: 41.5 }); // redelivered: stored once
    await until('duplicate counted', async () => (subscriber.stats().duplicates === 1 ? true : undefined));
    expect(await countRows(ctx, 'readings', sensorId)).toBe(4);
    const items = (await app.inject(`/v1/sensors/${sensorId}/readings`)).json().items;
    expect(items.map((r: { value: number }) => r.value)).toEqual([41.5, 42, 43, 44]);
  });

  it('rejects bad messages on <topic>/errors without storing them, and keeps running', async () => {
    const before = await countRows(ctx, 'readings', sensorId);
    const t = Date.parse('2024-06-02T00:00:00Z');
    await publish('PUMP-7/de-temp', { ts: t, value: 'NaN' });
    await publish('PUMP-7/de-temp', {
      readings: [
        { ts: t, value: 1 },
        { ts: 'later', value: 2 },
      ],
    });
    await publish('PUMP-7/de-temp', 'not json');
    await publish('PUMP-7/no-such-sensor', { ts: t, value: 1 });
    await until('4 errors', async () => (errors.length >= 4 ? true : undefined));
    expect(errors.map((e) => [e.topic.slice(prefix.length + 1), e.body.error.code])).toEqual([
      ['PUMP-7/de-temp/errors', 'invalid_value'],
      ['PUMP-7/de-temp/errors', 'invalid_timestamp'],
      ['PUMP-7/de-temp/errors', 'invalid_json'],
      ['PUMP-7/no-such-sensor/errors', 'not_found'],
    ]);
    expect(errors[0]!.body.error.message).toMatch(/^readings\[0\]\.value must be a finite number/);
    expect(errors[1]!.body.error.message).toMatch(/^readings\[1\]\.ts/);
    expect(await countRows(ctx, 'readings', sensorId)).toBe(before); // atomic: not even readings[0]
    expect(subscriber.stats().rejected).toBe(4);

    await publish('PUMP-7/de-temp', { ts: t + 5000, value: 40 });
    await rowsAtLeast(before + 1);
  });
});
if (!MQTT_URL) skipReason('MQTT_URL', 'MQTT live ingestion');

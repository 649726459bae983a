/**
 * Sparkplug B in a real `prognos worker` process (PostgreSQL, Redis and the broker at MQTT_URL):
 * the worker starts the host when SPARKPLUG_CONFIG is set, stores a simulated edge node's data,
 * logs its death as stale, and on SIGTERM publishes STATE offline and exits 0; a mapping naming
 * an unknown sensor stops it at start-up with exit code 78 and the field named.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { countRows, createAsset, createSensor } from './acquisition-helpers.js';
import { createTestContext } from './helpers/context.js';
import { DATABASE_URL, MQTT_URL, REDIS_URL } from './helpers/database.js';
import { startPrognos, type PrognosProcess } from './helpers/prognos-process.js';
import { SimulatedEdge } from './helpers/sparkplug-edge.js';
import { until } from './helpers/until.js';

const SUITE = 'Sparkplug B in prognos worker';
const why = ['DATABASE_URL', 'REDIS_URL', 'MQTT_URL'].find((v) => !{ DATABASE_URL, REDIS_URL, MQTT_URL }[v]);
if (why) console.warn(`[skipped] ${SUITE}: ${why} is not set`);

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

describe.runIf(!why)(SUITE, () => {
  const groupId = `prognos-worker-${randomBytes(4).toString('hex')}`;
  const hostId = `${groupId}-host`;
  let ctx: Ctx;
  let app: FastifyInstance;
  let env: Record<string, string>;
  let sensorId: number;
  let watcher: MqttClient;
  const states: Array<{ online: boolean }> = [];
  const workers: PrognosProcess[] = [];
  const edge = () =>
    new SimulatedEdge(MQTT_URL!, groupId, 'Line3', { Pump7: [{ name: 'Temp', alias: 7, value: 30 }] });
  const mapping = (sensor: string) =>
    JSON.stringify({
      groupId,
      hostId,
      batchWindowMs: 100,
      metrics: [{ edgeNode: 'Line3', device: 'Pump7', metric: 'Temp', asset: 'PUMP-7', sensor }],
    });

  beforeAll(async () => {
    ctx = await createTestContext({ redis: true });
    app = await buildApp(ctx);
    const pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    sensorId = await createSensor(app, pump, { name: 'de-temp' });
    env = {
      DATABASE_URL: ctx.testDb.url!,
      REDIS_URL: REDIS_URL!,
      QUEUE_PREFIX: ctx.config.queuePrefix,
      PROGNOS_MODELS_DIR: ctx.config.modelsDir,
      PROGNOS_SCORING_INTERVAL_MINUTES: '0',
      SPARKPLUG_URL: MQTT_URL!,
    };
    watcher = await mqtt.connectAsync(MQTT_URL!, { clientId: `${groupId}-watch` });
    watcher.on('message', (_t, payload) => {
      if (payload.length > 0) states.push(JSON.parse(payload.toString()));
    });
    await watcher.subscribeAsync(`spBv1.0/STATE/${hostId}`, { qos: 1 });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await watcher?.publishAsync(`spBv1.0/STATE/${hostId}`, '', { qos: 1, retain: true });
    await watcher?.endAsync();
    await app?.close();
    await ctx?.close();
  });

  it('stores the edge node’s data, marks its death stale, and says offline on SIGTERM', async () => {
    const w = await startPrognos('worker', { ...env, SPARKPLUG_CONFIG: mapping('de-temp') });
    workers.push(w);
    await w.waitFor((l) => l.msg === 'Sparkplug B host subscribed', 30_000, 'the Sparkplug B subscription');
    await until('STATE online', () => states.at(-1)?.online === true);
    const e = edge();
    await e.connect();
    await w.waitFor((l) => l.msg === 'Sparkplug B online' && l.device === 'Pump7', 15_000, 'Pump7 online');
    const t0 = Date.parse('2026-02-01T00:00:00Z');
    for (let i = 0; i < 10; i++) await e.ddata('Pump7', [{ alias: 7, value: 30 + i }], t0 + i * 1000);
    // The DBIRTH value and the ten DDATA values.
    await until('11 readings', async () => (await countRows(ctx, 'readings', sensorId)) === 11, 20_000);
    await e.kill();
    await w.waitFor((l) => l.reason === 'ndeath' && l.device === 'Pump7', 15_000, 'Pump7 stale on NDEATH');
    await w.stop();
    expect(await w.exit).toBe(0);
    await until('STATE offline', () => states.at(-1)?.online === false);
  }, 90_000);

  it('stops at start-up with exit code 78 naming the field of an unknown sensor', async () => {
    const w = await startPrognos(
      'worker',
      { ...env, SPARKPLUG_CONFIG: mapping('nde-temp') },
      { awaitReady: false },
    );
    workers.push(w);
    expect(await w.exit).toBe(78);
    expect(w.lines.map((l) => l.msg).join('\n')).toMatch(/SPARKPLUG_CONFIG metrics\[0\]\.sensor: .*nde-temp/);
  }, 60_000);
});

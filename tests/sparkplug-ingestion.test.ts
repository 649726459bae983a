/**
 * Sparkplug B ingestion on the real broker (MQTT_URL): a simulated edge node
 * (tests/helpers/sparkplug-edge.ts) births, sends data by alias, skips sequence numbers, dies
 * and comes back; the host stores exactly the values it may trust, at their timestamps, marks
 * the rest stale and gets the node to rebirth. Each run has its own group id.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSparkplugHost, type SparkplugHost } from '../src/acquisition/sparkplug/sparkplug-host.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { metricsText } from '../src/metrics.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { MQTT_URL, skipReason } from './helpers/database.js';
import { SimulatedEdge } from './helpers/sparkplug-edge.js';
import { until } from './helpers/until.js';

skipReason('MQTT_URL', 'Sparkplug B ingestion');

const T0 = Date.parse('2026-02-01T00:00:00Z');
const PUMP = [
  { name: 'DE/Temperature', alias: 1, value: 40 },
  { name: 'Speed', alias: 2, value: 1480 },
];
const FAN = [{ name: 'Vibration', alias: 3, value: 0.5 }];

function mappingFor(groupId: string, hostId?: string) {
  return JSON.stringify({
    groupId,
    ...(hostId ? { hostId } : {}),
    batchWindowMs: 50,
    rebirthIntervalMs: 200,
    metrics: [
      { edgeNode: 'Line3', device: 'Pump7', metric: 'DE/Temperature', asset: 'PUMP-7', sensor: 'de-temp' },
      { edgeNode: 'Line3', device: 'Pump7', metric: 'Speed', asset: 'Pump 7', sensor: 'speed' },
      { edgeNode: 'Line3', device: 'Fan3', metric: 'Vibration', asset: 'FAN-3', sensor: 'vib' },
      { edgeNode: 'Cold', device: 'Pump7', metric: 'DE/Temperature', asset: 'PUMP-7', sensor: 'de-temp' },
    ],
  });
}

describe.runIf(MQTT_URL)('Sparkplug B ingestion (local broker)', () => {
  const groupId = `prognos-test-${randomBytes(4).toString('hex')}`;
  const hostId = `${groupId}-host`;
  let ctx: TestCtx;
  let app: FastifyInstance;
  let host: SparkplugHost;
  let edge: SimulatedEdge;
  let watcher: MqttClient;
  const states: Array<{ online: boolean; timestamp: number }> = [];
  const sensor: Record<'temp' | 'speed' | 'vib', number> = { temp: 0, speed: 0, vib: 0 };

  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    const pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    const fan = await createAsset(app, { name: 'Fan 3', externalRef: 'FAN-3', type: 'fan' });
    sensor.temp = await createSensor(app, pump, { name: 'de-temp' });
    sensor.speed = await createSensor(app, pump, {
      name: 'Shaft speed',
      externalRef: 'speed',
      kind: 'speed',
      unit: 'rpm',
    });
    sensor.vib = await createSensor(app, fan, { name: 'vib', kind: 'vibration', unit: 'mm/s' });
    watcher = await mqtt.connectAsync(MQTT_URL!, { clientId: `${groupId}-watch` });
    watcher.on('message', (_t, payload) => {
      if (payload.length > 0) states.push(JSON.parse(payload.toString())); // empty: our clean-up
    });
    await watcher.subscribeAsync(`spBv1.0/STATE/${hostId}`, { qos: 1 });
    const config = loadConfig({
      SPARKPLUG_URL: MQTT_URL!,
      SPARKPLUG_CONFIG: mappingFor(groupId, hostId),
    }).sparkplug!;
    host = await startSparkplugHost({
      config,
      readings: ctx.readings,
      assets: ctx.assets,
      logger: ctx.logger,
      maxPerBatch: 10_000,
      reconnectPeriodMs: 200,
    });
    await host.ready;
    edge = new SimulatedEdge(MQTT_URL!, groupId, 'Line3', { Pump7: PUMP, Fan3: FAN });
    await edge.connect();
  }, 20_000);

  afterAll(async () => {
    await edge?.close();
    await host?.close();
    // The retained STATE is this run's only trace on the broker: clear it.
    await watcher?.publishAsync(`spBv1.0/STATE/${hostId}`, '', { qos: 1, retain: true });
    await watcher?.endAsync();
    await app?.close();
    await ctx?.close();
  });

  /** Readings of a sensor at or after `fromMs`, as [tsMs, value]. */
  async function stored(
    sensorId: number,
    fromMs = T0,
    toMs = T0 + 86_400_000,
  ): Promise<Array<[number, number]>> {
    await host.flush();
    const { rows } = await sql<{ ms: number; value: number }>`
      select (extract(epoch from ts) * 1000)::float8 as ms, value from readings
      where sensor_id = ${sensorId} and ts >= ${new Date(fromMs).toISOString()}::timestamptz
        and ts < ${new Date(toMs).toISOString()}::timestamptz
      order by ts`.execute(ctx.database.db);
    return rows.map((r) => [Number(r.ms), r.value]);
  }
  const stateOf = (edgeNode: string, device?: string) =>
    host.states().find((s) => s.edgeNode === edgeNode && s.device === device);
  const online = (device: string, edgeNode = 'Line3') =>
    until(`${edgeNode}/${device} online`, () => stateOf(edgeNode, device)?.online === true);
  const messagesAtLeast = (n: number) => until(`${n} messages`, () => host.stats().messages >= n);

  it('publishes its STATE online, retained, as Sparkplug 3.0 JSON', async () => {
    await until('STATE online', () => states.some((s) => s.online === true));
    expect(states.at(-1)).toEqual({ online: true, timestamp: expect.any(Number) });
  });

  it('stores births’ current values and DDATA by alias on the mapped sensors, at their timestamps', async () => {
    await online('Pump7');
    await online('Fan3');
    const birthAt = Date.now() - 60_000;
    // The DBIRTH values, stored at the birth's timestamp (about now).
    await until(
      'birth values',
      async () => (await stored(sensor.speed, birthAt, Date.now() + 60_000)).length === 1,
    );
    expect((await stored(sensor.speed, birthAt, Date.now() + 60_000)).map((r) => r[1])).toEqual([1480]);
    for (let i = 0; i < 5; i++)
      await edge.ddata(
        'Pump7',
        [
          { alias: 1, value: 40 + i / 4 },
          { alias: 2, value: 1490 + i },
        ],
        T0 + i * 1000,
      );
    await edge.ddata('Fan3', [{ alias: 3, value: 0.75 }], T0 + 500);
    await until(
      'DDATA stored',
      async () => (await stored(sensor.speed)).length === 5 && (await stored(sensor.vib)).length === 1,
    );
    expect(await stored(sensor.temp)).toEqual([0, 1, 2, 3, 4].map((i) => [T0 + i * 1000, 40 + i / 4]));
    expect(await stored(sensor.speed)).toEqual([0, 1, 2, 3, 4].map((i) => [T0 + i * 1000, 1490 + i]));
    expect(await stored(sensor.vib)).toEqual([[T0 + 500, 0.75]]);
    expect((await metricsText()).body).toMatch(
      /prognos_ingest_rows_total\{source="sparkplug",kind="readings"\} [1-9]/,
    );
  });

  it('a sequence gap makes the devices stale, drops what arrives meanwhile, and a rebirth brings data back', async () => {
    const T = T0 + 100_000;
    edge.answerRebirths = false;
    const before = edge.rebirthRequests;
    const seen = host.stats().messages;
    await edge.ddata('Pump7', [{ alias: 1, value: 99 }], T, 1); // one message lost before this one
    await until('a rebirth request at the edge', () => edge.rebirthRequests > before);
    expect(stateOf('Line3', 'Pump7')).toMatchObject({ online: false, reason: 'seq_gap' });
    expect(stateOf('Line3', 'Fan3')).toMatchObject({ online: false, reason: 'seq_gap' });
    await edge.ddata('Fan3', [{ alias: 3, value: 98 }], T + 1); // in sequence, but after a gap
    await messagesAtLeast(seen + 2);
    expect((await metricsText()).body).toMatch(
      new RegExp(`prognos_sparkplug_online\\{group="${groupId}",node="Line3",device="Pump7"\\} 0`),
    );
    edge.answerRebirths = true;
    await edge.birth();
    await online('Pump7');
    await edge.ddata('Pump7', [{ alias: 1, value: 41 }], T + 2);
    await until('data after the rebirth', async () => (await stored(sensor.temp, T)).length === 1);
    expect(await stored(sensor.temp, T)).toEqual([[T + 2, 41]]);
    expect(await stored(sensor.vib, T)).toEqual([]);
    expect(host.stats().dropped.stale).toBeGreaterThanOrEqual(2);
  });

  it('DDEATH makes that device stale; its data is not stored until its rebirth', async () => {
    const T = T0 + 200_000;
    await online('Fan3');
    await edge.ddeath('Pump7');
    await until('Pump7 stale', () => stateOf('Line3', 'Pump7')?.reason === 'ddeath');
    expect(stateOf('Line3', 'Fan3')?.online).toBe(true);
    edge.answerRebirths = false;
    const before = edge.rebirthRequests;
    await edge.ddata('Pump7', [{ alias: 1, value: 77 }], T);
    await edge.ddata('Fan3', [{ alias: 3, value: 1.5 }], T);
    await until('the dead device’s data asks for a rebirth', () => edge.rebirthRequests > before);
    await until('the live device’s data', async () => (await stored(sensor.vib, T)).length === 1);
    expect(await stored(sensor.temp, T)).toEqual([]);
    edge.answerRebirths = true;
    await edge.birth();
    await online('Pump7');
  });

  it('NDEATH (the edge’s Will, on a dropped connection) makes the node and devices stale until it births again', async () => {
    await edge.kill();
    await until('NDEATH', () => stateOf('Line3')?.reason === 'ndeath');
    expect(stateOf('Line3', 'Pump7')).toMatchObject({ online: false, reason: 'ndeath' });
    expect(stateOf('Line3', 'Fan3')).toMatchObject({ online: false, reason: 'ndeath' });
    await edge.connect(); // next bdSeq, new births
    await online('Pump7');
    expect(stateOf('Line3')?.online).toBe(true);
    const T = T0 + 300_000;
    await edge.ddata('Fan3', [{ alias: 3, value: 2.5 }], T);
    await until('data after the rebirth', async () => (await stored(sensor.vib, T)).length === 1);
  });

  it('data before any birth, and an alias no birth defined, are dropped and ask for a rebirth', async () => {
    const T = T0 + 400_000;
    const cold = new SimulatedEdge(MQTT_URL!, groupId, 'Cold', { Pump7: PUMP });
    cold.answerRebirths = false;
    try {
      await cold.connect({ birth: false });
      const noBirth = host.stats().dropped.no_birth ?? 0;
      await cold.ddata('Pump7', [{ alias: 1, value: 55 }], T);
      await until('a rebirth request for data before birth', () => cold.rebirthRequests === 1);
      expect(host.stats().dropped.no_birth).toBe(noBirth + 1);
      await cold.birth();
      await online('Pump7', 'Cold');
      const unknown = host.stats().dropped.unknown_alias ?? 0;
      await new Promise((r) => setTimeout(r, 250)); // past rebirthIntervalMs
      await cold.ddata(
        'Pump7',
        [
          { alias: 9, value: 66 },
          { alias: 1, value: 44 },
        ],
        T + 1,
      );
      await until('a rebirth request for the unknown alias', () => cold.rebirthRequests === 2);
      expect(host.stats().dropped.unknown_alias).toBe(unknown + 1);
      expect(await stored(sensor.temp, T)).toEqual([[T + 1, 44]]);
    } finally {
      await cold.close();
    }
  });

  it('on shutdown publishes STATE offline', async () => {
    await host.close();
    await until('STATE offline', () => states.at(-1)?.online === false);
    expect(states.at(-1)!.timestamp).toBe(states.find((s) => s.online)!.timestamp);
  });
});

describe('Sparkplug B start-up errors', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    const pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    await createSensor(app, pump, { name: 'de-temp' });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const problems = (fn: () => unknown) =>
    Promise.resolve()
      .then(fn)
      .then(
        () => [],
        (err: unknown) => {
          if (err instanceof ConfigError) return err.problems;
          throw err;
        },
      );

  it('names the variable when the broker or the mapping is missing', async () => {
    expect(await problems(() => loadConfig({ SPARKPLUG_CONFIG: '{}' }))).toEqual([
      'SPARKPLUG_CONFIG needs a broker: set SPARKPLUG_URL (or MQTT_URL)',
    ]);
    expect(await problems(() => loadConfig({ SPARKPLUG_URL: 'mqtt://127.0.0.1:1' }))).toEqual([
      'SPARKPLUG_CONFIG is required when SPARKPLUG_URL is set (a JSON file path or inline JSON)',
    ]);
    expect(loadConfig({ MQTT_URL: 'mqtt://broker:1883', SPARKPLUG_CONFIG: '{}' }).sparkplug?.url).toBe(
      'mqtt://broker:1883',
    );
  });

  it('names the field of an unknown asset or sensor, before connecting', async () => {
    const mapping = JSON.stringify({
      groupId: 'G',
      metrics: [
        { edgeNode: 'E', device: 'D', metric: 'T', asset: 'PUMP-7', sensor: 'nde-temp' },
        { edgeNode: 'E', device: 'D', metric: 'S', asset: 'PUMP-9', sensor: 'speed' },
      ],
    });
    const config = loadConfig({ SPARKPLUG_URL: 'mqtt://127.0.0.1:1', SPARKPLUG_CONFIG: mapping }).sparkplug!;
    const start = () =>
      startSparkplugHost({
        config,
        readings: ctx.readings,
        assets: ctx.assets,
        logger: ctx.logger,
        maxPerBatch: 10,
      });
    expect(await problems(start)).toEqual([
      expect.stringMatching(/^SPARKPLUG_CONFIG metrics\[0\]\.sensor: sensor of asset PUMP-7:.*nde-temp/),
      expect.stringMatching(/^SPARKPLUG_CONFIG metrics\[1\]\.asset: .*PUMP-9/),
    ]);
    expect(
      await problems(() => loadConfig({ SPARKPLUG_URL: 'mqtt://x:1', SPARKPLUG_CONFIG: '{"groupId":' })),
    ).toEqual([]);
    const bad = loadConfig({ SPARKPLUG_URL: 'mqtt://x:1', SPARKPLUG_CONFIG: '{"groupId":' }).sparkplug!;
    expect(
      await problems(() =>
        startSparkplugHost({
          config: bad,
          readings: ctx.readings,
          assets: ctx.assets,
          logger: ctx.logger,
          maxPerBatch: 10,
        }),
      ),
    ).toEqual([expect.stringMatching(/^SPARKPLUG_CONFIG is not valid JSON: /)]);
  });
});

/**
 * OPC UA ingestion against node-opcua's own server (tests/helpers/opcua-plant.ts): readings land
 * on the mapped sensors with the server's source timestamps, Bad values are counted and never
 * stored, and after a server restart mid-stream the client comes back by itself with nothing
 * lost or doubled beyond what the protocol gives: exactly what the server sent, stored once.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua-client';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpcuaIngestor, type OpcuaIngestor } from '../src/acquisition/opcua/opcua-ingestor.js';
import { loadConfig } from '../src/config.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { nodeIdOf, startPlant, T0, type PlantServer, type VariableSpec } from './helpers/opcua-plant.js';
import { freePort } from './helpers/private-servers.js';
import { until } from './helpers/until.js';

const SPECS: VariableSpec[] = [
  { folder: 'Pump7', name: 'de-temp', dataType: 'Double', value: (k) => (k % 7 === 3 ? 'bad' : 40 + k / 8) },
  { folder: 'Pump7', name: 'speed', dataType: 'UInt32', value: (k) => 1480 + (k % 5) },
  { folder: 'Fan3', name: 'vib', dataType: 'Double', value: (k) => 0.5 * k },
  // Never changes: after the restart the server sends it again with its old timestamp.
  { folder: 'Fan3', name: 'running', dataType: 'Boolean', value: () => true },
  { folder: 'Fan3', name: 'label', dataType: 'String', value: () => 'no sensor has this name' },
];

describe('OPC UA ingestion (node-opcua server on loopback)', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let plant: PlantServer;
  let ingestor: OpcuaIngestor;
  const sensorOf = new Map<string, number>();

  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    const pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    const fan = await createAsset(app, { name: 'Fan 3', externalRef: 'FAN-3', type: 'fan' });
    sensorOf.set(nodeIdOf(SPECS[0]!), await createSensor(app, pump, { name: 'de-temp' }));
    sensorOf.set(
      nodeIdOf(SPECS[1]!),
      await createSensor(app, pump, {
        name: 'Shaft speed',
        externalRef: 'speed',
        kind: 'speed',
        unit: 'rpm',
      }),
    );
    sensorOf.set(
      nodeIdOf(SPECS[2]!),
      await createSensor(app, fan, { name: 'vib', kind: 'vibration', unit: 'mm/s' }),
    );
    sensorOf.set(
      nodeIdOf(SPECS[3]!),
      await createSensor(app, fan, { name: 'running', kind: 'other', unit: '1' }),
    );
    plant = await startPlant(await freePort(), SPECS);
    const config = loadConfig({
      OPCUA_ENDPOINT: plant.endpoint,
      OPCUA_CONFIG: JSON.stringify({
        publishingIntervalMs: 50,
        samplingIntervalMs: 0,
        queueSize: 100,
        batchWindowMs: 100,
        nodes: [
          { nodeId: nodeIdOf(SPECS[0]!), asset: 'PUMP-7', sensor: 'de-temp' },
          { nodeId: nodeIdOf(SPECS[1]!), asset: 'Pump 7', sensor: 'speed' },
        ],
        folders: [{ nodeId: 'ns=1;s=Fan3', asset: 'FAN-3' }],
      }),
    }).opcua!;
    ingestor = await startOpcuaIngestor({
      config,
      readings: ctx.readings,
      assets: ctx.assets,
      logger: ctx.logger,
      maxPerBatch: 10_000,
      connectionStrategy: { initialDelay: 100, maxDelay: 500, maxRetry: -1 },
    });
    await ingestor.ready;
  }, 20_000);

  afterAll(async () => {
    await ingestor?.close();
    await plant?.stop();
    await app?.close();
    await ctx?.close();
  });

  async function stored(): Promise<Array<{ sensorId: number; tsMs: number; value: number }>> {
    const { rows } = await sql<{ sensor_id: number; ms: number; value: number }>`
      select sensor_id, (extract(epoch from ts) * 1000)::float8 as ms, value from readings
      order by sensor_id, ts`.execute(ctx.database.db);
    return rows.map((r) => ({ sensorId: Number(r.sensor_id), tsMs: Number(r.ms), value: r.value }));
  }

  /** What the server sent, as readings: Good only, once per (node, source timestamp). */
  function expected() {
    const seen = new Map<string, { sensorId: number; tsMs: number; value: number }>();
    for (const s of plant.served) {
      const sensorId = sensorOf.get(s.nodeId);
      if (!s.good || sensorId === undefined) continue;
      const key = `${sensorId}/${s.tsMs}`;
      if (!seen.has(key))
        seen.set(key, {
          sensorId,
          tsMs: s.tsMs,
          value: typeof s.value === 'boolean' ? Number(s.value) : (s.value as number),
        });
    }
    return [...seen.values()].sort((a, b) => a.sensorId - b.sensorId || a.tsMs - b.tsMs);
  }

  /** Ticks the plant every 100 ms, `n` times. */
  async function run(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      plant.tick();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the server has sent every mapped node's current value and the client has
   * received everything it sent, then flushes. */
  async function settle(): Promise<void> {
    const current = plant.current();
    const sent = (nodeId: string) =>
      plant.served.some((x) => x.nodeId === nodeId && x.tsMs === current.get(nodeId));
    await until('the current values to be served', () => [...sensorOf.keys()].every(sent));
    await until(
      'the served changes to arrive',
      () => ingestor.stats().received >= plant.served.filter((x) => sensorOf.has(x.nodeId)).length,
    );
    await ingestor.flush();
  }

  it('stores each mapped node on its sensor at the source timestamps; Bad values are counted, not stored', async () => {
    await run(12);
    await settle();
    const rows = await stored();
    expect(rows).toEqual(expected());
    // The ground truth, independently of the served log: tick k is T0 + k s for every node.
    const temps = rows.filter((r) => r.sensorId === sensorOf.get(nodeIdOf(SPECS[0]!)));
    expect(temps.length).toBeGreaterThan(5);
    for (const r of temps) {
      const k = (r.tsMs - T0) / 1000;
      expect(r.value).toBe(40 + k / 8);
      expect(k % 7).not.toBe(3);
    }
    const bad = plant.served.filter((s) => !s.good).length;
    expect(bad).toBeGreaterThan(0);
    expect(ingestor.stats().skipped).toEqual({ BadSensorFailure: bad });
    expect(ingestor.stats().monitored).toBe(4); // the folder's String variable names no sensor
  });

  it('reconnects by itself after a server restart and resumes: what was served is stored once, nothing else', async () => {
    const before = plant.served.length;
    const kStop = plant.k;
    await plant.stop();
    await run(5); // changes while the server is down: never served, gone (the protocol)
    const kRestart = plant.k;
    await plant.start();
    await until('the client to re-subscribe', () => plant.served.length >= before + 4, 15_000);
    await run(10);
    await settle();

    const rows = await stored();
    expect(rows).toEqual(expected());
    const ticks = new Set(rows.map((r) => (r.tsMs - T0) / 1000));
    for (let k = kStop + 1; k < kRestart; k++) expect(ticks.has(k)).toBe(false);
    expect(ticks.has(plant.k)).toBe(true); // resumed: the last tick is stored
    const s = ingestor.stats();
    const good = plant.served.filter((x) => x.good && sensorOf.has(x.nodeId)).length;
    expect(s.inserted).toBe(rows.length);
    expect(s.inserted + s.duplicates).toBe(good);
    // `running` came again after the re-subscription (same source timestamp): stored once.
    expect(s.duplicates).toBeGreaterThanOrEqual(1);
    expect(rows.filter((r) => r.sensorId === sensorOf.get(nodeIdOf(SPECS[3]!)))).toEqual([
      { sensorId: sensorOf.get(nodeIdOf(SPECS[3]!)), tsMs: T0, value: 1 },
    ]);
  }, 25_000);

  it('connects with SignAndEncrypt (Basic256Sha256) and a user name and password', async () => {
    const asset = await createAsset(app, { name: 'Pump 9', externalRef: 'PUMP-9' });
    const sensorId = await createSensor(app, asset, { name: 'de-temp' });
    const spec: VariableSpec = { folder: 'Pump9', name: 'de-temp', dataType: 'Double', value: (k) => 20 + k };
    const secure = await startPlant(await freePort(), [spec], {
      securityModes: [MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.Basic256Sha256],
      allowAnonymous: false,
      userManager: {
        isValidUser: (user: string, password: string) => user === 'prognos' && password === 's3cret',
      },
    });
    const errors: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        const line = JSON.parse(chunk.toString()) as {
          level: number;
          msg: string;
          err?: { message: string };
        };
        if (line.level >= 50) errors.push(`${line.msg}: ${line.err?.message ?? ''}`);
        done();
      },
    });
    const start = (password: string) =>
      startOpcuaIngestor({
        config: loadConfig({
          OPCUA_ENDPOINT: secure.endpoint,
          OPCUA_CONFIG: JSON.stringify({
            batchWindowMs: 100,
            nodes: [{ nodeId: nodeIdOf(spec), asset: 'PUMP-9', sensor: 'de-temp' }],
          }),
          OPCUA_SECURITY_MODE: 'SignAndEncrypt',
          OPCUA_SECURITY_POLICY: 'Basic256Sha256',
          OPCUA_USERNAME: 'prognos',
          OPCUA_PASSWORD: password,
        }).opcua!,
        readings: ctx.readings,
        assets: ctx.assets,
        logger: pino({ level: 'info' }, sink),
        maxPerBatch: 10_000,
      });
    try {
      const refused = await start('wrong');
      await until('the refusal to be logged', () => errors.length > 0);
      await refused.close();
      await refused.ready; // ends once closed, though it was waiting to retry
      expect(errors[0]).toMatch(/^OPC UA session could not be set up; retrying: .*BadUserAccessDenied/);

      const secured = await start('s3cret');
      await secured.ready;
      secure.tick();
      await until('the value to be served', () => secure.served.some((x) => x.tsMs === T0 + 1000));
      await until('the value to arrive', () => secured.stats().received >= secure.served.length);
      await secured.close();
      const { rows } = await sql<{ ms: number; value: number }>`
        select (extract(epoch from ts) * 1000)::float8 as ms, value from readings where sensor_id = ${sensorId}
        order by ts`.execute(ctx.database.db);
      expect(rows.map((r) => [Number(r.ms), r.value])).toEqual([
        [T0, 20],
        [T0 + 1000, 21],
      ]);
    } finally {
      await secure.stop();
    }
  }, 20_000);

  it('monitors the other nodes when the server does not know one, naming its field', async () => {
    const lines: Array<{ level: number; msg: string; field?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const partial = await startOpcuaIngestor({
      config: loadConfig({
        OPCUA_ENDPOINT: plant.endpoint,
        OPCUA_CONFIG: JSON.stringify({
          nodes: [
            { nodeId: nodeIdOf(SPECS[2]!), asset: 'FAN-3', sensor: 'vib' },
            { nodeId: 'ns=1;s=Fan3.no-such-variable', asset: 'FAN-3', sensor: 'vib' },
          ],
        }),
      }).opcua!,
      readings: ctx.readings,
      assets: ctx.assets,
      logger: pino({ level: 'info' }, sink),
      maxPerBatch: 10_000,
    });
    await partial.ready;
    await partial.close();
    expect(partial.stats().monitored).toBe(1);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^OPCUA_CONFIG nodes\[1\]\.nodeId ns=1;s=Fan3\.no-such-variable: the server refused to monitor it/,
      ),
    ]);
  });
});

/**
 * Sparkplug B across a broker restart, on a private Mosquitto (its own port, so restarting it
 * disturbs no other test): mqtt.js reconnects by itself, resubscribes, and since anything may
 * have been missed meanwhile (deaths included), every known node goes stale until a rebirth,
 * which the next message of the node asks for; then data flows again.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSparkplugHost, type SparkplugHost } from '../src/acquisition/sparkplug/sparkplug-host.js';
import { loadConfig } from '../src/config.js';
import { countRows, createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { mosquittoBinary, startPrivateMosquitto, type PrivateMosquitto } from './helpers/private-servers.js';
import { SimulatedEdge } from './helpers/sparkplug-edge.js';
import { until } from './helpers/until.js';

const MOSQUITTO = mosquittoBinary();
if (!MOSQUITTO) console.warn('[skipped] Sparkplug B broker restart: no mosquitto binary installed');

describe.runIf(MOSQUITTO)('Sparkplug B across a broker restart (private Mosquitto)', () => {
  let broker: PrivateMosquitto;
  let ctx: TestCtx;
  let app: FastifyInstance;
  let host: SparkplugHost;
  let edge: SimulatedEdge;
  let sensorId: number;

  beforeAll(async () => {
    // No persistence: after the restart the broker knows no session, as after a crash.
    broker = await startPrivateMosquitto(MOSQUITTO!, ['persistence false']);
    ({ ctx, app } = await startApp());
    const pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    sensorId = await createSensor(app, pump, { name: 'de-temp' });
    const config = loadConfig({
      SPARKPLUG_URL: broker.url,
      SPARKPLUG_CONFIG: JSON.stringify({
        groupId: 'G',
        batchWindowMs: 50,
        rebirthIntervalMs: 200,
        metrics: [{ edgeNode: 'E', device: 'D', metric: 'Temp', asset: 'PUMP-7', sensor: 'de-temp' }],
      }),
    }).sparkplug!;
    host = await startSparkplugHost({
      config,
      readings: ctx.readings,
      assets: ctx.assets,
      logger: ctx.logger,
      maxPerBatch: 1000,
      reconnectPeriodMs: 200,
    });
    await host.ready;
    edge = new SimulatedEdge(broker.url, 'G', 'E', {
      D: [{ name: 'Temp', alias: 1, value: 20 }],
    });
    await edge.connect();
  }, 30_000);

  afterAll(async () => {
    await edge?.close();
    await host?.close();
    await app?.close();
    await ctx?.close();
    await broker?.close();
  });

  const rows = () => countRows(ctx, 'readings', sensorId);
  const stored = async (n: number) => {
    await until(`${n} readings`, async () => {
      await host.flush();
      return (await rows()) === n;
    });
  };

  it('after a reconnection the node is stale, its next message asks a rebirth, and data flows again', async () => {
    const t0 = Date.parse('2026-02-01T00:00:00Z');
    await until('D online', () => host.states().find((s) => s.device === 'D')?.online === true);
    await edge.ddata('D', [{ alias: 1, value: 21 }], t0);
    await stored(2); // the DBIRTH value and this one

    const asked = host.stats().rebirthRequests;
    await broker.stop(); // Mosquitto publishes its clients' Wills as it stops: the edge's NDEATH may arrive
    await broker.start();
    await until('a rebirth request on reconnecting', () => host.stats().rebirthRequests > asked);
    expect(host.states().map((s) => s.online)).toEqual([false, false]);
    // The edge was away too: it comes back without births (as if it had not noticed), so only
    // the host's rebirth request brings them.
    await edge.connect({ birth: false });
    await new Promise((r) => setTimeout(r, 250)); // past rebirthIntervalMs since the reconnection's request
    const requests = edge.rebirthRequests;
    await edge.ddata('D', [{ alias: 1, value: 22 }], t0 + 1000);
    await until('a rebirth request', () => edge.rebirthRequests > requests);
    await until('D online again', () => host.states().find((s) => s.device === 'D')?.online === true);
    expect(host.stats().dropped.stale).toBe(1); // the value sent while stale
    await edge.ddata('D', [{ alias: 1, value: 23 }], t0 + 2000);
    await stored(4); // plus the new DBIRTH value and this one
  }, 60_000);
});

/**
 * Sparkplug B across a broker restart, on a private Mosquitto (its own port, so restarting it
 * disturbs no other test): mqtt.js reconnects by itself, resubscribes, and since anything may
 * have been missed meanwhile (deaths included), every known node goes stale until a rebirth,
 * which the next message of the node asks for; then data flows again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSparkplugHost, type SparkplugHost } from '../src/acquisition/sparkplug/sparkplug-host.js';
import { loadConfig } from '../src/config.js';
import { countRows, createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { freePort } from './helpers/private-servers.js';
import { SimulatedEdge } from './helpers/sparkplug-edge.js';
import { until } from './helpers/until.js';

const found = spawnSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' });
const MOSQUITTO = found.status === 0 ? found.stdout.trim() : '';
if (!MOSQUITTO) console.warn('[skipped] Sparkplug B broker restart: no mosquitto binary on PATH');

describe.runIf(MOSQUITTO)('Sparkplug B across a broker restart (private Mosquitto)', () => {
  let dir: string;
  let port: number;
  let broker: ChildProcess | undefined;
  let ctx: TestCtx;
  let app: FastifyInstance;
  let host: SparkplugHost;
  let edge: SimulatedEdge;
  let sensorId: number;

  async function startBroker(): Promise<void> {
    broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    await until('the broker to listen', async () => {
      return new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
        s.on('error', () => resolve(false));
      });
    });
  }
  async function stopBroker(): Promise<void> {
    const b = broker;
    broker = undefined;
    if (!b || b.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      b.once('exit', () => resolve());
      b.kill('SIGTERM');
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-mosquitto-'));
    port = await freePort();
    writeFileSync(
      path.join(dir, 'mosquitto.conf'),
      `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`,
    );
    process.once('exit', () => broker?.kill('SIGKILL')); // a test run cut short leaves no broker behind
    await startBroker();
    ({ ctx, app } = await startApp());
    const pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    sensorId = await createSensor(app, pump, { name: 'de-temp' });
    const config = loadConfig({
      SPARKPLUG_URL: `mqtt://127.0.0.1:${port}`,
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
    edge = new SimulatedEdge(`mqtt://127.0.0.1:${port}`, 'G', 'E', {
      D: [{ name: 'Temp', alias: 1, value: 20 }],
    });
    await edge.connect();
  }, 30_000);

  afterAll(async () => {
    await edge?.close();
    await host?.close();
    await app?.close();
    await ctx?.close();
    await stopBroker();
    if (dir) rmSync(dir, { recursive: true, force: true });
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
    await stopBroker(); // Mosquitto publishes its clients' Wills as it stops: the edge's NDEATH may arrive
    await startBroker();
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

/**
 * OPC UA start-up: bad configuration stops it with every problem named (the CLI exits 78 with
 * them, src/cli/main.ts); an unreachable server does not: the client keeps trying, says so once,
 * and closes cleanly.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpcuaIngestor } from '../src/acquisition/opcua/opcua-ingestor.js';
import { ConfigError, loadConfig, type OpcuaConfig } from '../src/config.js';
import { countRows, createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { freePort } from './helpers/private-servers.js';

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const MAPPING = JSON.stringify({
  nodes: [{ nodeId: 'ns=1;s=Pump7.de-temp', asset: 'PUMP-7', sensor: 'de-temp' }],
});

describe('OPC UA configuration variables', () => {
  it('reads endpoint, security and identity', () => {
    const c = loadConfig({
      OPCUA_ENDPOINT: 'opc.tcp://plc-7.plant.local:4840',
      OPCUA_CONFIG: './opcua.json',
      OPCUA_SECURITY_MODE: 'SignAndEncrypt',
      OPCUA_USERNAME: 'prognos',
      OPCUA_PASSWORD: ' secret with spaces ',
    }).opcua!;
    expect(c).toMatchObject({
      endpoint: 'opc.tcp://plc-7.plant.local:4840',
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      identity: { kind: 'password', userName: 'prognos', password: ' secret with spaces ' },
    });
    expect('file' in c.mapping && c.mapping.file.endsWith('/opcua.json')).toBe(true);
    expect(loadConfig({ OPCUA_ENDPOINT: 'opc.tcp://h:4840', OPCUA_CONFIG: MAPPING }).opcua).toMatchObject({
      mapping: { inline: MAPPING },
      securityMode: 'None',
      securityPolicy: 'None',
      identity: { kind: 'anonymous' },
    });
    expect(loadConfig({}).opcua).toBeUndefined();
  });

  it('names each bad variable', () => {
    expect(configProblems({ OPCUA_ENDPOINT: 'http://plc:4840', OPCUA_CONFIG: MAPPING })).toEqual([
      'OPCUA_ENDPOINT must use opc.tcp:, got "http:"',
    ]);
    expect(configProblems({ OPCUA_ENDPOINT: 'not a url', OPCUA_CONFIG: MAPPING })).toEqual([
      'OPCUA_ENDPOINT is not a valid URL',
    ]);
    expect(configProblems({ OPCUA_ENDPOINT: 'opc.tcp://plc:4840' })).toEqual([
      'OPCUA_CONFIG is required when OPCUA_ENDPOINT is set (a JSON file path or inline JSON)',
    ]);
    expect(
      configProblems({
        OPCUA_ENDPOINT: 'opc.tcp://plc:4840',
        OPCUA_CONFIG: MAPPING,
        OPCUA_SECURITY_MODE: 'Sign',
        OPCUA_SECURITY_POLICY: 'None',
        OPCUA_USERNAME: 'prognos',
        OPCUA_USER_CERT: 'user.pem',
      }),
    ).toEqual([
      'OPCUA_SECURITY_MODE Sign needs an OPCUA_SECURITY_POLICY other than None, got None',
      'OPCUA_USERNAME and OPCUA_PASSWORD must be set together',
      'OPCUA_USER_CERT and OPCUA_USER_KEY must be set together',
      'set either OPCUA_USERNAME/OPCUA_PASSWORD or OPCUA_USER_CERT/OPCUA_USER_KEY, not both',
    ]);
    expect(
      configProblems({
        OPCUA_ENDPOINT: 'opc.tcp://plc:4840',
        OPCUA_CONFIG: MAPPING,
        OPCUA_SECURITY_MODE: 'sign',
      }),
    ).toEqual(['OPCUA_SECURITY_MODE must be one of None, Sign, SignAndEncrypt, got "sign"']);
  });
});

describe('OPC UA ingestor start-up', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let port: number;
  let pump: number;

  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    pump = await createAsset(app, { name: 'Pump 7', externalRef: 'PUMP-7' });
    await createSensor(app, pump, { name: 'de-temp' });
    port = await freePort(); // nothing listens there
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const opcua = (mapping: unknown, env: Record<string, string> = {}): OpcuaConfig =>
    loadConfig({
      OPCUA_ENDPOINT: `opc.tcp://127.0.0.1:${port}`,
      OPCUA_CONFIG: JSON.stringify(mapping),
      ...env,
    }).opcua!;
  const start = (config: OpcuaConfig, logger = ctx.logger) =>
    startOpcuaIngestor({ config, readings: ctx.readings, assets: ctx.assets, logger, maxPerBatch: 10_000 });

  it('refuses unknown assets and sensors, naming the field, before connecting', async () => {
    const err = await start(
      opcua({
        nodes: [
          { nodeId: 'ns=1;s=A', asset: 'PUMP-7', sensor: 'de-temp' },
          { nodeId: 'ns=1;s=B', asset: 'PUMP-8', sensor: 'de-temp' },
          { nodeId: 'ns=1;s=C', asset: 'Pump 7', sensor: 'nde-temp' },
        ],
        folders: [{ nodeId: 'ns=1;s=Fan3', asset: 'FAN-3' }],
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'OPCUA_CONFIG nodes[1].asset: asset PUMP-8 does not exist',
      'OPCUA_CONFIG nodes[2].sensor: sensor of asset Pump 7: nde-temp does not exist',
    ]);
    const folder = await start(opcua({ folders: [{ nodeId: 'ns=1;s=Fan3', asset: 'FAN-3' }] })).catch(
      (e: unknown) => e,
    );
    expect((folder as ConfigError).problems).toEqual([
      'OPCUA_CONFIG folders[0].asset: asset FAN-3 does not exist',
    ]);
  });

  it('names the asset field for an ambiguous asset name', async () => {
    await createAsset(app, { name: 'Mixer' });
    await createAsset(app, { name: 'Mixer' });
    const err = await start(
      opcua({
        nodes: [{ nodeId: 'ns=1;s=M', asset: 'Mixer', sensor: 'speed' }],
        folders: [{ nodeId: 'ns=1;s=MixerFolder', asset: 'Mixer' }],
      }),
    ).catch((e: unknown) => e);
    expect((err as ConfigError).problems).toEqual([
      'OPCUA_CONFIG nodes[0].asset: 2 assets are named Mixer: use externalRef',
    ]);
    const folder = await start(opcua({ folders: [{ nodeId: 'ns=1;s=MixerFolder', asset: 'Mixer' }] })).catch(
      (e: unknown) => e,
    );
    expect((folder as ConfigError).problems).toEqual([
      'OPCUA_CONFIG folders[0].asset: 2 assets are named Mixer: use externalRef',
    ]);
  });

  it('refuses identity files it cannot read', async () => {
    const err = await start(
      opcua(JSON.parse(MAPPING), {
        OPCUA_USER_CERT: '/nonexistent/user.pem',
        OPCUA_USER_KEY: '/nonexistent/user.key',
      }),
    ).catch((e: unknown) => e);
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(/^OPCUA_USER_CERT \(\/nonexistent\/user\.pem\): cannot read the file/),
    ]);
  });

  it('keeps retrying an unreachable endpoint with one warning, and closes cleanly', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const ingestor = await start(opcua(JSON.parse(MAPPING)), pino({ level: 'info' }, sink));
    let ready = false;
    void ingestor.ready.then(() => (ready = true));
    // The production strategy: retries after 1 s, 2 s, … — wait for two of them.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(ready).toBe(false);
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
      'OPC UA endpoint unreachable; retrying',
    ]);
    await ingestor.close();
    await ingestor.ready; // ends once closed
    expect(ingestor.stats()).toMatchObject({ received: 0, inserted: 0, pending: 0 });
  });

  it("ReadingsService.ingestMany, what the batcher calls: every sensor's batch in one transaction, or none", async () => {
    const a = await createSensor(app, pump, { name: 'a' });
    const b = await createSensor(app, pump, { name: 'b' });
    const t = Date.parse('2024-06-01T00:00:00Z');
    const bad = ctx.readings.ingestMany([
      { sensorId: a, readings: [{ ts: t, value: 1 }] },
      { sensorId: b, readings: [{ ts: t, value: 'x' }], field: 'b' },
    ]);
    await expect(bad).rejects.toMatchObject({
      code: 'invalid_value',
      message: expect.stringMatching(/^b\[0\]\.value/),
    });
    expect(await countRows(ctx, 'readings', a)).toBe(0);
    const ok = await ctx.readings.ingestMany([
      { sensorId: a, readings: [{ ts: t, value: 1 }] },
      {
        sensorId: b,
        readings: [
          { ts: t, value: 2 },
          { ts: t, value: 3 },
        ],
      },
      { sensorId: a, readings: [{ ts: t, value: 4 }] },
    ]);
    expect(ok.map((r) => [r.inserted, r.duplicates])).toEqual([
      [1, 0],
      [1, 1],
      [0, 1],
    ]);
    expect(await countRows(ctx, 'readings', a)).toBe(1);
  });
});

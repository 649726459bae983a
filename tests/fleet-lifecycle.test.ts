/**
 * GET /v1/fleet/risk with lifecycle states, on replayed 2024 data: the fleet clock is the data's
 * newest timestamp, so a machine that reports hourly up to it is running, one silent for a day
 * is offline, and failed / under-repair machines are listed apart from the risk ranking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createTestContext } from './helpers/context.js';
import { insertAsset, insertForecast } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
const H = 3_600_000;
const D = 24 * H;
const END = Date.parse('2024-06-20T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

interface Item {
  asset: { id: number; name: string };
  forecast: { risk: number };
  section: string;
  rank: number | null;
  state: string;
  stateSince: string | null;
  failedAt: string | null;
  lastDataAt: string | null;
  dataAgeS: number | null;
}

describe('fleet risk by lifecycle state', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const id: Record<string, number> = {};

  async function reporting(name: string, lastAt: number, risk: number, f: Record<string, unknown> = {}) {
    const assetId = await insertAsset(ctx.database.db, name);
    const sensor = await app.inject({
      method: 'POST',
      url: `/v1/assets/${assetId}/sensors`,
      payload: { name: 'temperature', kind: 'temperature', unit: '°C' },
    });
    const readings = Array.from({ length: 30 }, (_, i) => ({ ts: iso(lastAt - (29 - i) * H), value: 40 }));
    await ctx.readings.ingest(sensor.json<{ id: number }>().id, readings);
    await insertForecast(ctx.database.db, assetId, { risk: 0.1 }, lastAt - H);
    await insertForecast(ctx.database.db, assetId, { risk, ...f }, lastAt);
    id[name] = assetId;
    return assetId;
  }
  const event = (assetId: number, kind: string, at: number, extra: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/maintenance-events',
      payload: { assetId, kind, occurredAt: iso(at), workOrderRef: `WO-${assetId}-${kind}`, ...extra },
    });

  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    await app.ready();
    await reporting('runner', END, 0.3);
    await reporting('alarm', END, 0.9, { iso_zone: 'D', velocity_rms_mm_s: 12 });
    const failed = await reporting('failed', END - 10 * D, 1);
    expect((await event(failed, 'failure', END - 10 * D)).statusCode).toBe(201);
    await reporting('offline', END - D, 0.95);
    const repaired = await reporting('repaired', END, 0.5);
    await event(repaired, 'failure', END - 20 * D);
    await event(repaired, 'replacement', END - 5 * D);
    const fixing = await reporting('fixing', END - 2 * D, 0.99);
    await event(fixing, 'failure', END - 2 * D);
    await event(fixing, 'repair', END - D, { endedAt: iso(END + D) });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('ranks running and alarm machines only; failed, under-repair and offline ones follow apart', async () => {
    const res = await app.inject('/v1/fleet/risk');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ fleetClock: string; items: Item[] }>();
    expect(body.fleetClock).toBe(iso(END));
    const view = body.items.map((i) => [i.asset.name, i.section, i.rank, i.state]);
    expect(view).toEqual([
      ['alarm', 'ranked', 1, 'alarm'],
      ['repaired', 'ranked', 2, 'running'],
      ['runner', 'ranked', 3, 'running'],
      ['failed', 'failed', null, 'failed'],
      ['fixing', 'under_repair', null, 'under_repair'],
      ['offline', 'offline', null, 'offline'],
    ]);
    const by = new Map(body.items.map((i) => [i.asset.name, i]));
    expect(by.get('runner')).toMatchObject({ lastDataAt: iso(END), dataAgeS: 0, failedAt: null });
    expect(by.get('failed')).toMatchObject({
      failedAt: iso(END - 10 * D),
      stateSince: iso(END - 10 * D),
      dataAgeS: 10 * 86_400,
    });
    // Silent for a day against an hourly rhythm: offline 3 h after its last reading.
    expect(by.get('offline')).toMatchObject({ stateSince: iso(END - D + 3 * H), dataAgeS: 86_400 });
    expect(by.get('fixing')).toMatchObject({ stateSince: iso(END - D) });
    // The replacement started a new life: the failure before it is history.
    expect(by.get('repaired')).toMatchObject({ failedAt: null, stateSince: iso(END - 5 * D) });
    expect(by.get('alarm')!.stateSince).toBe(iso(END));
  });

  it('keeps filters and the limit, and the clock is the whole fleet’s', async () => {
    const two = (await app.inject('/v1/fleet/risk?limit=2')).json<{ items: Item[] }>().items;
    expect(two.map((i) => i.asset.name)).toEqual(['alarm', 'repaired']);
    const none = (await app.inject('/v1/fleet/risk?site=nowhere')).json<{
      fleetClock: string;
      items: Item[];
    }>();
    expect(none).toEqual({ fleetClock: iso(END), items: [] });
  });

  it('a repair brings a failed machine back into the ranking', async () => {
    await event(id.failed!, 'repair', END - D);
    const items = (await app.inject('/v1/fleet/risk')).json<{ items: Item[] }>().items;
    const failed = items.find((i) => i.asset.name === 'failed')!;
    // Repaired a day ago, no data since its last reading 10 days ago: offline after 3 h.
    expect(failed).toMatchObject({ state: 'offline', section: 'offline', failedAt: null });
  });
});

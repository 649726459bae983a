import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { zoneBoundaries } from '../src/state/iso20816.js';
import { createTestContext } from './helpers/context.js';
import { BPFO, CAPTURE_SAMPLES, seedFleet, type Seeded } from './dashboard-seed.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

describe('dashboard: static files and read routes', () => {
  let ctx: Ctx;
  let app: FastifyInstance;
  let seed: Seeded;
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    await app.ready();
    seed = await seedFleet(app, ctx.database.db);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('serves the page, its modules and uPlot locally, with a same-origin CSP', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).not.toMatch(/https?:\/\//);
    for (const url of ['/js/main.js', '/app.css', '/vendor/uplot.js', '/vendor/uplot.css']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body.length, url).toBeGreaterThan(100);
    }
    expect((await app.inject({ url: '/vendor/uplot.js' })).headers['content-type']).toMatch(/javascript/);
  });

  it('leaves unknown API paths to the JSON 404 (no static catch-all)', async () => {
    const res = await app.inject({ url: '/v1/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect((await app.inject({ url: '/nothing-here.js' })).statusCode).toBe(404);
  });

  it('summarises filters, open suggestions per asset and the lead time', async () => {
    const res = await app.inject({ url: '/v1/dashboard/fleet-summary' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      sites: ['North', 'South'],
      types: ['fan', 'motor', 'pump'],
      openSuggestions: [{ assetId: seed.pump, count: 1 }],
      leadTimeHours: 336,
    });
  });

  it('computes the latest capture spectra with BPFO/BPFI/BSF/FTF markers server-side', async () => {
    const res = await app.inject({ url: `/v1/assets/${seed.pump}/spectrum` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.capture).toMatchObject({ sensorId: seed.vibration, nSamples: CAPTURE_SAMPLES });
    expect(body.capture.ts).toBe(new Date(seed.end).toISOString());
    expect(body.spectrum.hz).toHaveLength(CAPTURE_SAMPLES / 4); // 4096 bins pooled by 2
    expect(body.defects.bpfo).toBeCloseTo(BPFO, 2);
    const labels = body.markers.map((m: { label: string }) => m.label);
    expect(labels).toEqual(expect.arrayContaining(['BPFO', '2×BPFO', '3×BPFO', 'BPFI', 'BSF', 'FTF']));
    const fundamental = (d: string) => body.markers.find((m: { label: string }) => m.label === d);
    // An outer-race fault: the envelope peak at BPFO dominates the other defects'.
    for (const d of ['BPFI', 'BSF', 'FTF']) {
      expect(fundamental('BPFO').amplitude).toBeGreaterThan(3 * fundamental(d).amplitude);
    }
    expect(Math.max(...body.envelope.hz)).toBeLessThan(6000);
  });

  it('answers 404 for an asset without captures or unknown', async () => {
    expect((await app.inject({ url: `/v1/assets/${seed.fan}/spectrum` })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/assets/999999/spectrum' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/assets/999999/maintenance' })).statusCode).toBe(404);
  });

  it('lists an asset maintenance history and suggestions under the read scope', async () => {
    const res = await app.inject({ url: `/v1/assets/${seed.pump}/maintenance` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.events).toEqual([expect.objectContaining({ kind: 'inspection', workOrderRef: 'WO-1000' })]);
    expect(body.suggestions).toEqual([
      expect.objectContaining({ id: seed.suggestion, status: 'open', priority: 2, workOrderRef: null }),
    ]);
  });

  it("mirrors src/signal/iso20816.ts in the browser's zone table", async () => {
    const file = pathToFileURL(path.resolve('src/web/public/js/iso.js')).href;
    const mod = (await import(file)) as { ZONE_BOUNDARIES: Record<string, number[]> };
    for (const g of [1, 2] as const) {
      for (const f of ['rigid', 'flexible'] as const) {
        expect(mod.ZONE_BOUNDARIES[`${g}/${f}`], `${g}/${f}`).toEqual([...zoneBoundaries(g, f)]);
      }
    }
  });
});

/**
 * The drift panel of the fleet view and the drift section of the asset view, in headless
 * Chromium: a model whose fleet drifted, its retraining suggestion acknowledged from the page.
 * Screenshots: artifacts/screenshots/drift-fleet.png, drift-asset.png.
 */
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { getFeatureSet } from '../src/features/stored-feature-sets.js';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from './helpers/chromium.js';
import { createTestContext } from './helpers/context.js';
import { driftAsset, STEP_MS, writeRows } from './helpers/drift-rows.js';

const SET = getFeatureSet('prognos-vibration')!;
const T0 = Date.UTC(2025, 0, 1);
const hasChromium = chromiumAvailable('drift browser tests');

describe.runIf(hasChromium)('drift in the dashboard', () => {
  let browser: Browser;
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let shifting: number;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_DRIFT_WINDOW_ROWS: '150' } });
    const db = ctx.database.db;
    const assets = [];
    for (const [i, name] of ['Pump P-1', 'Pump P-2'].entries()) {
      const a = await driftAsset(db, name);
      assets.push(a);
      await writeRows(db, SET, a, { start: T0, count: 150, seed: i + 1 });
    }
    const run = await ctx.training.start({
      modelName: 'pump-health',
      kind: 'health',
      params: { featureSet: SET.name, healthyFraction: 1, epochs: 2, externalRefPrefix: 'drift/' },
      autoPromote: true,
    });
    expect((await ctx.jobs.waitFor(run.job_id!)).state).toBe('completed');
    for (const [i, a] of assets.entries()) {
      const shift = i === 1 ? { features: ['rms', 'kurtosis'], sd: 2 } : undefined;
      await writeRows(db, SET, a, { start: T0 + 150 * STEP_MS, count: 150, seed: 10 + i, shift });
    }
    shifting = assets[1]!.assetId;
    expect((await ctx.retraining.check()).raised).toHaveLength(1);
    app = await buildApp(ctx);
    base = await app.listen({ host: '127.0.0.1', port: 0 }); // its address, on a free port
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
  });

  it('shows the drifting model and acknowledges its retraining suggestion', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/`);
    const model = page.locator('#drift-panel .drift-model[data-model="pump-health"]');
    await model.waitFor();
    await expect(model.locator('[data-drift]').first().getAttribute('data-drift')).resolves.toBe('drift');
    await expect(model.textContent()).resolves.toMatch(/rms|kurtosis/);
    const suggestion = model.locator('.drift-suggestion');
    await expect(suggestion.getAttribute('data-status')).resolves.toBe('open');
    await suggestion.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('.drift-suggestion[data-status="acknowledged"]').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/drift-fleet.png`, fullPage: true });
    const [s] = (await ctx.retraining.list({ model: 'pump-health' })).filter((x) => x.status !== 'resolved');
    expect(s?.status).toBe('acknowledged');
    await page.close();
  });

  it("shows the asset's drift with its most shifted features", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(`${base}/#/assets/${shifting}`);
    const section = page.locator('#asset-drift');
    await section.waitFor();
    await expect(section.locator('h2 [data-drift]').getAttribute('data-drift')).resolves.toBe('drift');
    const features = await section
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.feature));
    expect(features.slice(0, 2).sort()).toEqual(['kurtosis', 'rms']);
    await section.screenshot({ path: `${SCREENSHOTS}/drift-asset.png` });
    await page.close();
  });
});

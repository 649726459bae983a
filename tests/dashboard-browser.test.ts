/**
 * End to end in headless Chromium: the app listens on 127.0.0.1 (random port), the dashboard is
 * driven like an operator would, and both views are saved to artifacts/screenshots/.
 */
import type { FastifyInstance } from 'fastify';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from './helpers/chromium.js';
import { createTestContext } from './helpers/context.js';
import { BPFO, CAPTURE_SAMPLES, FORECASTS_A, READINGS, seedFleet, type Seeded } from './dashboard-seed.js';

const hasChromium = chromiumAvailable('dashboard browser tests');

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

async function start(env: Record<string, string> = {}) {
  const ctx = await createTestContext({ env });
  const app = await buildApp(ctx);
  return { ctx, app, base: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

const names = (page: Page) => page.locator('#fleet-table tbody th[scope="row"] a').allTextContents();
const points = (page: Page, chart: string) =>
  page.locator(`figure[data-chart="${chart}"]`).getAttribute('data-points').then(Number);

describe.runIf(hasChromium)('dashboard in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('with auth off', () => {
    let ctx: Ctx;
    let app: FastifyInstance;
    let base: string;
    let seed: Seeded;
    let page: Page;
    beforeAll(async () => {
      ({ ctx, app, base } = await start());
      seed = await seedFleet(app, ctx.database.db);
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (e) => console.error('[page error]', e.message));
    });
    afterAll(async () => {
      await page?.close();
      await app?.close();
      await ctx?.close();
    });

    it('ranks the fleet by risk with RUL, zone text and open suggestions', async () => {
      await page.goto(`${base}/`);
      await page.locator('#fleet-table tbody tr[data-asset-id]').nth(2).waitFor();
      expect(await names(page)).toEqual(['Pump P-101', 'Motor M-3', 'Fan F-7']);
      const pump = page.locator(`tr[data-asset-id="${seed.pump}"]`);
      expect(await pump.locator('.zone').textContent()).toBe('C restricted');
      expect(await pump.locator('td[data-open]').textContent()).toBe('1');
      expect(await pump.textContent()).toMatch(/14 d9\.5 d–18 d/);
      expect(await page.locator(`tr[data-asset-id="${seed.fan}"] .zone`).textContent()).toBe('A good');
      expect(await page.locator('#live').textContent()).toMatch(/3 assets, 1 in ISO zone C or D/);
      // Its RUL lower bound (227 h) is below the 14-day lead time: alarm; the fan runs.
      expect(await pump.locator('[data-state]').textContent()).toBe('alarm');
      expect(await page.locator(`tr[data-asset-id="${seed.fan}"] [data-state]`).textContent()).toBe(
        'running',
      );
      // Ages on the fleet clock (the newest data), not on the browser's.
      expect(await pump.locator('td.when').textContent()).toMatch(/^0 min ago/);
      await page.screenshot({ path: `${SCREENSHOTS}/fleet.png`, fullPage: true });
    });

    it('lists the failed and the offline machine apart, with the failure date, not in the ranking', async () => {
      const failed = page.locator(`#fleet-failed tr[data-asset-id="${seed.failed}"]`);
      expect(await failed.locator('th a').textContent()).toBe('Pump P-102');
      expect(await failed.locator('td.since time').getAttribute('datetime')).toBe(
        new Date(seed.failedAt).toISOString(),
      );
      expect(await failed.locator('td.since').textContent()).toContain('10 d ago');
      expect(await page.locator('#fleet-failed-title').textContent()).toBe('Failed (1)');
      const offline = page.locator(`#fleet-offline tr[data-asset-id="${seed.offline}"]`);
      expect(await offline.locator('th a').textContent()).toBe('Fan F-9');
      expect(await offline.locator('td.when').textContent()).toMatch(/^2\.0 d ago/);
      expect(await page.locator('#live').textContent()).toMatch(/; 1 failed, 1 offline\./);
      expect(await page.locator('#fleet-under-repair').count()).toBe(0);
    });

    it('sorts by column with the keyboard and filters by site', async () => {
      await page.locator('button[data-sort="name"]').focus();
      await page.keyboard.press('Enter');
      expect(await names(page)).toEqual(['Fan F-7', 'Motor M-3', 'Pump P-101']);
      expect(await page.locator('th:has(button[data-sort="name"])').getAttribute('aria-sort')).toBe(
        'ascending',
      );
      await page.keyboard.press('Enter'); // focus stays on the header button
      expect(await names(page)).toEqual(['Pump P-101', 'Motor M-3', 'Fan F-7']);
      await page.locator('button[data-sort="rank"]').click();

      await page.selectOption('#filter-site', 'North');
      await expect.poll(() => names(page)).toEqual(['Pump P-101', 'Motor M-3']);
      await page.selectOption('#filter-site', '');
      await expect.poll(() => names(page)).toHaveLength(3);
    });

    it('refreshes live: a new forecast re-ranks the fleet', async () => {
      await ctx.database.db
        .insertInto('forecasts')
        .values({
          asset_id: seed.fan,
          as_of: new Date(seed.end),
          risk: 0.97,
          iso_zone: 'D',
          velocity_rms_mm_s: 12,
          lineage: JSON.stringify({ riskDriver: 'ISO zone D' }),
          source: 'api',
        })
        .execute();
      await page.evaluate(() =>
        (window as unknown as { __dashboard: { refresh(): Promise<void> } }).__dashboard.refresh(),
      );
      await expect.poll(() => names(page)).toEqual(['Fan F-7', 'Pump P-101', 'Motor M-3']);
      expect(await page.locator(`tr[data-asset-id="${seed.fan}"] .zone`).textContent()).toBe('D damage risk');
    });

    it('opens an asset with Enter and draws its charts and BPFO markers', async () => {
      await page.locator(`tr[data-asset-id="${seed.pump}"] a`).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/#/assets/${seed.pump}`);
      await page.locator('figure[data-chart="envelope"] canvas').waitFor();
      expect(await points(page, 'rul')).toBe(FORECASTS_A);
      expect(await points(page, 'health')).toBe(FORECASTS_A);
      expect(await points(page, 'velocity')).toBe(FORECASTS_A);
      expect(await points(page, 'temperature')).toBe(READINGS);
      expect(await points(page, 'spectrum')).toBe(CAPTURE_SAMPLES / 4);
      expect(await points(page, 'envelope')).toBeGreaterThan(20);
      type Charts = {
        rul: { leadTimeHours: number; series: string[] };
        velocity: { zoneBoundaries: number[] };
        envelope: { markers: Array<{ label: string; hz: number }> };
      };
      const charts = await page.evaluate(() => (window as unknown as { __charts: Charts }).__charts);
      expect(charts.rul.leadTimeHours).toBe(336);
      expect(charts.rul.series).toEqual(expect.arrayContaining(['Failure (RUL 0)', 'Lead time (14 d)']));
      expect(charts.velocity.zoneBoundaries).toEqual([1.4, 2.8, 4.5]);
      const bpfo = charts.envelope.markers.find((m) => m.label === 'BPFO');
      expect(bpfo?.hz).toBeCloseTo(BPFO, 1);
      expect(Number(await page.locator('tr[data-marker="BPFO"]').getAttribute('data-hz'))).toBeCloseTo(
        BPFO,
        1,
      );
      // The seeded capture's impacts are at BPFO = 3.585 shaft orders.
      expect(await page.locator('#diagnosis').textContent()).toMatch(
        /^Outer-race defect suspected: BPFO 107\.\d Hz \(3\.58×\)/,
      );
      expect(await page.locator('#asset-summary .zone').textContent()).toBe('C restricted');
      expect(await page.locator('#contributions tbody tr').first().textContent()).toContain('env_bpfo');
      expect(await page.locator('#lineage').textContent()).toContain('rul-bearing v3');
      expect(await page.locator('#history').textContent()).toContain('WO-1000');
      await page.screenshot({ path: `${SCREENSHOTS}/asset.png`, fullPage: true });
    });

    it('acknowledges a suggestion with a CMMS work-order number', async () => {
      const row = page.locator(`tr[data-suggestion-id="${seed.suggestion}"]`);
      await row.getByRole('button', { name: `Acknowledge suggestion ${seed.suggestion}` }).click();
      await page.locator('#ack-ref').fill('WO-4711');
      await page.locator('#ack-dialog button[type="submit"]').click();
      await expect.poll(() => row.locator('td.status').getAttribute('data-status')).toBe('acknowledged');
      expect(await row.locator('td.work-order').textContent()).toBe('WO-4711');
      const db = await ctx.database.db
        .selectFrom('work_order_suggestions')
        .select(['status', 'work_order_ref'])
        .where('id', '=', seed.suggestion)
        .executeTakeFirstOrThrow();
      expect(db).toEqual({ status: 'acknowledged', work_order_ref: 'WO-4711' });
    });

    it('fits a tablet (768 px) without page-wide horizontal scrolling', async () => {
      await page.setViewportSize({ width: 768, height: 1024 });
      await page.goto(`${base}/#/`);
      await page.locator('#fleet-table tbody tr[data-asset-id]').nth(2).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
      await page.screenshot({ path: `${SCREENSHOTS}/fleet-tablet.png`, fullPage: true });
    });
  });

  describe('with auth on', () => {
    let ctx: Ctx;
    let app: FastifyInstance;
    let base: string;
    let seed: Seeded;
    let page: Page;
    let readKey: string;
    beforeAll(async () => {
      ({ ctx, app, base } = await start({ PROGNOS_AUTH: 'on' }));
      const admin = (await createApiKey(ctx.database.db, 'seed', ['admin', 'ingest'])).key;
      readKey = (await createApiKey(ctx.database.db, 'wallboard', ['read'])).key;
      seed = await seedFleet(app, ctx.database.db, { authorization: `Bearer ${admin}` });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await page?.close();
      await app?.close();
      await ctx?.close();
    });

    it("explains a missing key with the server's message, then works with a read key", async () => {
      await page.goto(`${base}/`);
      const banner = page.locator('#banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('An API key is needed.');
      expect(await banner.textContent()).toContain('Server: an API key is required');
      await page.locator('#api-key').fill(readKey);
      await page.locator('#key-form button[type="submit"]').click();
      await page.locator('#fleet-table tbody tr[data-asset-id]').nth(2).waitFor();
      expect(await banner.isHidden()).toBe(true);
      expect(await page.locator('#api-key').inputValue()).toBe('');
      expect(await page.content()).not.toContain(readKey);
    });

    it('shows the 403 message when the key lacks the cmms scope to acknowledge', async () => {
      await page.goto(`${base}/#/assets/${seed.pump}`);
      const row = page.locator(`tr[data-suggestion-id="${seed.suggestion}"]`);
      await row.getByRole('button', { name: /Acknowledge/ }).click();
      await page.locator('#ack-ref').fill('WO-1');
      await page.locator('#ack-dialog button[type="submit"]').click();
      const error = page.locator('#ack-dialog .dialog-error');
      await expect.poll(() => error.textContent()).toContain('lacks the "cmms" scope');
      expect(await page.locator('#banner').textContent()).toContain(
        'This API key is not allowed to do that.',
      );
      await page.locator('#ack-dialog button[value="cancel"]').click();
      expect(await row.locator('td.status').getAttribute('data-status')).toBe('open');
    });
  });
});

/**
 * The Content-Security-Policy in a real browser: the dashboard and the API docs load and run
 * with no CSP violation reported, and Swagger UI's Authorize button sends the key it is given
 * (headless /usr/bin/chromium; skipped with a message without).
 */
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { createTestContext } from './helpers/context.js';

const hasChromium = chromiumAvailable('CSP browser test');

/** A page that records CSP violations and script errors. */
async function watchedPage(browser: Browser) {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

describe.runIf(hasChromium)('the security headers in a browser', () => {
  let browser: Browser;
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let key: string;
  beforeAll(async () => {
    // Keys on, as deployed: the docs then offer the Authorize button.
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on' } });
    app = await buildApp(ctx);
    base = await app.listen({ host: '127.0.0.1', port: 0 }); // its address, on a free port
    key = (await createApiKey(ctx.database.db, 'docs', ['read'])).key;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
  });

  it('loads the dashboard and the API docs without a CSP violation', async () => {
    for (const [path, ready] of [
      ['/', '#key-form'],
      ['/docs', '.swagger-ui .info .title'],
    ] as const) {
      const { page, problems } = await watchedPage(browser);
      await page.goto(`${base}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      expect(problems, path).toEqual([]);
      await page.close();
    }
  });

  it('Swagger UI’s Authorize button takes a key and "Try it out" sends it, under the same CSP', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${base}/docs`);
    await page.locator('.btn.authorize').first().click();
    // Each security scheme has its own form: the X-API-Key one takes the key as it is.
    const form = page.locator('.auth-container', { hasText: 'X-API-Key' });
    await form.locator('input').fill(key);
    await form.locator('button.authorize').click();
    await page.locator('.auth-btn-wrapper button.btn-done').first().click();
    await page.locator('#operations-models-getModels .opblock-summary').click();
    await page.locator('#operations-models-getModels .try-out__btn').click();
    await page.locator('#operations-models-getModels .execute').click();
    const status = page.locator(
      '#operations-models-getModels .live-responses-table tr.response .response-col_status',
    );
    await status.first().waitFor({ timeout: 15_000 });
    expect((await status.first().innerText()).trim()).toBe('200');
    expect(problems).toEqual([]);
    await page.close();
  });
});

/**
 * The Content-Security-Policy in a real browser: the dashboard and the API docs load and run
 * with no CSP violation reported (headless /usr/bin/chromium; skipped with a message without).
 */
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { createTestContext } from './helpers/context.js';

const hasChromium = chromiumAvailable('CSP browser test');

describe.runIf(hasChromium)('the security headers in a browser', () => {
  let browser: Browser;
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await buildApp(ctx);
    base = await app.listen({ host: '127.0.0.1', port: 0 }); // its address, on a free port
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
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${base}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      expect(problems, path).toEqual([]);
      await page.close();
    }
  });
});

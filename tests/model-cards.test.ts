import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { buildApp } from '../src/app.js';
import { modelCard } from '../src/cli/models-card.js';
import { saveCardData } from '../src/models/cards/card-store.js';
import { createTestContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;

async function artifact(withHeldOut: boolean): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-card-artifact-'));
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      kind: 'rul',
      cap: 100,
      featureSet: { name: 'vibration-basic', version: '1', hash: 'd'.repeat(64) },
      metrics: { rmse: 9 },
    }),
  );
  if (withHeldOut) {
    await saveCardData(dir, {
      heldOut: {
        kind: 'rul',
        source: 'three units',
        unitName: 'cycles',
        cap: 100,
        level: 0.8,
        trueRul: [5, 40, 90],
        predicted: [8, 35, 95],
        lower: [0, 30, 85],
        upper: [15, 45, 100],
      },
    });
  }
  return dir;
}

describe('model cards over HTTP and the CLI', () => {
  let ctx: Ctx;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on' } });
    app = await buildApp(ctx);
    await app.ready();
    keys.read = (await createApiKey(ctx.database.db, 'reader', ['read'])).key;
    keys.ingest = (await createApiKey(ctx.database.db, 'ingester', ['ingest'])).key;
    await ctx.models.register({ name: 'card-rul', sourceDir: await artifact(true) });
    await ctx.models.register({ name: 'card-rul', sourceDir: await artifact(false) });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const get = (url: string, key: string | null = keys.read!) =>
    app.inject({ url, headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('serves the card as Markdown whose figure links resolve to the figure route', async () => {
    const res = await get('/v1/models/card-rul/versions/1/card');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown/);
    expect(res.body).toMatch(/^# Model card: card-rul v1\n/);
    const links = [...res.body.matchAll(/\]\((card\/card-[a-z-]+\.svg)\)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(3);
    for (const link of links) {
      const fig = await get(`/v1/models/card-rul/versions/1/${link}`);
      expect(fig.statusCode).toBe(200);
      expect(fig.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(fig.body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    }
    const one = (await get('/v1/models/card-rul/versions/1')).json();
    expect(one.files.card).toEqual([
      'MODEL_CARD.md',
      'card-interval-coverage.svg',
      'card-predicted-vs-true.svg',
      'card-residuals-by-rul.svg',
    ]);
    expect(one.files.artifact).toEqual(['manifest.json', 'model.json']);
  });

  it('refuses paths and files that are not figures of the card, naming the param', async () => {
    for (const file of [
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '..%2Fmanifest.json',
      'manifest.json',
      'card-heldout.json',
      'card-x.svg%00.md',
      'CARD-ROC.SVG',
    ]) {
      const res = await get(`/v1/models/card-rul/versions/1/card/${file}`);
      expect(res.statusCode, file).toBe(400);
      // A NUL is refused for every route by the input guard, before the card's own check.
      expect(res.json().error.code).toBe(file.includes('%00') ? 'invalid_string' : 'invalid_card_file');
      expect(res.json().error.message).toMatch(/params[/.]file/);
    }
    // A bare ".." is resolved by the router before any handler: it never reaches a file.
    expect((await get('/v1/models/card-rul/versions/1/card/%2E%2E')).statusCode).not.toBe(200);
    const missing = await get('/v1/models/card-rul/versions/1/card/card-nope.svg');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('card_file_not_found');
  });

  it('answers 404 with a clear code for a version without a card, and for an unknown version', async () => {
    const res = await get('/v1/models/card-rul/versions/2/card');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'card_not_found',
      message: expect.stringMatching(/card-rul@2 has no model card/),
    });
    expect((await get('/v1/models/card-rul/versions/2/card/card-roc.svg')).json().error.code).toBe(
      'card_not_found',
    );
    expect((await get('/v1/models/card-rul/versions/9/card')).json().error.code).toBe('not_found');
  });

  it('needs the read scope', async () => {
    expect((await get('/v1/models/card-rul/versions/1/card', null)).statusCode).toBe(401);
    expect((await get('/v1/models/card-rul/versions/1/card', keys.ingest)).statusCode).toBe(403);
    expect((await get('/v1/models/card-rul/versions/1/card/card-roc.svg', keys.ingest)).statusCode).toBe(403);
  });

  it('CLI: prints or copies the card, regenerates it from the kept predictions, and says "no card" otherwise', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
    try {
      expect(await modelCard(ctx, 'card-rul', 1, {})).toBe(0);
      expect(out.join('')).toMatch(/^# Model card: card-rul v1/);
      const dest = mkdtempSync(path.join(os.tmpdir(), 'prognos-card-out-'));
      expect(await modelCard(ctx, 'card-rul', 1, { out: dest })).toBe(0);
      expect(readdirSync(dest)).toHaveLength(4);
      // The copy keeps relative links that work beside the figures.
      expect(readFileSync(path.join(dest, 'MODEL_CARD.md'), 'utf8')).toContain(
        '](card-predicted-vs-true.svg)',
      );

      const dir = path.join(ctx.models.modelsDir, 'card-rul', '1');
      rmSync(path.join(dir, 'MODEL_CARD.md'));
      expect(await modelCard(ctx, 'card-rul', 1, {})).toBe(1);
      expect(await modelCard(ctx, 'card-rul', 1, { regenerate: true })).toBe(0);
      expect(existsSync(path.join(dir, 'MODEL_CARD.md'))).toBe(true);
      // The artifact still verifies: card files are not part of its hash.
      await expect(ctx.models.load('card-rul', { version: 1 })).resolves.toMatchObject({
        row: { version: 1 },
      });

      err.length = 0;
      expect(await modelCard(ctx, 'card-rul', 2, { regenerate: true })).toBe(1);
      expect(err.join('')).toMatch(/card-rul@2 kept no held-out predictions/);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});

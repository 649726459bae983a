/**
 * Per-asset CMMS identifiers and per-site defaults: the API (PATCH/GET, null clears, bad input
 * 400 naming the field and storing nothing, scopes), the mappings' 422 when a required setting is
 * missing, and the CLI with its CSV bulk import (all rows or none).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { runCmmsCommand } from '../src/cli/cmms.js';
import { UsageError } from '../src/cli/command.js';
import { evaluateSuggestions } from '../src/maintenance/suggestions.service.js';
import { createTestContext } from './helpers/context.js';
import { createTestDatabase } from './helpers/database.js';
import { deps, insertAsset, insertForecast } from './maintenance-helpers.js';

type Ctx = Awaited<ReturnType<typeof createTestContext>>;
type App = Awaited<ReturnType<typeof buildApp>>;

describe('CMMS settings API', () => {
  let ctx: Ctx;
  let app: App;
  let admin: string;
  let cmmsKey: string;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { PROGNOS_AUTH: 'on', RATE_LIMIT_PER_MINUTE: '0' } });
    app = await buildApp(ctx);
    await app.ready();
    admin = (await createApiKey(ctx.database.db, 'admin', ['admin'])).key;
    cmmsKey = (await createApiKey(ctx.database.db, 'cmms', ['cmms'])).key;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const call = (method: 'GET' | 'PATCH', url: string, payload?: unknown, key = admin) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const rows = async () => ({
    assets: (await ctx.database.db.selectFrom('asset_cmms_settings').selectAll().execute()).length,
    sites: (await ctx.database.db.selectFrom('site_cmms_defaults').selectAll().execute()).length,
  });

  it('sets, merges and clears asset settings over site defaults', async () => {
    const id = await insertAsset(ctx.database.db, 'settings-pump', {
      site: 'plant 1',
      external_ref: 'settings-ref',
    });
    const site = await call('PATCH', '/v1/sites/plant%201/cmms', {
      maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA', wopriority: [999, 500, 100, 1] },
    });
    expect(site.statusCode).toBe(200);
    expect(site.json()).toEqual({
      site: 'plant 1',
      settings: {
        maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA', wopriority: [999, 500, 100, 1] },
        sap: {},
        maintainx: {},
      },
    });
    const patched = await call('PATCH', `/v1/assets/${id}/cmms`, {
      maximo: { siteid: 'NASHUA', assetnum: 'P101', problemCodes: { VIB: { code: 'VIBR', linenum: 12 } } },
      sap: { technicalObject: '10004711' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      assetId: id,
      site: 'plant 1',
      settings: { maximo: { siteid: 'NASHUA', assetnum: 'P101' }, sap: { technicalObject: '10004711' } },
      effective: {
        maximo: {
          siteid: 'NASHUA',
          orgid: 'EAGLENA',
          assetnum: 'P101',
          worktype: 'CM',
          wopriority: [999, 500, 100, 1],
        },
      },
    });
    // null clears a field, a CMMS set to null is emptied; the rest stays.
    const cleared = await call('PATCH', `/v1/assets/${id}/cmms`, { maximo: { siteid: null }, sap: null });
    expect(cleared.json().settings).toEqual({
      maximo: { assetnum: 'P101', problemCodes: { VIB: { code: 'VIBR', linenum: 12 } } },
      sap: {},
      maintainx: {},
    });
    expect(cleared.json().effective.maximo.siteid).toBe('BEDFORD');
    // A CMMS key reads them (the integrator checks what will be sent) but cannot change them.
    expect(
      (await call('GET', `/v1/assets/${id}/cmms`, undefined, cmmsKey)).json().settings.maximo.assetnum,
    ).toBe('P101');
    expect((await call('PATCH', `/v1/assets/${id}/cmms`, { sap: null }, cmmsKey)).statusCode).toBe(403);
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const id = await insertAsset(ctx.database.db, 'settings-bad', { site: 'plant 2' });
    const before = await rows();
    const cases: Array<[string, unknown, RegExp]> = [
      [`/v1/assets/${id}/cmms`, { maximo: { siteid: 'TOOLONGSITE' } }, /siteid/],
      [`/v1/assets/${id}/cmms`, { maximo: { siteid: 'bedford' } }, /siteid/],
      [`/v1/assets/${id}/cmms`, { maximo: { siteid: 'OK', orgid: 'X'.repeat(9) } }, /orgid/],
      [`/v1/assets/${id}/cmms`, { maximo: { problemCodes: { VIB: { code: 'VIBR' } } } }, /linenum/],
      [`/v1/assets/${id}/cmms`, { maximo: { wopriority: [1, 2, 3] } }, /wopriority/],
      [`/v1/assets/${id}/cmms`, { sap: { damageCodes: { VIB: 'TOOLONG' } } }, /damageCodes/],
      [`/v1/assets/${id}/cmms`, { sap: { technicalObjectType: 'EQUI' } }, /technicalObjectType/],
      [`/v1/assets/${id}/cmms`, { maintainx: { assetId: 'abc' } }, /assetId/],
      [`/v1/assets/${id}/cmms`, { oracle: {} }, /oracle|additional/i],
      [`/v1/assets/${id}/cmms`, {}, /fewer|properties/i],
      ['/v1/sites/plant%202/cmms', { maximo: { assetnum: 'A'.repeat(26) } }, /assetnum/],
    ];
    for (const [url, body, field] of cases) {
      const res = await call('PATCH', url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(field);
    }
    expect(
      (await call('PATCH', '/v1/assets/999999/cmms', { sap: { technicalObject: 'X' } })).statusCode,
    ).toBe(404);
    expect(await rows()).toEqual(before);
  });

  it('a payload the CMMS would reject is a 422 naming the missing setting, instead of null', async () => {
    const db = ctx.database.db;
    const id = await insertAsset(db, 'settings-422', { site: 'plant 3', external_ref: 'rc/pump-01' });
    const f = await insertForecast(db, id, { iso_zone: 'D', velocity_rms_mm_s: 9.1 });
    const [sid] = (await evaluateSuggestions(deps(db), [f])).created;
    const get = (format: string) =>
      call('GET', `/v1/work-order-suggestions/${sid}?format=${format}`, undefined, cmmsKey);
    const res = await get('maximo');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('cmms_setting_missing');
    expect(res.json().error.message).toContain(`maximo.siteid for asset ${id}`);
    expect(res.json().error.message).toContain(`PATCH /v1/assets/${id}/cmms`);
    await call('PATCH', '/v1/sites/plant%203/cmms', { maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA' } });
    // "rc/pump-01" is upper-cased to a valid Maximo asset number.
    expect((await get('maximo')).json()).toMatchObject({
      siteid: 'BEDFORD',
      assetnum: 'RC/PUMP-01',
      externalrefid: String(sid),
    });
    await call('PATCH', `/v1/assets/${id}/cmms`, { maximo: { assetnum: 'P-0001' } });
    expect((await get('maximo')).json().assetnum).toBe('P-0001');
    expect((await get('maintainx')).json().error.message).toContain('maintainx.suggestionIdField');
  });
});

describe('prognos cmms', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-cmms-cli-'));
  let env: Record<string, string>;
  let testDb: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let assetId: number;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    // The CLI opens its own connection: a PostgreSQL database, or an embedded one on disk.
    if (testDb.url) {
      env = { DATABASE_URL: testDb.url, LOG_LEVEL: 'silent' };
    } else {
      await testDb.close();
      testDb = undefined;
      env = { PROGNOS_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
      await cli(['show', '--site', 'warm-up']);
    }
    const { openDatabase } = await import('../src/db/database.js');
    const db = testDb ?? (await openDatabase({ dataDir: env.PROGNOS_DATA_DIR }));
    assetId = await insertAsset(db.db, 'cli-pump', { site: 'north', external_ref: 'cli-ref' });
    await insertAsset(db.db, 'cli-pump-2', { site: 'north', external_ref: 'cli-ref-2' });
    if (!testDb) await db.close();
  });
  afterAll(async () => {
    await testDb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const sink = (f: (s: string) => void) =>
      new Writable({
        write(chunk, _e, cb) {
          f(String(chunk));
          cb();
        },
      });
    const code = await runCmmsCommand(
      args,
      { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
      env,
    );
    return { code, out, err };
  }

  it('sets and shows settings, with typed values', async () => {
    const set = await cli([
      'set',
      '--asset',
      String(assetId),
      '--cmms',
      'maximo',
      '--set',
      'siteid=BEDFORD',
      '--set',
      'wopriority=[4,3,2,1]',
      '--set',
      'problemCodes={"VIB":{"code":"VIBR","linenum":3}}',
    ]);
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out).settings.maximo).toEqual({
      siteid: 'BEDFORD',
      wopriority: [4, 3, 2, 1],
      problemCodes: { VIB: { code: 'VIBR', linenum: 3 } },
    });
    const show = await cli(['show', '--asset', String(assetId)]);
    expect(JSON.parse(show.out).effective.maximo.siteid).toBe('BEDFORD');
  });

  it('refuses bad flags with the setting named', async () => {
    await expect(cli(['set', '--asset', '1', '--cmms', 'maximo', '--set', 'siteid=bedford'])).rejects.toThrow(
      /siteid/,
    );
    await expect(cli(['set', '--asset', '1', '--cmms', 'maximo', '--set', 'sitid=X'])).rejects.toThrow(
      UsageError,
    );
    await expect(
      cli(['set', '--asset', '1', '--site', 'x', '--cmms', 'sap', '--set', 'a=b']),
    ).rejects.toThrow(/exactly one/);
    await expect(cli(['show'])).rejects.toThrow(UsageError);
  });

  it('imports a CSV of many assets and sites, all rows or none', async () => {
    const good = path.join(dir, 'good.csv');
    writeFileSync(
      good,
      [
        'scope,key,cmms,setting,value',
        'site,north,maximo,orgid,EAGLENA',
        'site,north,maintainx,suggestionIdField,Prognos suggestion',
        'asset,cli-ref-2,maximo,assetnum,P-2',
        `asset-id,${assetId},sap,technicalObject,10004711`,
        `asset-id,${assetId},sap,damageCodes,"{""VIB"":""V01""}"`,
      ].join('\n'),
    );
    const r = await cli(['import', good]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ assets: 2, sites: 1 });
    const shown = JSON.parse((await cli(['show', '--asset', String(assetId)])).out);
    expect(shown).toMatchObject({
      settings: { sap: { technicalObject: '10004711', damageCodes: { VIB: 'V01' } } },
      effective: {
        maximo: { siteid: 'BEDFORD', orgid: 'EAGLENA' },
        maintainx: { suggestionIdField: 'Prognos suggestion' },
      },
    });

    // A bad value names the line; an unknown asset on the last row stores nothing of the file.
    const badValue = path.join(dir, 'bad-value.csv');
    writeFileSync(badValue, 'scope,key,cmms,setting,value\nsite,south,maximo,siteid,TOOLONGSITE\n');
    const bv = await cli(['import', badValue]);
    expect(bv.code).toBe(1);
    expect(bv.err).toMatch(/line 2.*siteid/);
    const unknown = path.join(dir, 'unknown.csv');
    writeFileSync(
      unknown,
      'scope,key,cmms,setting,value\nsite,south,maximo,siteid,SOUTH\nasset,no-such-ref,sap,technicalObject,X\n',
    );
    const un = await cli(['import', unknown]);
    expect(un.code).toBe(1);
    expect(un.err).toContain('no-such-ref');
    expect(JSON.parse((await cli(['show', '--site', 'south'])).out).settings.maximo).toEqual({});
    expect((await cli(['import', path.join(dir, 'missing.csv')])).err).toContain('no such file');
  });
});

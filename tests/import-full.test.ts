// The importers on the full shared datasets (../shared/datasets; skipped on a fresh clone):
// stored counts must match the dataset README exactly. C-MAPSS (2.1 M readings) runs on
// PostgreSQL only: on the embedded PGlite it takes minutes, beyond the test budget.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCwruFile } from '../src/acquisition/formats/files.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from './helpers/database.js';
import { sharedDataset } from './helpers/datasets.js';
import { importInto, ingestTotals, stored, tableCounts } from './import-helpers.js';

const mode = DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const cmapss = sharedDataset('cmapss');
const femto = sharedDataset('femto');
const cwru = sharedDataset('cwru');
const ai4i = sharedDataset('ai4i2020');
const azure = sharedDataset('azure_pdm');
// Generous: the data is real and the machine may be shared; the suite takes far less when idle.
const SLOW = { timeout: 600_000 };
if (cmapss.present && !DATABASE_URL)
  console.info('skipping full C-MAPSS import: PostgreSQL only (DATABASE_URL unset)');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, SLOW.timeout);
afterAll(async () => {
  await db?.close();
});

async function countWhere(
  table: 'readings' | 'captures',
  refPrefix: string,
  sensor?: string,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} t
    join sensors s on s.id = t.sensor_id join assets a on a.id = s.asset_id
    where a.external_ref like ${`${refPrefix}%`} and (${sensor ?? null}::text is null or s.name = ${sensor ?? null})`.execute(
    db.db,
  );
  return rows[0]!.n;
}

async function assetCount(refPrefix: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from assets where external_ref like ${`${refPrefix}%`}`.execute(db.db);
  return rows[0]!.n;
}

describe.runIf(cmapss.present && !!DATABASE_URL)(`full C-MAPSS (${mode})`, () => {
  it(
    'train_FD001 20,631 rows / 100 engines, test_FD001 13,096 / 100, train_FD002 53,759 / 260',
    SLOW,
    async () => {
      const f = (name: string) => join(cmapss.dir, name);
      const s = await importInto(db, 'cmapss', [
        f('train_FD001.txt'),
        f('test_FD001.txt'),
        f('RUL_FD001.txt'),
        f('train_FD002.txt'),
      ]);
      const rows = 20_631 + 13_096 + 53_759;
      expect(stored(s)).toEqual({
        assets: 460,
        sensors: 460 * 24,
        readings: rows * 24,
        captures: 0,
        events: 0,
        duplicates: 0,
      });
      expect([
        await assetCount('cmapss/FD001/train/'),
        await countWhere('readings', 'cmapss/FD001/train/', 'sensor_1'),
      ]).toEqual([100, 20_631]);
      expect([
        await assetCount('cmapss/FD001/test/'),
        await countWhere('readings', 'cmapss/FD001/test/', 'sensor_1'),
      ]).toEqual([100, 13_096]);
      expect([
        await assetCount('cmapss/FD002/train/'),
        await countWhere('readings', 'cmapss/FD002/train/', 'sensor_1'),
      ]).toEqual([260, 53_759]);
      const { rows: rul } = await sql<{
        n: number;
      }>`select count(*)::int as n from assets where metadata ? 'true_rul_after_last_cycle'`.execute(db.db);
      expect(rul[0]!.n).toBe(100);
    },
  );
});

describe.runIf(femto.present)(`full FEMTO (${mode})`, () => {
  it('Bearing3_1: 515 acc files / 89 temp files; Bearing2_7: 230 / 38', SLOW, async () => {
    const s = await importInto(db, 'femto', [
      join(femto.dir, 'Learning_set/Bearing3_1'),
      join(femto.dir, 'Full_Test_Set/Bearing2_7'),
    ]);
    expect(stored(s)).toMatchObject({ assets: 2, sensors: 6, captures: (515 + 230) * 2, duplicates: 0 });
    for (const axis of ['horizontal', 'vertical']) {
      expect(await countWhere('captures', 'femto/Bearing3_1', axis)).toBe(515);
      expect(await countWhere('captures', 'femto/Bearing2_7', axis)).toBe(230);
    }
    // Temperature rows: every row of the 89 and 38 files (the last file of a run is short).
    expect(await countWhere('readings', 'femto/Bearing3_1', 'temperature')).toBe(52_897);
    expect(await countWhere('readings', 'femto/Bearing2_7', 'temperature')).toBe(22_337);
    const { rows } = await sql<{ first: Date; last: Date }>`
      select min(c.ts) as first, max(c.ts) as last from captures c join sensors s on s.id = c.sensor_id
      join assets a on a.id = s.asset_id where a.external_ref = 'femto/Bearing2_7'`.execute(db.db);
    // 230 snapshots 10 s apart: the run lasted 2,290 s (plus the files' own clock jitter).
    expect((rows[0]!.last.getTime() - rows[0]!.first.getTime()) / 1000).toBeCloseTo(2290, -1);
  });
});

describe.runIf(cwru.present)(`full CWRU (${mode})`, () => {
  it('10 .mat files: one asset each, every sample in 1 s captures', SLOW, async () => {
    const files = readdirSync(cwru.dir).filter((f) => f.endsWith('.mat'));
    expect(files.length).toBe(10);
    let captures = 0;
    for (const f of files) {
      const r = await readCwruFile(join(cwru.dir, f));
      const perSignal = Math.ceil(r.driveEnd.length / r.sampleRateHz);
      captures += perSignal * [r.driveEnd, r.fanEnd, r.base].filter((x) => x !== null).length;
    }
    const s = await importInto(db, 'cwru', [cwru.dir]);
    expect(stored(s)).toMatchObject({ assets: 10, captures, duplicates: 0 });
    const { rows } = await sql<{ n: number }>`select coalesce(sum(n_samples), 0)::int as n from captures c
      join sensors s on s.id = c.sensor_id where s.name = 'drive_end' and s.external_ref = 'X097_DE_time'`.execute(
      db.db,
    );
    expect(rows[0]!.n).toBe((await readCwruFile(join(cwru.dir, 'normal_0_97.mat'))).driveEnd.length);
  });
});

describe.runIf(ai4i.present)(`full AI4I 2020 (${mode})`, () => {
  it('8,000 rows / 254 failures; a re-import stores nothing', SLOW, async () => {
    const file = join(ai4i.dir, 'ai4i2020_train.csv');
    const s = await importInto(db, 'ai4i', [file]);
    expect(stored(s)).toEqual({
      assets: 1,
      sensors: 5,
      readings: 40_000,
      captures: 0,
      events: 254,
      duplicates: 0,
    });
    const again = await importInto(db, 'ai4i', [file]);
    expect(stored(again)).toEqual({
      assets: 0,
      sensors: 0,
      readings: 0,
      captures: 0,
      events: 0,
      duplicates: 40_254,
    });
  });
});

describe.runIf(azure.present)(`full Azure PdM maintenance records (${mode})`, () => {
  it(
    '3,286 replacements, 761 failures, 3,919 errors, 100 machines; a re-import stores nothing',
    SLOW,
    async () => {
      const before = await tableCounts(db);
      const s = await importInto(db, 'maintenance', [azure.dir]);
      expect(stored(s)).toEqual({
        assets: 100,
        sensors: 0,
        readings: 0,
        captures: 0,
        events: 3_286 + 761 + 3_919,
        duplicates: 0,
      });
      const { rows } = await sql<{
        kind: string;
        n: number;
      }>`select kind, count(*)::int as n from maintenance_events
      where dedup_key like 'azure/%' group by kind order by kind`.execute(db.db);
      expect(rows).toEqual([
        { kind: 'error', n: 3_919 },
        { kind: 'failure', n: 761 },
        { kind: 'replacement', n: 3_286 },
      ]);
      const { rows: models } = await sql<{ n: number }>`select count(*)::int as n from assets
      where external_ref like 'azure/machine-%' and metadata ? 'model' and metadata ? 'age_years'`.execute(
        db.db,
      );
      expect(models[0]!.n).toBe(100);
      const again = await importInto(db, 'maintenance', [azure.dir]);
      expect(stored(again)).toMatchObject({ assets: 0, events: 0, duplicates: 7_966 });
      expect((await tableCounts(db)).events - before.events).toBe(7_966);
    },
  );

  it('keeps sensor_ingest_stats in step with what was stored', SLOW, async () => {
    const c = await tableCounts(db);
    const t = await ingestTotals(db);
    expect([t.ri, t.ci]).toEqual([c.readings, c.captures]);
  });
});

/**
 * Queries live in repositories (`*.repository.ts`): services, jobs, routes and the demo call
 * them. This scans the folders already held to that (the scoring pipeline's path: acquisition,
 * features, forecasting, the demo and the dashboard) for a Kysely query builder or an `sql`
 * template anywhere else. The importers' bulk COPY/insert sessions are their own writers and
 * are not scanned here; the list grows as the other folders move their queries.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const FOLDERS = ['src/acquisition', 'src/features', 'src/forecasting', 'src/demo', 'src/web'];
const SKIP = ['src/acquisition/importers'];
const QUERY =
  /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql\s*(?:<[^>]*>)?`/;

function files(dir: string): string[] {
  if (SKIP.includes(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.ts$/.test(e.name) && !/\.(?:test|repository)\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('SQL only in repositories', () => {
  it('finds no query outside *.repository.ts on the scoring path', () => {
    const scanned = FOLDERS.flatMap(files);
    expect(scanned.length).toBeGreaterThan(20);
    const offenders = scanned.filter((f) => QUERY.test(readFileSync(f, 'utf8')));
    expect(offenders, 'move these queries into the folder’s repository').toEqual([]);
  });

  it('flags what it is meant to flag', () => {
    for (const s of ["db.selectFrom('assets')", 'await trx.insertInto("forecasts")', 'sql<Row>`select 1`'])
      expect(QUERY.test(s), s).toBe(true);
    for (const s of ['repo.latest(db, 1, 5)', "import { sql } from 'kysely';"])
      expect(QUERY.test(s), s).toBe(false);
  });
});

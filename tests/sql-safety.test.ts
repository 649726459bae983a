/**
 * SQL goes through Kysely's parameters. This scans src/ for the ways around them — `sql.raw`,
 * `sql.lit`, dynamic identifiers (`sql.ref`, `sql.table`, `sql.id`), driver calls with SQL
 * built in a template literal, and SQL built by string concatenation — and fails on any site
 * not in the reviewed list below (and on a reviewed entry that no longer matches anything, so
 * the list stays true). A new site needs a review: say here why no client input reaches it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REVIEWED: Array<{ file: string; site: string; why: string }> = [
  {
    file: 'src/db/migrator.ts',
    site: 'sql.raw(m.sql)',
    why: 'migration files shipped in migrations/, checksummed; no request input',
  },
  {
    file: 'src/features/features.repository.ts',
    site: 'sql.raw(cmp)',
    why: "cmp is the literal '>' or '<', chosen from a typed 'asc' | 'desc'",
  },
  {
    file: 'src/acquisition/ingest-stats.repository.ts',
    site: 'sql.ref(`${table}_inserted`)',
    why: "table is the type 'readings' | 'captures', set by the caller's code path",
  },
  {
    file: 'src/acquisition/ingest-stats.repository.ts',
    site: 'sql.ref(`${table}_duplicates`)',
    why: "table is the type 'readings' | 'captures', set by the caller's code path",
  },
  {
    file: 'src/acquisition/importers/series-writer.ts',
    site: '.query( `create temp table if not exists ${STAGE}',
    why: 'STAGE is a module constant',
  },
  {
    file: 'src/acquisition/importers/series-writer.ts',
    site: '.query(`truncate ${STAGE}`',
    why: 'STAGE is a module constant',
  },
  {
    file: 'src/acquisition/importers/series-writer.ts',
    site: '.copyIn!(`copy ${STAGE} from stdin`',
    why: 'STAGE is a module constant; the data goes in the COPY stream, not the SQL',
  },
  {
    file: 'src/acquisition/importers/bulk-writer.ts',
    site: '.query( `insert into maintenance_events',
    why: 'tuples are generated "($n, …)" placeholders; every value is a bound parameter',
  },
];

const PATTERNS: RegExp[] = [
  /sql\.(?:raw|lit|ref|table|id)\([^)]*\)/g,
  // A driver call whose SQL is a template literal with a substitution.
  /\.(?:query|exec|copyIn!?)\(\s*`(?:[^`\\]|\\.)*?\$\{(?:[^`\\]|\\.)*?`/g,
  // SQL text glued with +.
  /['"`]\s*(?:select|insert|update|delete|with|create|drop|alter|truncate)\b[^'"`\n]*['"`]\s*\+/gi,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('SQL only through Kysely parameters', () => {
  it('has no unreviewed raw, literal, identifier or string-built SQL in src/', () => {
    const sites: Array<{ file: string; text: string }> = [];
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const re of PATTERNS)
        for (const m of text.matchAll(re))
          sites.push({ file: file.split(path.sep).join('/'), text: squash(m[0]) });
    }
    expect(sites.length).toBeGreaterThan(0); // the scanner finds the known sites
    const unreviewed = sites.filter(
      (s) => !REVIEWED.some((r) => r.file === s.file && s.text.includes(squash(r.site))),
    );
    expect(
      unreviewed.map((s) => `${s.file}: ${s.text.slice(0, 120)}`),
      'SQL built outside Kysely parameters: review it and add it to REVIEWED with the reason',
    ).toEqual([]);
    const stale = REVIEWED.filter(
      (r) => !sites.some((s) => r.file === s.file && s.text.includes(squash(r.site))),
    );
    expect(
      stale.map((r) => `${r.file}: ${r.site}`),
      'reviewed entries that match nothing any more',
    ).toEqual([]);
  });

  it('flags what it is meant to flag', () => {
    const samples = [
      'sql.raw(req.query.order)',
      'sql.lit(name)',
      'client.query(`select * from assets where name = ${name}`)',
      "db.query('select * from assets where id = ' + id)",
    ];
    for (const s of samples)
      expect(
        PATTERNS.some((re) => s.match(re) !== null),
        s,
      ).toBe(true);
    for (const s of ["client.query('select $1', [x])", 'sql`select ${x}`', 'db.selectFrom("assets")'])
      expect(
        PATTERNS.some((re) => s.match(re) !== null),
        s,
      ).toBe(false);
  });
});

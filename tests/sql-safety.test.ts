/**
 * Where SQL lives and how it is built, checked over src/ (test files aside):
 *
 * 1. Queries live in repositories (`*.repository.ts`): services, jobs, routes, importers, the
 *    twin and the demo call them. No Kysely query builder, `sql` template or driver call with
 *    SQL text anywhere else, except src/db/: the infrastructure that opens the database, runs
 *    the migrations and holds a bulk session's transaction control, beneath every repository.
 * 2. Each table is written by one repository, in the folder that owns it (OWNERS): a second
 *    writer would be a second place that decides what a row may hold.
 * 3. SQL goes through Kysely's parameters. This scans for the ways around them — `sql.raw`,
 *    `sql.lit`, dynamic identifiers (`sql.ref`, `sql.table`, `sql.id`), driver calls with SQL
 *    built in a template literal, and SQL built by string concatenation — and fails on any site
 *    not in the reviewed list below (and on a reviewed entry that no longer matches anything, so
 *    the list stays true). A new site needs a review: say here why no client input reaches it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

const SOURCES = sourceFiles('src').map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const squash = (s: string) => s.replace(/\s+/g, ' ');

/** A query builder, an `sql` template, or a driver call given SQL text (not a regex's exec). */
const QUERY =
  /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql\s*(?:<[^>]*>)?`|\.(?:query|exec|copyIn!?)\s*(?:<[^>]*>)?\(\s*['"`]/;
const INFRASTRUCTURE = 'src/db/';

describe('SQL only in repositories', () => {
  it('finds no query outside *.repository.ts (and src/db/)', () => {
    const scanned = SOURCES.filter(
      (s) => !s.file.startsWith(INFRASTRUCTURE) && !s.file.endsWith('.repository.ts'),
    );
    expect(scanned.length).toBeGreaterThan(100);
    const offenders = scanned.filter((s) => QUERY.test(s.text)).map((s) => s.file);
    expect(offenders, 'move these queries into the repository of the folder that owns the table').toEqual([]);
  });

  it('flags what it is meant to flag', () => {
    for (const s of [
      "db.selectFrom('assets')",
      'await trx.insertInto("forecasts")',
      'sql<Row>`select 1`',
      "session.query('commit')",
      'client.query<{ id: number }>(`insert into assets`)',
      'session.copyIn!(`copy t from stdin`, text)',
    ])
      expect(QUERY.test(s), s).toBe(true);
    for (const s of ['repo.latest(db, 1, 5)', "import { sql } from 'kysely';", 'ISO_DATE.exec(text)'])
      expect(QUERY.test(s), s).toBe(false);
  });
});

/**
 * The one file that writes each table (inserts, updates, deletes, merges, COPY, truncate).
 * Tables only read somewhere are not listed; every table the code writes is.
 */
const OWNERS: Record<string, string> = {
  api_keys: 'src/auth/api-keys.repository.ts',
  asset_baselines: 'src/acquisition/asset-baselines.repository.ts',
  asset_cmms_settings: 'src/maintenance/cmms/cmms-settings.repository.ts',
  assets: 'src/acquisition/assets.repository.ts',
  captures: 'src/acquisition/captures.repository.ts',
  feature_rows: 'src/features/features.repository.ts',
  feature_sets: 'src/features/features.repository.ts',
  forecasts: 'src/forecasting/forecasts.repository.ts',
  // Written in the ingesting transaction (readings, captures, imports); cleared by the live loop.
  ingest_marks: 'src/acquisition/ingest-marks.repository.ts',
  // Acquired data (CMMS posts, file imports, the simulator): the importers, the first stage, write it.
  maintenance_events: 'src/acquisition/maintenance-events.repository.ts',
  model_events: 'src/models/registry.repository.ts',
  model_versions: 'src/models/registry.repository.ts',
  readings: 'src/acquisition/readings.repository.ts',
  retraining_suggestions: 'src/drift/drift.repository.ts',
  // The migrator is infrastructure, not a repository: it creates the table it records into.
  schema_migrations: 'src/db/migrator.ts',
  sensor_ingest_stats: 'src/acquisition/ingest-stats.repository.ts',
  sensors: 'src/acquisition/assets.repository.ts',
  site_cmms_defaults: 'src/maintenance/cmms/cmms-settings.repository.ts',
  training_runs: 'src/training/training.repository.ts',
  webhook_outbox: 'src/maintenance/webhook-outbox.repository.ts',
  work_order_suggestions: 'src/maintenance/suggestions.repository.ts',
  // Temporary (`on commit drop`): the COPY staging table of copyReadings.
  prognos_import_readings_stage: 'src/acquisition/readings.repository.ts',
};
/** Written tables that migrations/ does not create: the migrator's own and a temporary one. */
const OUTSIDE_MIGRATIONS = ['schema_migrations', 'prognos_import_readings_stage'];

const NAME = '[a-z_][a-z0-9_]*';
/** Writes by table: Kysely calls (a string argument, or a parameter typed as a union of table
 * names) and raw SQL (`${CONST}` substituted from the file's string constants). */
const WRITES: RegExp[] = [
  /\.(?:insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(\s*(?:['"`]([a-z_][a-z0-9_]*)|([^\s,)]+))/g,
  new RegExp(
    `\\b(?:insert\\s+into|delete\\s+from|merge\\s+into|truncate(?:\\s+table)?)\\s+(?:(${NAME})|(\\$\\{[^}]*\\}))`,
    'gi',
  ),
  new RegExp(`\\bcopy\\s+(?:(${NAME})|(\\$\\{[^}]*\\}))\\s*(?:\\(|from\\b)`, 'gi'),
  new RegExp(`\\bupdate\\s+(?!set\\b)(${NAME})(?:\\s+(?:as\\s+)?(?!set\\b)${NAME})?\\s+set\\b`, 'gi'),
];

/** The names of a parameter typed as a union of table names, such as
 * `table: 'asset_cmms_settings' | 'site_cmms_defaults'`; undefined for anything else. */
function unionOf(text: string, parameter: string): string[] | undefined {
  if (!/^[A-Za-z_]\w*$/.test(parameter)) return undefined;
  const union = new RegExp(`\\b${parameter}\\??:\\s*((?:'${NAME}'\\s*\\|?\\s*)+)`).exec(text);
  return union ? [...union[1]!.matchAll(/'([a-z0-9_]+)'/g)].map((u) => u[1]!) : undefined;
}

/** Tables written in `text`; a target it cannot name comes back as `?<expression>`. */
function writtenTables(source: string): string[] {
  let text = source;
  for (const [, name, value] of source.matchAll(/\bconst ([A-Z][A-Z0-9_]*) = '([a-z0-9_]+)'/g))
    text = text.replaceAll(`\${${name}}`, value!);
  const out: string[] = [];
  for (const re of WRITES)
    for (const m of text.matchAll(re)) {
      const [, table, expression] = m;
      if (table) out.push(table.toLowerCase());
      else out.push(...(unionOf(text, expression!) ?? [`?${expression}`]));
    }
  return out;
}

function migrationTables(): string[] {
  return readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .flatMap((f) =>
      [...readFileSync(path.join('migrations', f), 'utf8').matchAll(/^CREATE TABLE (\w+) \(/gim)].map(
        (m) => m[1]!,
      ),
    );
}

describe('one writer per table', () => {
  it('has each written table written by its OWNERS file only', () => {
    const writers = new Map<string, Set<string>>();
    for (const { file, text } of SOURCES)
      for (const table of writtenTables(text))
        writers.set(table, (writers.get(table) ?? new Set()).add(file));
    expect(writers.size).toBeGreaterThan(15); // the scanner finds the known writes
    const unowned = [...writers.keys()].filter((t) => !(t in OWNERS));
    expect(
      unowned,
      'tables written but not in OWNERS (or written through a name the scan cannot read)',
    ).toEqual([]);
    const wrong = [...writers]
      .filter(([t, files]) => files.size !== 1 || !files.has(OWNERS[t]!))
      .map(([t, files]) => `${t}: written by ${[...files].join(', ')}; owner ${OWNERS[t]}`);
    expect(wrong, 'a table written outside its owner: call the owner’s repository instead').toEqual([]);
    const stale = Object.keys(OWNERS).filter((t) => !writers.has(t));
    expect(stale, 'OWNERS entries nothing writes any more').toEqual([]);
  });

  it('lists tables of migrations/ only, and the few created elsewhere', () => {
    const tables = migrationTables();
    expect(tables).toContain('maintenance_events');
    const unknown = Object.keys(OWNERS).filter((t) => !tables.includes(t) && !OUTSIDE_MIGRATIONS.includes(t));
    expect(unknown, 'OWNERS entries that are no table of migrations/').toEqual([]);
  });

  it('flags what it is meant to flag', () => {
    const cases: Array<[string, string[]]> = [
      ["db.insertInto('assets').values(row)", ['assets']],
      ["await tx\n  .insertInto(\n    'assets',\n  )", ['assets']],
      ["q.updateTable('sensors').set({})", ['sensors']],
      ["q.deleteFrom('forecasts')", ['forecasts']],
      ["db.mergeInto('readings as r')", ['readings']],
      ['`insert into maintenance_events (asset_id) values ($1)`', ['maintenance_events']],
      ['`INSERT\n  INTO readings (sensor_id) select 1`', ['readings']],
      ['session.copyIn!(`copy readings_stage from stdin`, text)', ['readings_stage']],
      ["const STAGE = 'stage_t';\nq(`truncate ${STAGE}`)", ['stage_t']],
      ['sql`update readings r set quality_flags = 0`', ['readings']],
      ['sql`delete from captures where id = ${id}`', ['captures']],
      ["function f(table: 'a_t' | 'b_t') { return tx.insertInto(table); }", ['a_t', 'b_t']],
      ['tx.insertInto(tableName)', ['?tableName']],
      ['q(`insert into ${other}`)', ['?${other}']],
    ];
    for (const [text, tables] of cases) expect(writtenTables(text), text).toEqual(tables);
    for (const text of [
      "db.selectFrom('assets').selectAll()",
      '`select * from readings where sensor_id = $1`',
      '`on conflict (sensor_id, day) do update set readings_inserted = excluded.readings_inserted`',
      "new Error('the copy-stage method needs PostgreSQL (COPY is not available on PGlite)')",
      '`create temp table if not exists t (s bigint) on commit drop`',
    ])
      expect(writtenTables(text), text).toEqual([]);
  });
});

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
    file: 'src/acquisition/readings.repository.ts',
    site: '.query( `create temp table if not exists ${STAGE}',
    why: 'STAGE is a module constant',
  },
  {
    file: 'src/acquisition/readings.repository.ts',
    site: '.query(`truncate ${STAGE}`',
    why: 'STAGE is a module constant',
  },
  {
    file: 'src/acquisition/readings.repository.ts',
    site: '.copyIn!(`copy ${STAGE} from stdin`',
    why: 'STAGE is a module constant; the data goes in the COPY stream, not the SQL',
  },
  {
    file: 'src/acquisition/maintenance-events.repository.ts',
    site: '.query( `insert into maintenance_events',
    why: 'tuples are generated "($n, …)" placeholders; every value is a bound parameter',
  },
  {
    file: 'src/acquisition/assets.repository.ts',
    site: '.query<{ id: number }>( `insert into sensors',
    why: 'tuples are generated "($n, …)" placeholders; every value is a bound parameter',
  },
  {
    file: 'src/acquisition/captures.repository.ts',
    site: '.query<{ sensor_id: number; ts: number; n_samples: number }>( `insert into captures',
    why: 'tuples are generated "($n, …)" placeholders; every value is a bound parameter',
  },
];

const PATTERNS: RegExp[] = [
  /sql\.(?:raw|lit|ref|table|id)\([^)]*\)/g,
  // A driver call whose SQL is a template literal with a substitution (type argument or not).
  /\.(?:query|exec|copyIn!?)\s*(?:<[^>]*>)?\(\s*`(?:[^`\\]|\\.)*?\$\{(?:[^`\\]|\\.)*?`/g,
  // SQL text glued with +.
  /['"`]\s*(?:select|insert|update|delete|with|create|drop|alter|truncate)\b[^'"`\n]*['"`]\s*\+/gi,
];

describe('SQL only through Kysely parameters', () => {
  it('has no unreviewed raw, literal, identifier or string-built SQL in src/', () => {
    const sites: Array<{ file: string; text: string }> = [];
    for (const { file, text } of SOURCES)
      for (const re of PATTERNS) for (const m of text.matchAll(re)) sites.push({ file, text: squash(m[0]) });
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
      'client.query<{ id: number }>(`select id from assets where name = ${name}`)',
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

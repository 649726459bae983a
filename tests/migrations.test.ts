import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate, readMigrations } from '../src/db/migrator.js';
import { DATABASE_URL, createTestDatabase, skipReason } from './helpers/database.js';

// Column lists of src/db/schema.ts, checked against the migrated database so the two stay in step.
const EXPECTED_COLUMNS: Record<string, string[]> = {
  assets: [
    'id',
    'external_ref',
    'name',
    'type',
    'site',
    'iso_machine_group',
    'iso_foundation',
    'nominal_speed_rpm',
    'bearing_n_balls',
    'bearing_ball_diameter_mm',
    'bearing_pitch_diameter_mm',
    'bearing_contact_angle_deg',
    'temperature_baseline_c',
    'status',
    'metadata',
    'created_at',
    'updated_at',
  ],
  sensors: [
    'id',
    'asset_id',
    'name',
    'kind',
    'unit',
    'axis',
    'location',
    'sample_rate_hz',
    'range_min',
    'range_max',
    'external_ref',
    'created_at',
    'updated_at',
  ],
  captures: [
    'id',
    'sensor_id',
    'ts',
    'sample_rate_hz',
    'n_samples',
    'samples',
    'quality_flags',
    'created_at',
  ],
  readings: ['sensor_id', 'ts', 'value', 'quality_flags'],
  maintenance_events: [
    'id',
    'asset_id',
    'kind',
    'component',
    'failure_mode',
    'failure_mechanism',
    'description',
    'occurred_at',
    'ended_at',
    'work_order_ref',
    'source',
    'dedup_key',
    'created_at',
  ],
  retraining_suggestions: [
    'id',
    'model_name',
    'model_version_id',
    'status',
    'evidence',
    'max_psi',
    'checks',
    'training_run_id',
    'status_note',
    'created_at',
    'updated_at',
    'status_changed_at',
  ],
};

async function checkMigrations(open: () => Promise<Database>) {
  const database = await open();
  try {
    const first = await migrate(database.db);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const second = await migrate(database.db);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(first.applied);

    for (const [table, columns] of Object.entries(EXPECTED_COLUMNS)) {
      const { rows } = await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(
        database.db,
      );
      expect(
        rows.map((r) => r.column_name),
        table,
      ).toEqual(columns);
    }

    // Time series are range-partitioned, and partitions are created on demand, idempotently.
    const { rows: parts } = await sql<{ relname: string; partitioned: boolean }>`
      select c.relname, c.relkind = 'p' as partitioned from pg_class c
      where c.relname in ('captures', 'readings')`.execute(database.db);
    expect(parts.every((p) => p.partitioned)).toBe(true);
    const ensure = () =>
      sql<{
        n: number;
      }>`select prognos_ensure_partitions('readings', '2024-01-15T00:00:00Z', '2024-03-02T00:00:00Z') as n`.execute(
        database.db,
      );
    expect((await ensure()).rows[0]!.n).toBe(3);
    expect((await ensure()).rows[0]!.n).toBe(0);
    const { rows: children } = await sql<{ relname: string }>`
      select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent where p.relname = 'readings' order by 1`.execute(database.db);
    expect(children.map((c) => c.relname)).toEqual([
      'readings_default',
      'readings_p202401',
      'readings_p202402',
      'readings_p202403',
    ]);

    // A migration edited after it was applied stops start-up.
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'tampered' } : m));
    await expect(migrate(database.db, edited)).rejects.toThrow(/was changed after it was applied/);
  } finally {
    await database.close();
  }
}

/**
 * 0020 turns feature_rows and forecasts into partitioned tables by copying their rows: on a
 * database populated before it, every row (ids included), index, constraint and default comes
 * through, the rows sit in their months' partitions, and new forecast ids continue the old
 * sequence (above ids already handed out, even those of deleted rows).
 */
async function checkPartitioningMigration(open: () => Promise<Database>) {
  const database = await open();
  const db = database.db;
  try {
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.startsWith('0020_'));
    expect(at).toBeGreaterThan(0);
    await migrate(db, all.slice(0, at));
    await sql`insert into assets (name, type) values ('a', 'pump'), ('b', 'fan')`.execute(db);
    await sql`insert into sensors (asset_id, name, kind, unit) select id, 'v', 'vibration', 'g' from assets`.execute(
      db,
    );
    await sql`insert into feature_sets (name, version, hash, definition) values ('t', 1, ${'b'.repeat(64)}, '{}')`.execute(
      db,
    );
    // Three months of both, two assets, a capture-sourced row with NaN, a forecast with every
    // optional column set, and the last ids deleted (the sequence must not hand them out again).
    await sql`insert into feature_rows (asset_id, sensor_id, feature_set_id, window_start, window_end, source, source_id, "values")
      select s.asset_id, s.id, fs.id, t, t + interval '10 minutes', 'capture', 7, array[1.5, 'NaN', s.id]::real[]
      from sensors s, feature_sets fs,
           generate_series(timestamptz '2024-01-30T00:00:00Z', timestamptz '2024-03-02T00:00:00Z', interval '1 day') t`.execute(
      db,
    );
    await sql`insert into forecasts (asset_id, scored_at, as_of, health_index, anomaly_score, iso_zone, velocity_rms_mm_s,
        failure_probability, failure_horizon_hours, rul_hours, rul_lower_hours, rul_upper_hours, rul_interval_level,
        risk, contributions, indicators, lineage, source, diagnosis)
      select a.id, t + interval '5 minutes', t, 0.8, 0.2, 'B', 2.5, 0.1, 168, 900, 800, 1000, 0.9,
        0.3, '[{"feature":"rms","share":1,"z":2}]', '{"env_bpfo":0.1}', ${JSON.stringify({ models: [] })}, 'scheduled',
        '{"fault":"outer-race"}'
      from assets a, generate_series(timestamptz '2024-01-30T00:00:00Z', timestamptz '2024-03-02T00:00:00Z', interval '1 day') t`.execute(
      db,
    );
    await sql`delete from forecasts where id > (select max(id) - 3 from forecasts)`.execute(db);
    const snapshot = async () => {
      const rows = async (q: ReturnType<typeof sql<{ r: unknown }>>) =>
        (await q.execute(db)).rows.map((x) => x.r);
      return {
        features: await rows(
          sql`select to_jsonb(f) as r from feature_rows f order by sensor_id, window_start`,
        ),
        forecasts: await rows(sql`select to_jsonb(f) as r from forecasts f order by id`),
        indexes:
          await rows(sql`select i.indexname || ': ' || regexp_replace(i.indexdef, ' ON (ONLY )?[a-z_.]+ ', ' ON ') as r
          from pg_indexes i where i.tablename in ('feature_rows', 'forecasts') order by 1`),
        constraints:
          await rows(sql`select conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid) as r
          from pg_constraint where conrelid in ('feature_rows'::regclass, 'forecasts'::regclass)
            and contype in ('p', 'f', 'c', 'u') order by 1`),
        columns:
          await rows(sql`select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
            || ' ' || coalesce(column_default, '-') || ' ' || is_identity || ' ' || coalesce(identity_generation, '-') as r
          from information_schema.columns where table_schema = current_schema()
            and table_name in ('feature_rows', 'forecasts') order by table_name, ordinal_position`),
      };
    };
    const before = await snapshot();
    expect(before.features).toHaveLength(2 * 33);
    expect(before.forecasts).toHaveLength(2 * 33 - 3);
    expect([before.indexes.length, before.constraints.length, before.columns.length]).toEqual([5, 17, 29]);
    const { rows: seq } = await sql<{
      n: string;
    }>`select last_value::text as n from forecasts_id_seq`.execute(db);

    expect((await migrate(db, all.slice(0, at + 1))).applied).toEqual([all[at]!.name]);
    const after = await snapshot();
    expect(after.features).toEqual(before.features);
    expect(after.forecasts).toEqual(before.forecasts);
    expect(after.columns).toEqual(before.columns);
    expect(after.constraints).toEqual(
      before.constraints.map((c) =>
        String(c).replace('forecasts_pkey: PRIMARY KEY (id)', 'forecasts_pkey: PRIMARY KEY (id, as_of)'),
      ),
    );
    expect(after.constraints).toContain('forecasts.forecasts_pkey: PRIMARY KEY (id, as_of)');
    expect(after.indexes).toEqual(
      before.indexes.map((c) => String(c).replace('USING btree (id)', 'USING btree (id, as_of)')),
    );
    // Partitioned, each row in its month (none in the default partition).
    const { rows: placed } = await sql<{ r: string }>`
      select c.relname as r from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname in ('feature_rows', 'forecasts') and p.relkind = 'p' order by 1`.execute(db);
    expect(placed.map((p) => p.r)).toEqual([
      'feature_rows_default',
      'feature_rows_p202401',
      'feature_rows_p202402',
      'feature_rows_p202403',
      'forecasts_default',
      'forecasts_p202401',
      'forecasts_p202402',
      'forecasts_p202403',
    ]);
    const { rows: counts } = await sql<{ d1: number; d2: number; feb: number }>`
      select (select count(*)::int from feature_rows_default) as d1, (select count(*)::int from forecasts_default) as d2,
        (select count(*)::int from forecasts_p202402) as feb`.execute(db);
    expect(counts[0]).toEqual({ d1: 0, d2: 0, feb: 2 * 29 });
    // A new forecast takes the next id of the old sequence.
    const { rows: next } = await sql<{
      id: string;
    }>`insert into forecasts (asset_id, as_of, risk, lineage, source)
      select min(id), '2024-02-10', 0.5, '{}', 'api' from assets returning id::text`.execute(db);
    expect(BigInt(next[0]!.id)).toBe(BigInt(seq[0]!.n) + 1n);
    // The rest of the migrations apply on top.
    expect((await migrate(db)).applied).toEqual(all.slice(at + 1).map((m) => m.name));
  } finally {
    await database.close();
  }
}

describe('migrations on embedded PGlite', () => {
  it('apply, then apply again as a no-op', async () => {
    await checkMigrations(() => openDatabase({ dataDir: 'memory://' }));
  });
  it('0020 partitions a populated feature_rows and forecasts, rows, ids and indexes kept', async () => {
    await checkPartitioningMigration(() => openDatabase({ dataDir: 'memory://' }));
  });
});

describe.runIf(DATABASE_URL)('migrations on PostgreSQL', () => {
  it('apply, then apply again as a no-op', async () => {
    await checkMigrations(() => createTestDatabase({ migrate: false }));
  });
  it('0020 partitions a populated feature_rows and forecasts, rows, ids and indexes kept', async () => {
    await checkPartitioningMigration(() => createTestDatabase({ migrate: false }));
  });

  const concurrent: Database[] = [];
  afterAll(async () => Promise.all(concurrent.map((d) => d.close())));
  it('are safe when two processes migrate at once', async () => {
    const first = await createTestDatabase({ migrate: false });
    concurrent.push(first);
    const second = await openDatabase({ url: first.url });
    concurrent.push(second);
    const [a, b] = await Promise.all([migrate(first.db), migrate(second.db)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(
      readMigrations()
        .map((m) => m.name)
        .sort(),
    );
  });
});
if (!DATABASE_URL) skipReason('DATABASE_URL', 'migrations on PostgreSQL');

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

describe('migrations on embedded PGlite', () => {
  it('apply, then apply again as a no-op', async () => {
    await checkMigrations(() => openDatabase({ dataDir: 'memory://' }));
  });
});

describe.runIf(DATABASE_URL)('migrations on PostgreSQL', () => {
  it('apply, then apply again as a no-op', async () => {
    await checkMigrations(() => createTestDatabase({ migrate: false }));
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

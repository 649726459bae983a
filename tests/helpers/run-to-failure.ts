/** Synthetic run-to-failure fleets stored as assets + scalar readings, for training tests. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { createRng } from '../../src/maths/random.js';

export async function seedRunToFailureFleet(
  db: Kysely<DB>,
  opts: {
    assets: number;
    prefix: string;
    seed?: number;
    minLife?: number;
    maxLife?: number;
    failureEvents?: boolean;
  },
): Promise<number[]> {
  const rng = createRng(opts.seed ?? 7);
  const base = Date.UTC(2024, 0, 1);
  const ids: number[] = [];
  await sql`select prognos_ensure_partitions('readings', '2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z')`.execute(
    db,
  );
  for (let a = 0; a < opts.assets; a++) {
    const asset = await db
      .insertInto('assets')
      .values({
        name: `${opts.prefix} ${a + 1}`,
        type: 'turbofan',
        external_ref: `${opts.prefix}/unit-${a + 1}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(asset.id);
    const names = ['setting_1', 'sensor_1', 'sensor_2', 'sensor_3'];
    const sensors = await db
      .insertInto('sensors')
      .values(names.map((name) => ({ asset_id: asset.id, name, kind: 'other' as const, unit: '-' })))
      .returning(['id', 'name'])
      .execute();
    const life = Math.round((opts.minLife ?? 40) + rng() * ((opts.maxLife ?? 70) - (opts.minLife ?? 40)));
    const sensorIds: number[] = [];
    const ts: Date[] = [];
    const values: number[] = [];
    for (let c = 1; c <= life; c++) {
      const wear = Math.exp((c - life) / 12); // degradation grows towards failure
      const row = [rng() < 0.5 ? 0 : 1, 10 + 5 * wear + rng() * 0.3, 20 - 3 * wear + rng() * 0.3, 5 + rng()];
      for (const [i, s] of sensors.entries()) {
        sensorIds.push(s.id);
        ts.push(new Date(base + c * 3_600_000));
        values.push(row[names.indexOf(s.name)]! + i * 0);
      }
    }
    await sql`insert into readings (sensor_id, ts, value)
      select * from unnest(${sensorIds}::bigint[], ${ts.map((t) => t.toISOString())}::timestamptz[], ${values}::float8[])`.execute(
      db,
    );
    if (opts.failureEvents) {
      await db
        .insertInto('maintenance_events')
        .values({
          asset_id: asset.id,
          kind: 'failure',
          occurred_at: new Date(base + life * 3_600_000),
          source: 'cmms',
        })
        .execute();
    }
  }
  return ids;
}

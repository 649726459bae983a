/** Synthetic feature rows for the drift and label tests: each feature of a stored set drawn from
 * its own normal distribution, optionally shifted, written straight to feature_rows. */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { ensureFeatureSet } from '../../src/features/features.repository.js';
import type { StoredFeatureSet } from '../../src/features/stored-feature-sets.js';
import { createRng } from '../../src/maths/random.js';

export const STEP_MS = 3_600_000;

export async function driftAsset(db: Kysely<DB>, name: string) {
  const asset = await db
    .insertInto('assets')
    .values({ name, type: 'pump', external_ref: `drift/${name}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sensor = await db
    .insertInto('sensors')
    .values({ asset_id: asset.id, name: 'de-accel', kind: 'vibration', unit: 'g', sample_rate_hz: 12_000 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { assetId: asset.id, sensorId: sensor.id };
}

/** Feature j ~ N(j + 1, 0.1 (j + 1)), plus `shift` standard deviations on the features named. */
export async function writeRows(
  db: Kysely<DB>,
  set: StoredFeatureSet,
  a: { assetId: number; sensorId: number },
  opts: { start: number; count: number; seed: number; shift?: { features: string[]; sd: number } },
): Promise<void> {
  const setId = await ensureFeatureSet(db, set);
  const rng = createRng(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
  const shifted = new Set(opts.shift?.features ?? []);
  const rows = Array.from({ length: opts.count }, (_, i) => {
    const values = set.featureNames.map((f, j) => {
      const sd = 0.1 * (j + 1);
      return j + 1 + sd * (gauss() + (shifted.has(f) ? opts.shift!.sd : 0));
    });
    const start = new Date(opts.start + i * STEP_MS);
    return {
      asset_id: a.assetId,
      sensor_id: a.sensorId,
      feature_set_id: setId,
      window_start: start,
      window_end: new Date(+start + 1000),
      source: 'readings' as const,
      source_id: null,
      values: `{${values.join(',')}}`,
    };
  });
  await db.insertInto('feature_rows').values(rows).execute();
}

/**
 * Each asset's temperature baseline learnt from its own data, so the temperature features
 * (rise over baseline) need no figure from the vendor or the simulator: the median of its
 * unflagged temperature readings over the first `healthyDays` of its current life, which begins
 * at its first reading or at the end of the latest repair or replacement (a new bearing runs at
 * its own temperature). The first days of a life are taken as healthy: wear that shows in
 * temperature takes weeks to months. A baseline set by hand on the asset wins; until a new
 * life has `healthyDays` of data, the previous life's baseline stands in.
 *
 * Per operating condition it is not split: no stored asset carries a speed or load channel
 * the temperature could be conditioned on yet, and one life's first week mixes the loads it
 * ran at, as the rest of that life does.
 */
import type { Kysely } from 'kysely';
import { assetBaselinesRepository as repo } from '../acquisition/asset-baselines.repository.js';
import type { Asset, DB } from '../db/schema.js';

const DAY_MS = 86_400_000;

export interface BaselineOptions {
  /** Length of the healthy period learnt from, days. */
  healthyDays?: number;
  /** Fewer unflagged readings in it than this and nothing is learnt. */
  minReadings?: number;
}

/** Learns (once per life) and returns the asset's temperature baseline, °C; null while its data
 * does not cover a first healthy period and no earlier baseline exists. */
export async function learnTemperatureBaseline(
  db: Kysely<DB>,
  assetId: number,
  o: BaselineOptions = {},
): Promise<number | null> {
  const healthyDays = o.healthyDays ?? 7;
  const minReadings = o.minReadings ?? 24;
  const latest = await repo.latest(db, assetId);
  const life = await repo.lifeOf(db, assetId);
  if (!life.start || !life.newest) return latest?.temperature_c ?? null;
  // Only a repair or replacement begins a new life: without one since the stored baseline's
  // life began, a later first reading means older readings were dropped (retention), and the
  // oldest week left is no healthy period of a new bearing.
  if (latest && (life.repairEnd === null || life.repairEnd.getTime() <= latest.life_start.getTime()))
    return latest.temperature_c;
  const windowEnd = new Date(life.start.getTime() + healthyDays * DAY_MS);
  if (life.newest.getTime() < windowEnd.getTime()) return latest?.temperature_c ?? null;
  const { median, n } = await repo.temperatureMedian(db, assetId, life.start, windowEnd);
  if (median === null || n < minReadings) return latest?.temperature_c ?? null;
  await repo.insert(db, assetId, {
    life_start: life.start,
    window_start: life.start,
    window_end: windowEnd,
    temperature_c: median,
    temperature_readings: n,
  });
  return median;
}

/** The baseline the features compare with: the asset's own setting, else the learnt one
 * (read only: scoring does not learn on the request path). */
export async function temperatureBaselineOf(db: Kysely<DB>, asset: Asset): Promise<number | null> {
  if (asset.temperature_baseline_c !== null) return asset.temperature_baseline_c;
  return (await repo.latest(db, asset.id))?.temperature_c ?? null;
}

/** Reading stored forecasts: an asset's latest and its history, and the fleet ranked by risk. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { forecastsRepository as repo } from './forecasts.repository.js';

export class ForecastsService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The asset's `limit` newest forecasts, newest first. */
  latest(assetId: number, limit: number) {
    return repo.latest(this.db, assetId, limit);
  }

  /** History, newest first, keyset-paged on (scored_at, id). */
  page(f: Parameters<typeof repo.page>[1]) {
    return repo.page(this.db, f);
  }

  /** The latest forecast of every active asset, riskiest first. */
  fleet(f: Parameters<typeof repo.fleet>[1]) {
    return repo.fleet(this.db, f);
  }
}

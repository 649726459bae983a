/** Assets and forecasts inserted directly, for the work-order suggestion tests. */
import type { Insertable, Kysely } from 'kysely';
import type { DB, ForecastsTable } from '../src/db/schema.js';
import { resolveRules, type RuleSettings } from '../src/maintenance/rule-settings.js';
import type { SuggestionDeps } from '../src/maintenance/suggestions.service.js';

const T0 = Date.parse('2024-06-01T00:00:00Z');
const HOUR = 3_600_000;

export async function insertAsset(
  db: Kysely<DB>,
  name: string,
  extra: {
    site?: string;
    external_ref?: string;
    iso_machine_group?: 1 | 2;
    iso_foundation?: 'rigid' | 'flexible';
  } = {},
): Promise<number> {
  const row = await db
    .insertInto('assets')
    .values({ name, type: 'pump', ...extra })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

type ForecastFields = Partial<Omit<Insertable<ForecastsTable>, 'indicators' | 'contributions'>> & {
  indicators?: Record<string, number | null>;
  contributions?: Array<{ feature: string; share: number }>;
};

let clock = T0;
/** Each call is one hour after the previous one (scored_at and as_of), unless `at` is given. */
export async function insertForecast(db: Kysely<DB>, assetId: number, f: ForecastFields = {}, at?: number) {
  clock = at ?? clock + HOUR;
  const { indicators, contributions, ...rest } = f;
  const row = await db
    .insertInto('forecasts')
    .values({
      asset_id: assetId,
      as_of: new Date(clock),
      scored_at: new Date(clock),
      health_index: 0.9,
      anomaly_score: 0.1,
      iso_zone: 'A',
      velocity_rms_mm_s: 1.2,
      risk: 0.1,
      lineage: JSON.stringify({ test: true }),
      source: 'api',
      indicators: JSON.stringify(indicators ?? {}),
      contributions: JSON.stringify(contributions ?? []),
      ...rest,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Forecasts scored "now" (after any dismissal made by the test), one ms apart. */
export function nowClock(): void {
  clock = Date.now();
}

/** Rules raising from one forecast (K = 1 of N = 1): the suites on other behaviours (dedup,
 * acknowledgement, webhook, mappings) need a suggestion, not a run of forecasts; the persistence
 * itself is tested with the defaults in maintenance-alarms.test.ts. */
const ONE_FORECAST: Partial<RuleSettings> = { raiseCount: 1, raiseWindow: 1 };

export function deps(db: Kysely<DB>, overrides: Partial<RuleSettings> = {}): SuggestionDeps {
  return { db, rules: { ...resolveRules(), ...ONE_FORECAST, ...overrides } };
}

export async function suggestions(db: Kysely<DB>, assetId: number) {
  return db
    .selectFrom('work_order_suggestions')
    .selectAll()
    .where('asset_id', '=', assetId)
    .orderBy('id')
    .execute();
}

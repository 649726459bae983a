/** Reading stored forecasts: an asset's latest and its history, and the fleet by lifecycle state and risk. */
import type { Kysely } from 'kysely';
import { maintenanceEventsRepository } from '../acquisition/maintenance-events.repository.js';
import type { DB } from '../db/schema.js';
import {
  assetState,
  toLifeEvent,
  type AssetStateResult,
  type DataStream,
  type StateSettings,
} from './asset-state.js';
import { assetStateRepository as states, type StreamRow } from './asset-state.repository.js';
import { forecastsRepository as repo } from './forecasts.repository.js';

/** Forecasts per asset read to date its state's start. */
const STATE_HISTORY = 50;

/** Where an asset is listed: ranked by risk, or apart with the others in its state. */
type FleetSection = 'ranked' | 'failed' | 'under_repair' | 'offline';
const APART: readonly FleetSection[] = ['failed', 'under_repair', 'offline'];

export class ForecastsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly states: StateSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The asset's `limit` newest forecasts, newest first. */
  latest(assetId: number, limit: number) {
    return repo.latest(this.db, assetId, limit);
  }

  /** History, newest first, keyset-paged on (scored_at, id). */
  page(f: Parameters<typeof repo.page>[1]) {
    return repo.page(this.db, f);
  }

  /**
   * The latest forecast of every active asset with its lifecycle state, judged on the fleet
   * clock (the newest data timestamp of any active asset, at most the wall clock, so replayed
   * history is judged on its own time). Running and alarm assets come first, riskiest first;
   * failed (latest failure first), under-repair and offline ones follow, listed apart.
   */
  async fleet(f: { site?: string | undefined; type?: string | undefined; limit: number }) {
    const rows = await repo.fleet(this.db, f);
    const streams = await states.streams(this.db);
    const wall = this.now();
    const newest = streams.reduce((m, s) => Math.max(m, s.last_at.getTime()), -Infinity);
    const clock = new Date(Number.isFinite(newest) ? Math.min(newest, wall) : wall);
    const ids = rows.map((r) => r.asset_id);
    const events = await maintenanceEventsRepository.lastLifeEvents(this.db, ids);
    const recent = await states.recentForecasts(this.db, ids, STATE_HISTORY);
    const byAsset = streamsByAsset(streams);
    const items = rows.map((r) => {
      const e = events.get(r.asset_id);
      const st = assetState(
        {
          events: e ? [toLifeEvent(e)] : [],
          forecasts: recent.get(r.asset_id) ?? [],
          streams: byAsset.get(r.asset_id) ?? [],
          clock,
        },
        this.states,
      );
      return { ...r, lifecycle: st, section: sectionOf(st) };
    });
    const ranked = items.filter((i) => i.section === 'ranked');
    const apart = APART.flatMap((s) =>
      items.filter((i) => i.section === s).sort((a, b) => byRecency(b.lifecycle) - byRecency(a.lifecycle)),
    );
    return { clock, items: [...ranked, ...apart].slice(0, f.limit) };
  }
}

const sectionOf = (s: AssetStateResult): FleetSection =>
  s.state === 'running' || s.state === 'alarm' ? 'ranked' : s.state;

const byRecency = (s: AssetStateResult) => (s.failedAt ?? s.lastDataAt ?? s.since)?.getTime() ?? 0;

/** An asset's sensor streams, or, with none, the stream of its forecasts. */
function streamsByAsset(rows: readonly StreamRow[]): Map<number, DataStream[]> {
  const sensors = new Map<number, DataStream[]>();
  const forecasts = new Map<number, DataStream[]>();
  for (const r of rows) {
    const m = r.kind === 'sensor' ? sensors : forecasts;
    const list = m.get(r.asset_id) ?? [];
    list.push({ lastAt: r.last_at, intervalMs: r.gap_ms });
    m.set(r.asset_id, list);
  }
  for (const [id, list] of forecasts) if (!sensors.has(id)) sensors.set(id, list);
  return sensors;
}

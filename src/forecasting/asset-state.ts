/**
 * An asset's lifecycle state, from its maintenance events, its recent forecasts and the
 * freshness of its data. Pure: the fleet ranking (forecasts.service.ts) and the work-order rules
 * (maintenance/) read the same answer. It lives in forecasting, the lowest layer that sees both
 * forecasts and maintenance events, so maintenance, above it, can use it too.
 *
 * - `failed`: the last life event (failure, repair, replacement) is a failure.
 * - `under_repair`: the last life event is a repair or replacement whose `ended_at` is still
 *   ahead of the fleet clock. A repair recorded without `ended_at` is taken as done when it
 *   occurred (the CMMS reports work done, and a retry of the same work order cannot add the end
 *   later), so it never makes a machine `under_repair`.
 * - `offline`: none of the asset's data streams (each sensor's captures and readings; the
 *   forecasts' `as_of` when it has no stored data) has reported within `offlineAfterIntervals`
 *   × its usual interval (median gap of its recent timestamps) of the fleet clock, counted from
 *   the end of the last repair when that is later. A stream with fewer than two timestamps has
 *   no usual interval and is left out; an asset with no such stream is never offline.
 * - `alarm`: the latest forecast of the current life is in ISO zone D, has an anomaly score
 *   (else 1 − health index) above the work-order rules' anomaly threshold, or a RUL lower bound
 *   below their planning lead time.
 * - `running`: otherwise.
 * The order above is the precedence. A repair or replacement starts a new life: failures and
 * forecasts before it no longer count.
 */
import type { LifeEventRow } from '../acquisition/maintenance-events.repository.js';
import type { IsoZone } from '../state/iso20816.js';

export const ASSET_STATES = ['running', 'alarm', 'failed', 'under_repair', 'offline'] as const;
type AssetState = (typeof ASSET_STATES)[number];

export interface LifeEvent {
  kind: 'failure' | 'repair' | 'replacement';
  occurredAt: Date;
  endedAt: Date | null;
}

export interface StateForecast {
  asOf: Date;
  isoZone: IsoZone | string | null;
  anomalyScore: number | null;
  healthIndex: number | null;
  rulLowerHours: number | null;
}

export interface DataStream {
  lastAt: Date;
  /** Median gap between the stream's recent timestamps; null with fewer than two. */
  intervalMs: number | null;
}

export interface StateSettings {
  anomalyThreshold: number;
  leadTimeHours: number;
  offlineAfterIntervals: number;
}

export interface AssetStateInputs {
  /** The asset's latest life events, in any order (the last one decides). */
  events: readonly LifeEvent[];
  /** Recent forecasts, newest first. */
  forecasts: readonly StateForecast[];
  streams: readonly DataStream[];
  /** The fleet clock: the newest data timestamp of any asset, at most the wall clock. */
  clock: Date;
}

export interface AssetStateResult {
  state: AssetState;
  /** When the asset entered the state, as far as the inputs tell (null: not known). */
  since: Date | null;
  /** The failure's time, for a failed asset. */
  failedAt: Date | null;
  /** The newest timestamp of any of its streams. */
  lastDataAt: Date | null;
}

export const toLifeEvent = (r: LifeEventRow): LifeEvent => ({
  kind: r.kind,
  occurredAt: r.occurred_at,
  endedAt: r.ended_at,
});

/** Ties at one instant: the repair or replacement comes after the failure it answers. */
const order = (e: LifeEvent) => [e.occurredAt.getTime(), e.kind === 'failure' ? 0 : 1] as const;

function lastLifeEvent(events: readonly LifeEvent[]): LifeEvent | undefined {
  let last: LifeEvent | undefined;
  for (const e of events) {
    if (!last) last = e;
    else {
      const [t, k] = order(e);
      const [lt, lk] = order(last);
      if (t > lt || (t === lt && k > lk)) last = e;
    }
  }
  return last;
}

/** When the current life began: the end of the last repair or replacement (undefined: none). */
export function lifeStart(last: LifeEvent | undefined): Date | undefined {
  if (!last || last.kind === 'failure') return undefined;
  return last.endedAt ?? last.occurredAt;
}

function isAlarm(f: StateForecast, s: Pick<StateSettings, 'anomalyThreshold' | 'leadTimeHours'>) {
  const score = f.anomalyScore ?? (f.healthIndex === null ? null : 1 - f.healthIndex);
  return (
    f.isoZone === 'D' ||
    (score !== null && score > s.anomalyThreshold) ||
    (f.rulLowerHours !== null && f.rulLowerHours < s.leadTimeHours)
  );
}

export function assetState(i: AssetStateInputs, s: StateSettings): AssetStateResult {
  const lastDataAt = newest(i.streams.map((d) => d.lastAt));
  const last = lastLifeEvent(i.events);
  const base = { failedAt: null, lastDataAt };
  if (last?.kind === 'failure')
    return { ...base, state: 'failed', since: last.occurredAt, failedAt: last.occurredAt };
  if (last && last.endedAt && last.endedAt > i.clock)
    return { ...base, state: 'under_repair', since: last.occurredAt };
  const start = lifeStart(last);

  const staleAt = offlineSince(i.streams, start, i.clock, s.offlineAfterIntervals);
  if (staleAt) return { ...base, state: 'offline', since: staleAt };

  const life = start ? i.forecasts.filter((f) => f.asOf >= start) : i.forecasts;
  const alarm = life.length > 0 && isAlarm(life[0]!, s);
  // The state began with the oldest forecast of the newest run in that state; a run that
  // reaches back to the repair began with the new life.
  let since: Date | null = null;
  let broken = false;
  for (const f of life) {
    if (isAlarm(f, s) !== alarm) {
      broken = true;
      break;
    }
    since = f.asOf;
  }
  if (!alarm && !broken && start) since = start;
  return { ...base, state: alarm ? 'alarm' : 'running', since };
}

/** When the last stream went stale, or undefined while one is fresh (or none can be judged). */
function offlineSince(
  streams: readonly DataStream[],
  start: Date | undefined,
  clock: Date,
  k: number,
): Date | undefined {
  let staleAt = -Infinity;
  let judged = false;
  for (const d of streams) {
    if (d.intervalMs === null || !(d.intervalMs > 0)) continue;
    // A new life's clock starts at the repair: no data since is not staleness until then.
    const from = Math.max(d.lastAt.getTime(), start?.getTime() ?? -Infinity);
    const at = from + k * d.intervalMs;
    if (at >= clock.getTime()) return undefined;
    staleAt = Math.max(staleAt, at);
    judged = true;
  }
  return judged ? new Date(staleAt) : undefined;
}

function newest(ds: readonly Date[]): Date | null {
  let out: Date | null = null;
  for (const d of ds) if (!out || d > out) out = d;
  return out;
}

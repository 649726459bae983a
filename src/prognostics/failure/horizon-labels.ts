/**
 * Labels for "will this asset fail within H?" from an event history (maintenance records in
 * the shape maintenance-csv.ts parses). An observation at time t is positive when a failure of
 * the same asset happens in (t, t + H]: strictly after t, so the label only uses the future and
 * a failure stamped at the observation's own time (whose reading may already show it) does not
 * count; a failure exactly at t + H does. Split by asset (splitAssets), never by row: hourly
 * observations of one machine before one failure are near-copies of each other.
 */
import type { MaintenanceEvent, MaintenanceEventKind } from '../../acquisition/formats/maintenance-csv.js';
import { createRng, shuffleInPlace } from '../../maths/random.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface Observation {
  assetRef: string;
  at: Date;
}

export interface HorizonLabelOptions {
  horizonMs: number;
  /** Event kinds that count as the target (default: failures only). */
  kinds?: readonly MaintenanceEventKind[];
  /** Only events of this component (e.g. 'comp2'); every component when absent. */
  component?: string;
  /**
   * End of the event history. An observation with no event in its horizon whose horizon runs
   * past this end is censored (label null): a failure may yet come that the data does not hold.
   */
  historyEnd?: Date;
}

export interface HorizonLabel {
  /** 1: a target event in (at, at + H]; 0: none; null: censored (see historyEnd). */
  label: 0 | 1 | null;
  /** Time to the next target event of the asset after `at` (any distance), or null. */
  timeToEventMs: number | null;
  /** Component of that next event. */
  component: string | null;
}

/** First index in sorted `times` with times[i] > t. */
function firstAfter(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? Infinity) > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function labelWithinHorizon(
  observations: readonly Observation[],
  events: readonly MaintenanceEvent[],
  options: HorizonLabelOptions,
): HorizonLabel[] {
  const { horizonMs, kinds = ['failure'], component, historyEnd } = options;
  if (!(horizonMs > 0)) throw new RangeError(`horizonMs must be > 0, got ${horizonMs}`);
  const byAsset = new Map<string, MaintenanceEvent[]>();
  for (const e of events) {
    if (!kinds.includes(e.kind) || (component !== undefined && e.component !== component)) continue;
    const list = byAsset.get(e.assetRef);
    if (list) list.push(e);
    else byAsset.set(e.assetRef, [e]);
  }
  const index = new Map<string, { times: number[]; events: MaintenanceEvent[] }>();
  for (const [asset, list] of byAsset) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime());
    index.set(asset, { times: list.map((e) => e.at.getTime()), events: list });
  }
  const end = historyEnd?.getTime();
  return observations.map((o) => {
    const t = o.at.getTime();
    const entry = index.get(o.assetRef);
    const i = entry ? firstAfter(entry.times, t) : 0;
    const next = entry?.events[i];
    const dt = next ? next.at.getTime() - t : null;
    if (dt !== null && dt <= horizonMs)
      return { label: 1, timeToEventMs: dt, component: next?.component ?? null };
    const censored = end !== undefined && t + horizonMs > end;
    return { label: censored ? null : 0, timeToEventMs: dt, component: next?.component ?? null };
  });
}

/** Asset refs split into train and validation sides, deterministic for a seed. */
export function splitAssets(
  assetRefs: Iterable<string>,
  validationFraction: number,
  seed: number,
): { train: string[]; validation: string[] } {
  const unique = [...new Set(assetRefs)].sort();
  if (validationFraction <= 0 || unique.length < 2) return { train: unique, validation: [] };
  const order = shuffleInPlace([...unique], createRng(seed));
  const n = Math.min(unique.length - 1, Math.max(1, Math.round(unique.length * validationFraction)));
  return { train: order.slice(n).sort(), validation: order.slice(0, n).sort() };
}

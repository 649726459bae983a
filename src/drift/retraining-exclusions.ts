/**
 * Which assets a retraining decision rests on: drift for retraining is measured on machines
 * believed healthy. A faulty machine's features shift because of the fault, which is what the
 * health model is there to detect; pooling it in would raise a suggestion whose retraining
 * teaches the model that faults are normal. "Believed faulty" reuses what maintenance already
 * calls alarming, with its settings (PROGNOS_RULE_*), no thresholds of its own:
 *  - a work-order suggestion still open or acknowledged;
 *  - the work-order rules firing on the asset's newest forecasts (a dismissed or resolved
 *    suggestion hides the forecasts before it, as it does for work orders);
 *  - a failure recorded after the model's training data ends, not yet followed by a repair or
 *    a replacement.
 * The per-asset drift still shows such an asset; it only stops counting toward retraining.
 */
import type { Kysely } from 'kysely';
import type { DB, ModelVersion } from '../db/schema.js';
import type { RuleSettings } from '../maintenance/rule-settings.js';
import { suggestionsRepository as workOrders } from '../maintenance/suggestions.repository.js';
import { historyDepth, propose } from '../maintenance/suggestions.service.js';
import { experimentOf } from '../models/experiments.js';
import { driftRepository as repo } from './drift.repository.js';

export interface Exclusion {
  assetId: number;
  assetName: string;
  reason: string;
}

/** The end of the model's training data: its run's (or manifest's) data range, else, for a
 * model registered from outside, its registration (the latest data it can have seen). */
export async function trainedUntil(db: Kysely<DB>, row: ModelVersion): Promise<Date> {
  const { dataRange } = await experimentOf(db, row);
  const to = typeof dataRange?.to === 'string' ? new Date(dataRange.to) : undefined;
  return to && Number.isFinite(to.getTime()) ? to : row.created_at;
}

/** The reasons maintenance already has to call each asset of `assetIds` alarming (live work
 * orders, the rules on its newest forecasts): the same for every model, so a fleet check reads
 * them once per set of assets. An asset not in the map has none. */
export async function alarmedAssets(
  db: Kysely<DB>,
  assetIds: number[],
  rules: RuleSettings,
): Promise<Map<number, string[]>> {
  const reasons = new Map<number, string[]>();
  const add = (id: number, reason: string) => reasons.set(id, [...(reasons.get(id) ?? []), reason]);
  if (assetIds.length === 0) return reasons;
  const live = await repo.liveWorkOrders(db, assetIds);
  for (const w of live) add(w.asset_id, `work-order suggestion ${w.id} ${w.status}: ${w.title}`);
  const assets = await workOrders.assets(db, assetIds);
  const histories = await workOrders.recentForecasts(db, assetIds, historyDepth(rules));
  const closed = await workOrders.lastClosed(db, assetIds);
  for (const id of assetIds) {
    const asset = assets.get(id);
    const history = histories.get(id) ?? [];
    if (!asset || history.length === 0) continue;
    const here = closed.filter((c) => c.asset_id === id);
    for (const p of propose(asset, history, here, rules)) {
      // Already said by its live suggestion.
      if (live.some((w) => w.asset_id === id && w.failure_mode === p.failureMode)) continue;
      add(id, `newest forecasts: ${p.title}`);
    }
  }
  return reasons;
}

/** Why each asset of `assetIds` is believed faulty; an asset not in the map counts. Failures
 * are looked for after `failedAfter` (none: not looked for). `alarmed`: alarmedAssets of the
 * same assets, when the caller already has it. */
export async function faultyAssets(
  db: Kysely<DB>,
  assetIds: number[],
  rules: RuleSettings,
  failedAfter: Date | null,
  alarmed?: Promise<Map<number, string[]>>,
): Promise<Map<number, string>> {
  if (assetIds.length === 0) return new Map();
  // Copied: the alarms may be shared with other models' checks.
  const reasons = new Map(
    [...(await (alarmed ?? alarmedAssets(db, assetIds, rules)))].map(([id, r]) => [id, [...r]]),
  );
  const add = (id: number, reason: string) => reasons.set(id, [...(reasons.get(id) ?? []), reason]);
  if (failedAfter) {
    for (const f of await repo.failuresSince(db, assetIds, failedAfter)) {
      const what = [f.component, f.failure_mode].filter(Boolean).join(' ');
      add(
        f.asset_id,
        `failure${what ? ` (${what})` : ''} recorded ${f.occurred_at.toISOString()}, after the training data (up to ${failedAfter.toISOString()})`,
      );
    }
  }
  return new Map([...reasons].map(([id, r]) => [id, r.join('; ')]));
}

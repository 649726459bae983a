/**
 * Forecasts → work-order suggestions. `evaluateSuggestions` runs after every scoring batch: it
 * reads the recent forecasts of the batch's assets (one query), runs the rules, and upserts one
 * open suggestion per (asset, failure mode) in a short transaction per asset.
 *
 * Policy (see README.md): an open suggestion is updated in place (revision + 1) when its content
 * changes; the same evidence again changes nothing. Once a suggestion leaves 'open', the rules
 * of its failure mode only look at forecasts scored after that moment, so the evidence that was
 * dismissed, acknowledged or resolved never raises it again. After an acknowledgement a new
 * open suggestion needs that new evidence to be more urgent (escalation); after a dismissal or a
 * resolution any new finding is a new suggestion. A failed asset (its last life event is a
 * failure) gets none, and after a repair or replacement the forecasts before it are ignored.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { CoreContext } from '../app-context.js';
import type { DB, WorkOrderSuggestion } from '../db/schema.js';
import { maintenanceEventsRepository } from '../acquisition/maintenance-events.repository.js';
import { lifeStart, toLifeEvent } from '../forecasting/asset-state.js';
import { buildProposals, ruleFailureMode, type Proposal } from './proposal.js';
import { resolveRules, type RuleName, type RuleSettings } from './rule-settings.js';
import { runRules, type RuleAsset, type RuleForecast } from './rules.js';
import { toSuggestionDto } from './suggestion-dto.js';
import {
  lockSuggestionWrites,
  suggestionsRepository as repo,
  type SuggestionContent,
} from './suggestions.repository.js';
import { queueWebhook, type SuggestionWebhook } from './webhook.js';
import { outboxRepository, type WebhookEvent } from './webhook-outbox.repository.js';

export interface SuggestionDeps {
  db: Kysely<DB>;
  rules: RuleSettings;
  logger?: Logger | undefined;
  /** When set, changes go to the webhook outbox and are dispatched after commit (not awaited). */
  webhook?: SuggestionWebhook | undefined;
}

export interface EvaluationResult {
  assets: number;
  created: number[];
  updated: number[];
  unchanged: number[];
  /** Findings held back by an acknowledged suggestion of the same failure mode. */
  suppressed: number;
  /** Assets whose evaluation failed (logged); the others are committed. */
  failedAssets: number[];
}

/** The deps from the application context: what the scoring side passes in. */
export function suggestionDeps(ctx: CoreContext): SuggestionDeps {
  return {
    db: ctx.database.db,
    rules: resolveRules(ctx.config.suggestionRules),
    logger: ctx.logger,
    webhook: ctx.config.webhook ? queueWebhook(ctx.database.db, ctx.jobs, ctx.logger) : undefined,
  };
}

export async function evaluateSuggestions(
  deps: SuggestionDeps,
  forecastIds: number[],
): Promise<EvaluationResult> {
  const result: EvaluationResult = {
    assets: 0,
    created: [],
    updated: [],
    unchanged: [],
    suppressed: 0,
    failedAssets: [],
  };
  const ids = [...new Set(forecastIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
  const assetIds = await repo.assetIdsOfForecasts(deps.db, ids);
  if (assetIds.length > 0) {
    const assets = await repo.assets(deps.db, assetIds);
    const histories = await repo.recentForecasts(deps.db, assetIds, historyDepth(deps.rules));
    const closed = await repo.lastClosed(deps.db, assetIds);
    const life = await maintenanceEventsRepository.lastLifeEvents(deps.db, assetIds);
    result.assets = assetIds.length;
    const outbox: number[] = [];
    for (const assetId of assetIds) {
      const asset = assets.get(assetId)!;
      const last = life.get(assetId);
      // A failed machine needs no work order from forecasts (its failure closed the open ones);
      // after a repair or replacement only the new life's forecasts count.
      if (last?.kind === 'failure') continue;
      const start = lifeStart(last && toLifeEvent(last));
      const history = histories.get(assetId)!.filter((f) => !start || f.as_of >= start);
      // Nothing fires: nothing to create or update (suggestions are never closed automatically),
      // so a healthy fleet costs no transaction and no lock.
      const closedHere = closed.filter((c) => c.asset_id === assetId);
      if (propose(asset, history, closedHere, deps.rules).length === 0) continue;
      try {
        const written = await deps.db
          .transaction()
          .execute((tx) => evaluateAsset(tx, deps, assetId, asset, history, result));
        outbox.push(...written);
      } catch (err) {
        result.failedAssets.push(assetId);
        deps.logger?.error({ err, assetId }, 'work-order suggestion evaluation failed for an asset');
      }
    }
    if (deps.webhook) dispatch(deps, outbox);
  }
  return result;
}

/** Forecasts per asset the rules read: enough for a run of anomalies and the bearing trend. */
export function historyDepth(s: RuleSettings): number {
  return Math.max(2 * s.anomalyConsecutive, s.bearingLookback, 1);
}

/** Never awaited: a slow or failing webhook must not hold up scoring. */
export function dispatch(
  deps: { webhook?: SuggestionWebhook | undefined; logger?: Logger | undefined },
  ids: number[],
) {
  deps.webhook?.dispatch(ids).catch((err: unknown) => deps.logger?.warn({ err }, 'webhook dispatch failed'));
}

async function evaluateAsset(
  tx: Transaction<DB>,
  deps: SuggestionDeps,
  assetId: number,
  asset: RuleAsset,
  history: RuleForecast[],
  result: EvaluationResult,
): Promise<number[]> {
  await lockSuggestionWrites(tx);
  const open = await repo.openForAsset(tx, assetId);
  const closedRows = await repo.lastClosed(tx, [assetId]);
  const closed = new Map(closedRows.map((c) => [c.failure_mode, c]));
  const proposals = propose(asset, history, closedRows, deps.rules);
  const changes: Array<{ id: number; event: WebhookEvent }> = [];
  for (const p of proposals) {
    const content = toContent(p);
    const existing = open.find((o) => o.failure_mode === p.failureMode);
    if (existing) {
      if (sameContent(existing, content)) {
        result.unchanged.push(existing.id);
        continue;
      }
      await repo.updateContent(tx, existing.id, content);
      result.updated.push(existing.id);
      changes.push({ id: existing.id, event: 'suggestion.updated' });
      continue;
    }
    const last = closed.get(p.failureMode);
    if (last?.status === 'acknowledged' && p.priority >= last.priority) {
      result.suppressed += 1;
      continue;
    }
    const id = await repo.insert(tx, assetId, p.failureMode, content);
    result.created.push(id);
    changes.push({ id, event: 'suggestion.created' });
  }
  if (!deps.webhook || changes.length === 0) return [];
  const rows = new Map(
    (
      await repo.getMany(
        tx,
        changes.map((c) => c.id),
      )
    ).map((r) => [r.id, r]),
  );
  return outboxRepository.add(
    tx,
    changes.map((c) => ({ event: c.event, suggestion: toSuggestionDto(rows.get(c.id)!) })),
  );
}

/** The rules of a failure mode only see forecasts scored after its last suggestion left 'open'.
 * Exported for the drift check, which leaves assets with pending findings out of retraining. */
export function propose(
  asset: RuleAsset,
  history: RuleForecast[],
  closed: WorkOrderSuggestion[],
  rules: RuleSettings,
): Proposal[] {
  const cutoffs = new Map(closed.map((c) => [c.failure_mode, c.status_changed_at]));
  const historyFor = (rule: RuleName) => {
    const cutoff = cutoffs.get(ruleFailureMode(rule));
    return cutoff ? history.filter((f) => f.scored_at > cutoff) : history;
  };
  return buildProposals(asset.name, runRules(historyFor, asset, rules));
}

function toContent(p: Proposal): SuggestionContent {
  return {
    failure_mechanism: p.failureMechanism,
    component: p.component,
    rules: p.rules,
    priority: p.priority,
    title: p.title,
    description: p.description,
    recommended_action: p.recommendedAction,
    due_at: p.dueAt,
    evidence: p.evidence,
    forecast_ids: p.forecastIds,
  };
}

function sameContent(row: WorkOrderSuggestion, c: SuggestionContent): boolean {
  return (
    row.priority === c.priority &&
    row.due_at.getTime() === c.due_at.getTime() &&
    row.failure_mechanism === c.failure_mechanism &&
    row.component === c.component &&
    row.title === c.title &&
    row.description === c.description &&
    row.recommended_action === c.recommended_action &&
    row.rules.join(',') === c.rules.join(',') &&
    row.forecast_ids.join(',') === c.forecast_ids.join(',')
  );
}

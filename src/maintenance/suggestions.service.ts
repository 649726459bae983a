/**
 * Forecasts → work-order suggestions. `evaluateSuggestions` runs after every scoring batch: it
 * reads the recent forecasts of the batch's assets (one query), runs the rules, and keeps one
 * open suggestion per (asset, failure mode) in a short transaction per asset.
 *
 * Policy (see README.md): rules raise on persistent evidence (K of the last N forecasts); a more
 * urgent finding supersedes the open suggestion of its failure mode (a new row, the old one
 * 'superseded' and pointing to it), an equally or less urgent one changes nothing; an open
 * suggestion whose condition stayed below its thresholds for the clear run is resolved. Once a
 * suggestion leaves 'open' (other than superseded), the rules of its failure mode only look at
 * forecasts scored after that moment, so the evidence that was dismissed, acknowledged or
 * resolved never raises it again. After an acknowledgement a new
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
import { buildProposals, type Proposal } from './proposal.js';
import { resolveRules, type RuleName, type RuleSettings } from './rule-settings.js';
import { clearedReason } from './clearing.js';
import { ruleFailureMode, runRules, type RuleAsset, type RuleForecast } from './rules.js';
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
  /** Open suggestions a more urgent one of the same failure mode replaced (status superseded). */
  superseded: number[];
  /** Open suggestions whose condition cleared (status resolved, note "condition cleared: …"). */
  resolved: number[];
  /** Open suggestions the findings did not change (as urgent or less: nothing to tell the CMMS). */
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
    superseded: [],
    resolved: [],
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
    const open = await repo.openForAssets(deps.db, assetIds);
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
      // Decided first on the batch's reads: when nothing is to be written (a healthy asset, or
      // one whose open suggestion already asks for this work and does not clear) there is no
      // transaction and no lock. The transaction decides again on the rows it re-reads.
      const pre = plan(
        asset,
        history,
        open.filter((o) => o.asset_id === assetId),
        closed.filter((c) => c.asset_id === assetId),
        deps.rules,
      );
      if (!writes(pre)) {
        result.unchanged.push(...pre.unchanged);
        result.suppressed += pre.suppressed;
        continue;
      }
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

/** Forecasts per asset the rules read: a run of anomalies, the bearing trend, the raise window
 * and the clear run. */
export function historyDepth(s: RuleSettings): number {
  return Math.max(2 * s.anomalyConsecutive, s.bearingLookback, s.raiseWindow, s.clearCount, 1);
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
  const closed = await repo.lastClosed(tx, [assetId]);
  const pl = plan(asset, history, open, closed, deps.rules);
  result.unchanged.push(...pl.unchanged);
  result.suppressed += pl.suppressed;
  // Raised on the data's clock: the newest forecast's as-of (replayed history included).
  const createdAt = history[0]?.as_of;
  const changes: Array<{ id: number; event: WebhookEvent }> = [];
  for (const { p, old } of pl.raise) {
    const content = toContent(p);
    if (old) {
      const id = await supersede(tx, assetId, old, p, content, createdAt);
      result.superseded.push(old.id);
      result.created.push(id);
      changes.push({ id: old.id, event: 'suggestion.superseded' }, { id, event: 'suggestion.created' });
      continue;
    }
    const id = await repo.insert(tx, assetId, p.failureMode, content, createdAt ? { createdAt } : {});
    result.created.push(id);
    changes.push({ id, event: 'suggestion.created' });
  }
  for (const { o, reason } of pl.resolve) {
    await repo.setStatus(tx, o.id, { status: 'resolved', note: `${CLEARED}${reason}` });
    result.resolved.push(o.id);
    changes.push({ id: o.id, event: 'suggestion.resolved' });
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

/** What the findings do to one asset's suggestions, from its open rows and its last closed ones
 * (pure). */
interface Plan {
  /** New suggestions in proposal order; with `old`, superseding that open one. */
  raise: Array<{ p: Proposal; old?: WorkOrderSuggestion }>;
  /** Open suggestions whose condition cleared, and why. */
  resolve: Array<{ o: WorkOrderSuggestion; reason: string }>;
  /** Open suggestions an as urgent or less urgent finding leaves as they are. */
  unchanged: number[];
  /** Findings held back by an acknowledged suggestion of their failure mode. */
  suppressed: number;
}

const writes = (pl: Plan) => pl.raise.length > 0 || pl.resolve.length > 0;

function plan(
  asset: RuleAsset,
  history: RuleForecast[],
  open: WorkOrderSuggestion[],
  closedRows: WorkOrderSuggestion[],
  rules: RuleSettings,
): Plan {
  const closed = new Map(closedRows.map((c) => [c.failure_mode, c]));
  const proposals = propose(asset, history, closedRows, rules);
  const pl: Plan = { raise: [], resolve: [], unchanged: [], suppressed: 0 };
  for (const p of proposals) {
    const existing = open.find((o) => o.failure_mode === p.failureMode);
    if (existing) {
      // As urgent or less: the open suggestion already asks for this work; no duplicate, no churn.
      if (p.priority >= existing.priority) pl.unchanged.push(existing.id);
      else pl.raise.push({ p, old: existing });
      continue;
    }
    const last = closed.get(p.failureMode);
    if (last?.status === 'acknowledged' && p.priority >= last.priority) pl.suppressed += 1;
    else pl.raise.push({ p });
  }
  const firing = new Set(proposals.map((p) => p.failureMode));
  for (const o of open) {
    if (firing.has(o.failure_mode)) continue;
    const reason = clearedReason(o, history, asset, rules);
    if (reason !== null) pl.resolve.push({ o, reason });
  }
  return pl;
}

/** How the status note of a suggestion resolved because its condition cleared begins. */
const CLEARED = 'condition cleared: ';

/** The escalation: the open row becomes 'superseded' (first, for the one-open-row index), the
 * new one is inserted carrying the chain of what it replaced, and the old row points to it. */
async function supersede(
  tx: Transaction<DB>,
  assetId: number,
  old: WorkOrderSuggestion,
  p: Proposal,
  content: SuggestionContent,
  createdAt: Date | undefined,
): Promise<number> {
  await repo.setStatus(tx, old.id, { status: 'superseded' });
  const chain = [
    { id: old.id, priority: old.priority, title: old.title, createdAt: old.created_at.toISOString() },
    ...(Array.isArray(old.evidence.supersedes) ? (old.evidence.supersedes as unknown[]) : []),
  ];
  const id = await repo.insert(
    tx,
    assetId,
    p.failureMode,
    {
      ...content,
      description: `${content.description}\nEscalates suggestion ${old.id} (P${old.priority}, raised ${old.created_at.toISOString()}): ${old.title}`,
      evidence: { ...content.evidence, supersedes: chain },
    },
    { ...(createdAt ? { createdAt } : {}), supersedesId: old.id },
  );
  await repo.linkSuperseded(tx, old.id, id, `superseded by suggestion ${id} (P${p.priority}): ${p.title}`);
  return id;
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
    const cutoff = cutoffs.get(ruleFailureMode(rule, history[0]));
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

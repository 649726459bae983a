import { SuggestionActions } from '../maintenance/suggestion-actions.service.js';
import { suggestionsRepository } from '../maintenance/suggestions.repository.js';
import { evaluateSuggestions, suggestionDeps } from '../maintenance/suggestions.service.js';
import { openCliContext } from './cli-context.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = `prognos suggestions evaluate [--asset ID]
       prognos suggestions list [--status open|acknowledged|dismissed|resolved|superseded] [--limit N]`;
const STATUSES = ['open', 'acknowledged', 'dismissed', 'resolved', 'superseded'] as const;

/** Re-runs the work-order rules on each asset's latest forecast (after changing PROGNOS_RULE_*),
 * and lists suggestions. */
export const suggestionsCommand: Command = {
  name: 'suggestions',
  summary: 'Evaluate and list work-order suggestions',
  usage: USAGE,
  async run(args) {
    const parsed = parseFlags({
      args,
      allowPositionals: true,
      options: { asset: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
    });
    const [action] = parsed.positionals;
    const { asset, status, limit } = parsed.values;
    const assetId = asset === undefined ? undefined : Number(asset);
    if (assetId !== undefined && !(Number.isInteger(assetId) && assetId > 0))
      throw new UsageError('--asset must be a positive integer');
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const n = limit === undefined ? 50 : Number(limit);
    if (!(Number.isInteger(n) && n >= 1 && n <= 500)) throw new UsageError('--limit must be from 1 to 500');
    if (action !== 'evaluate' && action !== 'list') throw new UsageError('action must be evaluate or list');

    const ctx = await openCliContext();
    try {
      if (action === 'evaluate') {
        const ids = await suggestionsRepository.latestForecastIds(ctx.database.db, assetId);
        const r = await evaluateSuggestions(suggestionDeps(ctx), ids);
        process.stdout.write(
          `${r.assets} asset(s): ${r.created.length} created, ${r.superseded.length} superseded, ` +
            `${r.resolved.length} resolved, ${r.unchanged.length} unchanged, ${r.suppressed} suppressed, ${r.failedAssets.length} failed\n`,
        );
        return r.failedAssets.length > 0 ? 1 : 0;
      }
      const page = await new SuggestionActions({ db: ctx.database.db }).list({
        status: status as (typeof STATUSES)[number] | undefined,
        asset_id: assetId,
        limit: n,
      });
      for (const s of page.items) {
        process.stdout.write(
          `${String(s.id).padEnd(6)} P${s.priority} ${s.status.padEnd(12)} ${s.failureMode} ${s.dueAt.slice(0, 10)}  ${s.title}\n`,
        );
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

import { versionFiles } from '../models/cards/cards.js';
import { experimentOf } from '../models/experiments.js';
import { toModelVersionBody } from '../models/models.routes.js';
import { modelCard } from './models-card.js';
import { openCliContext } from './cli-context.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = `prognos models list [--name NAME] [--status candidate|active|archived] [--json]
       prognos models show NAME VERSION
       prognos models compare NAME A B
       prognos models card NAME VERSION [--out DIR] [--regenerate]
       prognos models promote NAME VERSION [--reason TEXT]
       prognos models rollback NAME [--reason TEXT]
       prognos models archive NAME VERSION
       prognos models register NAME DIR`;

function version(v: string | undefined): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1)
    throw new UsageError(`VERSION must be a positive integer, got "${v ?? ''}"`);
  return n;
}

/** The model registry for data scientists: list, compare, promote, roll back, archive. */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'List, show, compare, promote, roll back and archive model versions; their model cards',
  usage: USAGE,
  async run(args) {
    const parsed = parseFlags({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        status: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        regenerate: { type: 'boolean', default: false },
      },
    });
    const [action, name, a, b] = parsed.positionals;
    const { values } = parsed;
    if (!action) throw new UsageError('an action is required');
    if (action !== 'list' && !name) throw new UsageError('NAME is required');
    const ctx = await openCliContext();
    const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    try {
      switch (action) {
        case 'list': {
          const rows = await ctx.models.list({ name: values.name, status: values.status });
          if (values.json) return (out(rows.map((r) => toModelVersionBody(r))), 0);
          const lines = rows.map(
            (r) =>
              `${r.name.padEnd(28)} v${String(r.version).padEnd(4)} ${r.status.padEnd(10)} ${r.kind.padEnd(9)} ${r.feature_set_name}@${r.feature_set_hash.slice(0, 10)}  ${summarise(r.metrics)}`,
          );
          process.stdout.write(`${lines.join('\n') || 'no models registered'}\n`);
          return 0;
        }
        case 'show': {
          const row = await ctx.models.get(name!, version(a));
          const files = await versionFiles(ctx.models.modelsDir, row);
          return (
            out({ ...toModelVersionBody(row, true), files, ...(await experimentOf(ctx.database.db, row)) }),
            0
          );
        }
        case 'card':
          return await modelCard(ctx, name!, version(a), { out: values.out, regenerate: values.regenerate });
        case 'compare':
          return (out(await ctx.models.compare(name!, version(a), version(b))), 0);
        case 'promote':
          return (
            out(toModelVersionBody(await ctx.models.promote(name!, version(a), { reason: values.reason }))),
            0
          );
        case 'rollback':
          return (out(toModelVersionBody(await ctx.models.rollback(name!, values.reason))), 0);
        case 'archive':
          return (out(toModelVersionBody(await ctx.models.archive(name!, version(a)))), 0);
        case 'register':
          if (!a) throw new UsageError('DIR is required');
          return (out(toModelVersionBody(await ctx.models.register({ name: name!, sourceDir: a }))), 0);
        default:
          throw new UsageError(`unknown action "${action}"`);
      }
    } finally {
      await ctx.close();
    }
  },
};

function summarise(metrics: Record<string, unknown>): string {
  return Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${Number(v).toPrecision(4)}`)
    .join(' ');
}

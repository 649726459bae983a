import cliProgress from 'cli-progress';
import { describeParams, missingParam, TRAINING_PARAMS } from '../training/training-params.js';
import { toRunBody } from '../training/training.routes.js';
import { openCliContext } from './cli-context.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE =
  'prognos train --model NAME --kind rul|health [--params JSON] [--set key=value]... [--auto-promote] [--no-wait]\n' +
  '       prognos train --kind rul|health --help   (the parameters of a kind)';
const KINDS = Object.keys(TRAINING_PARAMS) as (keyof typeof TRAINING_PARAMS)[];

/** Starts a training run on the queue and, unless --no-wait, follows it with a progress bar.
 * Without REDIS_URL the run executes in this process, so the command always waits. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'Start a training run (and follow its progress)',
  usage: USAGE,
  help(args) {
    const i = args.findIndex((a) => a === '--kind' || a.startsWith('--kind='));
    const kind = i < 0 ? undefined : args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
    const kinds = KINDS.filter((k) => kind === undefined || k === kind);
    return (kinds.length ? kinds : KINDS).map(describeParams).join('\n\n');
  },
  async run(args) {
    const { values } = parseFlags({
      args,
      options: {
        model: { type: 'string' },
        kind: { type: 'string', default: 'rul' },
        params: { type: 'string' },
        set: { type: 'string', multiple: true },
        'auto-promote': { type: 'boolean', default: false },
        'no-wait': { type: 'boolean', default: false },
      },
    });
    if (!values.model) throw new UsageError('--model is required');
    const kind = values.kind as (typeof KINDS)[number];
    if (!KINDS.includes(kind))
      throw new UsageError(`--kind must be ${KINDS.join(' or ')}, got "${values.kind}"`);
    let params: Record<string, unknown> = {};
    if (values.params) {
      try {
        params = JSON.parse(values.params) as Record<string, unknown>;
      } catch {
        throw new UsageError('--params must be a JSON object');
      }
    }
    for (const kv of values.set ?? []) {
      const eq = kv.indexOf('=');
      if (eq < 1) throw new UsageError(`--set expects key=value, got "${kv}"`);
      const raw = kv.slice(eq + 1);
      params[kv.slice(0, eq)] = setValue(kv.slice(0, eq), raw);
    }
    const missing = missingParam(kind, params);
    if (missing)
      throw new UsageError(
        `${missing.message}; set it with --set ${missing.name}=… (prognos train --kind ${kind} --help lists the parameters)`,
      );
    const ctx = await openCliContext();
    try {
      const run = await ctx.training.start({
        modelName: values.model,
        kind,
        params,
        autoPromote: values['auto-promote'],
      });
      process.stderr.write(`training run ${run.id} queued (job ${run.job_id})\n`);
      if (values['no-wait'] && ctx.jobs.mode === 'bullmq') {
        process.stdout.write(`${JSON.stringify(toRunBody(run))}\n`);
        return 0;
      }
      const bar = new cliProgress.SingleBar(
        {
          format: ' {bar} {percentage}% | {phase} | ETA {eta_formatted}',
          noTTYOutput: true,
          notTTYSchedule: 5000,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(100, 0, { phase: 'queued' });
      let current = run;
      while (!['completed', 'failed', 'cancelled'].includes(current.status)) {
        await new Promise((r) => setTimeout(r, 1000));
        current = await ctx.training.get(run.id);
        const p = current.progress as { percent?: number; phase?: string };
        bar.update(p.percent ?? 0, { phase: p.phase ?? current.status });
      }
      bar.stop();
      process.stdout.write(`${JSON.stringify(toRunBody(current))}\n`);
      return current.status === 'completed' ? 0 : 1;
    } finally {
      await ctx.close();
    }
  },
};

/** `--set` values: numbers, booleans and JSON arrays/objects (`assetIds=[3,4]`) as such. */
function setValue(key: string, raw: string): unknown {
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new UsageError(`--set ${key}: "${raw}" looks like JSON but does not parse`);
    }
  }
  return raw;
}

import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { createContext } from '../context.js';
import { toRunBody } from '../training/training.routes.js';
import { UsageError, type Command } from './command.js';

const USAGE =
  'prognos train --model NAME --kind rul|health|failure [--params JSON] [--set key=value]... [--auto-promote] [--no-wait]';

/** Starts a training run on the queue and, unless --no-wait, follows it with a progress bar.
 * Without REDIS_URL the run executes in this process, so the command always waits. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'Start a training run (and follow its progress)',
  usage: USAGE,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          model: { type: 'string' },
          kind: { type: 'string', default: 'rul' },
          params: { type: 'string' },
          set: { type: 'string', multiple: true },
          'auto-promote': { type: 'boolean', default: false },
          'no-wait': { type: 'boolean', default: false },
        },
      }));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (!values.model) throw new UsageError('--model is required');
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
      params[kv.slice(0, eq)] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
    const ctx = await createContext(loadConfig());
    try {
      const run = await ctx.training.start({
        modelName: values.model,
        kind: values.kind as 'rul',
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

/**
 * `prognos eval twin`: simulates a fleet with the twin, trains on what happened before the cut,
 * streams the rest through the production loop and scores the advice against the twin's truth
 * (src/cli/eval-twin-replay.ts, src/evaluation/twin/score-advice.ts). Runs on its own embedded
 * database in memory and a temporary model registry, so it never touches a deployment's data.
 * Progress goes to stderr; the last stdout line is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createContext } from '../context.js';
import { stderrLogger } from './cli-context.js';
import { parseFlags, UsageError, type Command } from './command.js';
import { runTwinEval } from './eval-twin-replay.js';

const USAGE = 'prognos eval twin [--seed N] [--machines M] [--days D] [--cut-days C]';

// The demo's fleet: with seed 4, six of 12 machines fail before day 120 and three after it
// (7–14 days into the replay), three never degrade — failures on both sides of the cut.
const DEFAULTS = { seed: 4, machines: 12, days: 180, cutDays: 120 };

function intFlag(value: string | undefined, flag: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export const evalTwinCommand: Command = {
  name: 'eval twin',
  summary: 'Replay a simulated fleet through the live loop and score its advice against the truth',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = argv[0] === 'twin' ? argv.slice(1) : argv;
    const { values } = parseFlags({
      args,
      options: {
        seed: { type: 'string' },
        machines: { type: 'string' },
        days: { type: 'string' },
        'cut-days': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const seed = intFlag(values.seed, 'seed', 0, DEFAULTS.seed);
    const machines = intFlag(values.machines, 'machines', 1, DEFAULTS.machines);
    const days = intFlag(values.days, 'days', 2, DEFAULTS.days);
    const cutDays = intFlag(values['cut-days'], 'cut-days', 1, DEFAULTS.cutDays);
    if (cutDays >= days) throw new UsageError(`--cut-days (${cutDays}) must be below --days (${days})`);

    const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-eval-twin-'));
    const config = loadConfig({
      PROGNOS_DATA_DIR: 'memory://',
      PROGNOS_MODELS_DIR: modelsDir,
      PROGNOS_AUTH: 'off',
      PROGNOS_LIVE_LOOP: 'on',
      PROGNOS_LOOP_DEBOUNCE_MS: '0',
      PROGNOS_SCORING_INTERVAL_MINUTES: '0',
      LOG_LEVEL: 'warn',
    });
    const ctx = await createContext(config, { logger: stderrLogger(config) });
    const app = await buildApp(ctx);
    const log = (line: string) => void process.stderr.write(`${line}\n`);
    try {
      await app.ready();
      log(`eval twin: seed ${seed}, ${machines} machines, ${days} days, cut at day ${cutDays}`);
      const r = await runTwinEval(ctx, app, {
        seed,
        machines,
        days,
        cutDays,
        horizonHours: config.failureHorizonHours,
        log,
      });
      for (const m of r.perMachine)
        log(
          `  ${m.machine.padEnd(10)} ${m.mode.padEnd(13)} failure ${m.failureAt ?? '—'}  first suggestion after the cut ${m.firstSuggestionAt ?? '—'}`,
        );
      log(
        `${r.captures} captures replayed, ${r.forecasts} forecasts written by the live loop; ${r.failuresBeforeCut} failures before the cut (training labels)`,
      );
      const s = r.score;
      log(
        `RUL scored at ${s.rul_points} machine-days; mean 80 % interval width ${s.interval_width_h?.toFixed(0) ?? '—'} h`,
      );
      const round = (x: number | null, d = 1) => (x === null ? null : Number(x.toFixed(d)));
      process.stdout.write(
        `${JSON.stringify({
          machines: s.machines,
          failures: s.failures,
          detected: s.detected,
          median_lead_time_h: round(s.median_lead_time_h),
          false_alarms_per_machine_month: round(s.false_alarms_per_machine_month, 3),
          rul_mae_h: round(s.rul_mae_h),
          interval_coverage: round(s.interval_coverage, 3),
          top3_precision: round(s.top3_precision, 3),
        })}\n`,
      );
      return 0;
    } finally {
      await app.close();
      await ctx.close();
      rmSync(modelsDir, { recursive: true, force: true });
    }
  },
};

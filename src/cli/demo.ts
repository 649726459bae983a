/**
 * `prognos demo`: the one-command tour. Starts the API and dashboard (embedded PGlite and
 * in-process jobs by default; PostgreSQL and BullMQ when DATABASE_URL and REDIS_URL are set,
 * with this process running the BullMQ workers too), then sets up a simulated fleet end to end
 * (src/demo/setup.ts: history, features, health and RUL models, forecasts, work-order
 * suggestions), prints the URL and a fresh admin API key, and streams the fleet on live so
 * forecasts keep moving. Running it again on the same data reuses what is stored.
 */
import { loadConfig } from '../config.js';
import { streamDemoLive } from '../demo/live.js';
import { DEMO_DEFAULTS } from '../demo/plan.js';
import { issueDemoKey, runDemoSetup, type DemoReporter, type DemoStage } from '../demo/setup.js';
import { startWorkers, type WorkerPool } from '../jobs/bullmq-workers.js';
import { scheduleJobs } from '../jobs/schedules.js';
import { onShutdown } from '../lifecycle.js';
import { startServer } from '../server.js';
import { stderrLogger } from './cli-context.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = 'prognos demo [--speedup X] [--live-days D] [--no-live]';

const LABELS: Record<DemoStage, string> = {
  simulate: 'simulate + store history',
  features: 'extract features',
  'train-health': 'train health model',
  'train-rul': 'train RUL model',
  score: 'score fleet + work orders',
  drift: 'check drift (retraining)',
};

function parse(args: string[]) {
  const { values } = parseFlags({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      speedup: { type: 'string', default: '3600' },
      'live-days': { type: 'string' },
      'no-live': { type: 'boolean', default: false },
    },
  });
  const speedup = Number(values.speedup);
  if (!(speedup > 0)) throw new UsageError(`--speedup must be a number > 0, got "${values.speedup}"`);
  const liveDays = values['live-days'] === undefined ? undefined : Number(values['live-days']);
  if (liveDays !== undefined && !(liveDays > 0))
    throw new UsageError(`--live-days must be a number > 0, got "${values['live-days']}"`);
  return { speedup, liveDays, live: !values['no-live'] };
}

/** One line per stage; on a terminal, the running stage's progress on a line redrawn in place. */
function terminalReporter(out: NodeJS.WriteStream): DemoReporter {
  const tty = out.isTTY === true;
  let lastDraw = 0;
  return {
    progress(stage, fraction, detail) {
      if (!tty || Date.now() - lastDraw < 200) return;
      lastDraw = Date.now();
      const pct = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);
      out.write(
        `\r\x1b[2K  … ${LABELS[stage].padEnd(26)} ${pct}  ${detail}`.slice(0, (out.columns || 100) + 6),
      );
    },
    done(stage, seconds, summary) {
      out.write(
        `${tty ? '\r\x1b[2K' : ''}  ✓ ${LABELS[stage].padEnd(26)} ${seconds.toFixed(1).padStart(6)} s  ${summary}\n`,
      );
    },
  };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Simulate a fleet, train and score it, and serve the API and dashboard with live data',
  usage: USAGE,
  async run(args) {
    const opts = parse(args);
    const config = loadConfig();
    const out = process.stdout;
    const t0 = performance.now();
    const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
    out.write('Prognos demo: setting up a simulated fleet (first run ~1–3 min; re-runs reuse stored data)\n');
    // The console is for the stage lines and the live status: logs go to stderr, and the
    // dashboard's requests are logged at debug only.
    const { app, ctx, url } = await startServer(config, {
      handleSignals: false,
      logger: stderrLogger(config),
      app: { quietRequests: true },
    });
    let pool: WorkerPool | undefined;
    if (config.redisUrl) {
      // Nobody else runs `prognos worker` for the demo: this process consumes the queues.
      pool = await startWorkers({
        handlers: ctx.jobHandlers,
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        logger: ctx.logger,
      });
      await scheduleJobs(ctx);
    }
    const stop = new AbortController();
    onShutdown(ctx.logger, config.shutdownTimeoutMs, [
      async () => stop.abort(),
      () => app.close(),
      async () => pool?.close(),
      () => ctx.close(),
    ]);
    out.write(
      `  ✓ ${'start API'.padEnd(26)} ${secs().padStart(6)} s  ` +
        `${ctx.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}, ` +
        `jobs ${ctx.jobs.mode === 'bullmq' ? 'on BullMQ (workers in this process)' : 'in-process'}\n`,
    );
    const setup = await runDemoSetup(ctx, DEMO_DEFAULTS, terminalReporter(out));
    const key = await issueDemoKey(ctx);
    out.write(
      [
        '',
        `Set-up done in ${secs()} s: ${setup.assets.length} assets, ${setup.forecasts} forecasts, ${setup.suggestions} work-order suggestions.`,
        '',
        `Prognos is running at ${url}`,
        `  dashboard:           ${url}/`,
        `  API docs (OpenAPI):  ${url}/docs`,
        `  admin API key:       ${key.key}`,
        `                       (shown once; each demo run revokes the previous demo key)`,
        `  try:                 curl -H 'authorization: Bearer ${key.key}' ${url}/v1/fleet/risk`,
        config.auth ? '' : '  (PROGNOS_AUTH=off: the API accepts requests without a key)',
        opts.live
          ? `Streaming the fleet live at ${opts.speedup}× real time; Ctrl+C to stop.`
          : 'Live stream off (--no-live); Ctrl+C to stop.',
        '',
      ]
        .filter((l, i, a) => l !== '' || a[i - 1] !== '')
        .join('\n') + '\n',
    );
    if (opts.live) {
      const result = await streamDemoLive(ctx, DEMO_DEFAULTS, {
        speedup: opts.speedup,
        ...(opts.liveDays ? { days: opts.liveDays } : {}),
        signal: stop.signal,
        onStart: (from, machines) =>
          out.write(`live: ${machines} machines from ${from.toISOString().slice(0, 16)}Z (simulated time)\n`),
        onTick: (t) => {
          const top = t.top.length
            ? `top risk: ${t.top
                .map(
                  (a) =>
                    `${a.name.replace(/ \(.*\)$/, '')} ${a.risk.toFixed(2)}` +
                    (a.rulHours === null ? '' : ` (RUL ${Math.round(a.rulHours)} h)`),
                )
                .join(', ')}`
            : 'no forecast yet';
          const failed = t.failures.length ? `; FAILED: ${t.failures.join(', ')}` : '';
          const errors = t.errors ? `; ${t.errors} capture(s) not processed (see log)` : '';
          out.write(
            `live ${t.at.toISOString().slice(0, 16)}Z  ${t.captures} captures scored; ${top}${failed}${errors}\n`,
          );
        },
      });
      if (!result.aborted)
        out.write(`live: stream ended at ${result.until ?? '-'}; the API keeps running.\n`);
    }
    await new Promise(() => {});
    return 0;
  },
};

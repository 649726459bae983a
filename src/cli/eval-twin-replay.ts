/**
 * The replay behind `prognos eval twin`: a twin fleet's history up to the cut is stored and the
 * demo's models are trained on it (the demo's own set-up, so the evaluation measures what a new
 * user gets); then the rest plays through the API as a plant would send it — temperature
 * readings, vibration captures, and failures as a CMMS records them — while the production loop
 * extracts, scores and advises by itself. Once a simulated day, after the loop has caught up,
 * the fleet ranking and the open suggestions are read back over the API: what a reliability
 * engineer and a CMMS would see. The twin's truth (failure times, true RUL) is kept beside the
 * replay for scoring only (src/evaluation/twin/score-advice.ts); nothing of it is sent.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { runDemoSetup, type DemoReporter } from '../demo/setup.js';
import * as repo from '../demo/demo.repository.js';
import { continuationFleet, DEMO_DEFAULTS, fullFleet, type DemoOptions } from '../demo/plan.js';
import {
  scoreAdvice,
  type AdviceScore,
  type Checkpoint,
  type MachineGroundTruth,
  type SuggestionOpened,
} from '../evaluation/twin/score-advice.js';
import { InlineJobQueue } from '../jobs/inline-queue.js';
import { streamLive, TEMPERATURE_SENSOR, VIBRATION_SENSOR } from '../twin/index.js';

const DAY_MS = 86_400_000;
const PREFIX = 'eval';

export interface TwinEvalOptions {
  seed: number;
  machines: number;
  days: number;
  cutDays: number;
  horizonHours: number;
  log: (line: string) => void;
}

export interface TwinEvalResult {
  score: AdviceScore;
  failuresBeforeCut: number;
  captures: number;
  /** Forecasts the loop wrote during the replay (none would mean the loop never ran). */
  forecasts: number;
  perMachine: Array<{
    machine: string;
    mode: string;
    failureAt: string | null;
    firstSuggestionAt: string | null;
  }>;
}

async function call<T>(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<T> {
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res.json<T>();
}

interface RiskItem {
  asset: { externalRef: string | null };
  forecast: { rul: { hours: number; lowerHours: number | null; upperHours: number | null } | null } | null;
  section: string;
  rank: number | null;
  state: string;
}

interface SuggestionItem {
  asset: { externalRef: string | null };
  createdAt: string;
  status: string;
}

const machineOf = (ref: string | null) =>
  ref?.startsWith(`${PREFIX}.`) ? ref.slice(PREFIX.length + 1) : null;

/** Every suggestion matching the query, over all pages. */
async function allSuggestions(app: FastifyInstance, query: string): Promise<SuggestionItem[]> {
  const out: SuggestionItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: SuggestionItem[]; nextCursor: string | null } = await call(
      app,
      'GET',
      `/v1/work-order-suggestions?limit=500${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.items.length > 0 ? page.nextCursor : null;
  } while (cursor);
  return out;
}

/** Waits until the loop has turned everything stored into forecasts and advice. */
async function caughtUp(ctx: AppContext): Promise<void> {
  for (let i = 0; i < 3; i++) {
    if (ctx.jobs instanceof InlineJobQueue) await ctx.jobs.idle();
    await ctx.scoring.settled();
  }
}

export async function runTwinEval(
  ctx: AppContext,
  app: FastifyInstance,
  o: TwinEvalOptions,
): Promise<TwinEvalResult> {
  const plan: DemoOptions = {
    ...DEMO_DEFAULTS,
    seed: o.seed,
    machines: o.machines,
    fleetDays: o.days,
    historyDays: o.cutDays,
    prefix: PREFIX,
  };
  const full = fullFleet(plan);
  const startMs = Date.parse(full.start);
  const fromMs = startMs + o.cutDays * DAY_MS;
  const toMs = startMs + o.days * DAY_MS;
  const truth: MachineGroundTruth[] = full.machines.map((m) => {
    const eol = m.degradation.mode === 'none' ? null : startMs + m.degradation.endOfLifeDay * DAY_MS;
    return { machineId: m.id, degrades: eol !== null, failureAtMs: eol !== null && eol < toMs ? eol : null };
  });

  const reporter: DemoReporter = {
    progress() {},
    done: (stage, seconds, summary) =>
      o.log(`${stage.padEnd(12)} ${seconds.toFixed(1).padStart(6)} s  ${summary}`),
  };
  await runDemoSetup(ctx, plan, reporter);

  const db = ctx.database.db;
  const assets = await repo.demoAssets(db, PREFIX);
  const byMachine = new Map(assets.map((a) => [a.externalRef.slice(PREFIX.length + 1), a]));
  const sensors = await repo.sensorIds(
    db,
    assets.map((a) => a.id),
  );
  const sensorOf = (machineId: string, sensor: string) =>
    sensors.get(byMachine.get(machineId)!.id)!.get(sensor)!;

  const before = await repo.countRows(
    db,
    assets.map((a) => a.id),
  );
  const fleet = continuationFleet(full, o.cutDays, o.days - o.cutDays);
  const pending = new Map<string, { ts: string; value: number }[]>();
  const trueRul: Record<string, number | null> = {};
  const checkpoints: Checkpoint[] = [];
  let nextCp = fromMs + DAY_MS;
  let captures = 0;
  const t0 = performance.now();

  const flushReadings = async (machineId: string) => {
    const batch = pending.get(machineId);
    if (!batch?.length) return;
    pending.set(machineId, []);
    await call(app, 'POST', `/v1/sensors/${sensorOf(machineId, TEMPERATURE_SENSOR)}/readings`, {
      readings: batch,
    });
  };

  const checkpoint = async (atMs: number) => {
    for (const id of pending.keys()) await flushReadings(id);
    await caughtUp(ctx);
    const risk: { items: RiskItem[] } = await call(app, 'GET', '/v1/fleet/risk?limit=5000');
    const open = await allSuggestions(app, '&status=open');
    const openBy = new Map<string, number>();
    for (const s of open) {
      const m = machineOf(s.asset.externalRef);
      if (m) openBy.set(m, (openBy.get(m) ?? 0) + 1);
    }
    checkpoints.push({
      atMs,
      trueRulHours: { ...trueRul },
      items: risk.items.flatMap((r) => {
        const machineId = machineOf(r.asset.externalRef);
        if (!machineId) return [];
        return [
          {
            machineId,
            state: r.state,
            section: r.section,
            rank: r.rank,
            rulHours: r.forecast?.rul?.hours ?? null,
            rulLowerHours: r.forecast?.rul?.lowerHours ?? null,
            rulUpperHours: r.forecast?.rul?.upperHours ?? null,
            openSuggestions: openBy.get(machineId) ?? 0,
          },
        ];
      }),
    });
    const day = Math.round((atMs - fromMs) / DAY_MS);
    if (day % 5 === 0)
      o.log(
        `replay      day ${day}/${o.days - o.cutDays}: ${captures} captures, ${open.length} open suggestions, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
  };
  const advance = async (t: number) => {
    while (t >= nextCp && nextCp <= toMs) {
      await checkpoint(nextCp);
      nextCp += DAY_MS;
    }
  };

  await streamLive({
    fleet,
    speedup: Infinity,
    onReading: async (r) => {
      await advance(r.ts.getTime());
      const batch = pending.get(r.machineId) ?? [];
      batch.push({ ts: r.ts.toISOString(), value: Number(r.value.toFixed(3)) });
      pending.set(r.machineId, batch);
    },
    onCapture: async (c) => {
      await advance(c.ts.getTime());
      await flushReadings(c.machineId);
      await call(app, 'POST', `/v1/sensors/${sensorOf(c.machineId, VIBRATION_SENSOR)}/captures`, {
        ts: c.ts.toISOString(),
        sampleRateHz: c.sampleRateHz,
        samples: Array.from(c.samples, (v) => Number(v.toFixed(6))),
      });
      trueRul[c.machineId] = c.truth.rulHours;
      captures++;
    },
    onFailure: async (f) => {
      await advance(f.ts.getTime());
      await flushReadings(f.machineId);
      // As a CMMS records it: the failure, its ISO 14224 codes, when it happened.
      await call(app, 'POST', '/v1/maintenance-events', {
        assetRef: `${PREFIX}.${f.machineId}`,
        kind: 'failure',
        workOrderRef: `WO-${f.machineId}-${f.ts.toISOString().slice(0, 10)}`,
        component: f.iso14224.component,
        failureMode: f.iso14224.mode,
        // The twin names the mechanism after its code ("2.4 wear"); a CMMS sends the code.
        failureMechanism: f.iso14224.mechanism.split(' ')[0],
        occurredAt: f.ts.toISOString(),
      });
      trueRul[f.machineId] = 0;
    },
  });
  await advance(toMs);

  const after = await repo.countRows(
    db,
    assets.map((a) => a.id),
  );
  const opened: SuggestionOpened[] = (await allSuggestions(app, '')).flatMap((s) => {
    const machineId = machineOf(s.asset.externalRef);
    return machineId ? [{ machineId, atMs: Date.parse(s.createdAt) }] : [];
  });
  const score = scoreAdvice(truth, checkpoints, opened, { fromMs, toMs, horizonHours: o.horizonHours });
  const perMachine = full.machines.map((m, i) => {
    const t = truth[i]!;
    const first = opened
      .filter((s) => s.machineId === m.id && s.atMs >= fromMs)
      .sort((a, b) => a.atMs - b.atMs)[0];
    return {
      machine: m.id,
      mode: m.degradation.mode,
      failureAt: t.failureAtMs === null ? null : new Date(t.failureAtMs).toISOString(),
      firstSuggestionAt: first ? new Date(first.atMs).toISOString() : null,
    };
  });
  return {
    score,
    failuresBeforeCut: truth.filter((t) => t.failureAtMs !== null && t.failureAtMs <= fromMs).length,
    captures,
    forecasts: after.forecasts - before.forecasts,
    perMachine,
  };
}

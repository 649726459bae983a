/**
 * The demo's live phase: the same machines play on from where the stored data ends (the
 * history, or the last capture a previous run streamed), paced at `speedup` × real time. Each
 * capture is scored as it arrives (the capture itself plus the last hour of temperature
 * readings, against the models serving the demo's feature set), then stored with the readings
 * since the previous capture and turned into its feature row, so the next forecast's RUL sees
 * it in the asset's history. A failure is recorded as a maintenance event and ends that machine.
 */
import type { AppContext } from '../context.js';
import { getFeatureSet } from '../features/stored-feature-sets.js';
import {
  streamLive,
  TEMPERATURE_SENSOR,
  VIBRATION_SENSOR,
  type LiveCapture,
  type StreamLiveResult,
} from '../twin/index.js';
import * as repo from './demo.repository.js';
import { continuationFleet, fullFleet, type DemoOptions } from './plan.js';

const DAY_MS = 86_400_000;

export interface LiveTick {
  /** Simulated time of the tick. */
  at: Date;
  captures: number;
  failures: string[];
  /** The highest-risk assets by their latest live forecast, highest first (at most 3). */
  top: { name: string; risk: number; rulHours: number | null; anomaly: number | null }[];
  errors: number;
}

export interface LiveOptions {
  speedup: number;
  /** Simulated days to stream; default: to the end of the fleet's horizon, at least 30. */
  days?: number;
  /** One tick per this many simulated hours. */
  tickHours?: number;
  signal?: AbortSignal;
  onStart?: (from: Date, machines: number) => void;
  onTick?: (t: LiveTick) => void;
}

/** Start of the live stream: after the history, or after the last capture already streamed. */
export function liveStartDay(o: DemoOptions, lastCapture: Date | undefined): number {
  const startMs = Date.parse(fullFleet(o).start);
  const stepMs = o.captureEveryMin * 60_000;
  const next = lastCapture ? (Math.floor((lastCapture.getTime() - startMs) / stepMs) + 1) * stepMs : 0;
  return Math.max(o.historyDays, next / DAY_MS);
}

export async function streamDemoLive(
  ctx: AppContext,
  o: DemoOptions,
  opts: LiveOptions,
): Promise<StreamLiveResult> {
  const db = ctx.database.db;
  const set = getFeatureSet(o.featureSet)!;
  const lookbackMs = (set.temperature?.lookbackSeconds ?? 3600) * 1000;
  const assets = await repo.demoAssets(db, o.prefix);
  const byMachine = new Map(assets.map((a) => [a.externalRef.slice(o.prefix.length + 1), a]));
  const sensors = await repo.sensorIds(
    db,
    assets.map((a) => a.id),
  );
  const fromDay = liveStartDay(o, await repo.lastCaptureTs(db, [...sensors.keys()]));
  const days = opts.days ?? Math.max(30, o.fleetDays - fromDay);
  const fleet = continuationFleet(fullFleet(o), fromDay, days);
  fleet.machines = fleet.machines.filter((m) => byMachine.has(m.id));
  opts.onStart?.(new Date(fleet.start), fleet.machines.length);

  const pending = new Map<string, { ts: string; value: number }[]>();
  const recent = new Map<string, { ts: Date; value: number }[]>();
  const latest = new Map<
    number,
    { name: string; risk: number; rulHours: number | null; anomaly: number | null }
  >();
  const tickMs = (opts.tickHours ?? 12) * 3_600_000;
  let nextTick = Date.parse(fleet.start) + tickMs;
  let tick: LiveTick = { at: new Date(nextTick), captures: 0, failures: [], top: [], errors: 0 };
  const advance = (t: number) => {
    while (t >= nextTick) {
      const top = [...latest.values()].sort((a, b) => b.risk - a.risk).slice(0, 3);
      opts.onTick?.({ ...tick, top });
      nextTick += tickMs;
      tick = { at: new Date(nextTick), captures: 0, failures: [], top: [], errors: 0 };
    }
  };

  const onCapture = async (c: LiveCapture) => {
    advance(c.ts.getTime());
    const asset = byMachine.get(c.machineId)!;
    const ids = sensors.get(asset.id)!;
    const endMs = c.ts.getTime() + (1000 * c.samples.length) / c.sampleRateHz;
    try {
      const window = (recent.get(c.machineId) ?? []).filter((r) => r.ts.getTime() <= endMs);
      const forecast = await ctx.scoring.score({
        assetId: asset.id,
        featureSet: set.name,
        capture: { ts: c.ts, sampleRateHz: c.sampleRateHz, samples: c.samples },
        temperature: window,
        asOf: new Date(endMs),
        source: 'demo',
      });
      latest.set(asset.id, {
        name: asset.name,
        risk: forecast.risk ?? 0,
        rulHours: forecast.rul_hours,
        anomaly: forecast.anomaly_score,
      });
      const batch = pending.get(c.machineId) ?? [];
      pending.set(c.machineId, []);
      if (batch.length > 0)
        await ctx.readings.ingest(ids.get(TEMPERATURE_SENSOR)!, batch, 'readings', 'demo');
      await ctx.captures.ingestJson(
        ids.get(VIBRATION_SENSOR)!,
        { ts: c.ts.toISOString(), sampleRateHz: c.sampleRateHz, samples: Array.from(c.samples) },
        'demo',
      );
      await ctx.features.extract({
        assetId: asset.id,
        featureSet: set.name,
        from: c.ts,
        to: new Date(endMs),
      });
      tick.captures += 1;
    } catch (err) {
      tick.errors += 1;
      ctx.logger.warn({ err, asset: asset.externalRef }, 'demo live capture not processed');
    }
  };

  const result = await streamLive({
    fleet,
    speedup: opts.speedup,
    signal: opts.signal,
    onReading: (r) => {
      advance(r.ts.getTime());
      const batch = pending.get(r.machineId) ?? [];
      batch.push({ ts: r.ts.toISOString(), value: r.value });
      pending.set(r.machineId, batch);
      const list = recent.get(r.machineId) ?? [];
      list.push({ ts: r.ts, value: r.value });
      while (list.length > 0 && list[0]!.ts.getTime() < r.ts.getTime() - lookbackMs) list.shift();
      recent.set(r.machineId, list);
    },
    onCapture,
    onFailure: async (f) => {
      advance(f.ts.getTime());
      const asset = byMachine.get(f.machineId)!;
      tick.failures.push(asset.name);
      // A failed machine stops; the ranking is of the machines still running.
      latest.delete(asset.id);
      // As the simulator stores them (deduplicated), closing the machine's open suggestions.
      await ctx.maintenanceEvents.recordObserved({
        asset_id: asset.id,
        kind: 'failure',
        component: f.iso14224.component,
        failure_mode: f.iso14224.mode,
        failure_mechanism: f.iso14224.mechanism,
        description: 'Simulated failure (demo live stream)',
        occurred_at: f.ts,
        source: 'simulator',
        dedup_key: `${asset.externalRef}/failure`,
      });
    },
  });
  // The last, partial tick.
  if (tick.captures + tick.failures.length + tick.errors > 0) {
    tick.at = new Date(result.until ?? tick.at);
    opts.onTick?.({ ...tick, top: [...latest.values()].sort((a, b) => b.risk - a.risk).slice(0, 3) });
  }
  return result;
}

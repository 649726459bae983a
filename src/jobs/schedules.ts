/** The periodic jobs. Called by each worker at start-up (BullMQ keeps one scheduler per job
 * name, so many workers are harmless) or by the server in the embedded mode. */
import type { CoreContext } from '../app-context.js';
import { JOBS } from './names.js';

const DAY_MS = 24 * 3600 * 1000;

export async function scheduleJobs(ctx: CoreContext): Promise<void> {
  // Keep partitions ahead of the clock: once now, then daily.
  await ctx.jobs.enqueue(JOBS.ensurePartitions, { monthsBack: 1, monthsAhead: 3 });
  await ctx.jobs.schedule(JOBS.ensurePartitions, { monthsBack: 1, monthsAhead: 3 }, DAY_MS);
  if (ctx.config.scoringIntervalMinutes > 0) {
    await ctx.jobs.schedule(JOBS.scoreFleet, {}, ctx.config.scoringIntervalMinutes * 60_000);
  }
  if (ctx.config.drift.intervalMinutes > 0) {
    await ctx.jobs.schedule(JOBS.checkDrift, {}, ctx.config.drift.intervalMinutes * 60_000);
  }
  if (ctx.config.liveLoop.enabled) {
    // A mark this old lost its wake-up; the sweep runs at once for marks left by a stopped process.
    const olderThanMs = Math.max(30_000, 5 * ctx.config.liveLoop.debounceMs);
    await ctx.jobs.enqueue(JOBS.refreshPending, { olderThanMs });
    await ctx.jobs.schedule(JOBS.refreshPending, { olderThanMs }, 60_000);
  }
  // Old months go daily. Scheduled even when all are 0 (a run that drops nothing): BullMQ keeps
  // a scheduler and its payload in Redis across restarts, so skipping it would leave an earlier
  // configuration's retention dropping partitions after the operator turned it off.
  const { capturesDays, readingsDays, featuresDays, forecastsDays } = ctx.config.retention;
  await ctx.jobs.schedule(
    JOBS.applyRetention,
    { capturesDays, readingsDays, featuresDays, forecastsDays },
    DAY_MS,
  );
}

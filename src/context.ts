/**
 * The composition root: opens the database, migrates it, builds the job handlers and the job
 * queue (BullMQ with REDIS_URL, in-process otherwise). Server, worker and CLI commands all
 * start from here, and `close()` releases everything in reverse order.
 */
import type { Logger } from 'pino';
import type { CoreContext } from './app-context.js';
import { AssetsService } from './acquisition/assets.service.js';
import { CapturesService } from './acquisition/captures.service.js';
import { QualityService } from './state/quality.service.js';
import { ReadingsService } from './acquisition/readings.service.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrator.js';
import { waitForDatabase } from './db/wait-for-database.js';
import { BullJobQueue } from './jobs/bullmq-queue.js';
import { createJobDefinitions } from './job-definitions.js';
import { InlineJobQueue } from './jobs/inline-queue.js';
import { buildJobHandlers, type JobHandlers } from './jobs/handlers.js';
import type { JobQueue } from './jobs/types.js';
import { FeaturesService } from './features/feature-queries.service.js';
import { ActiveModels } from './forecasting/active-models.js';
import { ForecastsService } from './forecasting/forecasts.service.js';
import { liveLoopHook } from './forecasting/live-loop.js';
import type { IngestHook } from './acquisition/ingest-hook.js';
import { ScoringService } from './forecasting/scoring.service.js';
import { createLogger } from './logger.js';
import { trackPool, trackQueueDepth } from './metrics.js';
import { CmmsSettingsService } from './maintenance/cmms/cmms-settings.service.js';
import { MaintenanceEvents } from './maintenance/maintenance-events.service.js';
import { resolveRules } from './maintenance/rule-settings.js';
import { SuggestionActions } from './maintenance/suggestion-actions.service.js';
import { evaluateSuggestions } from './maintenance/suggestions.service.js';
import { queueWebhook } from './maintenance/webhook.js';
import { DriftService } from './drift/drift.service.js';
import { RetrainingService } from './drift/retraining.service.js';
import { ModelRegistry } from './models/registry.service.js';
import { createTrainers } from './training/trainers.js';
import { TrainingService, type TrainingDeps } from './training/training.service.js';
import { DashboardService } from './web/dashboard.service.js';

/** Everything the process has built. The composition root (app, server, worker, cli, demo, web)
 * passes it around; stages take only `CoreContext` and their own services (app-context.ts). */
export interface AppContext extends CoreContext {
  readonly jobHandlers: JobHandlers;
  readonly assets: AssetsService;
  readonly readings: ReadingsService;
  readonly captures: CapturesService;
  readonly quality: QualityService;
  readonly features: FeaturesService;
  readonly models: ModelRegistry;
  readonly training: TrainingService;
  /** The one scoring pipeline: live input (API, demo stream) and stored feature rows (job, demo). */
  readonly scoring: ScoringService;
  readonly forecasts: ForecastsService;
  readonly suggestions: SuggestionActions;
  readonly maintenanceEvents: MaintenanceEvents;
  readonly cmms: CmmsSettingsService;
  readonly dashboard: DashboardService;
  readonly drift: DriftService;
  readonly retraining: RetrainingService;
  /** The live loop's wake-up for ingestion paths built elsewhere (bulk imports); unset = off. */
  readonly ingestHook: IngestHook | undefined;
  close(): Promise<void>;
}

export interface ContextOptions {
  logger?: Logger;
  /** Skip migrations (e.g. `prognos migrate --status`); default true. */
  migrate?: boolean;
  /** Use this database instead of opening one (tests share one per file). */
  database?: Database;
}

export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const database =
    options.database ??
    (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax }));
  try {
    if (!options.database && config.databaseUrl)
      await waitForDatabase(database, { url: config.databaseUrl, waitMs: config.dbStartupWaitMs, logger });
    if (options.migrate !== false) {
      const { applied } = await migrate(database.db);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    const models = new ModelRegistry(database.db, config.modelsDir, logger);
    // A fresh install finds the committed baseline models on disk and can score at once. Not
    // fatal: a registry that cannot be read now is read again by the next process start.
    const synced = await models.syncFromDisk().catch((err: unknown) => {
      logger.warn({ err }, 'models on disk not registered');
      return [];
    });
    if (synced.length > 0)
      logger.info({ models: synced.map((m) => `${m.name}@${m.version}`) }, 'models registered from disk');
    // A corrupt or missing active artifact does not stop the process: it is reported here and
    // by /readyz, and scoring runs without that model until it is fixed or rolled back. In the
    // background: start-up does not wait on hashing artifacts or on a database not up yet.
    void models.activeProblems().then(
      (problems) => {
        for (const p of problems)
          logger.error({ model: p.model, code: p.code }, `${p.message}; scoring goes on without it`);
      },
      () => {},
    );
    const trainingDeps: TrainingDeps = {
      db: database.db,
      models,
      trainers: createTrainers(),
      autoPromoteMargin: config.autoPromoteMargin,
      logger,
    };
    const activeModels = new ActiveModels(models, logger);
    const scoring = new ScoringService({
      db: database.db,
      models: activeModels,
      // One planning lead time for the risk rank and the work-order rules.
      leadTimeHours: resolveRules(config.suggestionRules).leadTimeHours,
      failureHorizonHours: config.failureHorizonHours,
      logger,
      // Work-order rules run on every committed scoring batch (the queue exists by then).
      afterCommit: async (ids) => {
        await evaluateSuggestions(
          {
            db: database.db,
            rules: resolveRules(config.suggestionRules),
            logger,
            webhook: config.webhook ? queueWebhook(database.db, jobs, logger) : undefined,
          },
          ids,
        );
      },
    });
    const drift = new DriftService({
      db: database.db,
      models,
      config: config.drift,
      rules: resolveRules(config.suggestionRules),
      logger,
    });
    const retraining = new RetrainingService(drift, () => training);
    const jobHandlers = buildJobHandlers(
      createJobDefinitions({
        db: database.db,
        training: trainingDeps,
        scoring: () => scoring,
        webhook: config.webhook,
        retraining: () => retraining,
        jobs: () => jobs,
      }),
    );
    const jobs: JobQueue = config.redisUrl
      ? new BullJobQueue(jobHandlers, config.redisUrl, config.queuePrefix, logger)
      : new InlineJobQueue(jobHandlers, logger);
    logger.info(
      { database: database.kind, jobs: jobs.mode },
      `database: ${database.kind === 'pglite' ? `embedded PGlite (${config.dataDir})` : 'PostgreSQL'}; jobs: ${jobs.mode === 'bullmq' ? 'BullMQ on Redis' : 'in-process'}`,
    );
    // Read at scrape time; released on close so a closed pool or queue is never asked.
    const untrack = [
      trackQueueDepth(() => jobs.depths()),
      ...(database.pool ? [trackPool(database.pool)] : []),
    ];
    const training = new TrainingService(trainingDeps, () => jobs);
    const ingestHook = config.liveLoop.enabled
      ? liveLoopHook(() => jobs, config.liveLoop.debounceMs, logger)
      : undefined;
    const db = database.db;
    const maintenanceDeps = {
      db,
      logger,
      webhook: config.webhook ? queueWebhook(db, jobs, logger) : undefined,
    };
    let closed = false;
    return {
      config,
      logger,
      database,
      jobHandlers,
      jobs,
      assets: new AssetsService(db),
      readings: new ReadingsService(db, Date.now, config.ingestLimits, ingestHook),
      captures: new CapturesService(db, Date.now, config.ingestLimits, ingestHook),
      ingestHook,
      quality: new QualityService(db),
      features: new FeaturesService({ db, jobs }),
      models,
      training,
      scoring,
      // The alarm state uses the work-order rules' thresholds.
      forecasts: new ForecastsService(db, {
        ...resolveRules(config.suggestionRules),
        offlineAfterIntervals: config.offlineAfterIntervals,
      }),
      suggestions: new SuggestionActions(maintenanceDeps),
      maintenanceEvents: new MaintenanceEvents(maintenanceDeps),
      cmms: new CmmsSettingsService(db, config.cmms),
      dashboard: new DashboardService(db, resolveRules(config.suggestionRules).leadTimeHours),
      drift,
      retraining,
      async close() {
        if (closed) return;
        closed = true;
        for (const u of untrack) u();
        await jobs.close();
        // Forecasts already accepted are written before the pool closes.
        await scoring.close();
        activeModels.close();
        if (!options.database) await database.close();
      },
    };
  } catch (err) {
    if (!options.database) await database.close();
    throw err;
  }
}

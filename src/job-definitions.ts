/** Every job the service knows, wired to its dependencies. Adding a job: a module exporting a
 * factory, a name in names.ts, one line here. Start-up fails if a name has no definition. */
import type { Kysely } from 'kysely';
import type { WebhookConfig } from './config.js';
import { ensurePartitionsJob } from './acquisition/ensure-partitions.job.js';
import { retentionJob } from './acquisition/retention.job.js';
import type { DB } from './db/schema.js';
import { extractFeaturesJob } from './features/extract-features.job.js';
import { deliverWebhookJob } from './maintenance/deliver-webhook.job.js';
import { checkDriftJob, thenCheckDrift } from './drift/check-drift.job.js';
import type { RetrainingService } from './drift/retraining.service.js';
import { trainModelJob } from './training/train-model.job.js';
import type { TrainingDeps } from './training/training.service.js';
import { refreshAssetJob } from './forecasting/refresh-asset.job.js';
import { refreshPendingJob } from './forecasting/refresh-pending.job.js';
import { scoreFleetJob } from './forecasting/score-fleet.job.js';
import type { ScoringService } from './forecasting/scoring.service.js';
import { JOBS } from './jobs/names.js';
import type { JobDefinition, JobQueue } from './jobs/types.js';

export interface JobDeps {
  db: Kysely<DB>;
  training: TrainingDeps;
  /** Work-order suggestion webhook; unset = outbox rows are not sent. */
  webhook?: WebhookConfig | undefined;
  /** Lazy: the scoring service is built after the job queue it does not depend on. */
  scoring: () => ScoringService;
  /** Lazy, like scoring: the drift check and the queue it enqueues on come later. */
  retraining: () => RetrainingService;
  jobs: () => JobQueue;
}

export function createJobDefinitions(deps: JobDeps): JobDefinition[] {
  return [
    ensurePartitionsJob(deps),
    thenCheckDrift(
      extractFeaturesJob(deps),
      () => deps.jobs().enqueue(JOBS.checkDrift, {}),
      (r) => ((r as { rowsWritten?: number } | null)?.rowsWritten ?? 0) > 0,
    ),
    trainModelJob(deps.training),
    scoreFleetJob({ scoring: deps.scoring }),
    deliverWebhookJob(deps),
    checkDriftJob(deps),
    retentionJob(deps),
    refreshAssetJob(deps),
    refreshPendingJob(deps),
  ] as JobDefinition[];
}

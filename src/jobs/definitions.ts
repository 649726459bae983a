/** Every job the service knows, wired to its dependencies. Adding a job: a module exporting a
 * factory, a name in names.ts, one line here. Start-up fails if a name has no definition. */
import type { Kysely } from 'kysely';
import type { WebhookConfig } from '../config.js';
import { ensurePartitionsJob } from '../db/jobs/ensure-partitions.job.js';
import type { DB } from '../db/schema.js';
import { extractFeaturesJob } from '../features/extract-features.job.js';
import { deliverWebhookJob } from '../maintenance/deliver-webhook.job.js';
import { trainModelJob } from '../ml/training/train-model.job.js';
import type { TrainingDeps } from '../ml/training/training.service.js';
import { scoreFleetJob } from '../forecasting/score-fleet.job.js';
import type { ScoringService } from '../forecasting/scoring.service.js';
import type { JobDefinition } from './types.js';

export interface JobDeps {
  db: Kysely<DB>;
  training: TrainingDeps;
  /** Work-order suggestion webhook; unset = outbox rows are not sent. */
  webhook?: WebhookConfig | undefined;
  /** Lazy: the scoring service is built after the job queue it does not depend on. */
  scoring: () => ScoringService;
}

export function createJobDefinitions(deps: JobDeps): JobDefinition[] {
  return [
    ensurePartitionsJob(deps),
    extractFeaturesJob(deps),
    trainModelJob(deps.training),
    scoreFleetJob({ db: deps.db, scoring: deps.scoring }),
    deliverWebhookJob(deps),
  ] as JobDefinition[];
}

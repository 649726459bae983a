/** Every job the service knows, wired to its dependencies. Adding a job: a module exporting a
 * factory, a name in names.ts, one line here. Start-up fails if a name has no definition. */
import type { Kysely } from 'kysely';
import { ensurePartitionsJob } from '../db/jobs/ensure-partitions.job.js';
import type { DB } from '../db/schema.js';
import { extractFeaturesJob } from '../features/extract-features.job.js';
import { trainModelJob } from '../ml/training/train-model.job.js';
import type { TrainingDeps } from '../ml/training/training.service.js';
import type { JobDefinition } from './types.js';

export interface JobDeps {
  db: Kysely<DB>;
  training: TrainingDeps;
}

export function createJobDefinitions(deps: JobDeps): JobDefinition[] {
  return [
    ensurePartitionsJob(deps),
    extractFeaturesJob(deps),
    trainModelJob(deps.training),
  ] as JobDefinition[];
}

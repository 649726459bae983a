/**
 * What every part of the service gets from the composition root, whatever layer it is in: the
 * configuration, the logger, the database and the job queue. Plumbing: it names only types of
 * the foundation and of jobs/, so a route, a service or a schedule of any stage can take it
 * without importing context.ts (which imports every stage, and so would close a cycle).
 *
 * A route plugin that needs a stage's service as well declares it next to this, e.g.
 * `CoreContext & { readonly scoring: ScoringService }`; context.ts's `AppContext` has them all
 * and is passed to every plugin (structural typing checks each plugin gets what it asks for).
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { JobQueue } from './jobs/types.js';

export interface CoreContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly jobs: JobQueue;
}

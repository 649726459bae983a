import { Value } from '@sinclair/typebox/value';
import { AppError } from '../errors.js';
import { observeJob } from '../metrics.js';
import { JOBS, type JobName } from './names.js';
import type { JobDefinition } from './types.js';

export type JobHandlers = ReadonlyMap<JobName, JobDefinition>;

/** Fails start-up when a job name has no handler or two handlers: a queued job must never sit
 * waiting for a processor that does not exist. */
export function buildJobHandlers(definitions: readonly JobDefinition[]): JobHandlers {
  const handlers = new Map<JobName, JobDefinition>();
  for (const def of definitions) {
    if (handlers.has(def.name)) throw new Error(`job "${def.name}" has two handlers`);
    handlers.set(def.name, timed(def));
  }
  const missing = Object.values(JOBS).filter((name) => !handlers.has(name));
  if (missing.length > 0) throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
  return handlers;
}

/** The definition with each attempt timed and counted (prognos_job_*): here, so the BullMQ
 * workers and the in-process queue report alike. */
function timed(def: JobDefinition): JobDefinition {
  return {
    ...def,
    async handle(payload, ctx) {
      const start = performance.now();
      const seconds = () => (performance.now() - start) / 1000;
      try {
        const result = await def.handle(payload, ctx);
        observeJob(def.queue, def.name, 'completed', seconds());
        return result;
      } catch (err) {
        observeJob(def.queue, def.name, ctx.signal.aborted ? 'cancelled' : 'failed', seconds());
        throw err;
      }
    },
  };
}

export function validatePayload(def: JobDefinition, payload: unknown): unknown {
  if (Value.Check(def.payload, payload)) return payload;
  const first = Value.Errors(def.payload, payload).First();
  const where = first?.path || '/';
  throw new AppError(
    'invalid_job_payload',
    400,
    `job ${def.name}: payload${where} ${first?.message ?? 'is invalid'}`,
  );
}

import { Value } from '@sinclair/typebox/value';
import { AppError } from '../errors.js';
import { JOBS, type JobName } from './names.js';
import type { JobDefinition } from './types.js';

export type JobHandlers = ReadonlyMap<JobName, JobDefinition>;

/** Fails start-up when a job name has no handler or two handlers: a queued job must never sit
 * waiting for a processor that does not exist. */
export function buildJobHandlers(definitions: readonly JobDefinition[]): JobHandlers {
  const handlers = new Map<JobName, JobDefinition>();
  for (const def of definitions) {
    if (handlers.has(def.name)) throw new Error(`job "${def.name}" has two handlers`);
    handlers.set(def.name, def);
  }
  const missing = Object.values(JOBS).filter((name) => !handlers.has(name));
  if (missing.length > 0) throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
  return handlers;
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

import type { TSchema, Static } from '@sinclair/typebox';
import type { QueueDepth } from '../metrics.js';
import type { JobName, QueueName } from './names.js';

export interface JobContext {
  readonly id: string;
  readonly attempt: number;
  /** Aborted when the job is cancelled or the worker shuts down. Check it between steps. */
  readonly signal: AbortSignal;
  /** 0-100, or an object with a `percent` field and anything else worth showing. */
  progress(value: number | ({ percent: number } & Record<string, unknown>)): Promise<void>;
  log(message: string): Promise<void>;
}

export interface JobDefinition<S extends TSchema = TSchema, R = unknown> {
  readonly name: JobName;
  readonly queue: QueueName;
  readonly payload: S;
  readonly attempts: number;
  readonly backoffMs: number;
  /** Jobs with the same key are not queued twice while one is waiting or running. */
  dedupKey?(payload: Static<S>): string | undefined;
  handle(payload: Static<S>, ctx: JobContext): Promise<R>;
}

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface JobStatus {
  id: string;
  name: string;
  queue: string;
  state: JobState;
  progress: unknown;
  result: unknown;
  error: string | null;
  attemptsMade: number;
  /** Attempts begun, counting one whose worker died before it could finish (a stalled job). */
  attemptsStarted: number;
  createdAt: Date;
  finishedAt: Date | null;
  logs: string[];
}

export interface EnqueueOptions {
  /** Start no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * Jobs of this name and key collapse: one enqueued while another waits (or is delayed) joins
   * it; one enqueued while another runs waits for it and then runs once, however many came
   * meanwhile (the running one may have read the data before the newest arrived). With
   * `delayMs`, a burst runs once, that long after its first job.
   */
  debounceKey?: string;
}

/** What the API and CLI see: the same whether jobs go through Redis or run in-process. */
export interface JobQueue {
  readonly mode: 'bullmq' | 'inline';
  enqueue(
    name: JobName,
    payload: unknown,
    options?: EnqueueOptions,
  ): Promise<{ id: string; deduplicated: boolean }>;
  get(id: string): Promise<JobStatus | undefined>;
  cancel(id: string): Promise<boolean>;
  /** Resolves when the job finishes (completed, failed or cancelled). */
  waitFor(id: string, timeoutMs?: number): Promise<JobStatus>;
  /** Runs `name` every `everyMs` (one schedule per name; calling again replaces it). */
  schedule(name: JobName, payload: unknown, everyMs: number): Promise<void>;
  ping(): Promise<void>;
  /** Jobs per queue and state, for the metrics (prognos_queue_jobs). */
  depths(): Promise<QueueDepth[]>;
  close(): Promise<void>;
}

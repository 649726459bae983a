/**
 * The embedded job runner: the same job definitions as the BullMQ workers, run in this process
 * when no REDIS_URL is set. One job at a time per queue (as one BullMQ worker with concurrency
 * 1 would), retries with backoff, cancellation, progress and logs kept in memory.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { QueueDepth } from '../metrics.js';
import { QUEUES } from './names.js';
import type { JobName } from './names.js';
import { validatePayload, type JobHandlers } from './handlers.js';
import type { EnqueueOptions, JobQueue, JobStatus } from './types.js';

interface Entry {
  status: JobStatus;
  payload: unknown;
  dedupKey: string | undefined;
  debounceKey: string | undefined;
  controller: AbortController;
  done: Promise<void>;
  resolveDone: () => void;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled']);
// Finished jobs kept for status queries; older ones are forgotten so memory stays bounded.
const KEEP_FINISHED = 1000;

export class InlineJobQueue implements JobQueue {
  readonly mode = 'inline' as const;
  private readonly jobs = new Map<string, Entry>();
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly handlers: JobHandlers,
    private readonly logger?: Logger,
  ) {}

  async enqueue(name: JobName, payload: unknown, options: EnqueueOptions = {}) {
    if (this.closed) throw new AppError('queue_closed', 503, 'the job queue is shutting down');
    const def = this.handlers.get(name);
    if (!def) throw new AppError('unknown_job', 400, `no job named ${name}`);
    validatePayload(def, payload);
    const dedupKey = def.dedupKey?.(payload as never);
    if (dedupKey !== undefined) {
      for (const e of this.jobs.values()) {
        if (e.dedupKey === dedupKey && e.status.name === name && !FINISHED.has(e.status.state)) {
          return { id: e.status.id, deduplicated: true };
        }
      }
    }
    const debounceKey = options.debounceKey;
    if (debounceKey !== undefined) {
      for (const e of this.jobs.values()) {
        if (
          e.debounceKey === debounceKey &&
          e.status.name === name &&
          (e.status.state === 'waiting' || e.status.state === 'delayed')
        )
          return { id: e.status.id, deduplicated: true };
      }
    }
    const id = `${def.queue}.${randomUUID()}`;
    let resolveDone!: () => void;
    const entry: Entry = {
      status: {
        id,
        name,
        queue: def.queue,
        state: options.delayMs ? 'delayed' : 'waiting',
        progress: 0,
        result: null,
        error: null,
        attemptsMade: 0,
        attemptsStarted: 0,
        createdAt: new Date(),
        finishedAt: null,
        logs: [],
      },
      payload,
      dedupKey,
      debounceKey,
      controller: new AbortController(),
      done: new Promise<void>((r) => (resolveDone = r)),
      resolveDone: () => resolveDone(),
    };
    this.jobs.set(id, entry);
    this.prune();
    if (options.delayMs) {
      // The delay runs beside the queue, not in it: a delayed job holds up no other job.
      const delayed = sleep(options.delayMs, entry.controller.signal).then(() => {
        this.delayed.delete(delayed);
        entry.status.state = entry.controller.signal.aborted ? entry.status.state : 'waiting';
        this.chain(def.queue, entry);
      });
      this.delayed.add(delayed);
    } else this.chain(def.queue, entry);
    return { id, deduplicated: false };
  }

  private readonly delayed = new Set<Promise<void>>();

  private chain(queue: string, entry: Entry): void {
    const previous = this.chains.get(queue) ?? Promise.resolve();
    const run = previous.then(() => this.run(entry));
    this.chains.set(
      queue,
      run.catch(() => {}),
    );
  }

  private async run(entry: Entry): Promise<void> {
    const def = this.handlers.get(entry.status.name as JobName)!;
    const { status, controller } = entry;
    try {
      while (!controller.signal.aborted) {
        status.state = 'active';
        status.attemptsMade += 1;
        status.attemptsStarted = status.attemptsMade;
        try {
          status.result = await def.handle(entry.payload as never, {
            id: status.id,
            attempt: status.attemptsMade,
            signal: controller.signal,
            progress: async (p) => {
              status.progress = p;
            },
            log: async (m) => {
              status.logs.push(m);
            },
          });
          status.state = 'completed';
          return;
        } catch (err) {
          status.error = err instanceof Error ? err.message : String(err);
          if (controller.signal.aborted) break;
          if (status.attemptsMade >= def.attempts) {
            status.state = 'failed';
            this.logger?.error({ err, job: status.id }, 'job failed');
            return;
          }
          await sleep(def.backoffMs * 2 ** (status.attemptsMade - 1), controller.signal);
        }
      }
      status.state = 'cancelled';
    } finally {
      status.finishedAt = new Date();
      entry.resolveDone();
    }
  }

  async get(id: string): Promise<JobStatus | undefined> {
    const e = this.jobs.get(id);
    return e ? { ...e.status, logs: [...e.status.logs] } : undefined;
  }

  async cancel(id: string): Promise<boolean> {
    const e = this.jobs.get(id);
    if (!e || FINISHED.has(e.status.state)) return false;
    e.controller.abort(new Error('cancelled'));
    if (e.status.state !== 'active') e.status.state = 'cancelled';
    return true;
  }

  async waitFor(id: string, timeoutMs = 600_000): Promise<JobStatus> {
    const e = this.jobs.get(id);
    if (!e) throw new AppError('not_found', 404, `job ${id} does not exist`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      e.done,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`job ${id} did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return (await this.get(id))!;
  }

  private readonly schedules = new Map<string, NodeJS.Timeout>();

  async schedule(name: JobName, payload: unknown, everyMs: number): Promise<void> {
    clearInterval(this.schedules.get(name));
    const timer = setInterval(() => {
      this.enqueue(name, payload).catch((err: unknown) =>
        this.logger?.warn({ err, job: name }, 'scheduled job not queued'),
      );
    }, everyMs);
    timer.unref();
    this.schedules.set(name, timer);
  }

  async ping(): Promise<void> {}

  async depths(): Promise<QueueDepth[]> {
    // Failed jobs are counted among those still remembered (KEEP_FINISHED), as BullMQ counts
    // those its removeOnFail keeps.
    const out = new Map<string, QueueDepth>(
      Object.values(QUEUES).map((queue) => [queue, { queue, waiting: 0, active: 0, delayed: 0, failed: 0 }]),
    );
    for (const { status } of this.jobs.values()) {
      const d = out.get(status.queue);
      if (
        d &&
        (status.state === 'waiting' ||
          status.state === 'active' ||
          status.state === 'delayed' ||
          status.state === 'failed')
      )
        d[status.state] += 1;
    }
    return [...out.values()];
  }

  /** Resolves once no job is waiting or running on any queue (tests that compare table
   * contents before and after a request need the background writes to be over). */
  async idle(): Promise<void> {
    for (;;) {
      while (this.delayed.size > 0) await Promise.allSettled([...this.delayed]);
      const chains = [...this.chains.values()];
      await Promise.allSettled(chains);
      if (this.delayed.size > 0) continue;
      if ([...this.chains.values()].every((c, i) => c === chains[i]) && chains.length === this.chains.size)
        return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.schedules.values()) clearInterval(t);
    for (const e of this.jobs.values())
      if (!FINISHED.has(e.status.state)) e.controller.abort(new Error('shutdown'));
    await Promise.allSettled([...this.delayed]);
    await Promise.allSettled([...this.chains.values()]);
  }

  private prune() {
    if (this.jobs.size <= KEEP_FINISHED) return;
    for (const [id, e] of this.jobs) {
      if (this.jobs.size <= KEEP_FINISHED) break;
      if (FINISHED.has(e.status.state)) this.jobs.delete(id);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

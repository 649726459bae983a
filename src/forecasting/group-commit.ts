/**
 * Group commit: concurrent callers' rows are gathered for a moment and written in one
 * statement, and each caller's promise resolves only after that statement committed. So a 200
 * still means "stored", while the database sees one round trip per batch instead of per request.
 */
export interface GroupCommitOptions<T, R> {
  /** Writes a batch in one transaction and returns one result per item, in order. */
  write(items: T[]): Promise<R[]>;
  maxBatch?: number;
  /** How long the first item of a batch waits for company. */
  maxDelayMs?: number;
  /** Batches written at once (each on its own connection): while one waits for its commit
   * to reach disk, the next is already on its way, and PostgreSQL flushes them together. */
  maxInFlight?: number;
}

interface Pending<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxInFlight: number;

  constructor(private readonly opts: GroupCommitOptions<T, R>) {
    this.maxBatch = opts.maxBatch ?? 200;
    this.maxDelayMs = opts.maxDelayMs ?? 2;
    this.maxInFlight = opts.maxInFlight ?? 4;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.maxDelayMs);
    });
  }

  private flushSoon(delay: number) {
    if (delay === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, delay);
    }
  }

  /** Starts writing what is queued, as far as the in-flight limit allows; resolves when the
   * batches started by this call are written. */
  flush(): Promise<void> {
    const started: Promise<void>[] = [];
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      const p: Promise<void> = this.opts
        .write(batch.map((x) => x.item))
        .then(
          (results) => batch.forEach((x, i) => x.resolve(results[i]!)),
          (err: unknown) => batch.forEach((x) => x.reject(err)),
        )
        .finally(() => {
          this.inFlight.delete(p);
          // Whatever queued up meanwhile goes next, without waiting for the timer.
          if (this.queue.length > 0) void this.flush();
        });
      this.inFlight.add(p);
      started.push(p);
    }
    return Promise.all(started).then(() => undefined);
  }

  /** Resolves when nothing is queued or being written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.queue.length > 0) void this.flush();
      await Promise.race(this.inFlight);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.drain();
  }
}

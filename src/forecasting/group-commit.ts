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
}

interface Pending<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;

  constructor(private readonly opts: GroupCommitOptions<T, R>) {
    this.maxBatch = opts.maxBatch ?? 200;
    this.maxDelayMs = opts.maxDelayMs ?? 2;
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

  /** Writes everything queued so far (batches in order, one at a time). */
  flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        const results = await this.opts.write(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    });
    if (this.queue.length > 0) this.flushSoon(this.maxDelayMs);
    return this.flushing;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    while (this.queue.length > 0) await this.flush();
    await this.flushing;
  }
}

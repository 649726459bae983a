/**
 * Rate limit per API key: a token bucket in memory for each key id, refilled at
 * RATE_LIMIT_PER_MINUTE and holding at most RATE_LIMIT_BURST tokens. Over the limit a request
 * gets 429 `rate_limited` with Retry-After. Public routes (health, docs, dashboard files) and
 * requests without a principal (auth off) are not counted. Per process: several API processes
 * behind a balancer each allow the full rate.
 */
import type { FastifyInstance } from 'fastify';
import type { RateLimitConfig } from '../config.js';
import { AppError } from '../errors.js';

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<number, Bucket>();
  private readonly perMs: number;
  constructor(
    private readonly limit: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = limit.perMinute / 60_000;
  }

  /** Takes a token for `key`: undefined when granted, else the seconds until one is there. */
  take(key: number): number | undefined {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + (t - b.at) * this.perMs);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
  }

  remaining(key: number): number {
    return Math.floor(this.buckets.get(key)?.tokens ?? this.limit.burst);
  }
}

/** Registered after installAuth: its onRequest hook runs once the principal is known. */
export function installRateLimit(app: FastifyInstance, limit: RateLimitConfig): void {
  if (limit.perMinute === 0) return;
  const buckets = new TokenBuckets(limit);
  app.addHook('onRequest', async (req, reply) => {
    const p = req.principal;
    if (!p) return;
    const wait = buckets.take(p.keyId);
    reply.header('x-ratelimit-limit', String(limit.perMinute));
    reply.header('x-ratelimit-remaining', String(buckets.remaining(p.keyId)));
    if (wait !== undefined) {
      throw new AppError(
        'rate_limited',
        429,
        `this key exceeded ${limit.perMinute} requests a minute (burst ${limit.burst}); retry in ${wait} s`,
        { headers: { 'retry-after': String(wait) } },
      );
    }
  });
}

/**
 * HTTP calls of the fault tests against a child `prognos serve`: every call has a timeout (an
 * answer slower than it counts as a hang) and reports its status, JSON body, Retry-After and
 * duration, so a test can assert on an outage's answers and print how long they took.
 */
import { expect } from 'vitest';
import type { PrognosProcess } from './prognos-process.js';

export interface FaultBody {
  id?: number;
  error?: { code: string; message: string };
  jobId?: string;
  state?: string;
  result?: unknown;
  status?: string;
  checks?: Record<string, string>;
  items?: Array<{ status: string; error: string }>;
}

export interface FaultAnswer {
  status: number;
  json: FaultBody;
  retryAfter: string | null;
  ms: number;
}

export const HANG_MS = 15_000;

export function faultClient(api: () => PrognosProcess, key: () => string) {
  async function call(method: string, url: string, body?: unknown): Promise<FaultAnswer> {
    const t0 = Date.now();
    const res = await fetch(`${api().url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${key()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const json = (await res.json()) as FaultBody;
    return { status: res.status, json, retryAfter: res.headers.get('retry-after'), ms: Date.now() - t0 };
  }

  /** Queues a feature extraction of the asset and polls its job until it has finished. */
  async function extractAndWait(assetId: number, timeoutMs = 60_000): Promise<FaultBody> {
    const queued = await call('POST', `/v1/assets/${assetId}/feature-extractions`, {});
    expect(queued.status, JSON.stringify(queued.json)).toBe(202);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await call('GET', `/v1/jobs/${encodeURIComponent(queued.json.jobId!)}`);
      if (s.status === 200 && ['completed', 'failed', 'cancelled'].includes(s.json.state!)) return s.json;
      if (Date.now() > deadline) throw new Error(`job still ${JSON.stringify(s.json).slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Polls /readyz until it answers `status`; returns the last answer and how long it took. */
  async function readyzUntil(
    status: number,
    timeoutMs = 30_000,
  ): Promise<FaultAnswer & { waitedMs: number }> {
    const t0 = Date.now();
    let r = await call('GET', '/readyz');
    while (r.status !== status && Date.now() - t0 < timeoutMs) {
      await new Promise((res) => setTimeout(res, 50));
      r = await call('GET', '/readyz');
    }
    return { ...r, waitedMs: Date.now() - t0 };
  }

  return { call, extractAndWait, readyzUntil };
}

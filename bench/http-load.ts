/**
 * The load side of the throughput benches: autocannon in a child process, so the load's own
 * work never shares the event loop of the server measured. The requests of a plan are sent in
 * rotation (many assets, many sensors: no cache sees the same key twice in a row); the result
 * counts 2xx responses exactly, so a bench can check every acknowledged write was stored.
 *
 * Run by `runLoad` (parent); as a script it reads the plan file named by its argument and
 * prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface LoadPlan {
  /** Origin of the server, e.g. http://127.0.0.1:41234 */
  origin: string;
  headers: Record<string, string>;
  connections: number;
  /** Either a duration or a total number of requests. */
  seconds?: number;
  amount?: number;
  requests: Array<{ path: string; body: string }>;
}

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  durationS: number;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs the plan in a child process and returns what it measured. */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const file = path.join(os.tmpdir(), `prognos-load-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(plan));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, file], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  } finally {
    rmSync(file, { force: true });
  }
}

async function child(plan: LoadPlan): Promise<LoadResult> {
  let next = 0;
  const r = await autocannon({
    url: plan.origin,
    connections: plan.connections,
    ...(plan.amount !== undefined ? { amount: plan.amount } : { duration: plan.seconds ?? 10 }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const q = plan.requests[next++ % plan.requests.length]!;
          return { ...req, path: q.path, body: q.body, headers: { ...plan.headers } };
        },
      },
    ],
  });
  return {
    rps: r['2xx'] / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    durationS: r.duration,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
  process.stdout.write(`${JSON.stringify(await child(plan))}\n`);
}

/**
 * A worker's liveness signal for container healthchecks. A worker serves no HTTP (the API's
 * /readyz probe does not apply to it), so while it runs it rewrites a small file after each
 * round in which PostgreSQL and Redis both answered; `prognos healthcheck --worker` reads the
 * beat's age. A hung event loop, a lost database or a lost Redis all stop the refresh, so the
 * file goes stale and the container turns unhealthy; when they are back the beats resume.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

const HEARTBEAT_INTERVAL_MS = 10_000;
/** Three missed beats: one slow round (a ping timing out) is not yet unhealthy. */
const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_INTERVAL_MS;

interface Heartbeat {
  /** Stops beating and removes the file: a stopped worker is not reported alive. */
  stop(): Promise<void>;
}

interface HeartbeatOptions {
  file: string;
  /** Resolves when the worker's dependencies answer; a rejection skips this beat. */
  check: () => Promise<void>;
  intervalMs?: number;
  /** Told once when beats stop and once when they resume, not on every failed round. */
  onChange?: (healthy: boolean, error?: unknown) => void;
  now?: () => Date;
}

export function startHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const intervalMs = opts.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const now = opts.now ?? (() => new Date());
  let healthy: boolean | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let round: Promise<void> = Promise.resolve();

  const beat = async () => {
    try {
      await opts.check();
      // Written beside the target and renamed over it: a reader never sees half a file.
      const tmp = `${opts.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ ts: now().toISOString(), pid: process.pid }));
      if (stopped) return void (await rm(tmp, { force: true }));
      await rename(tmp, opts.file);
      if (healthy !== true) opts.onChange?.(true);
      healthy = true;
    } catch (error) {
      if (healthy !== false) opts.onChange?.(false, error);
      healthy = false;
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = beat().then(schedule);
    }, intervalMs);
    timer.unref();
  };
  round = beat().then(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
      await rm(opts.file, { force: true });
    },
  };
}

type HeartbeatVerdict = { ok: true; ageMs: number } | { ok: false; reason: string };

/** Whether the file holds a beat younger than `staleMs`, and if not, why. */
export async function readHeartbeat(
  file: string,
  staleMs = HEARTBEAT_STALE_MS,
  now: Date = new Date(),
): Promise<HeartbeatVerdict> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: code === 'ENOENT' ? `no heartbeat file ${file}` : `cannot read ${file}: ${code}`,
    };
  }
  let ts = Number.NaN;
  try {
    const parsed = JSON.parse(text) as { ts?: unknown };
    if (typeof parsed.ts === 'string') ts = Date.parse(parsed.ts);
  } catch {
    // reported below as unreadable
  }
  if (!Number.isFinite(ts)) return { ok: false, reason: `${file} holds no heartbeat timestamp` };
  const ageMs = now.getTime() - ts;
  if (ageMs > staleMs) {
    return {
      ok: false,
      reason: `last heartbeat ${Math.round(ageMs / 1000)} s ago (stale after ${staleMs / 1000} s)`,
    };
  }
  return { ok: true, ageMs };
}

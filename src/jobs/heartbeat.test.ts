import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readHeartbeat, startHeartbeat } from './heartbeat.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prognos-heartbeat-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('worker heartbeat', () => {
  it('beats while the check passes, and a stopped worker leaves no file', async () => {
    const file = join(dir, 'beat');
    const beat = startHeartbeat({ file, check: async () => {}, intervalMs: 5 });
    await vi.waitFor(() => expect(existsSync(file)).toBe(true));
    const first = JSON.parse(await readFile(file, 'utf8')) as { ts: string; pid: number };
    expect(first.pid).toBe(process.pid);
    expect(await readHeartbeat(file)).toMatchObject({ ok: true });
    await beat.stop();
    expect(existsSync(file)).toBe(false);
    expect(await readHeartbeat(file)).toEqual({ ok: false, reason: `no heartbeat file ${file}` });
  });

  it('writes no beat while the database or Redis does not answer, and says so once', async () => {
    const file = join(dir, 'beat');
    let calls = 0;
    let up = false;
    const changes: boolean[] = [];
    const beat = startHeartbeat({
      file,
      check: async () => {
        calls++;
        if (!up) throw new Error('ECONNREFUSED');
      },
      intervalMs: 5,
      onChange: (healthy) => changes.push(healthy),
    });
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(4));
    expect(existsSync(file)).toBe(false);
    expect(changes).toEqual([false]);
    up = true; // the servers are back: beats resume without a restart
    await vi.waitFor(() => expect(existsSync(file)).toBe(true));
    expect(changes).toEqual([false, true]);
    await beat.stop();
  });

  it('reads a beat older than the stale age, or a file without one, as unhealthy', async () => {
    const file = join(dir, 'beat');
    const now = new Date('2026-01-01T00:01:00Z');
    await writeFile(file, JSON.stringify({ ts: '2026-01-01T00:00:45Z', pid: 1 }));
    expect(await readHeartbeat(file, 30_000, now)).toEqual({ ok: true, ageMs: 15_000 });
    await writeFile(file, JSON.stringify({ ts: '2026-01-01T00:00:00Z', pid: 1 }));
    expect(await readHeartbeat(file, 30_000, now)).toEqual({
      ok: false,
      reason: 'last heartbeat 60 s ago (stale after 30 s)',
    });
    await writeFile(file, 'not json');
    expect(await readHeartbeat(file, 30_000, now)).toEqual({
      ok: false,
      reason: `${file} holds no heartbeat timestamp`,
    });
  });
});

/**
 * `prognos healthcheck [--worker]`, the containers' healthcheck (Dockerfile, compose.yaml), run
 * as a real process: exit 0 only when the API's /readyz answers 200 or the worker's heartbeat
 * file holds a beat younger than 30 s, else exit 1 with the reason on stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-healthcheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function healthcheck(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/prognos.js'), 'healthcheck', ...args],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', PROGNOS_DATA_DIR: 'memory://', ...env } },
      (err, _stdout, stderr) =>
        resolve({ status: err ? ((err.code as number | undefined) ?? 1) : 0, stderr }),
    );
  });
}

describe('prognos healthcheck --worker', () => {
  const file = path.join(dir, 'worker.heartbeat');

  it('is healthy on a fresh beat and unhealthy on a stale one, naming its age', async () => {
    writeFileSync(file, JSON.stringify({ ts: new Date().toISOString(), pid: 1 }));
    expect((await healthcheck(['--worker'], { WORKER_HEARTBEAT_FILE: file })).status).toBe(0);
    writeFileSync(file, JSON.stringify({ ts: new Date(Date.now() - 120_000).toISOString(), pid: 1 }));
    const stale = await healthcheck(['--worker'], { WORKER_HEARTBEAT_FILE: file });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/worker unhealthy: last heartbeat 12\d s ago \(stale after 30 s\)/);
  });

  it('is a usage error without WORKER_HEARTBEAT_FILE', async () => {
    const r = await healthcheck(['--worker'], { WORKER_HEARTBEAT_FILE: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/WORKER_HEARTBEAT_FILE/);
  });
});

describe('prognos healthcheck (the API)', () => {
  it('follows /readyz: 200 healthy, 503 unhealthy with the answer on stderr', async () => {
    let ready = true;
    const server: Server = createServer((req, res) => {
      res.statusCode = req.url === '/readyz' && ready ? 200 : 503;
      res.end(ready ? '{"status":"ready"}' : '{"status":"not ready","checks":{"database":"down"}}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const env = { HOST: '0.0.0.0', PORT: String((server.address() as { port: number }).port) };
    try {
      expect((await healthcheck([], env)).status).toBe(0);
      ready = false;
      const down = await healthcheck([], env);
      expect(down.status).toBe(1);
      expect(down.stderr).toMatch(/answered 503: .*"database":"down"/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

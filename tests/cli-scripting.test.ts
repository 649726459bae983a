/**
 * The `prognos` command as scripts use it, run as real processes (`node bin/prognos.js …`):
 * JSON output is the only thing on stdout (logs at info go to stderr), `train` names the
 * parameters a model kind needs, and a command started while another process holds the
 * embedded database stops at once naming that process: never a WASM abort.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrognos } from './helpers/prognos-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Async, so a child started by the test (serve) keeps being read while this one runs. */
function prognos(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.DATABASE_URL;
    delete base.REDIS_URL;
    delete base.MQTT_URL;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/prognos.js'), ...args], {
      cwd: ROOT,
      env: { ...base, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const MEMORY = { PROGNOS_DATA_DIR: 'memory://' };

describe('prognos: JSON on stdout, logs on stderr', () => {
  it('models list --json and models show print only JSON, with the info logs on stderr', async () => {
    const list = await prognos(['models', 'list', '--json'], MEMORY);
    expect(list.status, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as { name: string; version: number }[];
    expect(rows.map((r) => r.name)).toContain('cmapss-fd001-rul');
    // The start-up lines that used to precede the JSON are still logged, on stderr.
    expect(list.stderr).toMatch(/"msg":"models registered from disk"/);
    expect(list.stderr).toMatch(/"msg":"migrations applied"/);

    const show = await prognos(['models', 'show', 'cmapss-fd001-rul', String(rows[0]!.version)], MEMORY);
    expect(show.status, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ name: 'cmapss-fd001-rul' });
  });

  it('train prints only the finished run as JSON, its progress and logs on stderr', async () => {
    // No data in a fresh database: the run fails, which is enough to follow it to its end.
    const r = await prognos(
      ['train', '--model', 'empty-rul', '--kind', 'rul', '--set', 'maxEpochs=1'],
      MEMORY,
    );
    expect(r.status, r.stderr).toBe(1);
    const run = JSON.parse(r.stdout) as { modelName: string; status: string; params: { maxEpochs: number } };
    expect(run).toMatchObject({ modelName: 'empty-rul', status: 'failed', params: { maxEpochs: 1 } });
    expect(r.stderr).toMatch(/training run \d+ queued/);
  });

  it('train lists the parameters of a kind and names a missing one', async () => {
    const help = await prognos(['train', '--kind', 'health', '--help'], MEMORY);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/kind health: /);
    expect(help.stdout).toMatch(/featureSet\s+\(required\)/);
    expect(help.stdout).not.toMatch(/kind rul: /);
    const rulHelp = await prognos(['train', '--kind', 'rul', '--help'], MEMORY);
    expect(rulHelp.stdout).toMatch(/featureSet\s+\(required with source feature-rows\)/);

    const missing = await prognos(['train', '--model', 'm', '--kind', 'health'], MEMORY);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/params\.featureSet is required for kind "health"/);
    expect(missing.stderr).toMatch(/--set featureSet=/);
    const badKind = await prognos(['train', '--model', 'm', '--kind', 'failure'], MEMORY);
    expect(badKind.status).toBe(2);
    expect(badKind.stderr).toMatch(/--kind must be health or rul, got "failure"/);
  });
});

describe('prognos: one process per embedded data directory', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-lock-'));
  const env = { PROGNOS_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process at once, naming the holder and what to do, then works once it stopped', async () => {
    const serve = await startPrognos('serve', env, { timeoutMs: 120_000 });
    try {
      const second = await prognos(['keys', 'list'], env);
      expect(second.status).toBe(75);
      expect(second.stdout).toBe('');
      expect(second.stderr).toMatch(new RegExp(`in use by process ${serve.pid} \\(prognos serve, since `));
      expect(second.stderr).toMatch(/Stop that process/);
      expect(second.stderr).toMatch(/DATABASE_URL/);
      expect(second.stderr).not.toMatch(/RuntimeError|Aborted|wasm/i);
      // The server is unharmed.
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
    } finally {
      await serve.stop();
    }
    expect(existsSync(path.join(dir, 'prognos.lock'))).toBe(false);
    const after = await prognos(['keys', 'list'], env);
    expect(after.status, after.stderr).toBe(0);
  }, 180_000);

  it('takes over the lock of a process that died without releasing it', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(
      path.join(dir, 'prognos.lock'),
      JSON.stringify({ pid: dead, command: 'prognos demo', startedAt: '2020-01-01T00:00:00.000Z' }),
    );
    const r = await prognos(['keys', 'create', '--name', 'after-crash', '--scopes', 'read'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pk_/);
    expect(existsSync(path.join(dir, 'prognos.lock'))).toBe(false);
  }, 120_000);
});

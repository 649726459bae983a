/**
 * Private PostgreSQL and Redis instances for the fault tests: each on a free loopback port with
 * its data in a temporary directory, so a test can stop and restart them without touching the
 * shared services. Everything started here is stopped and removed by `close()`, and killed on
 * process exit should a test runner die before its afterAll.
 */
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p));

/** Why private servers cannot be started here, or undefined when they can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) return `${PG_BIN}/initdb not found`;
  if (process.getuid?.() === 0) {
    if (!RUNUSER) return 'running as root and runuser is not available to drop to the postgres user';
    if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and no postgres user';
  }
  return undefined;
}

export function redisServerBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  return found.status === 0 && bin ? bin : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const cleanups = new Set<() => void>();
process.once('exit', () => {
  for (const c of cleanups) c();
});

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 && RUNUSER
    ? [RUNUSER, ['-u', 'postgres', '--', cmd, ...args]]
    : [cmd, args];
}

export interface PrivatePostgres {
  readonly port: number;
  /** Connection string of the `postgres` database as user postgres (trust auth). */
  readonly url: string;
  /** `pg_ctl stop -m <mode>`: `immediate` is a crash (no checkpoint, clients cut off). */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  log(): string;
  close(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'prognos-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(base, uid, gid);
  }
  const data = path.join(base, 'data');
  const logFile = path.join(base, 'postgres.log');
  const port = await freePort();
  const runSync = (cmd: string, args: string[]) => {
    const [c, a] = asPostgres(path.join(PG_BIN, cmd), args);
    const r = spawnSync(c, a, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  // Asynchronous, so the test keeps sending requests while the server stops or starts.
  const run = (cmd: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [c, a] = asPostgres(path.join(PG_BIN, cmd), args);
      execFile(c, a, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || stdout}`)) : resolve(),
      );
    });
  const startArgs = () => {
    // fsync off is safe for a crash of the server process (the OS keeps what was written);
    // synchronous_commit stays on, so an acknowledged commit survives `stop -m immediate`.
    const opts = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=40`;
    return ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', opts, 'start'];
  };
  const stopArgs = (mode: string) => ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'];
  let running = false;
  const pg: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await run('pg_ctl', startArgs());
      running = true;
    },
    async stop(mode = 'immediate') {
      await run('pg_ctl', stopArgs(mode));
      running = false;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    close() {
      cleanups.delete(pg.close);
      if (running || existsSync(path.join(data, 'postmaster.pid'))) {
        try {
          runSync('pg_ctl', stopArgs('immediate'));
        } catch {
          // already down
        }
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
  cleanups.add(pg.close);
  try {
    await run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    await pg.start();
  } catch (err) {
    pg.close();
    throw err;
  }
  return pg;
}

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** SIGTERM: Redis saves its append-only file and exits, as on a planned restart. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(bin: string): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-redis-'));
  const port = await freePort();
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    ...supervised(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      port,
      dir,
    ),
  };
  await redis.start();
  return redis;
}

export function mosquittoBinary(): string | undefined {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) {
    if (existsSync(p)) return p;
  }
  return undefined;
}

export interface PrivateMosquitto {
  readonly port: number;
  readonly url: string;
  /** SIGTERM: Mosquitto saves its persistence file (sessions, queued messages) and exits. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Mosquitto on a free loopback port with `settings` (mosquitto.conf lines: the broker limits
 * under test) and persistence in a temporary directory.
 */
export async function startPrivateMosquitto(bin: string, settings: string[] = []): Promise<PrivateMosquitto> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prognos-mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      `log_dest file ${path.join(dir, 'mosquitto.log')}`,
      ...settings,
      '',
    ].join('\n'),
  );
  // Running as root, Mosquitto drops to the user `mosquitto`, which must own the directory.
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'mosquitto']).status === 0) {
    const uid = Number(execFileSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'mosquitto'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const broker: PrivateMosquitto = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    ...supervised(bin, ['-c', conf], port, dir),
  };
  await broker.start();
  return broker;
}

/**
 * A server process on `port` with its data in `dir`: started and stopped (SIGTERM, so it saves
 * its state, as on a planned restart) as often as a test likes; `close` stops it, or kills it if
 * stopping fails, and removes `dir`. Killed at exit if a test forgot it.
 */
function supervised(bin: string, args: string[], port: number, dir: string) {
  let proc: ChildProcess | undefined;
  const killNow = () => proc?.kill('SIGKILL');
  cleanups.add(killNow);
  const self = {
    async start() {
      proc = spawn(bin, args, { stdio: 'ignore' });
      await waitForPort(port, true);
    },
    async stop() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
      proc = undefined;
      await waitForPort(port, false);
    },
    async close() {
      cleanups.delete(killNow);
      await self.stop().catch(killNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

async function waitForPort(port: number, up: boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not come ${up ? 'up' : 'down'}`);
}

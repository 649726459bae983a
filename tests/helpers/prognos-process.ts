/**
 * `prognos serve` / `prognos worker` as real child processes, for tests that kill them or cut
 * their servers off. The child gets only the environment given here (plus PATH and the temp dir),
 * logs JSON lines that the test can wait on, and is killed on process exit if a test forgot to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface PrognosProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Every JSON log line so far (non-JSON output is kept as `{ level: 0, msg }`). */
  readonly lines: LogLine[];
  /** The API address, for `serve`. */
  url: string | undefined;
  waitFor(match: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  exited(): boolean;
  /** The exit code once the child has exited (null when a signal ended it). */
  readonly exit: Promise<number | null>;
  /** Waits for the start-up line (`serve`: listening, which sets `url`; `worker`: workers started). */
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGKILL and wait for the exit: no shutdown hook of the child runs. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startPrognos(
  command: 'serve' | 'worker',
  env: Record<string, string>,
  /** `awaitReady: false` returns at once, for a child expected to wait or to exit at start-up. */
  opts: { timeoutMs?: number; awaitReady?: boolean } = {},
): Promise<PrognosProcess> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/prognos.js'), command], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      // As in tests/helpers/context.ts: no background refresh unless a test asks for it.
      PROGNOS_LIVE_LOOP: 'off',
      ...(command === 'serve' ? { PORT: '0', HOST: '127.0.0.1' } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const onText = (buf: string) => {
    for (const text of buf.split('\n')) {
      if (!text.trim()) continue;
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { level: 0, msg: text };
      }
      lines.push(line);
    }
    for (const w of waiters) w();
  };
  let outRest = '';
  let errRest = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const all = outRest + d;
    const cut = all.lastIndexOf('\n');
    outRest = all.slice(cut + 1);
    onText(all.slice(0, cut + 1));
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    const all = errRest + d;
    const cut = all.lastIndexOf('\n');
    errRest = all.slice(cut + 1);
    onText(all.slice(0, cut + 1));
  });
  const exitedP = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      live.delete(proc);
      onText(`${outRest}\n${errRest}\n`);
      resolve();
    }),
  );

  const p: PrognosProcess = {
    proc,
    pid: proc.pid!,
    lines,
    url: undefined,
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    exit: exitedP.then(() => proc.exitCode),
    waitFor(match, timeoutMs = 60_000, what = 'a matching log line') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(match);
          if (hit) return done(() => resolve(hit));
          if (p.exited())
            return done(() => reject(new Error(`prognos ${command} exited before ${what}:\n${tail(lines)}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms:\n${tail(lines)}`))),
          timeoutMs,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        void exitedP.then(check);
        check();
      });
    },
    async waitReady(timeoutMs = 60_000) {
      const line = await p.waitFor(
        command === 'serve'
          ? (l) => typeof l.url === 'string' && /listening/.test(l.msg)
          : (l) => l.msg === 'workers started',
        timeoutMs,
        `prognos ${command} start-up`,
      );
      p.url = typeof line.url === 'string' ? line.url : undefined;
    },
    async kill() {
      if (!p.exited()) proc.kill('SIGKILL');
      await exitedP;
    },
    async stop(graceMs = 10_000) {
      if (p.exited()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exitedP;
      clearTimeout(timer);
    },
  };
  if (opts.awaitReady === false) return p;
  try {
    await p.waitReady(opts.timeoutMs ?? 60_000);
  } catch (err) {
    await p.kill();
    throw err;
  }
  return p;
}

function tail(lines: LogLine[]): string {
  return lines
    .slice(-15)
    .map((l) => JSON.stringify(l).slice(0, 400))
    .join('\n');
}

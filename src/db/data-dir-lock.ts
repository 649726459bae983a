/**
 * One process per embedded database directory. PGlite is PostgreSQL in WASM without a
 * postmaster: a second process opening the same directory does not wait or fail cleanly, it
 * aborts inside the WASM runtime. So before opening, a process claims `<dataDir>/prognos.lock`
 * (its pid, command and start time); a directory claimed by a live process is refused with a
 * message naming that process and what to do instead. A lock whose process is gone (killed,
 * crashed, a container restarted) is taken over.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'prognos.lock';

interface LockHolder {
  pid: number;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.command}, ` +
        `since ${holder.startedAt}); PGlite lets one process at a time open it. Stop that process ` +
        `and try again, use its HTTP API instead, or set DATABASE_URL to run on PostgreSQL ` +
        `(or PROGNOS_DATA_DIR to use another directory). If process ${holder.pid} is not Prognos, ` +
        `delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
  }
}

/** Directories this process holds: its own pid in a lock file is only ours if listed here
 * (after a container restart, pid 1 finds the lock its previous life left). */
const held = new Set<string>();

/** `prognos demo`, `prognos keys list`: what a user recognises in `ps`. */
function currentCommand(): string {
  const script = path.basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, '');
  return [script, ...process.argv.slice(2)].join(' ').slice(0, 200);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return Number.isSafeInteger(v.pid) && (v.pid as number) > 0
      ? { pid: v.pid!, command: String(v.command ?? '?'), startedAt: String(v.startedAt ?? '?') }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims `dataDir` for this process, or throws DataDirLockedError. Returns the release
 * function (idempotent; also run at process exit).
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  if (held.has(file)) throw new DataDirLockedError(dataDir, readHolder(file) ?? own());
  const me = own();
  // Written whole under another name, then linked: a reader never sees a half-written lock,
  // and link fails if the lock exists (atomic test-and-set).
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
        const holder = readHolder(file);
        if (holder && holder.pid !== process.pid && alive(holder.pid))
          throw new DataDirLockedError(dataDir, holder);
        // Stale (its process is gone) or unreadable: take it over.
        unlinkSync(file);
      }
    }
  } finally {
    unlinkSync(tmp);
  }
  held.add(file);
  const release = () => {
    if (!held.delete(file)) return;
    process.removeListener('exit', release);
    try {
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once('exit', release);
  return release;
}

function own(): LockHolder {
  return { pid: process.pid, command: currentCommand(), startedAt: new Date().toISOString() };
}

/**
 * Import progress on stderr: a cli-progress bar (files, rows, rows/s, ETA) on a terminal, plain
 * log lines every few seconds otherwise (CI logs, `2> file`), so stdout keeps only the summary.
 */
import cliProgress from 'cli-progress';
import type { ImportProgress } from './types.js';

interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean;
}

const LOG_EVERY_MS = 5_000;

export function createProgress(label: string, stream: ProgressStream = process.stderr): ImportProgress {
  return stream.isTTY ? barProgress(label, stream) : lineProgress(label, stream);
}

function rate(rows: number, since: number): number {
  const s = (performance.now() - since) / 1000;
  return s > 0 ? Math.round(rows / s) : 0;
}

function barProgress(label: string, stream: ProgressStream): ImportProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} {bar} {value}/{total} files | {rows} rows | {rate} rows/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let rows = 0;
  let files = 0;
  let since = performance.now();
  const payload = () => ({ rows: rows.toLocaleString('en'), rate: rate(rows, since).toLocaleString('en') });
  return {
    start(total) {
      since = performance.now();
      bar.start(total, 0, payload());
    },
    rows(n) {
      rows += n;
      bar.update(files, payload());
    },
    fileDone() {
      files++;
      bar.update(files, payload());
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress(label: string, stream: ProgressStream): ImportProgress {
  let total = 0;
  let rows = 0;
  let files = 0;
  let since = performance.now();
  let lastLog = 0;
  const log = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastLog < LOG_EVERY_MS) return;
    lastLog = now;
    const elapsed = (now - since) / 1000;
    const eta =
      files > 0 && files < total ? `, ETA ${Math.round((elapsed / files) * (total - files))} s` : '';
    stream.write(
      `${label}: ${files}/${total} files, ${rows.toLocaleString('en')} rows, ` +
        `${rate(rows, since).toLocaleString('en')} rows/s${eta}\n`,
    );
  };
  return {
    start(n) {
      total = n;
      since = performance.now();
      lastLog = since;
      stream.write(`${label}: ${n} file(s) to import\n`);
    },
    rows(n) {
      rows += n;
      log(false);
    },
    fileDone() {
      files++;
      log(false);
    },
    stop() {
      log(true);
    },
  };
}

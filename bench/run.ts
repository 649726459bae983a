/**
 * `npm run bench [-- <name>] [bench flags] [--json]`: runs the throughput benches, the live
 * loop's lag and the retention sizing (each in its own process, with `--json`) and prints one
 * table of their figures; with `--json` the output ends with one JSON line (the bench's own line
 * for a single bench, an object of them for all). score, ingest and sizing need DATABASE_URL
 * (PostgreSQL); live-loop runs embedded without it. fleet-stream (real serve and worker
 * processes on PostgreSQL and Redis, minutes) runs only when named. The other files of bench/ (features, FFT candidates, the
 * ML sweeps, the soak) have prerequisites of their own and run on their own (bench/README.md).
 */
import { spawn } from 'node:child_process';

type Figures = Record<string, number>;

const BENCHES: Record<
  string,
  { file: string; rows: (f: Figures) => string[][]; /** Run only by name. */ byNameOnly?: true }
> = {
  score: {
    file: 'bench/score-load.bench.ts',
    rows: (f) => [
      ['score', 'POST /v1/score', `${f.score_rps} req/s`, `p99 ${f.p99_ms} ms`],
      ['score', 'baseline route (parse, validate, same answer)', `${f.baseline_rps} req/s`, ''],
      ['score', 'ratio score/baseline', `${f.ratio}`, `${f.models_loaded} models, ${f.assets} assets`],
    ],
  },
  ingest: {
    file: 'bench/ingest.bench.ts',
    rows: (f) => [
      ['ingest', 'binary COPY', `${f.copy_rows_s} rows/s`, `${f.connections} connections`],
      ['ingest', 'HTTP API', `${f.http_rows_s} rows/s`, `${f.connections} connections`],
      ['ingest', 'ratio HTTP/COPY', `${f.ratio}`, `${f.rows} rows`],
    ],
  },
  sizing: {
    file: 'bench/retention-sizing.ts',
    rows: (f) => [
      ...['captures', 'readings', 'feature_rows', 'forecasts'].map((t) => [
        'sizing',
        t,
        `${f[`${t}_bytes_per_asset_day`]} B/asset-day`,
        `${f[`${t}_bytes_per_row`]} B/row`,
      ]),
      ['sizing', 'migration 0020 copy', `${f.migration_rows_per_second} rows/s`, `${f.migration_rows} rows`],
    ],
  },
  'live-loop': {
    file: 'bench/live-loop-lag.ts',
    rows: (f) => [
      [
        'live-loop',
        `capture-to-forecast lag, ${f.assets} assets`,
        `p50 ${f.lag_p50_s} s`,
        `p99 ${f.lag_p99_s} s`,
      ],
      [
        'live-loop',
        'forecasts written by the loop',
        `${f.forecasts_per_s} /s`,
        `debounce ${f.debounce_ms} ms`,
      ],
    ],
  },
  // Minutes, real processes, PostgreSQL and Redis: not part of the all-benches run.
  'fleet-stream': {
    file: 'bench/fleet-stream.ts',
    byNameOnly: true,
    rows: (f) => {
      const c = f.cpu_ms_per_capture as unknown as Figures;
      return [
        [
          'fleet-stream',
          `captures through to forecasts, ${f.assets} assets, ${f.workers} worker(s)`,
          `${f.captures_per_s} /s`,
          `offered ${f.offered_captures_per_s} /s`,
        ],
        ['fleet-stream', 'capture-to-forecast lag', `p50 ${f.lag_p50_s} s`, `p99 ${f.lag_p99_s} s`],
        [
          'fleet-stream',
          'CPU-ms per capture (ingest/extract/score/advice)',
          `${c.total} ms total`,
          `${c.ingest}/${c.extract}/${c.score}/${c.advice}`,
        ],
        ['fleet-stream', 'database growth', `${f.db_bytes_per_asset_day} B/asset-day`, ''],
      ];
    },
  },
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const named = args[0] !== undefined && args[0] in BENCHES ? args[0] : undefined;
if (args[0] !== undefined && !args[0].startsWith('-') && !named) {
  console.error(`unknown bench "${args[0]}"; one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const flags = (named ? args.slice(1) : args).filter((a) => a !== '--json');

/** Runs one bench, its progress on stderr; resolves with its closing JSON line. */
function run(file: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, '--json', ...flags], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`${file} exited ${code}`));
      else resolve(JSON.parse(last) as Figures);
    });
  });
}

const results: Record<string, Figures> = {};
let failed = false;
for (const name of named ? [named] : Object.keys(BENCHES).filter((n) => !BENCHES[n]!.byNameOnly)) {
  try {
    results[name] = await run(BENCHES[name]!.file);
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    failed = true;
  }
}

const table = Object.entries(results).flatMap(([name, f]) => BENCHES[name]!.rows(f));
const widths = [0, 1, 2, 3].map((c) => Math.max(...table.map((r) => r[c]!.length)));
console.log('');
for (const r of table)
  console.log(
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
if (json) console.log(JSON.stringify(named ? results[named] : results));
process.exit(failed ? 1 : 0);

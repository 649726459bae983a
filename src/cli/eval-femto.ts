/**
 * `prognos eval femto`: the PHM 2012 prognostics setting on PRONOSTIA bearing folders: learn from
 * run-to-failure bearings, cut each test bearing after N vibration files, predict its RUL and score
 * it (src/evaluation/femto/). Progress and data-quality warnings go to stderr; stdout gets one JSON
 * line per test bearing, then one summary line with the challenge score over them.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { evaluateFemtoBearing, summariseTraining } from '../evaluation/femto/evaluate-femto.js';
import { phm2012Summary } from '../evaluation/femto/rul-estimator.js';
import { indicatorLobo } from '../evaluation/femto/indicator-lobo.js';
import { FormatError } from '../acquisition/formats/format-error.js';
import { parseFlags, UsageError, type Command } from './command.js';
import { collectFileLists } from './eval-cwru.js';

const USAGE =
  'prognos eval femto --train DIR... --test DIR:CUT[:TRUE_RUL_S]... | --test DIR --cut N [--true-rul SECONDS]\n' +
  '       prognos eval femto --indicators DIR... [--cut-fraction F]  (leave-one-bearing-out: health indicators by ' +
  'monotonicity + trendability + prognosability, onsets, RUL at ⌊F × files⌋, F = 0.75 by default)\n' +
  '       either form: --indicator NAME detects the onset on NAME instead of the fittest candidate';

export interface TestBearing {
  dir: string;
  cut: number;
  trueRulS?: number;
}

function parseCut(value: string | undefined, what: string): number {
  const cut = Number(value);
  if (!Number.isInteger(cut) || cut < 10)
    throw new UsageError(`${what} must be an integer ≥ 10, got "${value}"`);
  return cut;
}

function parseTrueRul(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!(v > 0)) throw new UsageError(`${what} must be > 0 seconds, got "${value}"`);
  return v;
}

/**
 * `--test` arguments: each `DIR:CUT[:TRUE_RUL_S]`, or a single plain `DIR` with `--cut` (and
 * `--true-rul`). The cut and RUL are read from the end, so a folder name may itself hold colons.
 */
export function parseTestBearings(
  tests: readonly string[],
  cut: string | undefined,
  trueRul: string | undefined,
): TestBearing[] {
  if (tests.length === 0) throw new UsageError('--test needs at least one bearing folder');
  const specs = tests.map((t) => /^(.+?):(\d+)(?::([^:]*))?$/.exec(t));
  if (specs.every((m) => m === null)) {
    if (tests.length !== 1) throw new UsageError('several --test folders need DIR:CUT each');
    return [{ dir: tests[0]!, cut: parseCut(cut, '--cut'), trueRulS: parseTrueRul(trueRul, '--true-rul') }];
  }
  if (cut !== undefined || trueRul !== undefined) {
    throw new UsageError('--cut and --true-rul go with a single plain --test DIR, not with DIR:CUT');
  }
  return specs.map((m, i) => {
    if (!m) throw new UsageError(`--test ${tests[i]}: expected DIR:CUT[:TRUE_RUL_S]`);
    return {
      dir: m[1]!,
      cut: parseCut(m[2], `the cut of --test ${tests[i]}`),
      trueRulS: parseTrueRul(m[3], `the true RUL of --test ${tests[i]}`),
    };
  });
}

async function assertDir(path: string): Promise<void> {
  const s = await stat(path).catch(() => null);
  if (!s?.isDirectory()) throw new UsageError(`not a bearing folder: ${path}`);
}

export const evalFemtoCommand: Command = {
  name: 'eval femto',
  summary: 'Predict the RUL of PRONOSTIA bearings cut after N files (PHM 2012 setting) and score them',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = argv[0] === 'femto' ? argv.slice(1) : argv;
    const { lists, rest } = collectFileLists(args, ['train', 'test', 'indicators']);
    const { values } = parseFlags({
      args: rest,
      options: {
        cut: { type: 'string' },
        'true-rul': { type: 'string' },
        'cut-fraction': { type: 'string' },
        indicator: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const log = (message: string): void => void process.stderr.write(`${message}\n`);
    if (lists.indicators!.length > 0) {
      if (lists.train!.length > 0 || lists.test!.length > 0 || values.cut || values['true-rul']) {
        throw new UsageError(
          '--indicators runs leave-one-bearing-out on its folders: no --train, --test or --cut',
        );
      }
      const fraction = values['cut-fraction'] === undefined ? 0.75 : Number(values['cut-fraction']);
      if (!(fraction > 0 && fraction < 1)) {
        throw new UsageError(`--cut-fraction must be between 0 and 1, got "${values['cut-fraction']}"`);
      }
      for (const dir of lists.indicators!) await assertDir(dir);
      try {
        return await runIndicators(lists.indicators!, fraction, values.indicator, log);
      } catch (err) {
        if (err instanceof RangeError || err instanceof FormatError) throw new UsageError(err.message);
        throw err;
      }
    }
    if (values['cut-fraction'] !== undefined) throw new UsageError('--cut-fraction goes with --indicators');
    const train = lists.train!;
    if (train.length === 0) throw new UsageError('--train needs at least one run-to-failure bearing folder');
    const tests = parseTestBearings(lists.test!, values.cut, values['true-rul']);
    for (const dir of [...train, ...tests.map((t) => t.dir)]) await assertDir(dir);
    try {
      return await run(train, tests, values.indicator, log);
    } catch (err) {
      // What the data cannot give (a cut past the last file, no onset in any training run) is
      // said in one line, not as a stack trace.
      if (err instanceof RangeError || err instanceof FormatError) throw new UsageError(err.message);
      throw err;
    }
  },
};

async function run(
  train: string[],
  tests: TestBearing[],
  indicator: string | undefined,
  log: (message: string) => void,
): Promise<number> {
  const training = await summariseTraining(train, log, indicator);
  const scored: { actual: number; predicted: number }[] = [];
  for (const t of tests) {
    const r = await evaluateFemtoBearing(training, t.dir, t.cut, {
      log,
      ...(t.trueRulS ? { trueRulS: t.trueRulS } : {}),
    });
    if (r.true_rul_s !== null && r.score !== null) {
      scored.push({ actual: r.true_rul_s, predicted: r.predicted_rul_s });
    }
    const line = {
      bearing: basename(t.dir.replace(/[\\/]+$/, '')),
      cut: t.cut,
      predicted_rul_s: Math.round(r.predicted_rul_s),
      true_rul_s: r.true_rul_s,
      percent_error: r.percent_error,
      score: r.score,
      state: r.state,
      status: r.status,
      method: r.method,
      indicator: r.indicator,
      quality_flagged_rows: r.quality.flagged_rows,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  const summary = phm2012Summary(scored);
  process.stdout.write(
    `${JSON.stringify({
      bearings: summary.bearings,
      mean_abs_percent_error: Math.round(summary.mean_abs_percent_error * 100) / 100,
      phm2012_score: Math.round(summary.phm2012_score * 1e4) / 1e4,
    })}\n`,
  );
  return 0;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

async function runIndicators(
  dirs: string[],
  fraction: number,
  indicator: string | undefined,
  log: (message: string) => void,
): Promise<number> {
  const r = await indicatorLobo(dirs, { cutFraction: fraction, log, ...(indicator ? { indicator } : {}) });
  const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  for (const c of r.all) {
    out({
      candidate: c.name,
      over: 'all bearings (reading only)',
      monotonicity: round(c.monotonicity, 4),
      trendability: round(c.trendability, 4),
      prognosability: round(c.prognosability, 4),
      fitness: round(c.fitness, 4),
    });
  }
  for (const f of r.folds) {
    out({
      held_out: f.bearing,
      indicator: f.indicator,
      fitness_on_others: round(f.fitness, 4),
      onset_s: f.onset_s,
      life_s: f.life_s,
      cut: f.cut,
      predicted_rul_s: Math.round(f.predicted_rul_s),
      interval_s: f.interval_s.map((v) => Math.round(v)),
      true_rul_s: f.true_rul_s,
      percent_error: round(f.percent_error, 2),
      score: round(f.score, 4),
      state: f.state,
      status: f.status,
      method: f.method,
    });
  }
  out({
    bearings: r.summary.bearings,
    mean_abs_percent_error: round(r.summary.mean_abs_percent_error, 2),
    phm2012_score: round(r.summary.phm2012_score, 4),
  });
  return 0;
}

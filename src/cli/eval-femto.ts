/**
 * `prognos eval femto`: the PHM 2012 prognostics setting on PRONOSTIA bearing folders: learn from
 * run-to-failure bearings, cut the test bearing after N vibration files, predict its RUL and score
 * it (src/evaluation/femto/). Progress goes to stderr; the last stdout line is one JSON object.
 */
import { stat } from 'node:fs/promises';
import { evaluateFemto } from '../evaluation/femto/evaluate-femto.js';
import { parseFlags, UsageError, type Command } from './command.js';
import { collectFileLists } from './eval-cwru.js';

const USAGE = 'prognos eval femto --train DIR... --test DIR --cut N [--true-rul SECONDS]';

async function assertDir(path: string): Promise<void> {
  const s = await stat(path).catch(() => null);
  if (!s?.isDirectory()) throw new UsageError(`not a bearing folder: ${path}`);
}

export const evalFemtoCommand: Command = {
  name: 'eval femto',
  summary: 'Predict the RUL of a PRONOSTIA bearing cut after N files (PHM 2012 setting) and score it',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = argv[0] === 'femto' ? argv.slice(1) : argv;
    const { lists, rest } = collectFileLists(args);
    const { values } = parseFlags({
      args: rest,
      options: { cut: { type: 'string' }, 'true-rul': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    const train = lists.train!;
    const test = lists.test!;
    if (train.length === 0) throw new UsageError('--train needs at least one run-to-failure bearing folder');
    if (test.length !== 1) throw new UsageError('--test takes exactly one bearing folder');
    const cut = Number(values.cut);
    if (!Number.isInteger(cut) || cut < 10)
      throw new UsageError(`--cut must be an integer ≥ 10, got "${values.cut}"`);
    const trueRul = values['true-rul'] === undefined ? undefined : Number(values['true-rul']);
    if (trueRul !== undefined && !(trueRul > 0)) throw new UsageError('--true-rul must be > 0 seconds');
    for (const dir of [...train, ...test]) await assertDir(dir);
    const log = (message: string): void => void process.stderr.write(`${message}\n`);
    const result = await evaluateFemto(train, test[0]!, cut, {
      log,
      ...(trueRul ? { trueRulS: trueRul } : {}),
    });
    log(
      `predicted ${result.predicted_rul_s.toFixed(0)} s, true ${result.true_rul_s} s, ` +
        `Er ${result.percent_error} %, score ${result.score}`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
};

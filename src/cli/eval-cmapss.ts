/**
 * `prognos eval cmapss`: trains a fresh RUL model on a C-MAPSS training file with the production
 * pipeline and scores it on a test file + RUL file (or on a unit-held-out pseudo-test carved from
 * the training file with --holdout). Progress goes to stderr; the last stdout line is one JSON
 * object with the scores.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { parseCmapss, parseCmapssRul } from '../acquisition/formats/cmapss.js';
import { saveCardData } from '../models/cards/card-store.js';
import { rulHeldOutOf } from '../evaluation/evaluation-cards.js';
import { cmapssSequences } from '../evaluation/cmapss/cmapss-sequences.js';
import { evaluateCmapss } from '../evaluation/cmapss/evaluate-cmapss.js';
import { CMAPSS_SENSOR_NAMES } from '../acquisition/importers/cmapss.js';
import { saveRulModel } from '../prognostics/rul/rul-store.js';
import { holdOutRuns } from '../training/held-out-runs.js';
import { rulInputFeatureSet } from '../training/rul-input.js';
import { TRAIN_DEFAULTS, type TrainRulOptions } from '../training/rul/train-rul.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE =
  'prognos eval cmapss --train TRAIN_FILE (--test TEST_FILE --rul RUL_FILE | --holdout FRACTION) ' +
  '[--seed N] [--epochs N] [--members N] [--parallel N] [--window N] [--cap N] [--max-train-seconds N] [--out DIR] [--name NAME]';

function intFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

export const evalCmapssCommand: Command = {
  name: 'eval cmapss',
  summary: 'Train a fresh RUL model on a C-MAPSS training file and score it (RMSE, PHM08, coverage)',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = argv[0] === 'cmapss' ? argv.slice(1) : argv;
    const { values } = parseFlags({
      args,
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        rul: { type: 'string' },
        holdout: { type: 'string' },
        seed: { type: 'string' },
        epochs: { type: 'string' },
        members: { type: 'string' },
        parallel: { type: 'string' },
        window: { type: 'string' },
        cap: { type: 'string' },
        'max-train-seconds': { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.train) throw new UsageError('--train is required');
    const holdout = values.holdout === undefined ? undefined : Number(values.holdout);
    if (holdout !== undefined && !(holdout > 0 && holdout < 1))
      throw new UsageError('--holdout must be in (0, 1)');
    if (holdout === undefined && (!values.test || !values.rul)) {
      throw new UsageError('--test and --rul are required (or --holdout FRACTION for a pseudo-test)');
    }
    const seed = intFlag(values.seed, 'seed', 0) ?? TRAIN_DEFAULTS.seed;
    let train = cmapssSequences(parseCmapss(readText(values.train, 'train'), basename(values.train)));
    let test;
    let rul;
    if (holdout !== undefined) {
      ({ train, test, rul } = holdOutRuns(train, holdout, seed));
      process.stderr.write(`pseudo-test: ${rul.length} held-out units truncated at random cycles\n`);
    } else {
      test = cmapssSequences(
        parseCmapss(readText(values.test as string, 'test'), basename(values.test as string)),
      );
      rul = parseCmapssRul(readText(values.rul as string, 'rul'), basename(values.rul as string));
    }

    const epochStarts: number[] = [];
    let finished = 0;
    const options: TrainRulOptions = {
      seed,
      source: basename(values.train),
      ...(values.name ? { name: values.name } : {}),
      maxEpochs: intFlag(values.epochs, 'epochs', 1) ?? TRAIN_DEFAULTS.maxEpochs,
      members: intFlag(values.members, 'members', 1) ?? TRAIN_DEFAULTS.members,
      window: intFlag(values.window, 'window', 1) ?? TRAIN_DEFAULTS.window,
      cap: intFlag(values.cap, 'cap', 1) ?? TRAIN_DEFAULTS.cap,
      // One worker thread per core: the wasm backend is single-threaded in Node.
      parallel: intFlag(values.parallel, 'parallel', 1) ?? availableParallelism(),
      // Under 10 minutes of training on any subset, whatever else the machine is doing: members
      // still running at their share of the budget stop early (keeping their best weights).
      maxTrainSeconds: intFlag(values['max-train-seconds'], 'max-train-seconds', 1) ?? 540,
      logger: { info: (message) => process.stderr.write(`${message}\n`) },
      onEpoch: (epoch, logs) => {
        epochStarts.push(logs.elapsedSeconds);
        process.stderr.write(
          `member ${logs.member + 1}/${logs.members} epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)} ` +
            `val RMSE ${logs.valRmse.toFixed(2)} (best ${logs.bestValRmse.toFixed(2)} @${logs.bestEpoch + 1}) ` +
            `lr ${logs.learningRate.toExponential(1)} elapsed ${logs.elapsedSeconds.toFixed(0)} s\n`,
        );
      },
      onMemberEnd: (member, result) => {
        finished++;
        const elapsed = epochStarts[epochStarts.length - 1] ?? 0;
        const members = options.members ?? 1;
        // Members run `parallel` at a time, so remaining time scales with members not yet done.
        const eta = (elapsed / finished) * (members - finished);
        process.stderr.write(
          `member ${member + 1}/${members} done (${result.stoppedBy}, best epoch ${result.bestEpoch + 1}, ` +
            `val RMSE ${result.bestValRmse.toFixed(2)}); ETA ${eta.toFixed(0)} s\n`,
        );
      },
    };
    const { evaluation, model, manifest, predictions } = await evaluateCmapss(train, test, rul, options);
    if (values.out) {
      const { rmse, phm08, interval_coverage, units, train_seconds } = evaluation;
      manifest.metrics = {
        rmse,
        phm08,
        interval_coverage,
        units,
        train_seconds,
        testSource: values.test ?? `holdout ${holdout}`,
      };
      // The registry's identity for the model's inputs: the 24 raw C-MAPSS columns, named as the
      // importer names the sensors, so a model trained here scores imported engines.
      await saveRulModel(
        values.out,
        model,
        Object.assign(manifest, { modelKind: 'rul', featureSet: rulInputFeatureSet(CMAPSS_SENSOR_NAMES) }),
      );
      const source = values.test
        ? `${basename(values.test)} + ${basename(values.rul as string)}, last cycle of each of ${units} engines, true RUL capped at ${manifest.cap}`
        : `${units} engines of ${basename(values.train)} held out (${holdout}) and cut at random cycles`;
      await saveCardData(values.out, {
        heldOut: rulHeldOutOf(predictions, manifest.cap, manifest.interval.level, source),
        primary: { name: 'rmse', lowerIsBetter: true },
      });
      process.stderr.write(`saved model to ${values.out}\n`);
    }
    process.stdout.write(`${JSON.stringify(evaluation)}\n`);
    return 0;
  },
};

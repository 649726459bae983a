/**
 * `prognos eval ai4i`: trains a fresh failure classifier on an AI4I 2020 CSV with the production
 * code and scores it on a test file, or on a stratified 20 % hold-out of the training file.
 * Progress goes to stderr; the last stdout line is one JSON object with the scores.
 */
import { readFileSync } from 'node:fs';
import { parseAi4iCsv } from '../acquisition/formats/ai4i.js';
import { saveCardData } from '../models/cards/card-store.js';
import { classifierHeldOutOf } from '../evaluation/evaluation-cards.js';
import { evaluateAi4i } from '../evaluation/ai4i/evaluate-ai4i.js';
import { saveFailureModel } from '../prognostics/failure/failure-store.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = 'prognos eval ai4i --train FILE [--test FILE] [--seed N] [--epochs N] [--out DIR]';

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

export const evalAi4iCommand: Command = {
  name: 'eval ai4i',
  summary:
    'Train a failure classifier on an AI4I 2020 CSV and score it (ROC/PR AUC, F1, Brier, per-mode recall)',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = argv[0] === 'ai4i' ? argv.slice(1) : argv;
    const { values } = parseFlags({
      args,
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        seed: { type: 'string' },
        epochs: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.train) throw new UsageError('--train is required');
    const seed = intFlag(values.seed, 'seed', 0) ?? 42;
    const epochs = intFlag(values.epochs, 'epochs', 1);
    const train = parseAi4iCsv(readText(values.train, 'train'), values.train);
    const test = values.test ? parseAi4iCsv(readText(values.test, 'test'), values.test) : undefined;
    process.stderr.write(
      `training on ${train.length} rows; testing on ${test ? `${test.length} rows of ${values.test}` : 'a stratified 20 % hold-out'}\n`,
    );
    const {
      model,
      manifest,
      evaluation,
      test: scored,
    } = await evaluateAi4i(train, test, {
      seed,
      source: values.train,
      ...(epochs ? { epochs } : {}),
      logger: { info: (message) => process.stderr.write(`${message}\n`) },
      onEpoch: (r) => {
        if (r.epoch % 10 === 0 || r.epoch === r.bestEpoch) {
          process.stderr.write(
            `epoch ${r.epoch + 1}: loss ${r.loss.toFixed(4)} validation ${r.validation.toFixed(4)} (best @${r.bestEpoch + 1})\n`,
          );
        }
      },
    });
    if (values.out) {
      await saveFailureModel(values.out, model, manifest);
      const source = test
        ? `${evaluation.testRows} rows of ${values.test}`
        : `a stratified 20 % hold-out of ${values.train} (${evaluation.testRows} rows)`;
      await saveCardData(values.out, {
        heldOut: classifierHeldOutOf(
          scored.probabilities,
          scored.labels,
          manifest.threshold,
          manifest.label,
          source,
        ),
        primary: { name: 'rocAuc', lowerIsBetter: false },
      });
      process.stderr.write(`saved model to ${values.out}\n`);
    }
    model.dispose();
    process.stdout.write(`${JSON.stringify(evaluation)}\n`);
    return 0;
  },
};

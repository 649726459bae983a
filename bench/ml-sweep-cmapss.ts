// Hyper-parameter check on the validation folds (out-of-fold RMSE), e.g.
//   node --import tsx bench/ml-sweep-cmapss.ts FD001 '{"members":3,"batchSize":512}'
// Prints the evaluation JSON; choose settings by out_of_fold_rmse, not by the test scores.
import { readFileSync } from 'node:fs';
import { parseCmapss, parseCmapssRul } from '../src/acquisition/formats/cmapss.js';
import { cmapssSequences } from '../src/evaluation/cmapss/cmapss-sequences.js';
import { evaluateCmapss } from '../src/evaluation/cmapss/evaluate-cmapss.js';
import { holdOutRuns } from '../src/training/held-out-runs.js';
import type { TrainRulOptions } from '../src/training/rul/train-rul.js';

const dir = new URL('../../shared/datasets/cmapss', import.meta.url).pathname;
const subset = process.argv[2] ?? 'FD001';
const options = JSON.parse(process.argv[3] ?? '{}') as TrainRulOptions;
let train = cmapssSequences(parseCmapss(readFileSync(`${dir}train_${subset}.txt`, 'utf8')));
let test;
let rul;
try {
  test = cmapssSequences(parseCmapss(readFileSync(`${dir}test_${subset}.txt`, 'utf8')));
  rul = parseCmapssRul(readFileSync(`${dir}RUL_${subset}.txt`, 'utf8'));
} catch {
  ({ train, test, rul } = holdOutRuns(train, 0.2, options.seed ?? 42));
}
let last = 0;
const { evaluation } = await evaluateCmapss(train, test, rul, {
  ...options,
  onEpoch: (epoch, l) => {
    if (l.elapsedSeconds - last > 30 || epoch === 0) {
      last = l.elapsedSeconds;
      process.stderr.write(
        `m${l.member} e${epoch + 1} val ${l.valRmse.toFixed(2)} best ${l.bestValRmse.toFixed(2)} t ${l.elapsedSeconds.toFixed(0)}\n`,
      );
    }
  },
  onMemberEnd: (m, r) => process.stderr.write(`member ${m}: ${JSON.stringify(r)}\n`),
});
process.stdout.write(`${JSON.stringify({ subset, options, ...evaluation })}\n`);

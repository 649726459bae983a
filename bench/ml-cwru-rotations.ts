/**
 * CWRU 0 HP, train on two fault sizes and test on the third, every rotation, for each model
 * (`staged`: the signature model the CLI uses; `mlp`: the dense network on all features, the
 * baseline). Needs ../shared/datasets/cwru. Prints one line per rotation and model (window and
 * record accuracy, confusion, per-record verdicts, stage-B threshold, seconds), then the JSON of
 * all results. Run: `node --import tsx bench/ml-cwru-rotations.ts [--seed N]`.
 *
 * Measured (seed 42, 2 shared cores): staged window / record accuracy 0.967 / 1 (test 007),
 * 0.681 / 0.75 (test 014: OR014@6 has no BPFO signature, see README "CWRU"), 0.984 / 1 (test
 * 021); mlp 0.824 / 1, 0.324 / 0.5, 0.495 / 0.75.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/tf/backend.js';
import { CWRU_EVAL_DEFAULTS, evaluateCwru } from '../src/evaluation/cwru/evaluate-cwru.js';

const dir = fileURLToPath(new URL('../../shared/datasets/cwru', import.meta.url));
if (!existsSync(dir)) {
  process.stderr.write(`${dir} not found: nothing to run\n`);
  process.exit(0);
}
const seedAt = process.argv.indexOf('--seed');
const seed = seedAt > 0 ? Number(process.argv[seedAt + 1]) : 42;
const BY_SIZE: Record<string, string[]> = {
  '007': ['B007_0_118', 'IR007_0_105', 'OR007@6_0_130'],
  '014': ['B014_0_185', 'IR014_0_169', 'OR014@6_0_197'],
  '021': ['B021_0_222', 'IR021_0_209', 'OR021@6_0_234'],
};
const path = (name: string): string => join(dir, `12k_Drive_End_${name}.mat`);
const normal = join(dir, 'normal_0_97.mat');
await initBackend();
const results: Record<string, unknown> = {};
for (const model of ['staged', 'mlp'] as const) {
  for (const held of Object.keys(BY_SIZE)) {
    const train = [normal, ...Object.entries(BY_SIZE).flatMap(([d, f]) => (d === held ? [] : f.map(path)))];
    const test = [normal, ...BY_SIZE[held]!.map(path)];
    const t0 = performance.now();
    const r = await evaluateCwru(train, test, { ...CWRU_EVAL_DEFAULTS, seed, model });
    const seconds = (performance.now() - t0) / 1000;
    results[`${model}-${held}`] = r;
    const recs = r.record_results
      .map((x) => `${x.record.replace('12k_Drive_End_', '')}→${x.predicted}`)
      .join(' ');
    process.stdout.write(
      `${model} test ${held}: window ${r.accuracy} record ${r.record_accuracy} ` +
        `confusion ${JSON.stringify(r.confusion.matrix)} ${recs} ` +
        `threshold ${r.signature_threshold ?? '-'} ${seconds.toFixed(1)} s\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);

/**
 * Health index on C-MAPSS FD001 (needs ../shared/datasets/cmapss/train_FD001.txt): trains the
 * autoencoder on the first 30 % of life of 80 engines and scores every cycle of the 20 held-out
 * engines. Prints Spearman(score, life fraction) and the mean score early and late in life.
 *   node --import tsx bench/ml-health-cmapss.ts [--seed N] [--healthy 0.3] [--window 10] [--out DIR]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCmapss } from '../src/acquisition/formats/cmapss.js';
import { evaluateCmapssHealth } from '../src/evaluation/cmapss/cmapss-health.js';
import { saveHealthModel } from '../src/health/health-store.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    healthy: { type: 'string', default: '0.3' },
    file: {
      type: 'string',
      default: resolve(import.meta.dirname, '../../shared/datasets/cmapss/train_FD001.txt'),
    },
    out: { type: 'string' },
    window: { type: 'string', default: '10' },
  },
});
const rows = parseCmapss(readFileSync(values.file, 'utf8'));
const started = performance.now();
const { model, manifest, evaluation } = await evaluateCmapssHealth(rows, {
  seed: Number(values.seed),
  healthyFraction: Number(values.healthy),
  window: Number(values.window),
  onEpoch: (r) =>
    process.stderr.write(
      `epoch ${r.epoch + 1}: loss ${r.loss.toFixed(4)} val ${r.validation.toFixed(4)} (best ${r.bestValidation.toFixed(4)} @${r.bestEpoch + 1})\n`,
    ),
});
if (values.out) await saveHealthModel(values.out, model, manifest);
process.stdout.write(
  `${JSON.stringify({ ...evaluation, backend: manifest.backend, seconds: (performance.now() - started) / 1000 })}\n`,
);

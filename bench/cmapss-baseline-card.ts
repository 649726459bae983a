// Draws the model card of the committed baseline (models/cmapss-fd001-rul/1) by scoring it, as
// committed, on the C-MAPSS FD001 test set with the production inference code; re-runnable, and
// it never touches the weights or the manifest (the card files are not part of the artifact hash).
//   node --import tsx bench/cmapss-baseline-card.ts [--data ../shared/datasets/cmapss] [--dir models/cmapss-fd001-rul/1]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCmapss, parseCmapssRul } from '../src/acquisition/formats/cmapss.js';
import { cmapssSequences } from '../src/evaluation/cmapss/cmapss-sequences.js';
import { initBackend } from '../src/tf/backend.js';
import { saveCardData, writeModelCard } from '../src/models/cards/card-store.js';
import { rulHeldOutOf } from '../src/evaluation/evaluation-cards.js';
import { phm08Score, rmse } from '../src/prognostics/rul/rul-metrics.js';
import { loadRulModel } from '../src/prognostics/rul/rul-store.js';
import { predictRul } from '../src/prognostics/rul/predict-rul.js';
import { readManifest } from '../src/models/artifacts.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/datasets/cmapss' },
    dir: { type: 'string', default: 'models/cmapss-fd001-rul/1' },
  },
});
const read = (f: string) => readFileSync(path.join(values.data, f), 'utf8');
const test = cmapssSequences(parseCmapss(read('test_FD001.txt'), 'test_FD001.txt'));
const trueRul = parseCmapssRul(read('RUL_FD001.txt'), 'RUL_FD001.txt');
// The backend scoring uses (wasm here), not whatever TF.js would fall back to.
const backend = await initBackend();
process.stdout.write(`backend ${backend.name}\n`);
const { model, manifest } = await loadRulModel(values.dir);
const byUnit = new Map(predictRul(model, manifest, test).map((p) => [p.key, p]));
model.dispose();
const predictions = test.map(({ key }, i) => ({
  ...byUnit.get(key)!,
  trueRul: Math.min(manifest.cap, trueRul[i]!),
}));
const predicted = predictions.map((p) => p.rul);
const actual = predictions.map((p) => p.trueRul);
const scored = {
  rmse: rmse(predicted, actual),
  phm08: phm08Score(predicted, actual),
  interval_coverage:
    predictions.filter((p) => p.lower <= p.trueRul && p.trueRul <= p.upper).length / predictions.length,
  units: predictions.length,
};
// The registered metrics are the manifest's: the card must agree with them, or say so loudly.
const stored = (await readManifest(values.dir)).metrics as Record<string, number>;
for (const k of ['rmse', 'phm08', 'interval_coverage', 'units'] as const) {
  const ok = Math.abs(scored[k] - stored[k]!) <= 1e-3 * Math.max(1, Math.abs(stored[k]!));
  process.stdout.write(
    `${k.padEnd(18)} scored ${scored[k].toFixed(4).padStart(10)}  manifest ${stored[k]!.toFixed(4).padStart(10)}  ${ok ? 'ok' : 'DIFFERS'}\n`,
  );
  if (!ok) process.exitCode = 1;
}
const data = {
  heldOut: rulHeldOutOf(
    predictions,
    manifest.cap,
    manifest.interval.level,
    `NASA C-MAPSS test_FD001.txt + RUL_FD001.txt: the last cycle of each of the ${predictions.length} test engines, true RUL capped at ${manifest.cap}`,
  ),
  primary: { name: 'rmse', lowerIsBetter: true },
};
await saveCardData(values.dir, data);
const files = await writeModelCard(values.dir, {
  name: manifest.name,
  version: Number(manifest.version),
  manifest: manifest as unknown as Record<string, unknown>,
  metrics: stored,
  data: { schemaVersion: 1, ...data },
});
process.stdout.write(`wrote ${files.join(', ')} to ${values.dir}\n`);

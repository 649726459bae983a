import { readFileSync } from 'node:fs';
import { parseAi4iCsv } from '/work/main/src/acquisition/formats/ai4i.js';
import { evaluateAi4i } from '/work/main/src/ml/failure/evaluate-ai4i.js';
const rows = parseAi4iCsv(readFileSync('/work/shared/datasets/ai4i2020/ai4i2020_train.csv', 'utf8'));
const seed = Number(process.argv[2] ?? 42);
const { evaluation, manifest } = await evaluateAi4i(rows, undefined, { seed, earlyStopping: (process.argv[3] ?? 'average-precision') as 'log-loss', classWeightPower: Number(process.argv[4] ?? 1), onEpoch: (r) => { if (r.epoch % 20 === 0) process.stderr.write(`${r.epoch} ${r.loss.toFixed(4)} ${r.validation.toFixed(4)} best ${r.bestEpoch}\n`); } });
console.log(JSON.stringify(manifest.metrics.validation));
console.log(JSON.stringify(evaluation));

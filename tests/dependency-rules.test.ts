/**
 * The dependency rules (.dependency-cruiser.mjs) catch what they are meant to. A tiny source tree
 * with known violations planted in it is cruised by the real CLI with the real config: each
 * planted violation is reported under the rule named for it, and nothing else is (so the allowed
 * imports beside them, e.g. an eval command importing an evaluation, stay allowed).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** path → source. Comments say what each import is: a violation (rule) or allowed. */
const TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  'src/config.ts': `import { RULES } from './maintenance/rule-settings.js'; // allowed: the one exception
export const config = { rules: RULES };`,
  'src/maintenance/rule-settings.ts': `export const RULES = ['iso_zone'];`,
  'src/maths/stats.ts': `export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;`,
  'src/signal/filter.ts': `import { mean } from '../maths/stats.js'; // allowed
export const detrend = (xs: number[]) => xs.map((x) => x - mean(xs));`,
  'src/signal/load.ts': `import { readFileSync } from 'node:fs'; // pure-code-does-no-io
export const load = (p: string) => readFileSync(p);`,
  'src/signal/load.test.ts': `import { readFileSync } from 'node:fs'; // allowed: a test
export const fixture = readFileSync;`,
  'src/db/partitions.job.ts': `import type { Job } from '../jobs/types.js'; // foundation-imports-no-higher-layer
export const job: Job = { name: 'x' };`,
  'src/jobs/types.ts': `export interface Job { name: string }`,
  'src/features/extract.ts': `import { detrend } from '../signal/filter.js'; // allowed
export const extract = detrend;`,
  'src/features/set-a.ts': `import type { B } from './set-b.js'; // no-circular (type-only counts)
export interface A { b?: B }`,
  'src/features/set-b.ts': `import type { A } from './set-a.js'; // no-circular
export interface B { a?: A }`,
  'src/acquisition/ingest.ts': `import { score } from '../forecasting/score.js'; // acquisition-imports-no-higher-layer
export const ingest = score;`,
  'src/forecasting/score.ts': `import { extract } from '../features/extract.js'; // allowed
import { evaluate } from '../evaluation/cmapss/run.js'; // forecasting-imports-no-higher-layer, production-never-imports-evaluation
export const score = () => [extract, evaluate];`,
  'src/evaluation/cmapss/run.ts': `import { extract } from '../../features/extract.js'; // allowed
export const evaluate = extract;`,
  'src/cli/eval-cmapss.ts': `import { evaluate } from '../evaluation/cmapss/run.js'; // allowed: an eval command
export const run = evaluate;`,
  'src/twin/fleet.ts': `export const simulate = () => 1;`,
  'src/health/model.ts': `import { simulate } from '../twin/fleet.js'; // health-imports-no-higher-layer, product-never-imports-the-twin
export const fit = simulate;`,
  'src/demo/setup.ts': `import { simulate } from '../twin/fleet.js'; // allowed: the demo
export const setup = simulate;`,
};

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

let dir: string;
let violations: Violation[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prognos-deps-'));
  for (const [file, text] of Object.entries(TREE)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), `${text}\n`);
  }
  // Exits non-zero when it finds violations, which is the point here: read its report anyway.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI, '--config', path.join(ROOT, '.dependency-cruiser.mjs'), '--output-type', 'json', 'src'],
    { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
  ).catch((err: { stdout?: string; stderr?: string }) => {
    if (!err.stdout) throw new Error(`depcruise failed: ${err.stderr ?? String(err)}`);
    return { stdout: err.stdout };
  });
  violations = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dependency rules', () => {
  it('report each planted forbidden import under its rule, and nothing else', () => {
    const found = violations
      .filter((v) => v.rule.name !== 'no-circular')
      .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
      .sort();
    expect(found).toEqual(
      [
        'acquisition-imports-no-higher-layer: src/acquisition/ingest.ts → src/forecasting/score.ts',
        'foundation-imports-no-higher-layer: src/db/partitions.job.ts → src/jobs/types.ts',
        'forecasting-imports-no-higher-layer: src/forecasting/score.ts → src/evaluation/cmapss/run.ts',
        'health-imports-no-higher-layer: src/health/model.ts → src/twin/fleet.ts',
        'product-never-imports-the-twin: src/health/model.ts → src/twin/fleet.ts',
        'production-never-imports-evaluation: src/forecasting/score.ts → src/evaluation/cmapss/run.ts',
        'pure-code-does-no-io: src/signal/load.ts → fs',
      ].sort(),
    );
  });

  it('report an import cycle, type-only imports included', () => {
    const cycles = violations.filter((v) => v.rule.name === 'no-circular');
    expect(cycles.length).toBeGreaterThan(0);
    for (const v of cycles)
      expect([v.from, v.to].sort()).toEqual(['src/features/set-a.ts', 'src/features/set-b.ts']);
  });
});

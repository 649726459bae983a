/**
 * The held-out set of a RUL training run when no separate test data exists: a share of the runs
 * to failure is held out (by asset, never by step) and each held-out run is cut at a uniformly
 * random step, so its true RUL is known. The shape follows the test files of the C-MAPSS
 * benchmark (Saxena et al. 2008): engines observed up to some point before failure.
 */
import { createRng } from '../maths/random.js';
import { splitByUnit } from '../maths/split-by-unit.js';
import type { AssetSequence } from '../prognostics/rul/sequences.js';

export interface HeldOutRuns {
  /** The runs not held out, whole. */
  train: AssetSequence[];
  /** The held-out runs (in input order), each cut after a random step. */
  test: AssetSequence[];
  /** True RUL at each test run's cut (last `t` of the run − `t` of the cut), in `test` order. */
  rul: number[];
}

/** Holds out `fraction` of `runs` (deterministic in `seed`); every cut keeps ≥ `minSteps` of `t`. */
export function holdOutRuns(
  runs: readonly AssetSequence[],
  fraction: number,
  seed: number,
  minSteps = 20,
): HeldOutRuns {
  const split = splitByUnit(
    runs.map((r) => r.key),
    fraction,
    seed,
  );
  const held = new Set(split.validation);
  const rng = createRng(seed ^ 0x5eed);
  const lastT = new Map<number, number>();
  for (const r of runs) for (const s of r.steps) lastT.set(r.key, Math.max(lastT.get(r.key) ?? 0, s.t));
  const cut = new Map<number, number>();
  for (const key of split.validation) {
    const last = lastT.get(key) ?? 0;
    const lo = Math.min(minSteps, last);
    cut.set(key, lo + Math.floor(rng() * (last - lo + 1)));
  }
  const train = runs.filter((r) => !held.has(r.key));
  const test = runs
    .filter((r) => held.has(r.key))
    .map((r) => ({ key: r.key, steps: r.steps.filter((s) => s.t <= (cut.get(r.key) ?? 0)) }))
    .filter((r) => r.steps.length > 0);
  const rul = test.map((r) => (lastT.get(r.key) ?? 0) - (cut.get(r.key) ?? 0));
  return { train, test, rul };
}

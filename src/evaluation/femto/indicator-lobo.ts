/**
 * `eval femto --indicators`: leave-one-bearing-out over run-to-failure PRONOSTIA folders, each
 * read once. For every held-out bearing the onset indicator is chosen on the others
 * (indicator-choice.ts), the onset is looked for on the held-out bearing's whole run, and its
 * RUL is predicted at a cut after ⌊fraction × files⌋ files and scored (PHM 2012). The default
 * fraction 0.75 is Bearing2_7's official cut (172 of 230 files, 580 s true RUL) applied to every
 * bearing. The candidates' fitness over all the folders is reported too, for reading only:
 * no choice is made on it.
 */
import { basename } from 'node:path';
import { FEMTO_SNAPSHOT_PERIOD_S } from '../../acquisition/formats/femto.js';
import { readRunIndicators, trainOn } from './evaluate-femto.js';
import { HEALTH_DEFAULTS, healthTrack, type SnapshotIndicators } from './health-indicator.js';
import { scoreCandidates, type CandidateScore } from './indicator-choice.js';
import { estimateBearingRul, phm2012Score, phm2012Summary, type Phm2012Summary } from './rul-estimator.js';

type Log = (message: string) => void;

interface LoboFold {
  bearing: string;
  /** Indicator chosen on the other bearings (or given), and its fitness there. */
  indicator: string;
  fitness: number;
  /** Onset the chosen indicator finds on the held-out bearing's whole run, s (null: none). */
  onset_s: number | null;
  life_s: number;
  cut: number;
  predicted_rul_s: number;
  interval_s: [number, number];
  true_rul_s: number;
  percent_error: number;
  score: number;
  state: string;
  status: string;
  method: string;
}

export interface IndicatorLoboResult {
  /** Fitness of every candidate over all the bearings (not used for any choice). */
  all: CandidateScore[];
  folds: LoboFold[];
  summary: Phm2012Summary;
}

export async function indicatorLobo(
  dirs: readonly string[],
  options: { cutFraction?: number; log?: Log; indicator?: string } = {},
): Promise<IndicatorLoboResult> {
  const log = options.log ?? (() => {});
  const fraction = options.cutFraction ?? 0.75;
  if (dirs.length < 2) throw new RangeError('leave-one-bearing-out needs at least two bearing folders');
  const runs: { name: string; snapshots: SnapshotIndicators[]; positions: number[]; files: number }[] = [];
  for (const dir of dirs) {
    const r = await readRunIndicators(dir);
    log(`${dir}: ${r.files} files`);
    runs.push({
      name: basename(dir.replace(/[\\/]+$/, '')),
      snapshots: r.snapshots,
      positions: r.positions,
      files: r.files,
    });
  }
  const all = scoreCandidates(
    runs.map((r) => r.snapshots),
    HEALTH_DEFAULTS.baselineSnapshots,
  );
  const folds: LoboFold[] = [];
  for (const held of runs) {
    const training = trainOn(
      runs.filter((r) => r !== held),
      log,
      options.indicator,
    );
    const track = healthTrack(held.snapshots, training.health);
    const cut = Math.floor(fraction * held.files);
    const before = held.snapshots.filter((_, i) => held.positions[i]! < cut);
    const p = estimateBearingRul(before, training.runs, { health: training.health });
    const trueRul = (held.files - cut) * FEMTO_SNAPSHOT_PERIOD_S;
    const scored = phm2012Score(trueRul, p.predicted_rul_s);
    folds.push({
      bearing: held.name,
      indicator: training.health.indicator,
      fitness: training.candidates.find((c) => c.name === training.health.indicator)!.fitness,
      onset_s: track.onset === null ? null : track.t[track.onset]!,
      life_s: track.t.at(-1) ?? 0,
      cut,
      predicted_rul_s: p.predicted_rul_s,
      interval_s: p.interval_s,
      true_rul_s: trueRul,
      percent_error: scored.percent_error,
      score: scored.score,
      state: p.state,
      status: p.status,
      method: p.method,
    });
  }
  const summary = phm2012Summary(folds.map((f) => ({ actual: f.true_rul_s, predicted: f.predicted_rul_s })));
  return { all, folds, summary };
}

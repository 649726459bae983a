/**
 * PHM 2012 setting on PRONOSTIA folders: learn from run-to-failure bearings, cut a test bearing
 * after its first N vibration files, predict its RUL (method: rul-estimator.ts) and score it.
 * Time is the file index × 10 s (the challenge's convention), not the clock in the files.
 */
import { join } from 'node:path';
import { listFemtoBearingDir, readFemtoAccFile } from '../../acquisition/formats/files.js';
import {
  FEMTO_SNAPSHOT_PERIOD_S,
  type FemtoAccSnapshot,
  type FemtoRowIssue,
} from '../../acquisition/formats/femto.js';
import { FormatError } from '../../acquisition/formats/format-error.js';
import {
  HEALTH_DEFAULTS,
  snapshotIndicators,
  type HealthOptions,
  type SnapshotIndicators,
} from './health-indicator.js';
import { scoreCandidates, type CandidateScore } from './indicator-choice.js';
import {
  phm2012Score,
  estimateBearingRul,
  summariseRun,
  type BearingRulEstimate,
  type RunSummary,
} from './rul-estimator.js';

/** Rows of a bearing folder the tolerant read flagged (acquisition/formats/femto.ts FemtoRowIssue). */
export interface RunQuality {
  /** Rows flagged, whatever was done with them. */
  flagged_rows: number;
  dropped_rows: number;
  /** Vibration files with at least one flagged row. */
  files: number;
  /** Vibration files with no readable row (empty, not text): left out, as a lost snapshot is. */
  unreadable_files: number;
  /** The first few, `file line N, field "…": reason (action)`, for the warning lines. */
  examples: string[];
}

const QUALITY_EXAMPLES = 3;

/**
 * Indicators of the first `limit` vibration files of a bearing folder (all when omitted). Files
 * are read tolerantly: a row with an odd field is flagged in `quality`, not fatal.
 */
export async function readRunIndicators(
  dir: string,
  limit?: number,
): Promise<{
  snapshots: SnapshotIndicators[];
  /** Position of each snapshot's file in the folder's file list (unreadable files leave holes). */
  positions: number[];
  files: number;
  gaps: number[];
  quality: RunQuality;
}> {
  const { acc, gaps } = await listFemtoBearingDir(dir);
  const snapshots: SnapshotIndicators[] = [];
  const positions: number[] = [];
  const quality: RunQuality = {
    flagged_rows: 0,
    dropped_rows: 0,
    files: 0,
    unreadable_files: 0,
    examples: [],
  };
  for (const [position, ref] of acc.slice(0, limit ?? acc.length).entries()) {
    const issues: FemtoRowIssue[] = [];
    let s: FemtoAccSnapshot;
    try {
      s = await readFemtoAccFile(join(dir, ref.name), issues);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      quality.unreadable_files++;
      if (quality.examples.length < QUALITY_EXAMPLES) quality.examples.push(err.message);
      continue;
    }
    if (issues.length > 0) {
      quality.files++;
      quality.flagged_rows += issues.length;
      quality.dropped_rows += issues.filter((i) => i.action === 'dropped').length;
      for (const i of issues.slice(0, QUALITY_EXAMPLES - quality.examples.length)) {
        const field = i.field === undefined ? '' : `, field "${i.field}"`;
        quality.examples.push(`${ref.name} line ${i.line}${field}: ${i.reason} (${i.action})`);
      }
    }
    snapshots.push(snapshotIndicators((ref.index - 1) * FEMTO_SNAPSHOT_PERIOD_S, s.horizontal, s.vertical));
    positions.push(position);
  }
  return { snapshots, positions, files: acc.length, gaps: gaps.acc, quality };
}

export interface FemtoEvalResult extends BearingRulEstimate {
  true_rul_s: number | null;
  percent_error: number | null;
  score: number | null;
  test: string;
  cut: number;
  test_files: number;
  quality: RunQuality;
  training: TrainingSet;
}

type Log = (message: string) => void;

function warnQuality(dir: string, quality: RunQuality, log: Log): void {
  if (quality.flagged_rows === 0 && quality.unreadable_files === 0) return;
  log(
    `warning: ${dir}: ${quality.flagged_rows} row(s) flagged in ${quality.files} file(s), ` +
      `${quality.dropped_rows} dropped, ${quality.unreadable_files} unreadable file(s) left out; ` +
      `e.g. ${quality.examples.join('; ')}`,
  );
}

/** What the FEMTO model learns from its run-to-failure bearings. */
export interface TrainingSet {
  runs: RunSummary[];
  /** Onset detection settings, with the indicator chosen on these runs. */
  health: HealthOptions;
  /** Every candidate indicator's fitness on these runs, best first. */
  candidates: CandidateScore[];
}

/** Chooses the onset indicator on run-to-failure runs (indicator-choice.ts) and summarises them with it. */
export function trainOn(
  runs: readonly { name: string; snapshots: readonly SnapshotIndicators[] }[],
  log: Log = () => {},
  /** Onset indicator to use instead of the fittest (for comparisons): a candidate's name. */
  indicator?: string,
): TrainingSet {
  if (runs.some((r) => r.snapshots.length < 2)) {
    // Nothing to measure a trend on, and no onset to learn from.
    throw new RangeError('no training run shows a degradation onset');
  }
  const candidates = scoreCandidates(
    runs.map((r) => r.snapshots),
    HEALTH_DEFAULTS.baselineSnapshots,
  );
  const chosen = indicator === undefined ? candidates[0]! : candidates.find((c) => c.name === indicator);
  if (!chosen) throw new RangeError(`health indicator "${indicator}" is not one every training run carries`);
  const health = { ...HEALTH_DEFAULTS, indicator: chosen.name };
  log(
    `health indicator: ${health.indicator} (${indicator === undefined ? 'fittest' : 'given'}; fitness ` +
      `${chosen.fitness.toFixed(3)} = monotonicity ${chosen.monotonicity.toFixed(3)} + trendability ` +
      `${chosen.trendability.toFixed(3)} + prognosability ${chosen.prognosability.toFixed(3)} over ${runs.length} run(s))`,
  );
  const summaries = runs.map((r) => summariseRun(r.name, r.snapshots, health));
  for (const s of summaries) {
    log(
      `${s.name}: life ${s.life_s} s, onset ${s.onset_s ?? 'none'} s, onset to end ${s.post_onset_s ?? '-'} s`,
    );
  }
  return { runs: summaries, health, candidates };
}

/** Reads the run-to-failure bearings (once, whatever the number of test bearings) and trains on them. */
export async function summariseTraining(
  trainDirs: readonly string[],
  log: Log = () => {},
  indicator?: string,
): Promise<TrainingSet> {
  const runs: { name: string; snapshots: SnapshotIndicators[] }[] = [];
  for (const dir of trainDirs) {
    const run = await readRunIndicators(dir);
    if (run.gaps.length > 0) log(`${dir}: missing vibration files ${run.gaps.slice(0, 10).join(', ')}`);
    warnQuality(dir, run.quality, log);
    log(`${dir}: ${run.files} files`);
    runs.push({ name: dir, snapshots: run.snapshots });
  }
  return trainOn(runs, log, indicator);
}

/** One test bearing cut after `cut` files, against already summarised training runs. */
export async function evaluateFemtoBearing(
  training: TrainingSet,
  testDir: string,
  cut: number,
  options: { trueRulS?: number; log?: Log } = {},
): Promise<FemtoEvalResult> {
  const log = options.log ?? (() => {});
  const test = await readRunIndicators(testDir, cut);
  warnQuality(testDir, test.quality, log);
  if (test.files <= cut && options.trueRulS === undefined) {
    throw new RangeError(
      `${testDir} holds ${test.files} vibration files: a cut at ${cut} leaves nothing to predict`,
    );
  }
  const prediction = estimateBearingRul(test.snapshots, training.runs, { health: training.health });
  log(
    `${testDir} cut at ${cut}: ${prediction.status} (${prediction.method}), onset ${prediction.onset_s ?? 'none'}, ` +
      `predicted RUL ${prediction.predicted_rul_s.toFixed(0)} s`,
  );
  // A complete run ends at its last file: RUL at the cut is the files after it × 10 s.
  const trueRul = options.trueRulS ?? (test.files - cut) * FEMTO_SNAPSHOT_PERIOD_S;
  const scored = trueRul > 0 ? phm2012Score(trueRul, prediction.predicted_rul_s) : null;
  return {
    ...prediction,
    true_rul_s: trueRul,
    percent_error: scored ? Math.round(scored.percent_error * 100) / 100 : null,
    score: scored ? Math.round(scored.score * 1e4) / 1e4 : null,
    test: testDir,
    cut,
    test_files: test.files,
    quality: test.quality,
    training,
  };
}

export async function evaluateFemto(
  trainDirs: readonly string[],
  testDir: string,
  cut: number,
  options: { trueRulS?: number; log?: Log } = {},
): Promise<FemtoEvalResult> {
  return evaluateFemtoBearing(await summariseTraining(trainDirs, options.log), testDir, cut, options);
}

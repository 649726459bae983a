/**
 * PHM 2012 setting on PRONOSTIA folders: learn from run-to-failure bearings, cut a test bearing
 * after its first N vibration files, predict its RUL (method: rul-estimator.ts) and score it.
 * Time is the file index × 10 s (the challenge's convention), not the clock in the files.
 */
import { join } from 'node:path';
import { listFemtoBearingDir, readFemtoAccFile } from '../../acquisition/formats/files.js';
import { FEMTO_SNAPSHOT_PERIOD_S } from '../../acquisition/formats/femto.js';
import { snapshotIndicators, type SnapshotIndicators } from './health-indicator.js';
import {
  phm2012Score,
  estimateBearingRul,
  summariseRun,
  type BearingRulEstimate,
  type RunSummary,
} from './rul-estimator.js';

/** Indicators of the first `limit` vibration files of a bearing folder (all when omitted). */
export async function readRunIndicators(
  dir: string,
  limit?: number,
): Promise<{ snapshots: SnapshotIndicators[]; files: number; gaps: number[] }> {
  const { acc, gaps } = await listFemtoBearingDir(dir);
  const snapshots: SnapshotIndicators[] = [];
  for (const ref of acc.slice(0, limit ?? acc.length)) {
    const s = await readFemtoAccFile(join(dir, ref.name));
    snapshots.push(snapshotIndicators((ref.index - 1) * FEMTO_SNAPSHOT_PERIOD_S, s.horizontal, s.vertical));
  }
  return { snapshots, files: acc.length, gaps: gaps.acc };
}

export interface FemtoEvalResult extends BearingRulEstimate {
  true_rul_s: number | null;
  percent_error: number | null;
  score: number | null;
  test: string;
  cut: number;
  test_files: number;
  training: RunSummary[];
}

export async function evaluateFemto(
  trainDirs: readonly string[],
  testDir: string,
  cut: number,
  options: { trueRulS?: number; log?: (message: string) => void } = {},
): Promise<FemtoEvalResult> {
  const log = options.log ?? (() => {});
  const training: RunSummary[] = [];
  for (const dir of trainDirs) {
    const run = await readRunIndicators(dir);
    if (run.gaps.length > 0) log(`${dir}: missing vibration files ${run.gaps.slice(0, 10).join(', ')}`);
    const summary = summariseRun(dir, run.snapshots);
    training.push(summary);
    log(
      `${dir}: ${run.files} files, life ${summary.life_s} s, onset ${summary.onset_s ?? 'none'} s, ` +
        `onset to end ${summary.post_onset_s ?? '-'} s`,
    );
  }
  const test = await readRunIndicators(testDir, cut);
  if (test.files <= cut && options.trueRulS === undefined) {
    throw new RangeError(
      `${testDir} holds ${test.files} vibration files: a cut at ${cut} leaves nothing to predict`,
    );
  }
  const prediction = estimateBearingRul(test.snapshots, training);
  log(
    `${testDir} cut at ${cut}: ${prediction.method}, onset ${prediction.onset_s ?? 'none'}, ` +
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
    training,
  };
}

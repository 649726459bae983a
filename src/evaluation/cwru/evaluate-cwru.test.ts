import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { collectFileLists, evalCwruCommand } from '../../cli/eval-cwru.js';
import { initBackend } from '../../tf/backend.js';
import { writeMat5 } from '../../../tests/helpers/mat5-writer.js';
import { SKF_6203, SKF_6205 } from '../../signal/bearing.js';
import { initSignal } from '../../signal/fft.js';
import { balancedAccuracy, classificationReport } from '../../maths/multiclass-metrics.js';
import { loadCwruRecord, overlappingRecords, planSplit, windowStarts } from './cwru-dataset.js';
import { createDiagnosisFeatures } from '../../state/diagnosis/diagnosis-features.js';
import { featureRows, validationFolds } from './cwru-windows.js';
import { evaluateCwru, CWRU_EVAL_DEFAULTS } from './evaluate-cwru.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const sample = join(root, 'datasets/cwru-sample/12k_Drive_End_IR007_0_105.mat');
const shared = join(root, '../shared/datasets/cwru');

describe('CWRU diagnosis pipeline on the committed sample', () => {
  it('reads label, rate and speed and extracts finite features of the right shape', async () => {
    await initSignal();
    const record = await loadCwruRecord(sample, 12_000);
    expect(record).toMatchObject({
      id: '12k_Drive_End_IR007_0_105.mat',
      label: 'inner_race',
      faultDiameterIn: 0.007,
    });
    expect(record.signal.length).toBe(24_000);
    expect(record.shaftHz).toBeCloseTo(1797 / 60, 6);
    const features = createDiagnosisFeatures({ sampleRate: 12_000, windowLength: 4096 });
    const rows = featureRows([{ record, start: 0, end: record.signal.length }], features, 4096, 2048);
    expect(rows).toHaveLength(windowStarts({ start: 0, end: 24_000 }, 4096, 2048).length);
    for (const r of rows) {
      expect(r.features).toHaveLength(features.names.length);
      expect(r.features.every(Number.isFinite)).toBe(true);
    }
    // An inner-race record: BPFI stands out of its envelope spectrum more than BPFO does.
    const at = (name: string): number => features.names.indexOf(name);
    const mean = (i: number): number => rows.reduce((s, r) => s + r.features[i]!, 0) / rows.length;
    expect(mean(at('env_order_bpfi_max'))).toBeGreaterThan(mean(at('env_order_bpfo_max')));
  });

  it('reads the faulted bearing: fan-end files give the FE signal and the SKF 6203', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cwru-fe-'));
    try {
      const n = 4096;
      const file = join(dir, '12k_Fan_End_IR007_1_278.mat');
      const de = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
      const fe = Float64Array.from({ length: n }, (_, i) => Math.cos(i / 3));
      writeFileSync(
        file,
        writeMat5([
          { name: 'X278_DE_time', data: de },
          { name: 'X278_FE_time', data: fe },
          { name: 'X278RPM', data: [1772], dims: [1, 1] },
        ]),
      );
      const r = await loadCwruRecord(file, 12_000);
      expect(r).toMatchObject({ label: 'inner_race', sensor: 'fan_end', bearing: SKF_6203, loadHp: 1 });
      expect(Array.from(r.signal)).toEqual(Array.from(fe));
      expect(r.shaftHz).toBeCloseTo(1772 / 60, 9);
      const drive = await loadCwruRecord(sample, 12_000);
      expect(drive).toMatchObject({ sensor: 'drive_end', bearing: SKF_6205 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits by record, and by time (with a gap) only for a record on both sides', async () => {
    const record = await loadCwruRecord(sample, 12_000);
    const other = { ...record, id: 'other.mat' };
    const plan = planSplit([record, other], [record], { trainFraction: 0.6, gap: 4096 });
    expect(plan.withinRecord).toEqual([record.id]);
    expect(plan.train.find((s) => s.record.id === record.id)).toMatchObject({ start: 0, end: 14_400 });
    expect(plan.test[0]).toMatchObject({ start: 14_400 + 4096, end: 24_000 });
    const clean = planSplit([other], [record], { trainFraction: 0.6, gap: 4096 });
    expect(clean.withinRecord).toEqual([]);
    const win = (segs: typeof plan.train, hop: number): { recordId: string; start: number }[] =>
      segs.flatMap((s) => windowStarts(s, 4096, hop).map((start) => ({ recordId: s.record.id, start })));
    expect(overlappingRecords(win(plan.train, 1024), win(plan.test, 2048), 4096)).toEqual([]);
    // The check does see a leak when windows of one record fall on both sides.
    expect(overlappingRecords([{ recordId: 'a', start: 0 }], [{ recordId: 'a', start: 2048 }], 4096)).toEqual(
      ['a'],
    );
  });

  it('validation folds hold out whole fault records, and the tail of a single-record class', async () => {
    const base = await loadCwruRecord(sample, 12_000);
    const mk = (id: string, label: typeof base.label, d: number | null): typeof base => ({
      ...base,
      id,
      label,
      faultDiameterIn: d,
    });
    const segs = [mk('n', 'normal', null), mk('b1', 'ball', 0.007), mk('b2', 'ball', 0.014)].map(
      (record) => ({
        record,
        start: 0,
        end: 24_000,
      }),
    );
    const folds = validationFolds(segs, 4096);
    expect(folds).toHaveLength(2);
    for (const fold of folds) {
      const trainIds = fold.train.filter((s) => s.record.label === 'ball').map((s) => s.record.id);
      const valIds = fold.val.filter((s) => s.record.label === 'ball').map((s) => s.record.id);
      expect(trainIds.filter((id) => valIds.includes(id))).toEqual([]);
      const n = fold.train.find((s) => s.record.id === 'n')!;
      expect(fold.val.find((s) => s.record.id === 'n')!.start).toBe(n.end + 4096);
    }
  });

  it('reports per-class scores and a confusion matrix', () => {
    const r = classificationReport(['a', 'b'], [0, 0, 1, 1], [0, 1, 1, 1]);
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion.matrix).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(r.per_class.a).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    // Mean recall over the classes present: (1/2 + 2/2) / 2, whatever the class sizes.
    expect(balancedAccuracy([0, 0, 1, 1], [0, 1, 1, 1])).toBe(0.75);
    expect(balancedAccuracy([0, 1, 1, 1, 1, 1, 1], [0, 1, 1, 1, 1, 1, 0])).toBeCloseTo((1 + 5 / 6) / 2, 10);
  });

  it('parses file lists and rejects bad flags', async () => {
    expect(collectFileLists(['--train', 'a', 'b', '--seed', '3', '--test', 'c']).lists).toEqual({
      train: ['a', 'b'],
      test: ['c'],
    });
    await expect(evalCwruCommand.run(['cwru', '--train', sample])).rejects.toThrow(UsageError);
    await expect(evalCwruCommand.run(['--train', sample, '--test', '/nonexistent.mat'])).rejects.toThrow(
      /cannot read/,
    );
    await expect(
      evalCwruCommand.run(['--train', sample, '--test', sample, '--model', 'svm']),
    ).rejects.toThrow(/--model/);
  });
});

const files = (names: string[]): string[] => names.map((n) => join(shared, n));
const ROTATIONS: Record<string, { train: string[]; test: string[] }> = {};
const BY_SIZE: Record<string, string[]> = {
  '007': ['12k_Drive_End_B007_0_118.mat', '12k_Drive_End_IR007_0_105.mat', '12k_Drive_End_OR007@6_0_130.mat'],
  '014': ['12k_Drive_End_B014_0_185.mat', '12k_Drive_End_IR014_0_169.mat', '12k_Drive_End_OR014@6_0_197.mat'],
  '021': ['12k_Drive_End_B021_0_222.mat', '12k_Drive_End_IR021_0_209.mat', '12k_Drive_End_OR021@6_0_234.mat'],
};
for (const held of Object.keys(BY_SIZE)) {
  ROTATIONS[held] = {
    train: files(['normal_0_97.mat', ...Object.entries(BY_SIZE).flatMap(([d, f]) => (d === held ? [] : f))]),
    test: files(['normal_0_97.mat', ...BY_SIZE[held]!]),
  };
}

const haveShared = existsSync(shared);
if (!haveShared) console.info(`skipping the CWRU rotation evaluation: ${shared} not found`);

describe.runIf(haveShared)('CWRU train on two fault sizes, test on the third (real files)', () => {
  it('train 007+014, test 021: ≥ 95 % of windows, every record, no fault record on both sides', async () => {
    await initBackend();
    const { train, test } = ROTATIONS['021']!;
    const result = await evaluateCwru(train, test, { ...CWRU_EVAL_DEFAULTS, seed: 42 });
    // Figures of the signature model (staged-classifier.ts); bench/ml-cwru-rotations.ts prints all.
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.record_accuracy).toBe(1);
    expect([2, 2.5, 3, 3.5, 4]).toContain(result.signature_threshold);
    expect(Object.keys(result.cv_threshold_scores ?? {})).toHaveLength(5);
    expect(result.within_record_split).toEqual(['normal_0_97.mat']);
    const testIds = result.record_results.map((r) => r.record);
    expect(result.train_records.filter((id) => testIds.includes(id))).toEqual(['normal_0_97.mat']);
    expect(result.records).toBe(4);
    expect(result.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(result.windows);
  });

  it('prints one JSON object as the last stdout line', async () => {
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { train, test } = ROTATIONS['007']!;
      expect(await evalCwruCommand.run(['cwru', '--train', ...train, '--test', ...test, '--seed', '1'])).toBe(
        0,
      );
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const result = JSON.parse(out.join('').trim().split('\n').pop() ?? '') as Record<string, unknown>;
    for (const key of ['accuracy', 'per_class', 'confusion', 'windows', 'records', 'record_accuracy']) {
      expect(result).toHaveProperty(key);
    }
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('train 007+021, test 014: IR014 and B014 right; OR014@6 has no BPFO signature (logged)', async () => {
    const { train, test } = ROTATIONS['014']!;
    const result = await evaluateCwru(train, test, { ...CWRU_EVAL_DEFAULTS, seed: 42 });
    const byRecord = new Map(result.record_results.map((r) => [r.record.replace('12k_Drive_End_', ''), r]));
    expect(byRecord.get('IR014_0_169.mat')!.window_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(byRecord.get('B014_0_185.mat')!.predicted).toBe('ball');
    expect(byRecord.get('normal_0_97.mat')!.predicted).toBe('normal');
    // Record 197's envelope shows no line at BPFO on any channel (README, "CWRU"): it is read as
    // a ball fault or normal. Kept visible, not asserted, so a real improvement would show.
    const or = byRecord.get('OR014@6_0_197.mat')!;
    console.info(
      `OR014@6: predicted ${or.predicted}, mean probabilities ${JSON.stringify(or.mean_probability)}`,
    );
  });
});

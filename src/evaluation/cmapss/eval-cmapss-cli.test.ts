import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { evalCmapssCommand } from '../../cli/eval-cmapss.js';

const sampleDir = fileURLToPath(new URL('../../../datasets/cmapss-sample', import.meta.url));

describe('prognos eval cmapss', () => {
  it('rejects missing or bad flags with a UsageError', async () => {
    await expect(evalCmapssCommand.run(['cmapss'])).rejects.toThrow(UsageError);
    await expect(evalCmapssCommand.run(['--train', 'x.txt'])).rejects.toThrow(/--test and --rul/);
    await expect(evalCmapssCommand.run(['--train', 'x', '--holdout', '2'])).rejects.toThrow(/--holdout/);
    await expect(evalCmapssCommand.run(['--train', 'x', '--holdout', '0.5', '--seed', '-1'])).rejects.toThrow(
      /--seed/,
    );
    await expect(
      evalCmapssCommand.run(['--train', '/nonexistent/train.txt', '--holdout', '0.5']),
    ).rejects.toThrow(/cannot read/);
  });

  it('prints one JSON object with the scores as the last stdout line', async () => {
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await evalCmapssCommand.run([
        'cmapss',
        '--train',
        join(sampleDir, 'train_FD001_units1-3.txt'),
        '--test',
        join(sampleDir, 'test_FD001_units1-3.txt'),
        '--rul',
        join(sampleDir, 'RUL_FD001_units1-3.txt'),
        '--members',
        '2',
        '--parallel',
        '1',
        '--epochs',
        '1',
        '--seed',
        '3',
      ]);
      expect(code).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const last = out.join('').trim().split('\n').pop() ?? '';
    const result = JSON.parse(last) as Record<string, unknown>;
    expect(result).toMatchObject({ units: 3, members: 2, seed: 3, cap: 125, regimes: 1 });
    for (const key of ['rmse', 'phm08', 'interval_coverage', 'train_seconds']) {
      expect(Number.isFinite(result[key])).toBe(true);
    }
  });
});

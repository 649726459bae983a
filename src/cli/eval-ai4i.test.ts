import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { evalAi4iCommand } from './eval-ai4i.js';

const sample = fileURLToPath(
  new URL('../../datasets/ai4i2020-sample/ai4i2020_train_head300.csv', import.meta.url),
);

describe('prognos eval ai4i', () => {
  it('rejects missing or bad flags with a UsageError', async () => {
    await expect(evalAi4iCommand.run(['ai4i'])).rejects.toThrow(UsageError);
    await expect(evalAi4iCommand.run(['--train', sample, '--seed', '-1'])).rejects.toThrow(/--seed/);
    await expect(evalAi4iCommand.run(['--train', '/nonexistent.csv'])).rejects.toThrow(/cannot read/);
    await expect(evalAi4iCommand.run(['--train', sample, '--bogus'])).rejects.toThrow(UsageError);
  });

  it('prints one JSON object with the metrics as the last stdout line', async () => {
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(
        await evalAi4iCommand.run([
          'ai4i',
          '--train',
          sample,
          '--test',
          sample,
          '--seed',
          '3',
          '--epochs',
          '5',
        ]),
      ).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const result = JSON.parse(out.join('').trim().split('\n').pop() ?? '') as Record<string, unknown>;
    expect(result).toMatchObject({ seed: 3, testSource: 'file', testRows: 299, testPositives: 9 });
    for (const key of ['rocAuc', 'prAuc', 'f1', 'brier']) expect(Number.isFinite(result[key])).toBe(true);
    expect(Object.keys(result.perModeRecall as object)).toEqual(['twf', 'hdf', 'pwf', 'osf', 'rnf']);
  });
});

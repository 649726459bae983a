import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { confusion, type ClassifierHeldOut } from '../models/cards/card-figures.js';
import { readCardData } from '../models/cards/card-store.js';
import { renderModelCard } from '../models/cards/model-card.js';
import { readManifest } from '../models/artifacts.js';
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
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'prognos-ai4i-'));
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
          '--out',
          outDir,
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
    // The saved model keeps its test predictions, so registering it draws a classifier card.
    const data = await readCardData(outDir);
    expect(data?.heldOut).toMatchObject({ kind: 'classifier', positiveLabel: 'AI4I Machine failure' });
    const { figures } = renderModelCard({
      name: 'ai4i-failure',
      version: 1,
      manifest: await readManifest(outDir),
      metrics: {},
      data: data!,
    });
    expect(figures.map((f) => f.file)).toContain('card-confusion-matrix.svg');
    const cells = confusion(data!.heldOut as ClassifierHeldOut);
    expect(cells.flat().reduce((a, b) => a + b, 0)).toBe(299);
    expect(cells[1]![0]! + cells[1]![1]!).toBe(result.testPositives);
    expect(figures[0]!.svg).toContain(`>${cells[1]![1]}</text>`);
  });
});

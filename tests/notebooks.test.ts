// The notebooks' own helpers (notebooks/lib; their charts are src/plot's, tested there) and the
// shape of the committed notebooks. Executing the notebooks is `npm run notebooks` (CI), not
// vitest: a kernel per notebook takes too long here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseData, repoRoot, sharedDatasets } from '../notebooks/lib/data.js';
import { matrixTable, table } from '../notebooks/lib/html-table.js';

const notebooksDir = join(repoRoot, 'notebooks');

interface Cell {
  cell_type: string;
  source: string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

describe('committed notebooks', () => {
  const names = readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb'));

  it('are the four of issue #8', () => {
    expect(names.sort()).toEqual([
      'cmapss-exploration.ipynb',
      'cwru-envelope.ipynb',
      'femto-spectra.ipynb',
      'train-and-compare.ipynb',
    ]);
  });

  it.each(names)('%s names the tslab kernel, has no outputs and loads the kit first', (name) => {
    const nb = JSON.parse(readFileSync(join(notebooksDir, name), 'utf8')) as {
      nbformat: number;
      metadata: { kernelspec: { name: string } };
      cells: Cell[];
    };
    expect(nb.nbformat).toBe(4);
    expect(nb.metadata.kernelspec.name).toBe('tslab');
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    for (const cell of code) {
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count ?? null).toBeNull();
    }
    expect(code[0]?.source.join('')).toContain("require('./lib/load.cjs')");
    expect(code[1]?.source.join('')).toContain("typeof import('./.types/notebooks/lib/kit.js')");
  });
});

describe('html-table', () => {
  it('escapes text, right-aligns numeric columns and rounds to the digits asked', () => {
    const html = table([{ name: '<b>', value: 3.14159 }], { digits: 3 });
    expect(html).toContain('&lt;b&gt;');
    expect(html).toContain('text-align:right">3.14<');
    expect(html).toContain('text-align:left">&lt;b&gt;<');
  });

  it('says how many rows it left out', () => {
    const html = matrixTable(['a'], [[1], [2], [3]], { maxRows: 1 });
    expect(html).toContain('… 2 more rows');
  });
});

describe('data', () => {
  it('falls back to the committed samples and says so', () => {
    const choice = chooseData(
      { train: 'cmapss/no-such-file.txt' },
      { train: 'cmapss-sample/train_FD001_units1-3.txt' },
      'three engines',
    );
    expect(choice.full).toBe(false);
    expect(choice.paths.train).toBe(join(repoRoot, 'datasets', 'cmapss-sample', 'train_FD001_units1-3.txt'));
    expect(choice.note).toContain('three engines');
  });

  it('refuses a missing sample rather than running on nothing', () => {
    expect(() => chooseData({ a: 'no/such' }, { a: 'no/such/sample' }, '')).toThrow(/samples missing/);
  });

  const fd001 = join(sharedDatasets, 'cmapss', 'train_FD001.txt');
  if (!existsSync(fd001)) console.log(`[skipped] full-data choice: ${fd001} is absent`);
  it.runIf(existsSync(fd001))('uses the full data when every file is there', () => {
    const choice = chooseData({ train: 'cmapss/train_FD001.txt' }, { train: 'cmapss-sample/none' }, '');
    expect(choice).toMatchObject({ full: true, paths: { train: fd001 } });
  });
});

// The notebooks' own helpers (notebooks/lib) and the shape of the committed notebooks. Executing
// the notebooks is `npm run notebooks` (CI), not vitest: a kernel per notebook takes too long here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseData, repoRoot, sharedDatasets } from '../notebooks/lib/data.js';
import { encodePng, heatmap, viridis } from '../notebooks/lib/heatmap.js';
import { matrixTable, table } from '../notebooks/lib/html-table.js';
import { linePlot, niceTicks } from '../notebooks/lib/svg-plot.js';

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

describe('svg-plot', () => {
  it('picks 1-2-5 ticks covering the range', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.3, 0.3, 6)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('draws one path per line series, breaking it at non-finite values', () => {
    const svg = linePlot(
      [
        { x: [0, 1, 2, 3], y: [1, NaN, 2, 3], label: 'a' },
        { x: [0, 1], y: [0, 1], label: 'b <&>' },
      ],
      { title: 't', markers: [{ x: 1.5, label: 'M' }] },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    const paths = [...svg.matchAll(/<path d="([^"]*)" fill="none"/g)].map((m) => m[1] ?? '');
    expect(paths).toHaveLength(2);
    expect(paths[0]?.match(/M/g)).toHaveLength(2); // restarted after the NaN
    expect(svg).toContain('b &lt;&amp;&gt;');
    expect(svg).toContain('>M</text>');
  });

  it('leaves non-positive values out of a log axis', () => {
    const svg = linePlot([{ x: [0, 1, 2], y: [0, 10, 100] }], { logY: true });
    const d = /<path d="([^"]*)" fill="none"/.exec(svg)?.[1] ?? '';
    expect(d.match(/[ML]/g)).toHaveLength(2);
  });
});

describe('heatmap', () => {
  it('encodes a valid PNG: signature, size, CRCs and the pixel rows', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3]);
    const png = encodePng(2, 2, rgb);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let at = 8;
    const chunks: Record<string, Buffer> = {};
    while (at < png.length) {
      const length = png.readUInt32BE(at);
      const type = png.toString('ascii', at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      chunks[type] = data;
      at += 12 + length;
    }
    expect(Object.keys(chunks)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(chunks.IHDR?.readUInt32BE(0)).toBe(2);
    expect(chunks.IHDR?.readUInt32BE(4)).toBe(2);
    const raw = inflateSync(chunks.IDAT as Buffer);
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 1, 2, 3]);
  });

  it('maps the ends of the colour scale to the ends of viridis', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(NaN)).toEqual([68, 1, 84]);
  });

  it('embeds the map as a PNG image on SVG axes', () => {
    const svg = heatmap(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { x: [0, 2], y: [0, 1], log: true },
    );
    expect(svg).toMatch(/<image [^>]*href="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
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

import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, heatmap, niceTicks, plotXY } from './svg-plot.js';
import { assertWellFormedXml } from './xml-check.js';

const marks = (svg: string, tag: string) => (svg.match(new RegExp(`<${tag} class="mark"`, 'g')) ?? []).length;

describe('svg plots', () => {
  it('the checker itself rejects what is not well formed', () => {
    expect(() => assertWellFormedXml('<svg><g></svg>')).toThrow(/unbalanced/);
    expect(() => assertWellFormedXml('<svg><text>a < b</text></svg>')).toThrow();
    expect(() => assertWellFormedXml('<svg><text>R&D</text></svg>')).toThrow(/stray &/);
    expect(() => assertWellFormedXml('<svg><rect x=1/></svg>')).toThrow(/malformed/);
    expect(() => assertWellFormedXml('<svg/>')).not.toThrow();
  });

  it('scatter: one circle per finite point, lines broken at gaps, axes and labels', () => {
    const svg = plotXY({
      title: 'Predicted vs true',
      x: { label: 'true' },
      y: { label: 'predicted' },
      series: [
        {
          name: 'units',
          points: [
            [1, 2],
            [3, NaN],
            [5, 6],
            [Infinity, 1],
            [7, 7],
          ],
        },
        {
          name: 'identity',
          points: [
            [0, 0],
            [4, 4],
            [NaN, NaN],
            [5, 5],
            [8, 8],
          ],
          style: 'line',
        },
      ],
    });
    assertWellFormedXml(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(marks(svg, 'circle')).toBe(3);
    expect(marks(svg, 'polyline')).toBe(2);
    expect(svg).toContain('>Predicted vs true</text>');
    expect(svg).toContain('>true</text>');
    expect(svg).toContain('rotate(-90');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('escapes every piece of text it is given', () => {
    const evil = '<script>alert("x")</script> & \'q\'';
    const svg = barChart({
      title: evil,
      xLabel: evil,
      y: { label: evil },
      categories: [evil, 'b\nsecond <line>'],
      series: [
        { name: evil, values: [1, 2] },
        { name: 'other', values: [2, 1] },
      ],
      refLines: [{ y: 1, label: evil }],
    });
    assertWellFormedXml(svg);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos;');
    expect(svg).toContain('<tspan');
    expect(escapeXml('a<b&"c"')).toBe('a&lt;b&amp;&quot;c&quot;');
  });

  it('bars: one rect per finite value, whiskers for errors, negative values below zero', () => {
    const svg = barChart({
      title: 'errors',
      xLabel: 'bucket',
      y: { label: 'error' },
      categories: ['a', 'b', 'c'],
      series: [{ name: 'mean', values: [-3, NaN, 4], errors: [1, 1, NaN] }],
    });
    assertWellFormedXml(svg);
    expect(marks(svg, 'rect')).toBe(2);
    expect((svg.match(/stroke="#222" stroke-width="1.5"/g) ?? []).length).toBe(1);
  });

  it('heatmap: one cell per value, written in it', () => {
    const svg = heatmap({
      title: 'Confusion',
      xLabel: 'predicted',
      yLabel: 'actual',
      rows: ['neg', 'pos'],
      cols: ['no', 'yes'],
      values: [
        [90, 3],
        [2, NaN],
      ],
    });
    assertWellFormedXml(svg);
    expect(marks(svg, 'rect')).toBe(4);
    expect(svg).toContain('>90</text>');
    expect(svg).toContain('>–</text>');
  });

  it('empty or all-NaN data still renders axes and says "no data"', () => {
    for (const svg of [
      plotXY({ title: 't', x: { label: 'x' }, y: { label: 'y' }, series: [] }),
      plotXY({
        title: 't',
        x: { label: 'x' },
        y: { label: 'y' },
        series: [{ name: 's', points: [[NaN, 1]] }],
      }),
      barChart({ title: 't', xLabel: 'x', y: { label: 'y' }, categories: [], series: [] }),
      heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows: [], cols: [], values: [] }),
    ]) {
      assertWellFormedXml(svg);
      expect(svg).toContain('no data');
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
  });

  it('ticks are round numbers covering the range', () => {
    expect(niceTicks(0, 125, 5)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 125, 10)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-7, 7, 4)).toEqual([-5, 0, 5]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });
});

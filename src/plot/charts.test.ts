import { describe, expect, it } from 'vitest';
import { barChart } from './bars.js';
import { heatmap } from './heatmap.js';
import { assertWellFormedXml, xyMarks } from './xml-check.js';
import { xyPlot } from './xy.js';

const marks = (svg: string, tag: string) => (svg.match(new RegExp(`<${tag} class="mark"`, 'g')) ?? []).length;
describe('xy plot', () => {
  it('scatter: one dot per finite point, lines broken at gaps, axes and labels', () => {
    const svg = xyPlot(
      [
        { label: 'units', x: [1, 3, 5, Infinity, 7], y: [2, NaN, 6, 1, 7], style: 'points' },
        { label: 'identity', x: [0, 4, NaN, 5, 8], y: [0, 4, NaN, 5, 8] },
      ],
      { title: 'Predicted vs true', x: { label: 'true' }, y: { label: 'predicted' } },
    );
    assertWellFormedXml(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(xyMarks(svg).points).toBe(3);
    expect(xyMarks(svg).lines).toBe(2); // two finite runs: a gap in the data is a gap in the line
    expect(svg).toContain('>Predicted vs true</text>');
    expect(svg).toContain('>true</text>');
    expect(svg).toContain('rotate(-90');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws one path per line series, breaking it at non-finite values; markers and legend', () => {
    const svg = xyPlot(
      [
        { x: [0, 1, 2, 3], y: [1, NaN, 2, 3], label: 'a' },
        { x: [0, 1], y: [0, 1], label: 'b <&>' },
      ],
      { title: 't', markers: [{ x: 1.5, label: 'M' }] },
    );
    assertWellFormedXml(svg);
    const lines = xyMarks(svg).linePaths;
    expect(lines).toHaveLength(2);
    expect(lines[0]?.match(/M/g)).toHaveLength(2); // restarted after the NaN
    expect(svg).toContain('b &lt;&amp;&gt;');
    expect(svg).toContain('>M</text>');
  });

  it('leaves non-positive values out of a log axis', () => {
    const svg = xyPlot([{ x: [0, 1, 2], y: [0, 10, 100] }], { y: { log: true } });
    const [d] = xyMarks(svg).linePaths;
    expect(d?.match(/[ML]/g)).toHaveLength(2);
    expect(svg).toContain('>100</text>');
  });

  it('clips marks to the plot area without ids that would collide on a page of charts', () => {
    const svg = xyPlot([{ x: [0, 10], y: [0, 10] }], { x: { min: 2, max: 8 } });
    expect(svg).toMatch(/<svg x="\d+" y="\d+" width="\d+" height="\d+" viewBox="[\d. ]+" overflow="hidden">/);
    expect(svg).not.toContain('id=');
  });

  it("a legend 'right' of the plot takes room from it", () => {
    const two = [
      { x: [0, 1], y: [0, 1], label: 'a' },
      { x: [0, 1], y: [1, 0], label: 'b' },
    ];
    const width = (svg: string) => Number(/<svg x="\d+" y="\d+" width="(\d+)"/.exec(svg)?.[1]);
    expect(width(xyPlot(two, { legend: 'right' }))).toBeLessThan(width(xyPlot(two)));
    expect(xyPlot(two, { legend: false })).not.toContain('>a</text>');
  });
});

describe('bars and matrix', () => {
  it('escapes every piece of text it is given', () => {
    const evil = '<script>alert("x")</script> & \'q\'';
    const svg = barChart({
      title: evil,
      xLabel: evil,
      y: { label: evil },
      categories: [evil, 'b\nsecond <line>'],
      series: [
        { label: evil, values: [1, 2] },
        { label: 'other', values: [2, 1] },
      ],
      refLines: [{ y: 1, label: evil }],
    });
    assertWellFormedXml(svg);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos;');
    expect(svg).toContain('<tspan');
  });

  it('bars: one rect per finite value, whiskers for errors, negative values below zero', () => {
    const svg = barChart({
      title: 'errors',
      xLabel: 'bucket',
      y: { label: 'error' },
      categories: ['a', 'b', 'c'],
      series: [{ label: 'mean', values: [-3, NaN, 4], errors: [1, 1, NaN] }],
    });
    assertWellFormedXml(svg);
    expect(marks(svg, 'rect')).toBe(2);
    expect((svg.match(/stroke="#222" stroke-width="1.5"/g) ?? []).length).toBe(1);
    const bars = [
      ...svg.matchAll(/<rect class="mark" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g),
    ];
    const zero = Number(/<line x1="\d+" y1="([\d.]+)" x2="\d+" y2="\1" stroke="#333"\/>/.exec(svg)?.[1]);
    expect(Number(bars[0]?.[1])).toBeCloseTo(zero, 0); // -3 hangs from the zero line
    expect(Number(bars[1]?.[1]) + Number(bars[1]?.[2])).toBeCloseTo(zero, 0); // 4 stands on it
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
});

it('empty or all-NaN data still renders axes and says "no data"', () => {
  for (const svg of [
    xyPlot([], { title: 't', x: { label: 'x' }, y: { label: 'y' } }),
    xyPlot([{ label: 's', x: [NaN], y: [1], style: 'points' }], { title: 't' }),
    xyPlot([{ x: [1, 2], y: [-1, 0] }], { y: { log: true } }),
    barChart({ title: 't', xLabel: 'x', y: { label: 'y' }, categories: [], series: [] }),
    heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows: [], cols: [], values: [] }),
  ]) {
    assertWellFormedXml(svg);
    expect(svg).toContain('no data');
    expect(svg).not.toMatch(/NaN|Infinity/);
  }
});

import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, logTicks, niceTicks, svgDocument } from './svg.js';
import { assertWellFormedXml } from './xml-check.js';

describe('svg basics', () => {
  it('the checker itself rejects what is not well formed', () => {
    expect(() => assertWellFormedXml('<svg><g></svg>')).toThrow(/unbalanced/);
    expect(() => assertWellFormedXml('<svg><text>a < b</text></svg>')).toThrow();
    expect(() => assertWellFormedXml('<svg><text>R&D</text></svg>')).toThrow(/stray &/);
    expect(() => assertWellFormedXml('<svg><rect x=1/></svg>')).toThrow(/malformed/);
    expect(() => assertWellFormedXml('<svg/>')).not.toThrow();
  });

  it('escapes markup and both quotes', () => {
    expect(escapeXml('a<b&"c"')).toBe('a&lt;b&amp;&quot;c&quot;');
    expect(escapeXml("it's <b>")).toBe('it&apos;s &lt;b&gt;');
    const doc = svgDocument(10, 10, 'R&D <x>', []);
    assertWellFormedXml(doc);
    expect(doc).toContain('<title>R&amp;D &lt;x&gt;</title>');
  });

  it('ticks are round numbers covering the range', () => {
    expect(niceTicks(0, 125, 5)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 125, 10)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-7, 7, 4)).toEqual([-5, 0, 5]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it('picks 1-2-5 ticks without drift, and one tick for an empty range', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.3, 0.3, 6)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('log ticks: decades over a wide range, 1-2-5 steps inside a narrow one', () => {
    expect(logTicks(0.05, 2000)).toEqual([0.1, 1, 10, 100, 1000]);
    expect(logTicks(3, 40)).toEqual([5, 10, 20]);
    expect(logTicks(2.1, 2.9).length).toBeGreaterThanOrEqual(2);
    expect(logTicks(2.1, 2.9).every((t) => t >= 2.1 && t <= 2.9)).toBe(true);
  });

  it('formats values as people write them', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(12345)).toBe('12345');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(1e-4)).toBe('1e-4');
    expect(formatTick(1.5e-4)).toBe('1.5e-4');
    expect(formatTick(2.5e6)).toBe('2.5e6');
    expect(formatTick(NaN)).toBe('–');
  });
});

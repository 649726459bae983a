import { describe, expect, it } from 'vitest';
import type { DegradationSpec } from './config.js';
import { loadAt, rulHoursAt, severityAt } from './state.js';

const spec = (law: DegradationSpec['law']): DegradationSpec => ({
  mode: 'outer_race',
  onsetDay: 10,
  endOfLifeDay: 30,
  law,
  initialSeverity: 0.03,
  parisExponent: 3.5,
});

describe('severityAt', () => {
  for (const law of ['exponential', 'paris'] as const) {
    it(`${law}: 0 before onset, s0 at onset, 1 at end of life, increasing between`, () => {
      const d = spec(law);
      expect(severityAt(d, 9.99)).toBe(0);
      expect(severityAt(d, 10)).toBeCloseTo(0.03, 12);
      expect(severityAt(d, 30)).toBe(1);
      expect(severityAt(d, 40)).toBe(1);
      let last = 0;
      for (let day = 10; day <= 30; day += 0.25) {
        const s = severityAt(d, day);
        expect(s).toBeGreaterThan(last);
        last = s;
      }
      expect(severityAt(d, 29.999)).toBeGreaterThan(0.99);
    });
  }

  it('Paris growth starts slower and ends steeper than exponential growth', () => {
    expect(severityAt(spec('paris'), 20)).toBeLessThan(severityAt(spec('exponential'), 20));
    const slope = (law: DegradationSpec['law']) => severityAt(spec(law), 30) - severityAt(spec(law), 29.5);
    expect(slope('paris')).toBeGreaterThan(slope('exponential'));
  });

  it('stays 0 for a healthy machine, whose RUL is undefined', () => {
    const d = { ...spec('exponential'), mode: 'none' as const };
    expect(severityAt(d, 50)).toBe(0);
    expect(rulHoursAt(d, 5)).toBeNaN();
    expect(rulHoursAt(spec('paris'), 29)).toBeCloseTo(24, 9);
  });
});

describe('loadAt', () => {
  it('holds each operating point from its start day', () => {
    const segs = [
      { fromDay: 0, load: 0.7 },
      { fromDay: 3, load: 1 },
      { fromDay: 5.5, load: 0.55 },
    ];
    expect([0, 2.99, 3, 5.49, 5.5, 99].map((d) => loadAt(segs, d))).toEqual([0.7, 0.7, 1, 1, 0.55, 0.55]);
  });
});

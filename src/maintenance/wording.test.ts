import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAgainst, formatNumber, ofLastText, withUnit, withinText } from './wording.js';

describe('work-order wording', () => {
  it('deadlines: no time left is "immediately", under a day in minutes or hours, else days', () => {
    expect(withinText(0)).toBe('immediately');
    expect(withinText(-5)).toBe('immediately');
    expect(withinText(Number.NaN)).toBe('immediately');
    expect(withinText(0.005)).toBe('immediately'); // 18 s
    expect(withinText(1 / 60)).toBe('within 1 minute');
    expect(withinText(0.75)).toBe('within 45 minutes');
    expect(withinText(1)).toBe('within 1 hour');
    expect(withinText(5.55)).toBe('within 5.5 hours');
    expect(withinText(23.99)).toBe('within 23.9 hours');
    expect(withinText(24)).toBe('within 1 day');
    expect(withinText(36)).toBe('within 1.5 days');
    expect(withinText(15 * 24)).toBe('within 15 days');
    expect(withinText(87_600)).toBe('within 3650 days');
  });

  it('a deadline text never says 0 of a unit and never promises more time than there is', () => {
    const unit = { minute: 1 / 60, hour: 1, day: 24 };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (hours) => {
        const t = withinText(hours);
        if (t === 'immediately') return hours < 1 / 60;
        const m = /^within (\d+(?:\.\d)?) (minute|hour|day)s?$/.exec(t);
        if (!m) return false;
        const said = Number(m[1]) * unit[m[2] as keyof typeof unit];
        // Rounded down: at most the time left, and less than one step (a tenth, a minute) below.
        const step = m[2] === 'minute' ? 1 / 60 : 0.1 * unit[m[2] as keyof typeof unit];
        return Number(m[1]) > 0 && said <= hours + 1e-9 && hours - said < step + 1e-9;
      }),
    );
  });

  it('numbers: three significant digits, a non-zero value never reads 0', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(30.9)).toBe('30.9');
    expect(formatNumber(2.1)).toBe('2.1');
    expect(formatNumber(0.00312)).toBe('0.00312');
    expect(formatNumber(0.004999)).toBe('0.005');
    expect(formatNumber(7.123456)).toBe('7.12');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(2.5e-6)).toBe('2.5e-6');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(withUnit(null, 'mm/s')).toBe('n/a');
    expect(withUnit(30.9, 'mm/s')).toBe('30.9 mm/s');
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }).filter((x) => x !== 0),
        (x) => {
          const back = Number(formatNumber(x));
          // Within half a unit of the third significant digit (or of an integer above 1000).
          const tolerance = Math.abs(x) >= 1000 ? 0.5 : Math.abs(x) * 0.005 + 1e-300;
          return back !== 0 && Math.abs(back - x) <= tolerance * 1.0000001;
        },
      ),
    );
  });

  it('counts of forecasts', () => {
    expect(ofLastText(3, 5)).toBe('3 of the last 5 forecasts');
    expect(ofLastText(3, 3)).toBe('the last 3 forecasts');
    expect(ofLastText(1, 1)).toBe('the last forecast');
  });

  it('a value beside its threshold never prints as the threshold itself', () => {
    expect(formatAgainst(0.7001, 0.7)).toBe('0.7001');
    expect(formatAgainst(335.9, 336)).toBe('335.9');
    expect(formatAgainst(0.7, 0.7)).toBe('0.7');
    expect(formatAgainst(0.93, 0.7)).toBe('0.93');
    expect(withUnit(2.8004, 'mm/s', 2.8)).toBe('2.8004 mm/s');
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        (x, bar) => (x === bar ? true : formatAgainst(x, bar) !== formatAgainst(bar, x)),
      ),
    );
  });
});

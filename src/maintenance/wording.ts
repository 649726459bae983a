/**
 * How the work-order texts write numbers and deadlines. Pure. A CMMS user reads these, so a
 * value is never rounded to a misleading "0", a deadline under a day is said in hours or
 * minutes ("within 0 days" told nobody anything), and a deadline is rounded down: the text
 * never promises more time than the due date leaves.
 */

/** A measured value with up to three significant digits: 30.9, 2.14, 0.00312, 1234. A value
 * that is not zero never reads "0"; below 1e-4 the exponent form keeps its digits. */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 10 ** digits) return String(Math.round(x));
  if (a < 1e-4) return Number(x.toPrecision(digits)).toExponential();
  return String(Number(x.toPrecision(digits)));
}

/** `x` quoted beside the threshold `bar` it crossed (or cleared): as formatNumber, with more
 * digits where three would print the threshold itself — "anomaly score 0.7001 above 0.7", not
 * "0.7 above 0.7"; a 335.9 h RUL bound under a 336 h lead time reads 335.9. */
export function formatAgainst(x: number, bar: number): string {
  for (let digits = 3; digits <= 15; digits += 1) {
    const text = formatNumber(x, digits);
    if (x === bar || text !== formatNumber(bar, digits)) return text;
  }
  return String(x);
}

/** A value and its unit ("30.9 mm/s"), or "n/a" when there is no value; with `bar`, quoted
 * against that threshold (formatAgainst). */
export function withUnit(x: number | null, unit: string, bar?: number): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  return `${bar === undefined ? formatNumber(x) : formatAgainst(x, bar)} ${unit}`;
}

const floor1 = (x: number) => Math.floor(x * 10 + 1e-9) / 10;
/** "1 forecast", "3 forecasts". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The time left until a deadline `hours` ahead, as the end of "Plan the repair …": "immediately"
 * (no time left), "within 45 minutes", "within 5 hours", "within 1.5 days", "within 30 days". */
export function withinText(hours: number): string {
  if (!(hours > 0)) return 'immediately';
  if (hours < 1) {
    const minutes = Math.floor(hours * 60);
    return minutes < 1 ? 'immediately' : `within ${plural(minutes, 'minute')}`;
  }
  if (hours < 24) return `within ${plural(floor1(hours), 'hour')}`;
  return `within ${plural(floor1(hours / 24), 'day')}`;
}

/** "3 of the last 5 forecasts", "the last 3 forecasts" (when all of them), "the last forecast". */
export function ofLastText(count: number, window: number): string {
  if (window === 1) return 'the last forecast';
  return count === window ? `the last ${window} forecasts` : `${count} of the last ${window} forecasts`;
}

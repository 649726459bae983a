/**
 * Timestamps for datasets that have none, or only times of day. Every importer places its data
 * on a base date (UTC midnight, `--base-date`, default 2000-01-01) and records the mapping in
 * the asset's `metadata.time_axis`, so a reader can turn a timestamp back into a cycle, a step
 * or a time of day. Importing again with another base date is refused: it would store
 * everything a second time at other timestamps.
 */
import { ImportInputError } from './types.js';

const DAY_S = 86_400;
export const HOUR_S = 3_600;
export const MINUTE_S = 60;

/** `YYYY-MM-DD` → epoch seconds of that UTC midnight. */
export function parseBaseDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new ImportInputError(`--base-date must be a date like 2000-01-01, got ${JSON.stringify(text)}`);
  }
  return ms / 1000;
}

export function isoDate(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString().slice(0, 10);
}

export interface TimeAxis {
  /** UTC base date, `YYYY-MM-DD`. */
  base: string;
  /** How a timestamp is derived, in words, e.g. "base + cycle hours". */
  mapping: string;
  [key: string]: unknown;
}

/**
 * Refuses to add data to an asset that an earlier import placed on another base date: the
 * same rows would land at different timestamps and be stored twice.
 */
export function checkTimeAxis(externalRef: string, stored: Record<string, unknown>, axis: TimeAxis): void {
  const previous = (stored.time_axis as TimeAxis | undefined)?.base;
  if (previous !== undefined && previous !== axis.base) {
    throw new ImportInputError(
      `asset ${externalRef} was imported with --base-date ${previous}; import it again with that date` +
        ` (got ${axis.base}), or the same rows would be stored twice at other timestamps`,
    );
  }
}

/**
 * Places times of day (seconds since midnight, possibly past 86,400 after a midnight crossing
 * inside a file) on the calendar: each value goes to the day that puts it nearest the previous
 * one, starting from an anchor. Right for recordings whose gaps are under 12 hours, as FEMTO's
 * 10-second snapshots and one-minute temperature files are.
 */
export class DayUnwrapper {
  private previous: number;

  constructor(anchorTimeOfDay: number) {
    this.previous = anchorTimeOfDay;
  }

  /** Seconds since the base midnight for a time of day. */
  place(timeOfDay: number): number {
    const days = Math.round((this.previous - timeOfDay) / DAY_S);
    const t = timeOfDay + days * DAY_S;
    this.previous = t;
    return t;
  }

  /** Moves the reference without placing a value (e.g. to the last row of a file). */
  advanceTo(secondsSinceBase: number): void {
    this.previous = secondsSinceBase;
  }
}

/**
 * The shortest decimal that is the same float32: parsers keep FEMTO temperatures as float32,
 * and 67.094 should be stored as 67.094, not 67.09400177001953.
 */
export function float32ToDecimal(value: number): number {
  for (let digits = 6; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/**
 * NASA C-MAPSS turbofan run-to-failure text format (Saxena et al., PHM 2008): whitespace separated,
 * no header, 26 columns per line: unit, cycle, 3 operational settings, 21 sensors.
 * Pure: strings in, rows out. Malformed input throws the shared FormatError naming line and column
 * (column = 1-based whitespace-separated field, so column 3 is operational setting 1).
 */
import { FormatError, type FormatErrorLocation } from './format-error.js';

export const CMAPSS_SETTINGS = 3;
export const CMAPSS_SENSORS = 21;
export const CMAPSS_COLUMNS = 2 + CMAPSS_SETTINGS + CMAPSS_SENSORS;

export interface CmapssRow {
  unit: number;
  cycle: number;
  settings: number[];
  sensors: number[];
}

const WS = /\s+/;

function fields(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(WS);
}

/**
 * The FormatError this parser throws. Without a file label its message reads
 * `line 2, column 9: reason` (the shape the C-MAPSS importer strips before adding its own file
 * label); with one it is the standard FormatError message.
 */
export class CmapssFormatError extends FormatError {
  constructor(reason: string, location: FormatErrorLocation) {
    super(reason, location);
    if (location.file === undefined && location.line !== undefined) {
      const column = location.column === undefined ? '' : `, column ${location.column}`;
      this.message = `line ${location.line}${column}: ${reason}`;
    }
  }
}

interface Where {
  file: string | undefined;
  line: number;
}

function fail(reason: string, where: Where, column: number, field?: string): never {
  throw new CmapssFormatError(reason, {
    ...(where.file === undefined ? {} : { file: where.file }),
    line: where.line,
    column,
    ...(field ? { field } : {}),
  });
}

function parseNumber(text: string, where: Where, column: number, what: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value))
    fail(`${what} is not a finite number: "${text}"`, where, column, what);
  return value;
}

function parsePositiveInt(text: string, where: Where, column: number, what: string): number {
  const value = parseNumber(text, where, column, what);
  if (!Number.isInteger(value) || value < 1)
    fail(`${what} must be a positive integer, got "${text}"`, where, column, what);
  return value;
}

/**
 * Parses a `train_FDxxx.txt` or `test_FDxxx.txt` file. Blank lines are skipped. `file` only
 * labels error messages.
 */
export function parseCmapss(text: string, file?: string): CmapssRow[] {
  const rows: CmapssRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where: Where = { file, line: i + 1 };
    const parts = fields(lines[i] ?? '');
    if (parts.length === 0) continue;
    if (parts.length !== CMAPSS_COLUMNS) {
      const column = Math.min(parts.length, CMAPSS_COLUMNS) + 1;
      fail(`expected ${CMAPSS_COLUMNS} fields, found ${parts.length}`, where, column);
    }
    const unit = parsePositiveInt(parts[0] ?? '', where, 1, 'unit');
    const cycle = parsePositiveInt(parts[1] ?? '', where, 2, 'cycle');
    const settings: number[] = [];
    for (let s = 0; s < CMAPSS_SETTINGS; s++) {
      settings.push(parseNumber(parts[2 + s] ?? '', where, 3 + s, `operational setting ${s + 1}`));
    }
    const sensors: number[] = [];
    for (let s = 0; s < CMAPSS_SENSORS; s++) {
      const column = 3 + CMAPSS_SETTINGS + s;
      sensors.push(parseNumber(parts[column - 1] ?? '', where, column, `sensor ${s + 1}`));
    }
    rows.push({ unit, cycle, settings, sensors });
  }
  return rows;
}

/** Parses a `RUL_FDxxx.txt` file: one non-negative integer per line, in test-unit order. */
export function parseCmapssRul(text: string, file?: string): number[] {
  const values: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where: Where = { file, line: i + 1 };
    const parts = fields(lines[i] ?? '');
    if (parts.length === 0) continue;
    if (parts.length !== 1) fail(`expected 1 field, found ${parts.length}`, where, 2);
    const value = parseNumber(parts[0] ?? '', where, 1, 'RUL');
    if (!Number.isInteger(value) || value < 0)
      fail(`RUL must be a non-negative integer, got "${parts[0]}"`, where, 1, 'RUL');
    values.push(value);
  }
  return values;
}

/** Unit ids in order of first appearance. */
export function cmapssUnits(rows: readonly { unit: number }[]): number[] {
  const seen = new Set<number>();
  const units: number[] = [];
  for (const row of rows) {
    if (!seen.has(row.unit)) {
      seen.add(row.unit);
      units.push(row.unit);
    }
  }
  return units;
}

/**
 * Training targets of run-to-failure rows: RUL = last cycle of the unit − cycle, capped at `cap`
 * (the piece-wise linear target of the literature; 125 is the common cap).
 */
export function trainRulTargets(rows: readonly { unit: number; cycle: number }[], cap = 125): number[] {
  const last = new Map<number, number>();
  for (const row of rows) last.set(row.unit, Math.max(last.get(row.unit) ?? -Infinity, row.cycle));
  return rows.map((row) => Math.min(cap, (last.get(row.unit) ?? row.cycle) - row.cycle));
}

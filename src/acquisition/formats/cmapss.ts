/**
 * NASA C-MAPSS turbofan run-to-failure text format (Saxena et al., PHM 2008): whitespace separated,
 * no header, 26 columns per line: unit, cycle, 3 operational settings, 21 sensors.
 * Pure: strings in, rows out.
 */

export const CMAPSS_SETTINGS = 3;
export const CMAPSS_SENSORS = 21;
export const CMAPSS_COLUMNS = 2 + CMAPSS_SETTINGS + CMAPSS_SENSORS;

export interface CmapssRow {
  unit: number;
  cycle: number;
  settings: number[];
  sensors: number[];
}

/**
 * A malformed line or field. `line` and `column` are 1-based (column counts whitespace-separated
 * fields, so column 3 is operational setting 1).
 * Local to this module because no shared `format-error.ts` existed when it was written; it keeps
 * the same shape (message, line, column) so it can extend the shared class later.
 */
export class CmapssFormatError extends Error {
  override name = 'FormatError';
  constructor(
    message: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(column === undefined ? `line ${line}: ${message}` : `line ${line}, column ${column}: ${message}`);
  }
}

const WS = /\s+/;

function fields(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(WS);
}

function parseNumber(text: string, line: number, column: number, what: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new CmapssFormatError(`${what} is not a finite number: "${text}"`, line, column);
  }
  return value;
}

function parsePositiveInt(text: string, line: number, column: number, what: string): number {
  const value = parseNumber(text, line, column, what);
  if (!Number.isInteger(value) || value < 1) {
    throw new CmapssFormatError(`${what} must be a positive integer, got "${text}"`, line, column);
  }
  return value;
}

/** Parses a `train_FDxxx.txt` or `test_FDxxx.txt` file. Blank lines are skipped. */
export function parseCmapss(text: string): CmapssRow[] {
  const rows: CmapssRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const parts = fields(lines[i] ?? '');
    if (parts.length === 0) continue;
    if (parts.length !== CMAPSS_COLUMNS) {
      const column = Math.min(parts.length, CMAPSS_COLUMNS) + 1;
      throw new CmapssFormatError(`expected ${CMAPSS_COLUMNS} fields, found ${parts.length}`, lineNo, column);
    }
    const unit = parsePositiveInt(parts[0] ?? '', lineNo, 1, 'unit');
    const cycle = parsePositiveInt(parts[1] ?? '', lineNo, 2, 'cycle');
    const settings: number[] = [];
    for (let s = 0; s < CMAPSS_SETTINGS; s++) {
      settings.push(parseNumber(parts[2 + s] ?? '', lineNo, 3 + s, `operational setting ${s + 1}`));
    }
    const sensors: number[] = [];
    for (let s = 0; s < CMAPSS_SENSORS; s++) {
      const column = 3 + CMAPSS_SETTINGS + s;
      sensors.push(parseNumber(parts[column - 1] ?? '', lineNo, column, `sensor ${s + 1}`));
    }
    rows.push({ unit, cycle, settings, sensors });
  }
  return rows;
}

/** Parses a `RUL_FDxxx.txt` file: one non-negative integer per line, in test-unit order. */
export function parseCmapssRul(text: string): number[] {
  const values: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const parts = fields(lines[i] ?? '');
    if (parts.length === 0) continue;
    if (parts.length !== 1) {
      throw new CmapssFormatError(`expected 1 field, found ${parts.length}`, i + 1, 2);
    }
    const value = parseNumber(parts[0] ?? '', i + 1, 1, 'RUL');
    if (!Number.isInteger(value) || value < 0) {
      throw new CmapssFormatError(`RUL must be a non-negative integer, got "${parts[0]}"`, i + 1, 1);
    }
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

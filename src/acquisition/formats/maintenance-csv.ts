import { indexHeader, numberedLines, parseNumberField, splitFields, type TextInput } from './csv.js';
import { FormatError, type FormatErrorLocation } from './format-error.js';

/**
 * Maintenance-record CSVs shaped like the Azure "Predictive Maintenance Modelling Guide"
 * tables, which look like CMMS exports: `datetime,machineID,comp` (replacements),
 * `datetime,machineID,failure` (failures) and `datetime,machineID,errorID` (error events).
 * The shape is recognised from the header.
 */

export type MaintenanceEventKind = 'replacement' | 'failure' | 'error';

export interface MaintenanceEvent {
  at: Date;
  /** Machine / asset identifier as written in the file (`machineID`). */
  assetRef: string;
  /** Replaced or failed component (`comp`, `failure`); null for error events. */
  component: string | null;
  /** Error code (`errorID`) of error events; null otherwise. */
  code: string | null;
  kind: MaintenanceEventKind;
}

export interface MachineRecord {
  assetRef: string;
  model: string;
  ageYears: number;
}

type DetailColumn = 'comp' | 'failure' | 'errorID';

const SHAPES: ReadonlyArray<[column: DetailColumn, kind: MaintenanceEventKind]> = [
  ['comp', 'replacement'],
  ['failure', 'failure'],
  ['errorID', 'error'],
];

/** Detects the record kind of a maintenance CSV from its header fields. */
function detectMaintenanceKind(
  header: readonly string[],
  location: FormatErrorLocation = {},
): MaintenanceEventKind {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  const found = SHAPES.filter(([column]) => names.has(column.toLowerCase()));
  if (found.length !== 1) {
    throw new FormatError(
      found.length === 0
        ? `not a maintenance-record header: expected one of the columns comp, failure or errorID` +
            ` (header has ${header.map((h) => JSON.stringify(h)).join(', ')})`
        : `ambiguous maintenance-record header: has ${found.map(([c]) => c).join(' and ')}`,
      location,
    );
  }
  return found[0]![1];
}

export function parseMaintenanceCsv(input: TextInput, file?: string): MaintenanceEvent[] {
  const lines = numberedLines(input, file);
  const head = lines[0];
  if (!head) throw new FormatError('empty file: expected a header row', { file, line: 1 });
  const header = splitFields(head.text, ',', { file, line: head.line });
  const kind = detectMaintenanceKind(header, { file, line: head.line });
  const detail = SHAPES.find(([, k]) => k === kind)![0];
  const col = indexHeader<'datetime' | 'machineID' | DetailColumn>(
    header,
    ['datetime', 'machineID', detail],
    [],
    { file, line: head.line },
  );
  const events: MaintenanceEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const { line, text } = lines[i]!;
    const f = splitFields(text, ',', { file, line });
    if (f.length !== header.length) {
      throw new FormatError(`expected ${header.length} fields like the header, got ${f.length}`, {
        file,
        line,
      });
    }
    const at = parseTimestamp(f[col.datetime]!, { file, line, column: col.datetime + 1, field: 'datetime' });
    const assetRef = nonEmpty(f[col.machineID]!, {
      file,
      line,
      column: col.machineID + 1,
      field: 'machineID',
    });
    const value = nonEmpty(f[col[detail]]!, { file, line, column: col[detail] + 1, field: detail });
    events.push({
      at,
      assetRef,
      component: kind === 'error' ? null : value,
      code: kind === 'error' ? value : null,
      kind,
    });
  }
  return events;
}

/** `PdM_machines.csv`: machineID, model, age (years). */
export function parseMachinesCsv(input: TextInput, file?: string): MachineRecord[] {
  const lines = numberedLines(input, file);
  const head = lines[0];
  if (!head) throw new FormatError('empty file: expected a header row', { file, line: 1 });
  const header = splitFields(head.text, ',', { file, line: head.line });
  const col = indexHeader(header, ['machineID', 'model', 'age'], [], { file, line: head.line });
  return lines.slice(1).map(({ line, text }) => {
    const f = splitFields(text, ',', { file, line });
    if (f.length !== header.length) {
      throw new FormatError(`expected ${header.length} fields like the header, got ${f.length}`, {
        file,
        line,
      });
    }
    const loc = (field: string, index: number) => ({ file, line, column: index + 1, field });
    const ageYears = parseNumberField(f[col.age]!, loc('age', col.age));
    if (ageYears < 0) throw new FormatError(`negative age ${ageYears}`, loc('age', col.age));
    return {
      assetRef: nonEmpty(f[col.machineID]!, loc('machineID', col.machineID)),
      model: nonEmpty(f[col.model]!, loc('model', col.model)),
      ageYears,
    };
  });
}

function nonEmpty(value: string, location: FormatErrorLocation): string {
  if (value === '') throw new FormatError('empty value', location);
  return value;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
// Older downloads of the Azure sample data write US-style stamps: 1/5/2015 6:00:00 AM.
const US_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?)?$/i;

interface StampParts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  offsetMin: number;
}

function isoParts(m: RegExpExecArray): StampParts {
  const zone = m[8];
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return {
    y: Number(m[1]),
    mo: Number(m[2]),
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0,
    offsetMin,
  };
}

function usParts(m: RegExpExecArray, location: FormatErrorLocation): StampParts {
  let h = Number(m[4] ?? 0);
  const meridiem = m[7]?.toUpperCase();
  if (meridiem) {
    if (h < 1 || h > 12) throw new FormatError(`hour ${h} invalid with ${meridiem}`, location);
    h = (h % 12) + (meridiem === 'PM' ? 12 : 0);
  }
  return {
    y: Number(m[3]),
    mo: Number(m[1]),
    d: Number(m[2]),
    h,
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: 0,
    offsetMin: 0,
  };
}

/**
 * Parses `2015-01-05 06:00:00` (the Azure export), ISO 8601 with `T`, fractions and a `Z` or
 * ±hh:mm offset, and `M/D/YYYY h:mm:ss AM|PM`. Timestamps without a zone are taken as UTC:
 * the Azure data is a simulated fleet without a time zone.
 */
export function parseTimestamp(value: string, location: FormatErrorLocation = {}): Date {
  const iso = ISO_RE.exec(value);
  const us = iso ? null : US_RE.exec(value);
  if (!iso && !us) {
    throw new FormatError(
      `expected a timestamp like 2015-01-05 06:00:00 or ISO 8601, got ${JSON.stringify(value)}`,
      location,
    );
  }
  const { y, mo, d, h, mi, s, ms, offsetMin } = iso ? isoParts(iso) : usParts(us!, location);
  const time = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(time);
  // Date.UTC silently rolls 2015-02-30 into March; a round trip catches it.
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    throw new FormatError(`invalid date or time ${JSON.stringify(value)}`, location);
  }
  return new Date(time - offsetMin * 60_000);
}

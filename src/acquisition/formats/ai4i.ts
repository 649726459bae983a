import {
  indexHeader,
  numberedLines,
  parseFlagField,
  parseIntegerField,
  parseNumberField,
  splitFields,
  type TextInput,
} from './csv.js';
import { FormatError } from './format-error.js';

/**
 * UCI "AI4I 2020 Predictive Maintenance Dataset" (S. Matzka, AI4I 2020, CC BY 4.0): one row
 * per milling-machine process step. Columns are found by header name, so reordered or extra
 * columns are fine; a missing required column is a FormatError.
 */

type Ai4iProductType = 'L' | 'M' | 'H';

export interface Ai4iRow {
  /** Unique row id; the 1-based data-row number when the file has no UDI column. */
  udi: number;
  productId: string | null;
  type: Ai4iProductType;
  airTemperatureK: number;
  processTemperatureK: number;
  rotationalSpeedRpm: number;
  torqueNm: number;
  toolWearMin: number;
  /** The dataset's own label; not exactly the OR of the five mode flags (a documented quirk). */
  machineFailure: boolean;
  /** Tool wear, heat dissipation, power, overstrain and random failure modes. */
  twf: boolean;
  hdf: boolean;
  pwf: boolean;
  osf: boolean;
  rnf: boolean;
}

const AI4I_REQUIRED_COLUMNS = [
  'Type',
  'Air temperature [K]',
  'Process temperature [K]',
  'Rotational speed [rpm]',
  'Torque [Nm]',
  'Tool wear [min]',
  'Machine failure',
  'TWF',
  'HDF',
  'PWF',
  'OSF',
  'RNF',
] as const;

const OPTIONAL = ['UDI', 'Product ID'] as const;

const NUMERIC: ReadonlyArray<[keyof Ai4iRow, (typeof AI4I_REQUIRED_COLUMNS)[number]]> = [
  ['airTemperatureK', 'Air temperature [K]'],
  ['processTemperatureK', 'Process temperature [K]'],
  ['rotationalSpeedRpm', 'Rotational speed [rpm]'],
  ['torqueNm', 'Torque [Nm]'],
  ['toolWearMin', 'Tool wear [min]'],
];

const FLAGS: ReadonlyArray<[keyof Ai4iRow, (typeof AI4I_REQUIRED_COLUMNS)[number]]> = [
  ['machineFailure', 'Machine failure'],
  ['twf', 'TWF'],
  ['hdf', 'HDF'],
  ['pwf', 'PWF'],
  ['osf', 'OSF'],
  ['rnf', 'RNF'],
];

export function parseAi4iCsv(input: TextInput, file?: string): Ai4iRow[] {
  const lines = numberedLines(input, file);
  const head = lines[0];
  if (!head) throw new FormatError('empty file: expected a header row', { file, line: 1 });
  const header = splitFields(head.text, ',', { file, line: head.line });
  const col = indexHeader(header, AI4I_REQUIRED_COLUMNS, OPTIONAL, { file, line: head.line });
  const rows: Ai4iRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const { line, text } = lines[i]!;
    const f = splitFields(text, ',', { file, line });
    if (f.length !== header.length) {
      throw new FormatError(`expected ${header.length} fields like the header, got ${f.length}`, {
        file,
        line,
      });
    }
    const at = (name: string, index: number) => ({ file, line, column: index + 1, field: name });
    const type = f[col.Type]!;
    if (type !== 'L' && type !== 'M' && type !== 'H') {
      throw new FormatError(
        `expected product type L, M or H, got ${JSON.stringify(type)}`,
        at('Type', col.Type),
      );
    }
    const row = {
      udi: col.UDI === undefined ? i : parseIntegerField(f[col.UDI]!, at('UDI', col.UDI)),
      productId: col['Product ID'] === undefined ? null : f[col['Product ID']]!,
      type,
    } as Ai4iRow;
    const record = row as unknown as Record<string, number | boolean>;
    for (const [key, name] of NUMERIC) record[key] = parseNumberField(f[col[name]]!, at(name, col[name]));
    for (const [key, name] of FLAGS) record[key] = parseFlagField(f[col[name]]!, at(name, col[name]));
    rows.push(row);
  }
  return rows;
}

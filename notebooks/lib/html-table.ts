/**
 * HTML tables for notebook output: danfojs prints DataFrames as box-drawing text, which wraps
 * badly in a notebook; these render as real tables (tslab.display.html).
 */
import { escapeXml as esc } from '../../src/plot/svg.js';

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Significant digits of non-integer numbers. */
  digits?: number;
  caption?: string;
  /** At most this many rows, then a "… n more" line. */
  maxRows?: number;
}

function cell(v: Cell, digits: number): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v);
  }
  return esc(String(v ?? ''));
}

/** Rows of objects; the columns are the keys of the first row. */
export function table(rows: readonly Record<string, Cell>[], o: TableOptions = {}): string {
  const columns = Object.keys(rows[0] ?? {});
  return matrixTable(
    columns,
    rows.map((r) => columns.map((c) => r[c])),
    o,
  );
}

/** A header and row arrays (e.g. a danfojs DataFrame's `columns` and `values`). */
export function matrixTable(
  columns: readonly string[],
  values: readonly (readonly Cell[])[],
  o: TableOptions = {},
): string {
  const digits = o.digits ?? 4;
  const shown = values.slice(0, o.maxRows ?? values.length);
  const numeric = columns.map((_, j) => shown.every((r) => typeof r[j] === 'number' || r[j] == null));
  const td = (v: Cell, j: number): string =>
    `<td style="padding:2px 8px;text-align:${numeric[j] ? 'right' : 'left'}">${cell(v, digits)}</td>`;
  const head = columns.map((c) => `<th style="padding:2px 8px;border-bottom:1px solid #999">${esc(c)}</th>`);
  const body = shown.map((r) => `<tr>${columns.map((_, j) => td(r[j], j)).join('')}</tr>`);
  const more =
    values.length > shown.length
      ? `<tr><td colspan="${columns.length}" style="padding:2px 8px;color:#777">… ${values.length - shown.length} more rows</td></tr>`
      : '';
  const caption = o.caption
    ? `<caption style="text-align:left;font-weight:bold">${esc(o.caption)}</caption>`
    : '';
  return (
    `<div style="overflow-x:auto"><table style="border-collapse:collapse;font-family:sans-serif;font-size:12px">` +
    `${caption}<thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}${more}</tbody></table></div>`
  );
}

/** Anything shaped like a danfojs DataFrame. */
export interface FrameLike {
  columns: string[];
  values: unknown[];
}

export function frameTable(df: FrameLike, o: TableOptions = {}): string {
  const rows = df.values.map((r) => (Array.isArray(r) ? (r as Cell[]) : [r as Cell]));
  return matrixTable(df.columns, rows, o);
}

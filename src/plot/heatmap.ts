/**
 * A labelled matrix (e.g. a confusion matrix) as SVG rectangles: cell shade by |value|, the value
 * written in it, "–" for a missing one. For large maps (spectrograms) use raster.ts instead.
 */
import { categoryLabel, chrome, frameOf, noData } from './axes.js';
import { escapeXml, formatTick, num, svgDocument } from './svg.js';

export interface MatrixOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  rows: readonly string[];
  cols: readonly string[];
  /** values[row][col] */
  values: readonly (readonly number[])[];
  width?: number;
  height?: number;
}

/** White to the palette's blue (#4e79a7) by share in [0, 1]. */
const shade = (share: number) =>
  `rgb(${Math.round(255 - 177 * share)},${Math.round(255 - 134 * share)},${Math.round(255 - 88 * share)})`;

export function heatmap(o: MatrixOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 360;
  // Row labels can be long ("AI4I Machine failure"): the cells start after the longest one.
  const left = Math.min(220, Math.max(64, 36 + 7 * Math.max(0, ...o.rows.map((r) => r.length))));
  const f = frameOf(width, height, { left, top: 40, bottom: 60 });
  const out = chrome({ width, height }, f, o.title, o.xLabel, o.yLabel);
  const finite = o.values.flat().filter(Number.isFinite);
  const max = finite.length ? Math.max(...finite.map(Math.abs)) : 0;
  const cw = f.width / Math.max(1, o.cols.length);
  const ch = f.height / Math.max(1, o.rows.length);
  o.cols.forEach((col, j) => out.push(categoryLabel(left + cw * (j + 0.5), f.top + f.height + 16, col)));
  o.rows.forEach((row, i) => {
    const cy = num(f.top + ch * (i + 0.5));
    out.push(
      `<text x="${left - 6}" y="${cy}" text-anchor="end" dominant-baseline="middle">${escapeXml(row)}</text>`,
    );
    o.cols.forEach((_, j) => {
      const v = o.values[i]?.[j] ?? NaN;
      const share = Number.isFinite(v) && max > 0 ? Math.abs(v) / max : 0;
      const fill = Number.isFinite(v) ? shade(share) : '#f0f0f0';
      out.push(
        `<rect class="mark" x="${num(left + cw * j)}" y="${num(f.top + ch * i)}" width="${num(cw)}" height="${num(ch)}" fill="${fill}" stroke="#fff"/>`,
        `<text x="${num(left + cw * (j + 0.5))}" y="${cy}" text-anchor="middle" dominant-baseline="middle" fill="${share > 0.6 ? '#fff' : '#111'}">${formatTick(v)}</text>`,
      );
    });
  });
  out.push(...noData(f, o.rows.length * o.cols.length));
  return svgDocument(width, height, o.title, out);
}

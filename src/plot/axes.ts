/**
 * The frame of a chart: plot area, scales, tick labels, grid, titles, legend and the "no data"
 * notice. Charts (xy.ts, bars.ts, heatmap.ts, raster.ts) draw their marks inside it.
 */
import { escapeXml, formatTick, logTicks, niceTicks, num } from './svg.js';

export interface Axis {
  label?: string;
  /** Fixed bounds; otherwise taken from the data (a given bound is always kept). */
  min?: number;
  max?: number;
  /** Log10 scale; values ≤ 0 are left out. */
  log?: boolean;
}

/** The plot area in pixels. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Scale {
  (v: number): number;
  ticks: number[];
  log: boolean;
}

export function frameOf(
  width: number,
  height: number,
  margin: { left?: number; right?: number; top?: number; bottom?: number } = {},
): Frame {
  const left = margin.left ?? 64;
  const top = margin.top ?? 36;
  return {
    left,
    top,
    width: Math.max(10, width - left - (margin.right ?? 20)),
    height: Math.max(10, height - top - (margin.bottom ?? 48)),
  };
}

/** Data bounds of the finite (and, on a log axis, positive) values, with the axis' fixed bounds. */
export function domain(values: Iterable<number>, axis: Axis, pad: boolean): [number, number] {
  const log = axis.log === true;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) [lo, hi] = log ? [1, 10] : [0, 1];
  lo = axis.min ?? lo;
  hi = axis.max ?? hi;
  if (lo === hi) [lo, hi] = log ? [lo / 10, hi * 10] : [lo - 1, hi + 1];
  // A margin on the automatic sides, so marks on the extremes are not cut by the frame.
  if (pad) {
    if (log) {
      if (axis.min === undefined) lo /= 1.2;
      if (axis.max === undefined) hi *= 1.2;
    } else {
      const m = (hi - lo) * 0.04;
      if (axis.min === undefined) lo -= m;
      if (axis.max === undefined) hi += m;
    }
  }
  return [lo, hi];
}

/** Maps [lo, hi] onto the pixel range [a, b] (b < a for a y axis: SVG's y grows downwards). */
export function scale([lo, hi]: [number, number], [a, b]: [number, number], log = false): Scale {
  const f = log ? Math.log10 : (v: number) => v;
  const [l, h] = [f(lo), f(hi)];
  const s = ((v: number) => a + ((f(v) - l) / (h - l || 1)) * (b - a)) as Scale;
  const ticks = log
    ? logTicks(lo, hi)
    : niceTicks(lo, hi, Math.min(8, Math.max(4, Math.round(Math.abs(b - a) / 50))));
  s.ticks = ticks.filter((t) => t >= lo - Math.abs(hi - lo) * 1e-9 && t <= hi + Math.abs(hi - lo) * 1e-9);
  s.log = log;
  return s;
}

/** Title centred over the chart and the axis labels. */
export function chrome(
  size: { width: number; height: number },
  f: Frame,
  title?: string,
  xLabel?: string,
  yLabel?: string,
): string[] {
  const out: string[] = [];
  if (title) {
    out.push(
      `<text x="${num(size.width / 2)}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    );
  }
  if (xLabel) {
    out.push(
      `<text x="${num(f.left + f.width / 2)}" y="${size.height - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    );
  }
  if (yLabel) {
    const cy = num(f.top + f.height / 2);
    out.push(
      `<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(yLabel)}</text>`,
    );
  }
  return out;
}

/** The left and bottom lines of the plot area (bars draw their zero line instead of the bottom). */
export function frameLines(f: Frame, bottomLine = true): string[] {
  const bottom = f.top + f.height;
  return [
    `<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${bottom}" stroke="#333"/>`,
    ...(bottomLine
      ? [`<line x1="${f.left}" y1="${bottom}" x2="${f.left + f.width}" y2="${bottom}" stroke="#333"/>`]
      : []),
  ];
}

/** Tick labels (and light grid lines) of a numeric y axis. */
export function yTicks(y: Scale, f: Frame, grid = true): string[] {
  return y.ticks.flatMap((t) => {
    const py = num(y(t));
    return [
      ...(grid
        ? [`<line x1="${f.left}" y1="${py}" x2="${f.left + f.width}" y2="${py}" stroke="#e5e5e5"/>`]
        : []),
      `<text x="${f.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    ];
  });
}

/** Tick marks and labels (and light grid lines) of a numeric x axis. */
export function xTicks(x: Scale, f: Frame, grid = true): string[] {
  const base = f.top + f.height;
  return x.ticks.flatMap((t) => {
    const px = num(x(t));
    return [
      ...(grid ? [`<line x1="${px}" y1="${f.top}" x2="${px}" y2="${base}" stroke="#f0f0f0"/>`] : []),
      `<line x1="${px}" y1="${base}" x2="${px}" y2="${base + 5}" stroke="#333"/>`,
      `<text x="${px}" y="${base + 18}" text-anchor="middle">${formatTick(t)}</text>`,
    ];
  });
}

/** Marks drawn in here are clipped to the plot area; a nested <svg> clips without an id to collide. */
export function clipped(f: Frame, marks: string[]): string[] {
  return [
    `<svg x="${f.left}" y="${f.top}" width="${f.width}" height="${f.height}" viewBox="${f.left} ${f.top} ${f.width} ${f.height}" overflow="hidden">`,
    ...marks,
    '</svg>',
  ];
}

/** A category label centred under a band; a newline in it starts a second line. */
export function categoryLabel(x: number, y: number, text: string): string {
  const [first, ...rest] = text.split('\n');
  const more = rest.map((r) => `<tspan x="${num(x)}" dy="14">${escapeXml(r)}</tspan>`).join('');
  return `<text x="${num(x)}" y="${y}" text-anchor="middle">${escapeXml(first ?? '')}${more}</text>`;
}

export const noData = (f: Frame, marks: number): string[] =>
  marks === 0
    ? [
        `<text x="${num(f.left + f.width / 2)}" y="${num(f.top + f.height / 2)}" text-anchor="middle" fill="#888">no data</text>`,
      ]
    : [];

/** Inside the plot area at a corner, or 'right' of it (the chart then reserves LEGEND_WIDTH). */
export type LegendPlace = 'top-left' | 'top-right' | 'bottom-right' | 'right';
export const LEGEND_WIDTH = 160;

export interface LegendItem {
  label: string;
  color: string;
  dash?: string;
  point?: boolean;
}

const halo = 'stroke="#fff" stroke-width="3" paint-order="stroke"';

/** One item is named by the title already: a legend needs two or more. */
export function legend(items: readonly LegendItem[], f: Frame, place: LegendPlace = 'top-right'): string[] {
  if (items.length < 2) return [];
  const x =
    place === 'right' ? f.left + f.width + 12 : place === 'top-left' ? f.left + 12 : f.left + f.width - 190;
  const y0 = place === 'bottom-right' ? f.top + f.height - 12 - (items.length - 1) * 16 : f.top + 12;
  return items.flatMap((it, i) => {
    const y = y0 + i * 16;
    const key = it.point
      ? `<circle cx="${x + 9}" cy="${y}" r="3.5" fill="${it.color}"/>`
      : `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${it.color}" stroke-width="3"${it.dash ? ` stroke-dasharray="${escapeXml(it.dash)}"` : ''}/>`;
    return [
      key,
      `<text x="${x + 24}" y="${y}" dominant-baseline="middle" ${halo}>${escapeXml(it.label)}</text>`,
    ];
  });
}

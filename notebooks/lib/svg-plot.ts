/**
 * Minimal static SVG charts for the notebooks (tslab renders them with `tslab.display.html`):
 * lines or points on linear or log axes, vertical markers, a legend. Strings in, strings out,
 * no DOM and no browser library, so a notebook's outputs are plain, diff-able markup.
 */

export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  mode?: 'line' | 'points';
  /** Stroke width (line) or radius (points). */
  size?: number;
  dash?: string;
}

export interface Marker {
  x: number;
  label?: string;
  color?: string;
  /** SVG stroke-dasharray, default "4 3". */
  dash?: string;
}

export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  xRange?: [number, number];
  yRange?: [number, number];
  logY?: boolean;
  markers?: Marker[];
  /** Legend entries come from series labels; false hides it. */
  legend?: boolean;
  /** Grid lines at the ticks (default true). */
  grid?: boolean;
}

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round tick values covering [lo, hi] (1-2-5 steps), about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  // Multiples of the step by an integer index, rounded: adding steps up would drift (0.30000000000000004).
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(0);
  return String(Number(v.toPrecision(6)));
}

function extent(values: Iterable<number>, log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return log ? [lo / 10, hi * 10] : [lo - 1, hi + 1];
  return [lo, hi];
}

/** An auto-scaled y range gets a margin so points on the extremes are not cut by the frame. */
function padded([lo, hi]: [number, number], log: boolean): [number, number] {
  if (log) return [lo / 1.2, hi * 1.2];
  const m = (hi - lo) * 0.04;
  return [lo - m, hi + m];
}

function* numbers(series: Series[], key: 'x' | 'y'): Generator<number> {
  for (const s of series) for (let i = 0; i < s[key].length; i++) yield s[key][i] as number;
}

/** Axes, grid, labels and title; returns the SVG parts and the data → pixel maps. */
export function axes(
  o: PlotOptions & { xDomain: [number, number]; yDomain: [number, number] },
  frame: Frame,
): { parts: string[]; px: (x: number) => number; py: (y: number) => number } {
  const { left, top, width, height } = frame;
  const [x0, x1] = o.xDomain;
  const log = o.logY === true;
  const [y0, y1] = log ? [Math.log10(o.yDomain[0]), Math.log10(o.yDomain[1])] : o.yDomain;
  const px = (x: number): number => left + ((x - x0) / (x1 - x0 || 1)) * width;
  const py = (y: number): number =>
    top + height - (((log ? Math.log10(y) : y) - y0) / (y1 - y0 || 1)) * height;
  const parts: string[] = [];
  const xTicks = niceTicks(x0, x1);
  const yTicks = log
    ? Array.from({ length: Math.floor(y1) - Math.ceil(y0) + 1 }, (_, i) => 10 ** (Math.ceil(y0) + i))
    : niceTicks(y0, y1, 5);
  for (const t of xTicks) {
    const x = px(t).toFixed(1);
    if (o.grid !== false)
      parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + height}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${top + height + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yTicks) {
    const y = py(t).toFixed(1);
    if (o.grid !== false)
      parts.push(`<line x1="${left}" x2="${left + width}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${left - 6}" y="${y}" dy="4" text-anchor="end">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  if (o.xLabel) {
    parts.push(
      `<text x="${left + width / 2}" y="${top + height + 34}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    );
  }
  if (o.yLabel) {
    const cy = top + height / 2;
    parts.push(
      `<text transform="translate(14 ${cy}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
    );
  }
  if (o.title) {
    parts.push(`<text x="${left}" y="${top - 10}" font-weight="bold" font-size="13">${esc(o.title)}</text>`);
  }
  return { parts, px, py };
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" fill="#333">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>${body.join('')}</svg>`
  );
}

let chartCount = 0;

/** A line or scatter chart of several series with optional vertical markers. */
export function linePlot(series: Series[], o: PlotOptions = {}): string {
  const width = o.width ?? 720;
  const height = o.height ?? 320;
  const labelled = series.filter((s) => s.label);
  const legend = o.legend !== false && labelled.length > 0;
  const frame: Frame = {
    left: 64,
    top: 28,
    width: width - 64 - (legend ? 150 : 16),
    height: height - 28 - 46,
  };
  const log = o.logY === true;
  const xDomain = o.xRange ?? extent(numbers(series, 'x'), false);
  const yDomain = o.yRange ?? padded(extent(numbers(series, 'y'), log), log);
  const { parts, px, py } = axes({ ...o, xDomain, yDomain }, frame);
  // Unique per chart, and deterministic so re-running a notebook gives the same markup.
  const clip = `clip${++chartCount}`;
  parts.push(
    `<clipPath id="${clip}"><rect x="${frame.left}" y="${frame.top}" width="${frame.width}" height="${frame.height}"/></clipPath>`,
  );
  const plotted: string[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    if (s.mode === 'points') {
      // One path of zero-length round-capped strokes: a tenth of the markup of <circle>s.
      let d = '';
      for (let k = 0; k < n; k++) {
        const y = s.y[k] as number;
        if (!Number.isFinite(y) || (log && y <= 0)) continue;
        d += `M${px(s.x[k] as number).toFixed(1)} ${py(y).toFixed(1)}h0`;
      }
      const r = s.size ?? 2.5;
      plotted.push(
        `<path d="${d}" stroke="${color}" stroke-opacity="0.75" stroke-width="${2 * r}" stroke-linecap="round"/>`,
      );
      return;
    }
    let d = '';
    let pen = 'M';
    for (let k = 0; k < n; k++) {
      const y = s.y[k] as number;
      if (!Number.isFinite(y) || (log && y <= 0)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${px(s.x[k] as number).toFixed(1)} ${py(y).toFixed(1)}`;
      pen = 'L';
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    plotted.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.size ?? 1.4}"${dash}/>`);
  });
  let markerLabels = 0;
  for (const m of o.markers ?? []) {
    const x = px(m.x);
    if (x < frame.left || x > frame.left + frame.width) continue;
    const color = m.color ?? '#c00';
    plotted.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${frame.top}" y2="${frame.top + frame.height}" stroke="${color}" stroke-dasharray="${m.dash ?? '4 3'}"/>`,
    );
    if (m.label) {
      // Labels near the right edge go on the line's left so the frame does not cut them.
      const right = x > frame.left + frame.width * 0.85;
      const anchor = right ? ` text-anchor="end"` : '';
      // Three staggered rows, so labels of nearby markers do not overprint each other.
      const y = frame.top + 12 + (markerLabels++ % 3) * 11;
      plotted.push(
        `<text x="${(right ? x - 3 : x + 3).toFixed(1)}" y="${y}" fill="${color}" font-size="10"${anchor}>${esc(m.label)}</text>`,
      );
    }
  }
  parts.push(`<g clip-path="url(#${clip})">${plotted.join('')}</g>`);
  if (legend) {
    labelled.forEach((s, i) => {
      const color = s.color ?? PALETTE[series.indexOf(s) % PALETTE.length];
      const y = frame.top + 8 + i * 16;
      const x = frame.left + frame.width + 12;
      parts.push(`<rect x="${x}" y="${y - 6}" width="12" height="8" fill="${color}"/>`);
      parts.push(`<text x="${x + 18}" y="${y + 2}">${esc(s.label ?? '')}</text>`);
    });
  }
  return svgDocument(width, height, parts);
}

/** Several charts side by side, wrapping after `columns`. */
export function grid(charts: string[], columns = 2): string {
  return (
    `<div style="display:grid;grid-template-columns:repeat(${columns},max-content);gap:8px">` +
    charts.map((c) => `<div>${c}</div>`).join('') +
    '</div>'
  );
}

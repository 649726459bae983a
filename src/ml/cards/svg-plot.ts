/**
 * Small, dependency-free SVG charts for model cards: scatter and line layers on numeric axes,
 * grouped bars (with optional error whiskers) on categories, and a labelled heatmap. Pure:
 * numbers and strings in, an SVG document string out. Non-finite values are left out rather
 * than drawn at NaN coordinates, and an empty chart still renders its axes with "no data".
 * Every data mark carries class="mark" so tests (and people) can count them.
 */

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const W = 560;
const H = 360;
const M = { left: 64, right: 20, top: 40, bottom: 60 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Coordinates with one decimal: plenty for a 560 px chart, and a compact file. */
const c = (v: number) => String(Math.round(v * 10) / 10);

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 × 10^k apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) {
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return out;
}

export interface Axis {
  label: string;
  /** Fixed bounds; otherwise taken from the data (and always including any given bound). */
  min?: number;
  max?: number;
}

export interface PointSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  /** 'points' draws circles, 'line' a polyline (broken at non-finite values). */
  style?: 'points' | 'line';
  dashed?: boolean;
}

interface Scale {
  (v: number): number;
  ticks: number[];
}

function domain(values: number[], axis: Axis): [number, number] {
  const finite = values.filter(Number.isFinite);
  let lo = axis.min ?? (finite.length ? Math.min(...finite) : 0);
  let hi = axis.max ?? (finite.length ? Math.max(...finite) : 1);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  if (axis.min === undefined || axis.max === undefined) {
    const pad = (hi - lo) * 0.04;
    if (axis.min === undefined) lo -= pad;
    if (axis.max === undefined) hi += pad;
  }
  return [lo, hi];
}

function linear([lo, hi]: [number, number], [a, b]: [number, number]): Scale {
  const s = ((v: number) => a + ((v - lo) / (hi - lo)) * (b - a)) as Scale;
  s.ticks = niceTicks(lo, hi, 6).filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9);
  return s;
}

function open(title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot-area"><rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}"/></clipPath></defs>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
}

function axisLabels(xLabel: string, yLabel: string): string[] {
  return [
    `<text x="${M.left + PW / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="16" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + PH / 2})">${escapeXml(yLabel)}</text>`,
  ];
}

function yAxis(y: Scale): string[] {
  const out = [`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}" stroke="#333"/>`];
  for (const t of y.ticks) {
    const py = c(y(t));
    out.push(
      `<line x1="${M.left}" y1="${py}" x2="${M.left + PW}" y2="${py}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  }
  return out;
}

function xAxis(x: Scale): string[] {
  const base = M.top + PH;
  const out = [`<line x1="${M.left}" y1="${base}" x2="${M.left + PW}" y2="${base}" stroke="#333"/>`];
  for (const t of x.ticks) {
    const px = c(x(t));
    out.push(
      `<line x1="${px}" y1="${base}" x2="${px}" y2="${base + 5}" stroke="#333"/>`,
      `<text x="${px}" y="${base + 18}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  }
  return out;
}

export type LegendPlace = 'top-left' | 'top-right' | 'bottom-right';

const halo = 'stroke="#fff" stroke-width="3" paint-order="stroke"';

function legend(
  items: { name: string; color: string; dashed?: boolean; point?: boolean }[],
  place: LegendPlace = 'top-right',
): string[] {
  if (items.length < 2) return [];
  const x = place === 'top-left' ? M.left + 12 : M.left + PW - 190;
  const y0 = place === 'bottom-right' ? M.top + PH - 12 - (items.length - 1) * 16 : M.top + 12;
  return items.flatMap((it, i) => {
    const y = y0 + i * 16;
    const key = it.point
      ? `<circle cx="${x + 9}" cy="${y}" r="3.5" fill="${it.color}"/>`
      : `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${it.color}" stroke-width="3"${it.dashed ? ' stroke-dasharray="5 3"' : ''}/>`;
    return [
      key,
      `<text x="${x + 24}" y="${y}" dominant-baseline="middle" ${halo}>${escapeXml(it.name)}</text>`,
    ];
  });
}

/** A category label; a newline in it starts a second line. */
function categoryLabel(x: number, y: number, text: string): string {
  const [first, ...rest] = text.split('\n');
  const more = rest.map((r) => `<tspan x="${c(x)}" dy="14">${escapeXml(r)}</tspan>`).join('');
  return `<text x="${c(x)}" y="${y}" text-anchor="middle">${escapeXml(first ?? '')}${more}</text>`;
}

const noData = (n: number) =>
  n === 0
    ? [`<text x="${M.left + PW / 2}" y="${M.top + PH / 2}" text-anchor="middle" fill="#888">no data</text>`]
    : [];

/** Points and lines on numeric axes (scatter, identity line, curves). */
export function plotXY(opts: {
  title: string;
  x: Axis;
  y: Axis;
  series: readonly PointSeries[];
  legend?: LegendPlace;
}): string {
  const all = opts.series.flatMap((s) => s.points);
  const x = linear(
    domain(
      all.map((p) => p[0]),
      opts.x,
    ),
    [M.left, M.left + PW],
  );
  const y = linear(
    domain(
      all.map((p) => p[1]),
      opts.y,
    ),
    [M.top + PH, M.top],
  );
  const out = [...open(opts.title), ...yAxis(y), ...xAxis(x), ...axisLabels(opts.x.label, opts.y.label)];
  const finite = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]);
  out.push('<g clip-path="url(#plot-area)">');
  opts.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    if (s.style === 'line') {
      // One polyline per finite run: a gap in the data is a gap in the line.
      const runs: string[][] = [[]];
      for (const p of s.points) {
        if (finite(p)) runs.at(-1)!.push(`${c(x(p[0]))},${c(y(p[1]))}`);
        else if (runs.at(-1)!.length) runs.push([]);
      }
      for (const r of runs.filter((r) => r.length >= 2)) {
        out.push(
          `<polyline class="mark" points="${r.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
        );
      }
    } else {
      for (const p of s.points.filter(finite)) {
        out.push(
          `<circle class="mark" cx="${c(x(p[0]))}" cy="${c(y(p[1]))}" r="3" fill="${color}" fill-opacity="0.6"/>`,
        );
      }
    }
  });
  out.push('</g>');
  out.push(...noData(all.filter(finite).length));
  const items = opts.series.map((s, i) => ({
    name: s.name,
    color: s.color ?? PALETTE[i % PALETTE.length]!,
    dashed: s.dashed,
    point: s.style !== 'line',
  }));
  out.push(...legend(items, opts.legend));
  return `${out.join('\n')}\n</svg>\n`;
}

export interface BarSeries {
  name: string;
  values: readonly number[];
  /** Half-length of a whisker drawn on each bar (e.g. one standard deviation). */
  errors?: readonly number[];
  color?: string;
}

/** Grouped vertical bars, one group per category; horizontal reference lines optional. */
export function barChart(opts: {
  title: string;
  xLabel: string;
  y: Axis;
  categories: readonly string[];
  series: readonly BarSeries[];
  refLines?: readonly { y: number; label: string }[];
}): string {
  const tops = opts.series.flatMap((s) => s.values.map((v, i) => v + Math.abs(s.errors?.[i] ?? 0)));
  const bottoms = opts.series.flatMap((s) => s.values.map((v, i) => v - Math.abs(s.errors?.[i] ?? 0)));
  const refs = (opts.refLines ?? []).map((r) => r.y);
  const y = linear(domain([0, ...tops, ...bottoms, ...refs], opts.y), [M.top + PH, M.top]);
  const out = [...open(opts.title), ...yAxis(y), ...axisLabels(opts.xLabel, opts.y.label)];
  const n = Math.max(1, opts.categories.length);
  const band = PW / n;
  const barW = (band * 0.8) / Math.max(1, opts.series.length);
  const zero = y(Math.max(y.ticks[0] ?? 0, Math.min(0, y.ticks.at(-1) ?? 0)));
  out.push(`<line x1="${M.left}" y1="${c(zero)}" x2="${M.left + PW}" y2="${c(zero)}" stroke="#333"/>`);
  opts.categories.forEach((cat, k) => {
    out.push(categoryLabel(M.left + band * (k + 0.5), M.top + PH + 16, cat));
  });
  let drawn = 0;
  opts.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    s.values.slice(0, opts.categories.length).forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      drawn += 1;
      const x0 = M.left + band * k + band * 0.1 + barW * i;
      const py = y(v);
      out.push(
        `<rect class="mark" x="${c(x0)}" y="${c(Math.min(py, zero))}" width="${c(barW)}" height="${c(Math.abs(zero - py))}" fill="${color}" fill-opacity="0.8"/>`,
      );
      const e = s.errors?.[k];
      if (e !== undefined && Number.isFinite(e)) {
        const cx = c(x0 + barW / 2);
        out.push(
          `<line x1="${cx}" y1="${c(y(v - e))}" x2="${cx}" y2="${c(y(v + e))}" stroke="#222" stroke-width="1.5"/>`,
        );
      }
    });
  });
  for (const r of opts.refLines ?? []) {
    const py = c(y(r.y));
    out.push(
      `<line x1="${M.left}" y1="${py}" x2="${M.left + PW}" y2="${py}" stroke="#444" stroke-width="2" stroke-dasharray="6 4"/>`,
    );
  }
  out.push(...noData(drawn));
  const items = [
    ...opts.series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length]! })),
    ...(opts.refLines ?? []).map((r) => ({ name: r.label, color: '#444', dashed: true })),
  ];
  out.push(...legend(items));
  return `${out.join('\n')}\n</svg>\n`;
}

/** A labelled matrix (e.g. a confusion matrix): cell shade by value, the value written in it. */
export function heatmap(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  rows: readonly string[];
  cols: readonly string[];
  values: readonly (readonly number[])[];
}): string {
  const out = [...open(opts.title), ...axisLabels(opts.xLabel, opts.yLabel)];
  const finite = opts.values.flat().filter(Number.isFinite);
  const max = finite.length ? Math.max(...finite.map(Math.abs)) : 0;
  // Row labels can be long ("AI4I Machine failure"): the cells start after the longest one.
  const left = Math.min(220, Math.max(M.left, 36 + 7 * Math.max(0, ...opts.rows.map((r) => r.length))));
  const cw = (W - left - M.right) / Math.max(1, opts.cols.length);
  const ch = PH / Math.max(1, opts.rows.length);
  opts.cols.forEach((col, j) => {
    out.push(categoryLabel(left + cw * (j + 0.5), M.top + PH + 16, col));
  });
  opts.rows.forEach((row, i) => {
    out.push(
      `<text x="${left - 6}" y="${c(M.top + ch * (i + 0.5))}" text-anchor="end" dominant-baseline="middle">${escapeXml(row)}</text>`,
    );
    opts.cols.forEach((_, j) => {
      const v = opts.values[i]?.[j] ?? NaN;
      const share = Number.isFinite(v) && max > 0 ? Math.abs(v) / max : 0;
      const fill = Number.isFinite(v)
        ? `rgb(${c(255 - 224 * share)},${c(255 - 136 * share)},${c(255 - 75 * share)})`
        : '#f0f0f0';
      const label = Number.isFinite(v) ? formatTick(v) : '–';
      out.push(
        `<rect class="mark" x="${c(left + cw * j)}" y="${c(M.top + ch * i)}" width="${c(cw)}" height="${c(ch)}" fill="${fill}" stroke="#fff"/>`,
        `<text x="${c(left + cw * (j + 0.5))}" y="${c(M.top + ch * (i + 0.5))}" text-anchor="middle" dominant-baseline="middle" fill="${share > 0.6 ? '#fff' : '#111'}">${label}</text>`,
      );
    });
  });
  out.push(...noData(opts.rows.length * opts.cols.length));
  return `${out.join('\n')}\n</svg>\n`;
}

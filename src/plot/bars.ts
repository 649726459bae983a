/**
 * Grouped vertical bars on categories, with optional error whiskers and horizontal reference
 * lines (e.g. interval coverage per bucket against the nominal level). Non-finite values draw no
 * bar; every bar carries class="mark".
 */
import {
  categoryLabel,
  chrome,
  domain,
  frameLines,
  frameOf,
  legend,
  noData,
  scale,
  yTicks,
  type Axis,
} from './axes.js';
import { colorAt, num, svgDocument } from './svg.js';

export interface BarSeries {
  label: string;
  values: readonly number[];
  /** Half-length of a whisker drawn on each bar (e.g. one standard deviation). */
  errors?: readonly number[];
  color?: string;
}

export interface BarOptions {
  title?: string;
  xLabel?: string;
  y?: Axis;
  /** A newline in a category starts a second line under the bars. */
  categories: readonly string[];
  series: readonly BarSeries[];
  refLines?: readonly { y: number; label: string }[];
  width?: number;
  height?: number;
}

export function barChart(o: BarOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 360;
  // Room for two-line category labels and the axis label below them.
  const f = frameOf(width, height, { top: 40, bottom: 60 });
  const yAxis = { ...o.y, log: false };
  // A bar's value and its whisker ends: a missing error must not drop the bar from the range.
  const ends = o.series.flatMap((s) =>
    s.values.flatMap((v, i) => {
      const e = Math.abs(s.errors?.[i] ?? 0);
      return Number.isFinite(e) ? [v - e, v + e] : [v];
    }),
  );
  const refs = (o.refLines ?? []).map((r) => r.y);
  const y = scale(domain([0, ...ends, ...refs], yAxis, true), [f.top + f.height, f.top]);
  const band = f.width / Math.max(1, o.categories.length);
  const barW = (band * 0.8) / Math.max(1, o.series.length);
  const zero = y(Math.max(y.ticks[0] ?? 0, Math.min(0, y.ticks.at(-1) ?? 0)));
  const out = [
    ...yTicks(y, f),
    ...chrome({ width, height }, f, o.title, o.xLabel, yAxis.label),
    ...frameLines(f, false),
  ];
  out.push(
    `<line x1="${f.left}" y1="${num(zero)}" x2="${f.left + f.width}" y2="${num(zero)}" stroke="#333"/>`,
  );
  o.categories.forEach((cat, k) =>
    out.push(categoryLabel(f.left + band * (k + 0.5), f.top + f.height + 16, cat)),
  );
  let drawn = 0;
  o.series.forEach((s, i) => {
    const color = colorAt(i, s.color);
    s.values.slice(0, o.categories.length).forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      drawn += 1;
      const x0 = f.left + band * k + band * 0.1 + barW * i;
      const py = y(v);
      out.push(
        `<rect class="mark" x="${num(x0)}" y="${num(Math.min(py, zero))}" width="${num(barW)}" height="${num(Math.abs(zero - py))}" fill="${color}" fill-opacity="0.85"/>`,
      );
      const e = s.errors?.[k];
      if (e !== undefined && Number.isFinite(e)) {
        const cx = num(x0 + barW / 2);
        out.push(
          `<line x1="${cx}" y1="${num(y(v - e))}" x2="${cx}" y2="${num(y(v + e))}" stroke="#222" stroke-width="1.5"/>`,
        );
      }
    });
  });
  for (const r of o.refLines ?? []) {
    const py = num(y(r.y));
    out.push(
      `<line x1="${f.left}" y1="${py}" x2="${f.left + f.width}" y2="${py}" stroke="#444" stroke-width="2" stroke-dasharray="6 4"/>`,
    );
  }
  out.push(...noData(f, drawn));
  const items = [
    ...o.series.map((s, i) => ({ label: s.label, color: colorAt(i, s.color) })),
    ...(o.refLines ?? []).map((r) => ({ label: r.label, color: '#444', dash: '6 4' })),
  ];
  out.push(...legend(items, f));
  return svgDocument(width, height, o.title, out);
}

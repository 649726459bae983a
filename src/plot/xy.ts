/**
 * Lines and points on numeric axes (linear or log), with vertical markers and a legend: scatter
 * plots, curves, time series, spectra. Non-finite values are left out rather than drawn at NaN
 * coordinates (a gap in the data is a gap in the line), and a chart with nothing to draw still
 * renders its axes with "no data". Each series is one `class="mark"` path however many points it
 * has, so a spectrum of thousands of bins stays a small document.
 */
import {
  chrome,
  clipped,
  domain,
  frameLines,
  frameOf,
  legend,
  LEGEND_WIDTH,
  noData,
  scale,
  xTicks,
  yTicks,
  type Axis,
  type Frame,
  type LegendPlace,
} from './axes.js';
import { colorAt, escapeXml, num, svgDocument } from './svg.js';

export interface XYSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Legend entry; unlabelled series are left out of the legend. */
  label?: string;
  color?: string;
  /** 'line' (default) joins the points, 'points' draws a dot at each. */
  style?: 'line' | 'points';
  /** Stroke width of a line (default 1.5) or radius of a point (default 3). */
  size?: number;
  /** SVG stroke-dasharray of a line, e.g. "6 4". */
  dash?: string;
}

/** A vertical line at x across the plot (an event, a defect frequency). */
export interface Marker {
  x: number;
  label?: string;
  color?: string;
  /** SVG stroke-dasharray, default "4 3". */
  dash?: string;
}

export interface XYOptions {
  title?: string;
  x?: Axis;
  y?: Axis;
  width?: number;
  height?: number;
  markers?: readonly Marker[];
  /** Where the legend goes (default top-right, inside the plot); false hides it. */
  legend?: LegendPlace | false;
  /** Light grid lines at the ticks (default true). */
  grid?: boolean;
}

function* values(series: readonly XYSeries[], key: 'x' | 'y'): Generator<number> {
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) yield s[key][i]!;
  }
}

export function xyPlot(series: readonly XYSeries[], o: XYOptions = {}): string {
  const width = o.width ?? 560;
  const height = o.height ?? 360;
  const items = series.flatMap((s, i) =>
    s.label
      ? [{ label: s.label, color: colorAt(i, s.color), dash: s.dash, point: s.style === 'points' }]
      : [],
  );
  const outside = o.legend === 'right' && items.length >= 2;
  const f = frameOf(width, height, { right: outside ? LEGEND_WIDTH : 20 });
  const xAxis = o.x ?? {};
  const yAxis = o.y ?? {};
  // Points at the extremes would be cut in half by the frame; a line's end may touch it.
  const padX = series.some((s) => s.style === 'points');
  const x = scale(domain(values(series, 'x'), xAxis, padX), [f.left, f.left + f.width], xAxis.log);
  const y = scale(domain(values(series, 'y'), yAxis, true), [f.top + f.height, f.top], yAxis.log);
  const ok = (vx: number, vy: number) =>
    Number.isFinite(vx) && Number.isFinite(vy) && (!x.log || vx > 0) && (!y.log || vy > 0);

  const marks: string[] = [];
  let drawn = 0;
  series.forEach((s, i) => {
    const color = colorAt(i, s.color);
    const n = Math.min(s.x.length, s.y.length);
    let d = '';
    let pen = 'M';
    for (let k = 0; k < n; k++) {
      const vx = s.x[k]!;
      const vy = s.y[k]!;
      if (!ok(vx, vy)) {
        pen = 'M';
        continue;
      }
      drawn += 1;
      // A point is a zero-length round-capped stroke: a tenth of the markup of a <circle>.
      d += s.style === 'points' ? `M${num(x(vx))} ${num(y(vy))}h0` : `${pen}${num(x(vx))} ${num(y(vy))}`;
      pen = 'L';
    }
    if (!d) return;
    if (s.style === 'points') {
      marks.push(
        `<path class="mark" d="${d}" stroke="${color}" stroke-opacity="0.7" stroke-width="${2 * (s.size ?? 3)}" stroke-linecap="round"/>`,
      );
    } else {
      const dash = s.dash ? ` stroke-dasharray="${escapeXml(s.dash)}"` : '';
      marks.push(
        `<path class="mark" d="${d}" fill="none" stroke="${color}" stroke-width="${s.size ?? 1.5}" stroke-linejoin="round"${dash}/>`,
      );
    }
  });
  marks.push(...markerLines(o.markers ?? [], x, f));

  const out = [
    ...yTicks(y, f, o.grid !== false),
    ...xTicks(x, f, o.grid !== false),
    ...chrome({ width, height }, f, o.title, xAxis.label, yAxis.label),
    ...frameLines(f),
    ...clipped(f, marks),
    ...noData(f, drawn),
    ...(o.legend === false ? [] : legend(items, f, o.legend)),
  ];
  return svgDocument(width, height, o.title, out);
}

function markerLines(markers: readonly Marker[], x: (v: number) => number, f: Frame): string[] {
  const out: string[] = [];
  let labels = 0;
  for (const m of markers) {
    const px = x(m.x);
    if (!Number.isFinite(px) || px < f.left || px > f.left + f.width) continue;
    const color = m.color ?? '#c00';
    out.push(
      `<line x1="${num(px)}" x2="${num(px)}" y1="${f.top}" y2="${f.top + f.height}" stroke="${color}" stroke-dasharray="${escapeXml(m.dash ?? '4 3')}"/>`,
    );
    if (!m.label) continue;
    // Labels near the right edge go on the line's left so the frame does not cut them.
    const right = px > f.left + f.width * 0.85;
    // Three staggered rows, so labels of nearby markers do not overprint each other.
    const ty = f.top + 12 + (labels++ % 3) * 11;
    out.push(
      `<text x="${num(right ? px - 3 : px + 3)}" y="${ty}" fill="${color}" font-size="10"${right ? ' text-anchor="end"' : ''}>${escapeXml(m.label)}</text>`,
    );
  }
  return out;
}

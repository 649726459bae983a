/**
 * Large heat maps (spectrograms) as one PNG image on SVG axes: a 500 × 200 cell map as SVG
 * rectangles would be 100,000 elements, as a PNG it is a few tens of kilobytes.
 */
import { quantileSorted } from '../maths/order-statistics.js';
import { chrome, frameLines, frameOf, noData, scale, xTicks, yTicks, type Frame } from './axes.js';
import { encodePng } from './png.js';
import { escapeXml, formatTick, num, svgDocument } from './svg.js';

// Viridis at nine stops: perceptually uniform and readable in grey.
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** Colour of t in [0, 1] (clamped; a non-finite t is the low end). */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (x - i) * (b[c]! - a[c]!))) as [number, number, number];
}

const MISSING: [number, number, number] = [235, 235, 235];

export interface RasterOptions {
  /** Data coordinates of the first and last column (x) and row (y). */
  x: [number, number];
  y: [number, number];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  colorLabel?: string;
  /** Colour by log10 of the values (spectra span decades). */
  log?: boolean;
  width?: number;
  height?: number;
}

/**
 * `rows[r][c]`: row r is drawn bottom-up along y (row 0 at y[0]), column c along x. The colour
 * scale spans the 1st to 99.5th percentile of the finite values so one spike does not flatten
 * the map; missing (non-finite, or ≤ 0 on a log scale) cells are light grey.
 */
export function rasterHeatmap(rows: readonly ArrayLike<number>[], o: RasterOptions): string {
  const h = rows.length;
  const w = h ? Math.min(...rows.map((r) => r.length)) : 0;
  const value = (v: number): number => (o.log ? (v > 0 ? Math.log10(v) : NaN) : v);
  const all: number[] = [];
  for (const row of rows) for (let c = 0; c < w; c++) all.push(value(row[c]!));
  const sorted = all.filter(Number.isFinite).sort((a, b) => a - b);
  const lo = sorted.length ? quantileSorted(sorted, 0.01) : 0;
  const hi = sorted.length ? quantileSorted(sorted, 0.995) : 1;
  const width = o.width ?? 720;
  const height = o.height ?? 360;
  const f = frameOf(width, height, { right: 90 });
  const x = scale(o.x, [f.left, f.left + f.width]);
  const y = scale(o.y, [f.top + f.height, f.top]);
  const out = [
    ...xTicks(x, f, false),
    ...yTicks(y, f, false),
    ...chrome({ width, height }, f, o.title, o.xLabel, o.yLabel),
  ];
  if (w > 0) {
    const rgb = new Uint8Array(w * h * 3);
    for (let r = 0; r < h; r++) {
      const line = h - 1 - r; // image rows run top-down
      for (let c = 0; c < w; c++) {
        const v = all[r * w + c]!;
        rgb.set(Number.isFinite(v) ? viridis((v - lo) / (hi - lo || 1)) : MISSING, (line * w + c) * 3);
      }
    }
    const png = encodePng(w, h, rgb).toString('base64');
    out.unshift(
      `<image class="mark" x="${f.left}" y="${f.top}" width="${f.width}" height="${f.height}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`,
    );
  }
  out.push(...frameLines(f), ...noData(f, sorted.length));
  if (sorted.length) out.push(...colorBar(f, lo, hi, o));
  return svgDocument(width, height, o.title, out);
}

function colorBar(f: Frame, lo: number, hi: number, o: RasterOptions): string[] {
  const bx = f.left + f.width + 14;
  const out: string[] = [];
  for (let i = 0; i < 32; i++) {
    const [r, g, b] = viridis(1 - i / 31);
    out.push(
      `<rect x="${bx}" y="${num(f.top + (i * f.height) / 32)}" width="12" height="${num(f.height / 32 + 0.5)}" fill="rgb(${r},${g},${b})"/>`,
    );
  }
  const label = (v: number): string => formatTick(Number((o.log ? 10 ** v : v).toPrecision(2)));
  out.push(`<text x="${bx + 16}" y="${f.top + 8}">${label(hi)}</text>`);
  out.push(`<text x="${bx + 16}" y="${f.top + f.height}">${label(lo)}</text>`);
  if (o.colorLabel) {
    const cy = num(f.top + f.height / 2);
    out.push(
      `<text x="${bx + 40}" y="${cy}" text-anchor="middle" transform="rotate(90 ${bx + 40} ${cy})">${escapeXml(o.colorLabel)}</text>`,
    );
  }
  return out;
}

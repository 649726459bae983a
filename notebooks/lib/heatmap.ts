/**
 * Heat maps (spectrograms) as one PNG image on SVG axes: a 500 × 200 cell map as SVG rectangles
 * would be 100,000 elements, as a PNG it is a few tens of kilobytes. The PNG is encoded here
 * (8-bit RGB, zlib from node:zlib) so nothing beyond Node is needed.
 */
import { deflateSync } from 'node:zlib';
import { axes, esc, formatTick, svgDocument, type Frame } from './svg-plot.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes rows of RGB triplets (`rgb.length = width * height * 3`) as a PNG. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter set, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

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
];

/** Colour of t in [0, 1]. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i] as number[];
  const b = VIRIDIS[i + 1] as number[];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) + f * ((b[c] as number) - (a[c] as number)))) as [
    number,
    number,
    number,
  ];
}

export interface HeatmapOptions {
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
 * scale spans the 1st to 99.5th percentile so one spike does not flatten the map.
 */
export function heatmap(rows: ArrayLike<number>[], o: HeatmapOptions): string {
  const h = rows.length;
  const w = rows[0]?.length ?? 0;
  const value = (v: number): number => (o.log ? Math.log10(Math.max(v, 1e-12)) : v);
  const all: number[] = [];
  for (const row of rows) for (let c = 0; c < w; c++) all.push(value(row[c] as number));
  all.sort((a, b) => a - b);
  const lo = all[Math.floor(all.length * 0.01)] ?? 0;
  const hi = all[Math.min(all.length - 1, Math.floor(all.length * 0.995))] ?? 1;
  const rgb = new Uint8Array(w * h * 3);
  rows.forEach((row, r) => {
    const line = h - 1 - r; // image rows run top-down
    for (let c = 0; c < w; c++) {
      const t = (value(row[c] as number) - lo) / (hi - lo || 1);
      rgb.set(viridis(t), (line * w + c) * 3);
    }
  });
  const png = encodePng(Math.max(1, w), Math.max(1, h), rgb).toString('base64');
  const width = o.width ?? 720;
  const height = o.height ?? 360;
  const frame: Frame = { left: 64, top: 28, width: width - 64 - 90, height: height - 28 - 46 };
  const { parts } = axes({ ...o, xDomain: o.x, yDomain: o.y, grid: false }, frame);
  parts.unshift(
    `<image x="${frame.left}" y="${frame.top}" width="${frame.width}" height="${frame.height}" ` +
      `preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`,
  );
  // Colour bar.
  const bx = frame.left + frame.width + 14;
  for (let i = 0; i < 32; i++) {
    const [r, g, b] = viridis(1 - i / 31);
    const y = frame.top + (i * frame.height) / 32;
    parts.push(
      `<rect x="${bx}" y="${y.toFixed(1)}" width="12" height="${(frame.height / 32 + 0.5).toFixed(1)}" fill="rgb(${r},${g},${b})"/>`,
    );
  }
  const label = (v: number): string => formatTick(Number((o.log ? 10 ** v : v).toPrecision(2)));
  parts.push(`<text x="${bx + 16}" y="${frame.top + 8}">${label(hi)}</text>`);
  parts.push(`<text x="${bx + 16}" y="${frame.top + frame.height}">${label(lo)}</text>`);
  if (o.colorLabel) {
    const cy = frame.top + frame.height / 2;
    parts.push(
      `<text transform="translate(${bx + 40} ${cy}) rotate(90)" text-anchor="middle">${esc(o.colorLabel)}</text>`,
    );
  }
  return svgDocument(width, height, parts);
}

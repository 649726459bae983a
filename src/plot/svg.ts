/**
 * The pieces every chart shares: escaping, number formatting, round ticks, the palette and the
 * document wrapper. Pure: numbers and strings in, strings out; no DOM, no I/O.
 */

/** Tableau 10: distinct hues that stay apart for colour-blind readers and in grey. */
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

export const colorAt = (i: number, color?: string): string => color ?? PALETTE[i % PALETTE.length]!;

/** Escapes text and attribute values; `'` too, so the result is safe in either quoting. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate with one decimal: plenty for a chart a few hundred pixels wide, and compact. */
export const num = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * A tick or cell value as people write it: up to six significant digits (a count of 12345 stays
 * 12345), exponent form for very large or small magnitudes, "–" for a missing value.
 */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return Number(v.toPrecision(3)).toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 × 10^k apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  // Integer multiples of the step, rounded: adding steps up would drift (0.30000000000000004).
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/**
 * Ticks of a log axis over [lo, hi] (both > 0): the powers of ten when there are at least three,
 * else 1-2-5 in each decade, else linear ticks: a range inside one decade still gets labels.
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo) || !Number.isFinite(hi)) return niceTicks(lo, hi);
  const inRange = (t: number) => t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) decades.push(k);
  const powers = decades.map((k) => Number((10 ** k).toPrecision(12))).filter(inRange);
  if (powers.length >= 3) return powers;
  const steps = decades
    .flatMap((k) => [1, 2, 5].map((m) => Number((m * 10 ** k).toPrecision(12))))
    .filter(inRange);
  return steps.length >= 2 ? steps : niceTicks(lo, hi, 4).filter((t) => t > 0);
}

/** The SVG root: a white background, a <title> for screen readers and tooltips, then the body. */
export function svgDocument(
  width: number,
  height: number,
  title: string | undefined,
  body: string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="#333">`,
    ...(title ? [`<title>${escapeXml(title)}</title>`] : []),
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>\n',
  ].join('\n');
}

/** Several charts side by side (HTML, for a notebook cell or a page), wrapping after `columns`. */
export function chartGrid(charts: readonly string[], columns = 2): string {
  return (
    `<div style="display:grid;grid-template-columns:repeat(${columns},max-content);gap:8px">` +
    charts.map((c) => `<div>${c}</div>`).join('') +
    '</div>'
  );
}

/**
 * uPlot wrappers. Every chart records what it drew in `window.__charts[name]` and its figure's
 * `data-points`, so tests (and curious operators) can read the data without parsing a canvas.
 */
import { el } from './dom.js';

const live = [];
const registry = (window.__charts = {});
const HEIGHT = 220;
const DEFECT_COLOURS = { bpfo: '#b3261e', bpfi: '#1d5fa8', bsf: '#2e7d32', ftf: '#6a3d9a' };

export function destroyCharts() {
  for (const { chart, observer } of live.splice(0)) {
    observer.disconnect();
    chart.destroy();
  }
  for (const k of Object.keys(registry)) delete registry[k];
}

export function chartFigure(name, title) {
  return el(
    'figure',
    { class: 'chart', dataset: { chart: name, points: '0' }, 'aria-labelledby': `chart-${name}-title` },
    el('figcaption', {}, el('h3', { id: `chart-${name}-title` }, title), el('p', { class: 'summary muted' })),
    el('div', { class: 'plot' }),
  );
}

const axis = (label) => ({
  label,
  stroke: '#333',
  grid: { stroke: '#e6e6e6', width: 1 },
  ticks: { stroke: '#ccc', width: 1 },
  font: '12px system-ui, sans-serif',
  labelFont: '12px system-ui, sans-serif',
});

/**
 * x: numbers (epoch seconds when `time`); series: [{ label, values, colour, dash?, width?, fill? }].
 * `summary` is the chart's text alternative, shown under its title.
 */
export function plot(figure, spec) {
  const { name, x, series, time = true, xLabel, yLabel, summary, bands, yRange, hooks, extra } = spec;
  const target = figure.querySelector('.plot');
  figure.querySelector('.summary').textContent = summary ?? '';
  figure.dataset.points = String(x.length);
  registry[name] = { points: x.length, series: series.map((s) => s.label), ...extra };
  if (x.length === 0 || typeof uPlot === 'undefined') {
    target.append(el('p', { class: 'muted empty' }, x.length === 0 ? 'No data yet.' : 'Charts unavailable.'));
    return null;
  }
  const opts = {
    width: Math.max(260, target.clientWidth || 560),
    height: HEIGHT,
    scales: { x: { time }, y: yRange ? { range: yRange } : { auto: true } },
    axes: [axis(xLabel), axis(yLabel)],
    series: [
      { label: xLabel ?? 'Time' },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.colour,
        width: s.width ?? 2,
        dash: s.dash,
        fill: s.fill,
        points: { show: s.points ?? false },
        spanGaps: true,
      })),
    ],
    bands,
    hooks: hooks ?? {},
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  };
  const chart = new uPlot(opts, [x, ...series.map((s) => s.values)], target);
  const observer = new ResizeObserver(() => {
    const w = Math.max(260, target.clientWidth);
    if (Math.abs(w - chart.width) > 4) chart.setSize({ width: w, height: HEIGHT });
  });
  observer.observe(target);
  live.push({ chart, observer });
  return chart;
}

const ratio = () => uPlot.pxRatio ?? devicePixelRatio ?? 1;
const font = () => `${Math.round(11 * ratio())}px system-ui, sans-serif`;

/** Dashed vertical lines, labelled, at marker frequencies (bearing defects and harmonics). */
export function markerHook(markers) {
  return (u) => {
    const { ctx, bbox } = u;
    const order = Object.keys(DEFECT_COLOURS);
    ctx.save();
    ctx.font = font();
    ctx.lineWidth = 1.5 * ratio();
    const rightEdge = {}; // per label row: labels that would overlap are left to the table
    for (const m of markers) {
      const x = Math.round(u.valToPos(m.hz, 'x', true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.strokeStyle = ctx.fillStyle = DEFECT_COLOURS[m.defect] ?? '#444';
      ctx.setLineDash(m.harmonic === 1 ? [6, 3] : [2, 3]);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      const row = order.indexOf(m.defect) + 1;
      if (x + 3 < (rightEdge[row] ?? -Infinity)) continue;
      ctx.fillText(m.label, x + 3, bbox.top + row * 13 * ratio());
      rightEdge[row] = x + 3 + ctx.measureText(m.label).width + 4 * ratio();
    }
    ctx.restore();
  };
}

/** Background zone bands (ISO 20816 A–D) drawn before the series, labelled at the right. */
export function zoneHook(boundaries, zones) {
  return (u) => {
    const { ctx, bbox } = u;
    const edges = [0, ...boundaries, Infinity];
    const names = Object.keys(zones);
    ctx.save();
    ctx.font = font();
    names.forEach((z, i) => {
      const top = Math.max(bbox.top, u.valToPos(Math.min(edges[i + 1], u.scales.y.max), 'y', true));
      const bottom = Math.min(bbox.top + bbox.height, u.valToPos(edges[i], 'y', true));
      if (bottom <= top) return;
      ctx.fillStyle = zones[z].fill;
      ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
      ctx.fillStyle = '#333';
      ctx.fillText(`${z}`, bbox.left + bbox.width - 14 * ratio(), top + 13 * ratio());
    });
    ctx.restore();
  };
}

/** The six charts of the asset view, built from the API payloads. */
import { chartFigure, markerHook, plot, zoneHook } from './charts.js';
import { diagnosisSentence } from './diagnosis.js';
import { el, fmtHours, fmtNum, fmtTime } from './dom.js';
import { zoneBoundaries, ZONES } from './iso.js';

const secs = (iso) => Date.parse(iso) / 1000;
const last = (xs) => xs[xs.length - 1];

export function rulChart(trend, leadTimeHours) {
  const fig = chartFigure('rul', 'Remaining useful life');
  const pts = trend.filter((t) => t.rulHours !== null);
  const x = pts.map((t) => secs(t.asOf));
  const latest = last(pts);
  plot(fig, {
    name: 'rul',
    x,
    xLabel: 'Time',
    yLabel: 'RUL (h)',
    summary: latest
      ? `Latest ${fmtHours(latest.rulHours)} (${fmtHours(latest.rulLowerHours)}–${fmtHours(latest.rulUpperHours)}); lead time ${fmtHours(leadTimeHours)}.`
      : 'No RUL forecast for this asset.',
    series: [
      { label: 'RUL (h)', values: pts.map((t) => t.rulHours), colour: '#1d5fa8', points: pts.length < 30 },
      { label: 'Lower bound', values: pts.map((t) => t.rulLowerHours), colour: '#7ea6d8', width: 1 },
      { label: 'Upper bound', values: pts.map((t) => t.rulUpperHours), colour: '#7ea6d8', width: 1 },
      {
        label: `Lead time (${fmtHours(leadTimeHours)})`,
        values: pts.map(() => leadTimeHours),
        colour: '#b85c00',
        dash: [6, 4],
      },
      { label: 'Failure (RUL 0)', values: pts.map(() => 0), colour: '#b3261e', dash: [2, 3] },
    ],
    bands: [{ series: [3, 2], fill: 'rgba(29, 95, 168, 0.14)' }],
    yRange: (_u, min, max) => [Math.min(0, min), Math.max(max, leadTimeHours) * 1.08],
    extra: { leadTimeHours },
  });
  return fig;
}

export function healthChart(trend) {
  const fig = chartFigure('health', 'Health index');
  const pts = trend.filter((t) => t.healthIndex !== null);
  plot(fig, {
    name: 'health',
    x: pts.map((t) => secs(t.asOf)),
    xLabel: 'Time',
    yLabel: 'Health index (1 = as new)',
    summary: pts.length ? `Latest ${fmtNum(last(pts).healthIndex)}.` : 'No health index yet.',
    series: [
      {
        label: 'Health index',
        values: pts.map((t) => t.healthIndex),
        colour: '#2e7d32',
        points: pts.length < 30,
      },
    ],
    yRange: (_u, min, max) => [Math.min(0, min), Math.max(1, max)],
  });
  return fig;
}

export function velocityChart(trend, asset) {
  const fig = chartFigure('velocity', 'Velocity RMS against ISO 20816-3 zones');
  const pts = trend.filter((t) => t.velocityRmsMmS !== null);
  const bounds = zoneBoundaries(asset.isoMachineGroup, asset.isoFoundation);
  const where = bounds
    ? `Group ${asset.isoMachineGroup}, ${asset.isoFoundation}: A/B ${bounds[0]}, B/C ${bounds[1]}, C/D ${bounds[2]} mm/s.`
    : 'Machine group or foundation not set: no zone bands.';
  plot(fig, {
    name: 'velocity',
    x: pts.map((t) => secs(t.asOf)),
    xLabel: 'Time',
    yLabel: 'Velocity RMS (mm/s)',
    summary: `${pts.length ? `Latest ${fmtNum(last(pts).velocityRmsMmS)} mm/s. ` : ''}${where}`,
    series: [
      {
        label: 'Velocity RMS (mm/s)',
        values: pts.map((t) => t.velocityRmsMmS),
        colour: '#222',
        points: pts.length < 30,
      },
    ],
    yRange: (_u, _min, max) => [0, Math.max(max, bounds ? bounds[2] * 1.2 : 1) * 1.05],
    hooks: bounds ? { drawClear: [zoneHook(bounds, ZONES)] } : undefined,
    extra: { zoneBoundaries: bounds },
  });
  return fig;
}

export function temperatureChart(readings, sensor, baseline) {
  const fig = chartFigure('temperature', 'Temperature');
  const series = [
    {
      label: `Temperature (${sensor?.unit ?? '°C'})`,
      values: readings.map((r) => r.value),
      colour: '#b85c00',
    },
  ];
  if (baseline !== null && baseline !== undefined) {
    series.push({
      label: 'Baseline',
      values: readings.map(() => baseline),
      colour: '#777',
      dash: [6, 4],
      width: 1,
    });
  }
  plot(fig, {
    name: 'temperature',
    x: readings.map((r) => secs(r.ts)),
    xLabel: 'Time',
    yLabel: sensor?.unit ?? '°C',
    summary: sensor
      ? readings.length
        ? `${sensor.name}: latest ${fmtNum(last(readings).value, 1)} ${sensor.unit} at ${fmtTime(last(readings).ts)}.`
        : `${sensor.name}: no readings in the last 7 days of data.`
      : 'No temperature sensor on this asset.',
    series,
  });
  return fig;
}

export function spectrumChart(spec) {
  const fig = chartFigure('spectrum', 'Spectrum (latest capture)');
  plot(fig, {
    name: 'spectrum',
    x: spec ? spec.spectrum.hz : [],
    time: false,
    xLabel: 'Frequency (Hz)',
    yLabel: 'Amplitude',
    summary: spec
      ? `Capture ${spec.capture.id} at ${fmtTime(spec.capture.ts)}, ${spec.capture.sampleRateHz} Hz, ${spec.windowSamples} samples.`
      : 'No vibration capture yet.',
    series: [
      { label: 'Amplitude', values: spec ? spec.spectrum.amplitude : [], colour: '#1d5fa8', width: 1 },
    ],
  });
  return fig;
}

export function envelopeChart(spec, diagnosis) {
  const fig = chartFigure('envelope', 'Envelope spectrum with bearing defect frequencies');
  const markers = spec?.markers ?? [];
  const band = spec ? `${Math.round(spec.envelope.bandHz[0])}–${Math.round(spec.envelope.bandHz[1])} Hz` : '';
  plot(fig, {
    name: 'envelope',
    x: spec ? spec.envelope.hz : [],
    time: false,
    xLabel: 'Frequency (Hz)',
    yLabel: 'Envelope amplitude',
    summary: !spec
      ? 'No vibration capture yet.'
      : spec.defects
        ? `Demodulated ${band}; shaft ${fmtNum(spec.shaftHz)} Hz. Markers: fundamental dashed, harmonics dotted.`
        : `Demodulated ${band}. Bearing geometry or speed not set: no defect markers.`,
    series: [
      { label: 'Envelope amplitude', values: spec ? spec.envelope.amplitude : [], colour: '#333', width: 1 },
    ],
    hooks: markers.length ? { draw: [markerHook(markers)] } : undefined,
    extra: { markers, defects: spec?.defects ?? null },
  });
  // What the latest forecast concludes from these lines, in words (state/diagnosis/diagnose.ts).
  fig.append(el('p', { class: 'diagnosis', id: 'diagnosis' }, diagnosisSentence(diagnosis ?? null)));
  if (markers.length) fig.append(markerTable(markers));
  return fig;
}

function markerTable(markers) {
  return el(
    'details',
    { class: 'markers' },
    el('summary', {}, 'Marker frequencies'),
    el(
      'table',
      { class: 'compact' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Marker', 'Frequency (Hz)', 'Envelope peak'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        markers.map((m) =>
          el(
            'tr',
            { dataset: { marker: m.label, hz: String(m.hz) } },
            el(
              'th',
              { scope: 'row' },
              el('span', { class: 'swatch', dataset: { defect: m.defect } }),
              m.label,
            ),
            el('td', { class: 'num' }, fmtNum(m.hz, 1)),
            el('td', { class: 'num' }, m.amplitude === null ? '—' : m.amplitude.toPrecision(3)),
          ),
        ),
      ),
    ),
  );
}

/** Asset view (#/assets/:id): how long it has, why, and what maintenance knows about it. */
import { api, apiOrNull } from './api.js';
import {
  envelopeChart,
  healthChart,
  rulChart,
  spectrumChart,
  temperatureChart,
  velocityChart,
} from './asset-charts.js';
import { destroyCharts } from './charts.js';
import { clear, el, fmtAgo, fmtHours, fmtNum, fmtPct, fmtRul, fmtTime } from './dom.js';
import { zoneBadge } from './iso.js';
import { assetDriftSection } from './drift.js';
import { historyTable, suggestionsTable } from './maintenance.js';
import { announce } from './status.js';

const DAY_MS = 86_400_000;

async function temperatureOf(id, endIso) {
  const sensors = await api(`/v1/assets/${id}/sensors?kind=temperature&limit=10`);
  const sensor = sensors.items[0];
  if (!sensor) return { sensor: null, readings: [] };
  const end = endIso ? Date.parse(endIso) : Date.now();
  const readings = [];
  let cursor = null;
  // The last 7 days of data, at most 5 pages: a trend, not an export.
  for (let page = 0; page < 5; page++) {
    const q = new URLSearchParams({ from: new Date(end - 7 * DAY_MS).toISOString(), limit: '1000' });
    if (cursor) q.set('cursor', cursor);
    const res = await api(`/v1/sensors/${sensor.id}/readings?${q}`);
    readings.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return { sensor, readings };
}

async function modelsOf(lineage) {
  const models = Array.isArray(lineage?.models) ? lineage.models : [];
  return Promise.all(
    models.map(async (m) => ({
      ...m,
      detail: await apiOrNull(`/v1/models/${encodeURIComponent(m.name)}/versions/${Number(m.version)}`).catch(
        () => null,
      ),
    })),
  );
}

function card(label, value, sub) {
  return el(
    'div',
    { class: 'card' },
    el('dt', {}, label),
    el('dd', {}, value, sub ? el('span', { class: 'sub' }, sub) : null),
  );
}

/** `clock`: the fleet clock (ms), so ages read as on the fleet page, replayed history included. */
function summaryCards(f, summary, clock) {
  if (!f) return el('p', { class: 'muted' }, 'No forecast yet for this asset.');
  return el(
    'dl',
    { class: 'cards', id: 'asset-summary' },
    card('Risk', fmtPct(f.risk), f.lineage?.riskDriver ? `driver: ${f.lineage.riskDriver}` : null),
    card(
      'Remaining useful life',
      fmtRul(f.rul),
      f.rul?.intervalLevel ? `${Math.round(f.rul.intervalLevel * 100)} % interval` : null,
    ),
    card(
      'Health index',
      fmtNum(f.healthIndex),
      f.anomalyScore !== null ? `anomaly ${fmtNum(f.anomalyScore)}` : null,
    ),
    card(
      'ISO zone',
      zoneBadge(f.isoZone),
      f.velocityRmsMmS !== null ? `${fmtNum(f.velocityRmsMmS)} mm/s RMS` : null,
    ),
    card(
      'Failure probability',
      fmtPct(f.failureProbability),
      f.failureHorizonHours ? `within ${fmtHours(f.failureHorizonHours)}` : null,
    ),
    card(
      'Last data',
      el('time', { datetime: f.asOf }, fmtTime(f.asOf)),
      `${fmtAgo(f.asOf, clock)}; lead time ${fmtHours(summary.leadTimeHours)}`,
    ),
  );
}

function contributionsTable(f) {
  const rows = [...(f?.contributions ?? [])].sort((a, b) => b.share - a.share).slice(0, 8);
  if (rows.length === 0)
    return el('p', { class: 'muted' }, 'The latest forecast names no contributing features.');
  return el(
    'table',
    { id: 'contributions', class: 'compact' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['Feature', 'Share', 'z-score'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((c) => {
        const bar = el('span', { class: 'share-bar', 'aria-hidden': 'true' });
        bar.style.setProperty('--v', String(Math.min(1, Math.max(0, c.share))));
        return el(
          'tr',
          {},
          el('th', { scope: 'row' }, el('code', {}, c.feature)),
          el('td', { class: 'num' }, fmtPct(c.share), bar),
          el('td', { class: 'num' }, c.z === undefined ? '—' : fmtNum(c.z)),
        );
      }),
    ),
  );
}

function lineageBlock(f, models) {
  if (!f) return el('p', { class: 'muted' }, 'No forecast, so no lineage.');
  const fs = f.lineage?.featureSet;
  const items = [
    ['Feature set', fs ? `${fs.name} v${fs.version} (${String(fs.hash ?? '').slice(0, 12)})` : '—'],
    ['Inputs', f.lineage?.inputs ? JSON.stringify(f.lineage.inputs) : '—'],
    ['Forecast', `#${f.id}, ${f.source}, scored ${fmtTime(f.scoredAt)}`],
  ];
  const modelRows = models.length
    ? models.map((m) => {
        const d = m.detail;
        const metrics = d
          ? Object.entries(d.metrics ?? {})
              .filter(([, v]) => typeof v === 'number')
              .slice(0, 3)
          : [];
        return el(
          'li',
          { dataset: { model: `${m.name}@${m.version}` } },
          el('strong', {}, `${m.name} v${m.version}`),
          ` (${m.kind}${d ? `, ${d.status}` : ''})`,
          d?.trainingRunId ? ` · training run ${d.trainingRunId}` : '',
          metrics.length ? ` · ${metrics.map(([k, v]) => `${k} ${fmtNum(v, 3)}`).join(', ')}` : '',
        );
      })
    : [el('li', {}, 'No model recorded (rules and ISO zones only).')];
  return el(
    'div',
    { id: 'lineage' },
    el('ul', { class: 'models' }, modelRows),
    el(
      'dl',
      { class: 'kv' },
      items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
    ),
  );
}

function section(id, title, ...content) {
  return el('section', { 'aria-labelledby': id, class: 'panel' }, el('h2', { id }, title), ...content);
}

export function renderAsset(view, id) {
  let signature = '';
  view.append(el('p', { class: 'muted' }, 'Loading asset…'));

  async function load() {
    const [asset, health, spectrum, maintenance, summary, fleet] = await Promise.all([
      api(`/v1/assets/${id}`),
      apiOrNull(`/v1/assets/${id}/health?trend=500`),
      apiOrNull(`/v1/assets/${id}/spectrum`),
      api(`/v1/assets/${id}/maintenance`),
      api('/v1/dashboard/fleet-summary'),
      // Only for its fleetClock: the one definition of "now" for data ages.
      apiOrNull('/v1/fleet/risk?limit=1'),
    ]);
    const clock = fleet?.fleetClock ? Date.parse(fleet.fleetClock) : Date.now();
    const latest = health?.latest ?? null;
    const trend = health?.trend ?? [];
    const [temp, models, drift] = await Promise.all([
      temperatureOf(id, latest?.asOf),
      modelsOf(latest?.lineage),
      assetDriftSection(id).catch((err) =>
        el('p', { class: 'error' }, `Could not load drift: ${err.message}`),
      ),
    ]);
    signature = sig(latest, maintenance);

    clear(view);
    const facts = [
      asset.type,
      asset.site,
      asset.isoMachineGroup ? `ISO group ${asset.isoMachineGroup} ${asset.isoFoundation ?? ''}`.trim() : null,
      asset.nominalSpeedRpm ? `${asset.nominalSpeedRpm} rpm` : null,
      asset.externalRef ? `ref ${asset.externalRef}` : null,
    ].filter(Boolean);
    view.append(
      el(
        'nav',
        { 'aria-label': 'Breadcrumb', class: 'crumbs' },
        el('a', { href: '#/' }, 'Fleet'),
        ' › ',
        asset.name,
      ),
      el('h1', { tabindex: '-1' }, asset.name),
      el('p', { class: 'muted' }, facts.join(' · ')),
      summaryCards(latest, summary, clock),
      el(
        'div',
        { class: 'charts' },
        rulChart(trend, summary.leadTimeHours),
        healthChart(trend),
        velocityChart(trend, asset),
        temperatureChart(temp.readings, temp.sensor, asset.temperatureBaselineC),
        spectrumChart(spectrum),
        envelopeChart(spectrum, latest?.diagnosis),
      ),
      el(
        'div',
        { class: 'two-col' },
        section('h-contrib', 'Top contributing features', contributionsTable(latest)),
        section('h-lineage', 'Model and lineage', lineageBlock(latest, models)),
      ),
      drift,
      section('h-suggestions', 'Work-order suggestions', suggestionsTable(maintenance.suggestions, reload)),
      section('h-history', 'Maintenance history', historyTable(maintenance.events)),
    );
    announce(`${asset.name} updated ${new Date().toLocaleTimeString()}.`);
  }

  async function reload() {
    destroyCharts();
    await load();
    view.querySelector('#h-suggestions')?.scrollIntoView({ block: 'nearest' });
  }

  /** Polls cheaply; rebuilds only when a new forecast or a suggestion change arrived. */
  async function refresh() {
    const [health, maintenance] = await Promise.all([
      apiOrNull(`/v1/assets/${id}/health?trend=1`),
      api(`/v1/assets/${id}/maintenance`),
    ]);
    if (sig(health?.latest ?? null, maintenance) !== signature) await reload();
    else announce(`Checked ${new Date().toLocaleTimeString()}: no new data.`);
  }

  return { load, refresh };
}

function sig(latest, maintenance) {
  return JSON.stringify([latest?.id ?? null, maintenance.suggestions.map((s) => [s.id, s.status])]);
}

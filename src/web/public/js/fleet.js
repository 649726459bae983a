/**
 * Fleet view: running and alarm assets ranked by risk, filterable by site and type, sortable by
 * any column; failed, under-repair and offline assets below in sections of their own. Ages are
 * read on the fleet clock of the response (the newest data), so replayed history reads right.
 */
import { api } from './api.js';
import { clear, el, fmtAgo, fmtHours, fmtNum, fmtPct, fmtShort, fmtTime } from './dom.js';
import { driftPanel } from './drift.js';
import { zoneBadge } from './iso.js';
import { announce } from './status.js';

const num = (x, missing) => (x === null || x === undefined ? missing : x);
const COLUMNS = [
  { key: 'rank', label: 'Rank', value: (r) => r.rank },
  { key: 'name', label: 'Asset', value: (r) => r.asset.name.toLowerCase() },
  { key: 'state', label: 'State', value: (r) => r.state ?? '' },
  { key: 'risk', label: 'Risk', value: (r) => r.forecast.risk },
  { key: 'rul', label: 'RUL (interval)', value: (r) => num(r.forecast.rul?.hours, Infinity) },
  { key: 'health', label: 'Health index', value: (r) => num(r.forecast.healthIndex, Infinity) },
  { key: 'zone', label: 'ISO zone', value: (r) => r.forecast.isoZone ?? '' },
  { key: 'pf', label: 'Failure probability', value: (r) => num(r.forecast.failureProbability, -1) },
  { key: 'open', label: 'Open suggestions', value: (r) => r.open },
  { key: 'asOf', label: 'Last data', value: (r) => Date.parse(lastData(r)) },
];
const lastData = (r) => r.lastDataAt ?? r.forecast.asOf;
const STATE_LABEL = {
  running: 'running',
  alarm: 'alarm',
  failed: 'failed',
  under_repair: 'under repair',
  offline: 'offline',
};
/** The sections listed apart from the ranking, in this order. */
const APART = [
  { section: 'failed', title: 'Failed', since: 'Failed on' },
  { section: 'under_repair', title: 'Under repair', since: 'Repair started' },
  { section: 'offline', title: 'Offline', since: 'Offline since' },
];
// Survives re-renders, so coming back from an asset keeps the operator's filters and order.
const state = { site: '', type: '', sort: 'rank', dir: 'asc' };

function select(id, label, onChange) {
  const s = el('select', { id, onchange: onChange }, el('option', { value: '' }, 'All'));
  return { wrap: el('label', { for: id }, `${label} `, s), select: s };
}

function fillOptions(sel, values, current) {
  clear(sel).append(el('option', { value: '' }, 'All'), ...values.map((v) => el('option', { value: v }, v)));
  sel.value = values.includes(current) ? current : '';
}

const stateBadge = (s) =>
  s ? el('span', { class: `state state-${s}`, dataset: { state: s } }, STATE_LABEL[s] ?? s) : '—';

/** "3 h ago" on the fleet clock, the absolute time beside it. */
function when(iso, clock) {
  return [
    fmtAgo(iso, clock),
    el('time', { class: 'sub', datetime: iso, title: fmtTime(iso) }, fmtShort(iso)),
  ];
}

export function renderFleet(view) {
  let rows = [];
  let clock = Date.now();
  const site = select('filter-site', 'Site', () => {
    state.site = site.select.value;
    void refresh();
  });
  const type = select('filter-type', 'Type', () => {
    state.type = type.select.value;
    void refresh();
  });
  const drift = driftPanel();
  const headRow = el('tr');
  const tbody = el('tbody');
  const table = el(
    'table',
    { class: 'fleet', id: 'fleet-table' },
    el(
      'caption',
      {},
      'Running assets ranked by risk (latest forecast of each). Select a column header to sort.',
    ),
    el('thead', {}, headRow),
    tbody,
  );
  const clockLine = el('p', { id: 'fleet-clock', class: 'muted' });
  const apart = el('div', { id: 'fleet-apart' });
  view.append(
    el('h1', { tabindex: '-1' }, 'Fleet'),
    el(
      'div',
      { class: 'toolbar', role: 'group', 'aria-label': 'Filters' },
      site.wrap,
      type.wrap,
      el('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, 'Refresh now'),
    ),
    clockLine,
    el('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Fleet table', tabindex: '0' }, table),
    apart,
    drift.element,
  );

  function renderHead() {
    clear(headRow);
    for (const c of COLUMNS) {
      const active = state.sort === c.key;
      const sort = active ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none';
      const arrow = active ? (state.dir === 'asc' ? '▲' : '▼') : '↕';
      headRow.append(
        el(
          'th',
          { scope: 'col', 'aria-sort': sort },
          el(
            'button',
            { type: 'button', class: 'sort', dataset: { sort: c.key }, onclick: () => sortBy(c.key) },
            c.label,
            el('span', { 'aria-hidden': 'true', class: 'arrow' }, ` ${arrow}`),
          ),
        ),
      );
    }
  }

  function sortBy(key) {
    state.dir = state.sort === key && state.dir === 'asc' ? 'desc' : 'asc';
    state.sort = key;
    renderHead();
    renderRows();
    headRow.querySelector(`[data-sort="${key}"]`).focus();
  }

  function renderRows() {
    const col = COLUMNS.find((c) => c.key === state.sort) ?? COLUMNS[0];
    const sign = state.dir === 'asc' ? 1 : -1;
    const sorted = [...rows].sort((a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      return (va < vb ? -1 : va > vb ? 1 : 0) * sign || a.rank - b.rank;
    });
    clear(tbody);
    if (sorted.length === 0) {
      tbody.append(
        el('tr', {}, el('td', { colspan: COLUMNS.length }, 'No running assets with forecasts match.')),
      );
    }
    for (const r of sorted) tbody.append(row(r));
  }

  function row(r) {
    const f = r.forecast;
    const href = `#/assets/${r.asset.id}`;
    const bar = el('span', { class: 'risk-bar', 'aria-hidden': 'true' });
    bar.style.setProperty('--v', String(Math.min(1, Math.max(0, f.risk))));
    const tr = el(
      'tr',
      { dataset: { assetId: String(r.asset.id) } },
      el('td', { class: 'num' }, String(r.rank)),
      el(
        'th',
        { scope: 'row' },
        el('a', { href }, r.asset.name),
        el('span', { class: 'sub' }, [r.asset.type, r.asset.site].filter(Boolean).join(' · ')),
      ),
      el('td', {}, stateBadge(r.state)),
      el(
        'td',
        { class: 'num' },
        el('span', { class: 'risk-val' }, fmtPct(f.risk)),
        bar,
        f.lineage?.riskDriver ? el('span', { class: 'sub' }, String(f.lineage.riskDriver)) : null,
      ),
      el(
        'td',
        { class: 'num' },
        fmtHours(f.rul?.hours),
        f.rul && f.rul.lowerHours !== null && f.rul.upperHours !== null
          ? el('span', { class: 'sub' }, `${fmtHours(f.rul.lowerHours)}–${fmtHours(f.rul.upperHours)}`)
          : null,
      ),
      el('td', { class: 'num' }, fmtNum(f.healthIndex)),
      el('td', {}, zoneBadge(f.isoZone)),
      el('td', { class: 'num' }, fmtPct(f.failureProbability)),
      el('td', { class: 'num', dataset: { open: String(r.open) } }, String(r.open)),
      el('td', { class: 'when' }, when(lastData(r), clock)),
    );
    // The name is the link (keyboard: Tab + Enter); the rest of the row is a mouse shortcut.
    tr.addEventListener('click', (e) => {
      if (!e.target.closest('a')) location.hash = href;
    });
    return tr;
  }

  /** One small table per state listed apart: when it entered the state, the last data, the
   * last forecast's risk for reference (not a rank). */
  function renderApart(items) {
    clear(apart);
    for (const a of APART) {
      const list = items.filter((r) => r.section === a.section);
      if (list.length === 0) continue;
      const id = `fleet-${a.section.replace('_', '-')}`;
      apart.append(
        el(
          'section',
          { class: 'fleet-apart', 'aria-labelledby': `${id}-title` },
          el('h2', { id: `${id}-title` }, `${a.title} (${list.length})`),
          el(
            'div',
            { class: 'table-wrap', role: 'region', 'aria-label': `${a.title} machines`, tabindex: '0' },
            el(
              'table',
              { class: 'fleet apart', id },
              el(
                'thead',
                {},
                el(
                  'tr',
                  {},
                  ...['Asset', a.since, 'Last data', 'Last risk', 'Open suggestions'].map((h) =>
                    el('th', { scope: 'col' }, h),
                  ),
                ),
              ),
              el('tbody', {}, ...list.map(apartRow)),
            ),
          ),
        ),
      );
    }
  }

  function apartRow(r) {
    const href = `#/assets/${r.asset.id}`;
    const since = r.failedAt ?? r.stateSince;
    const tr = el(
      'tr',
      { dataset: { assetId: String(r.asset.id), state: r.state } },
      el(
        'th',
        { scope: 'row' },
        el('a', { href }, r.asset.name),
        el('span', { class: 'sub' }, [r.asset.type, r.asset.site].filter(Boolean).join(' · ')),
      ),
      el(
        'td',
        { class: 'since' },
        since
          ? [
              el('time', { datetime: since, title: fmtTime(since) }, fmtTime(since)),
              el('span', { class: 'sub' }, fmtAgo(since, clock)),
            ]
          : '—',
      ),
      el('td', { class: 'when' }, when(lastData(r), clock)),
      el('td', { class: 'num' }, fmtPct(r.forecast.risk)),
      el('td', { class: 'num', dataset: { open: String(r.open) } }, String(r.open)),
    );
    tr.addEventListener('click', (e) => {
      if (!e.target.closest('a')) location.hash = href;
    });
    return tr;
  }

  async function refresh() {
    const q = new URLSearchParams();
    if (state.site) q.set('site', state.site);
    if (state.type) q.set('type', state.type);
    const [fleet, summary] = await Promise.all([
      api(`/v1/fleet/risk${q.size ? `?${q}` : ''}`),
      api('/v1/dashboard/fleet-summary'),
      // Its own errors stay in its panel: drift is secondary to the risk ranking.
      drift.refresh().catch((err) => {
        drift.element.querySelector('#drift-models').textContent = `Could not load drift: ${err.message}`;
      }),
    ]);
    fillOptions(site.select, summary.sites, state.site);
    fillOptions(type.select, summary.types, state.type);
    const open = new Map(summary.openSuggestions.map((s) => [s.assetId, s.count]));
    // A server without lifecycle states ranks every item.
    const items = fleet.items.map((it, i) => ({
      ...it,
      section: it.section ?? 'ranked',
      rank: it.rank ?? i + 1,
      open: open.get(it.asset.id) ?? 0,
    }));
    clock = fleet.fleetClock ? Date.parse(fleet.fleetClock) : Date.now();
    // Replayed history: say that ages are read on the data's own clock.
    clockLine.textContent =
      Math.abs(Date.now() - clock) > 3_600_000
        ? `Ages are read on the fleet clock, the newest data: ${fmtTime(fleet.fleetClock)}.`
        : '';
    rows = items.filter((r) => r.section === 'ranked');
    renderHead();
    renderRows();
    renderApart(items);
    const urgent = rows.filter((r) => r.forecast.isoZone === 'C' || r.forecast.isoZone === 'D').length;
    const others = APART.map((a) => [
      a.title.toLowerCase(),
      items.filter((r) => r.section === a.section).length,
    ])
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${n} ${t}`);
    announce(
      `Fleet updated ${new Date().toLocaleTimeString()}: ${rows.length} assets, ${urgent} in ISO zone C or D${others.length ? `; ${others.join(', ')}` : ''}.`,
    );
  }

  renderHead();
  return { load: refresh, refresh };
}

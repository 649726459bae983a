/**
 * Input drift: on the fleet view, each model's pooled drift and its live retraining suggestion
 * (acknowledge, dismiss, start retraining: an `admin` key); on the asset view, the asset's drift
 * against the model it is compared with. Reads need `read`.
 */
import { api, ApiError } from './api.js';
import { clear, el, fmtNum, fmtTime } from './dom.js';
import { formDialog } from './maintenance.js';

const LABEL = { ok: 'no drift', warn: 'drift warning', drift: 'drifting', unknown: 'no verdict' };
const LIVE = ['open', 'acknowledged', 'retraining'];

function driftBadge(status) {
  return el('span', { class: `drift drift-${status}`, dataset: { drift: status } }, LABEL[status] ?? status);
}

const fmtP = (p) => (p === null || p === undefined ? '—' : p < 1e-4 ? '< 0.0001' : p.toFixed(4));
const topFeatures = (features, n = 3) =>
  features
    .filter((f) => f.status !== 'ok')
    .slice(0, n)
    .map((f) => `${f.feature} (PSI ${fmtNum(f.psi)})`)
    .join(', ');

function featureTable(features) {
  return el(
    'table',
    { class: 'compact drift-features' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['Feature', 'PSI', 'KS D', 'KS p', 'Status'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      features.map((f) =>
        el(
          'tr',
          { dataset: { feature: f.feature } },
          el('th', { scope: 'row' }, el('code', {}, f.feature)),
          el('td', { class: 'num' }, fmtNum(f.psi, 3)),
          el('td', { class: 'num' }, fmtNum(f.ks, 3)),
          el('td', { class: 'num' }, fmtP(f.ksPValue)),
          el('td', {}, driftBadge(f.status)),
        ),
      ),
    ),
  );
}

/** The fleet view's panel; `refresh()` re-reads it (the fleet's 30 s cycle calls it). */
export function driftPanel() {
  const body = el('div', { id: 'drift-models' }, el('p', { class: 'muted' }, 'Loading drift…'));
  const section = el(
    'section',
    { class: 'panel', id: 'drift-panel', 'aria-labelledby': 'h-drift' },
    el('h2', { id: 'h-drift' }, 'Model input drift'),
    body,
  );

  async function act(button, run) {
    const status = button.parentElement.querySelector('.action-error');
    status.textContent = '';
    try {
      if (await run()) await refresh();
    } catch (err) {
      const prefix = err instanceof ApiError && err.status === 403 ? 'Not allowed (needs admin). ' : '';
      status.textContent = `${prefix}Server: ${err.message}`;
    }
  }

  function suggestionBlock(s) {
    const id = s.id;
    const post = (action, payload = {}) =>
      api(`/v1/retraining-suggestions/${id}/${action}`, { method: 'POST', body: payload });
    const buttons =
      s.status === 'retraining'
        ? [el('span', { class: 'sub' }, `training run ${s.trainingRunId}`)]
        : [
            s.status === 'open'
              ? el(
                  'button',
                  { type: 'button', onclick: (e) => act(e.currentTarget, () => post('acknowledge')) },
                  'Acknowledge',
                )
              : null,
            el(
              'button',
              { type: 'button', onclick: (e) => act(e.currentTarget, () => post('retrain')) },
              'Start retraining',
            ),
            el(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: (e) =>
                  act(e.currentTarget, () =>
                    formDialog('dismiss-dialog', `Retraining suggestion #${id} for ${s.modelName}`, (v) =>
                      post('dismiss', { reason: String(v.reason).trim() }),
                    ),
                  ),
              },
              'Dismiss',
            ),
          ];
    return el(
      'div',
      { class: 'drift-suggestion', dataset: { suggestionId: String(id), status: s.status } },
      el('strong', {}, `Retraining suggested (${s.status})`),
      el(
        'span',
        { class: 'sub' },
        `max PSI ${fmtNum(s.maxPsi)} · ${s.checks} check(s) · since ${fmtTime(s.createdAt)}`,
      ),
      el('span', { class: 'actions' }, buttons, el('span', { class: 'action-error', role: 'alert' })),
    );
  }

  async function refresh() {
    const [fleet, suggestions] = await Promise.all([
      api('/v1/fleet/drift?limit=5'),
      api('/v1/retraining-suggestions?limit=50'),
    ]);
    const live = new Map(
      suggestions.items.filter((s) => LIVE.includes(s.status)).map((s) => [s.modelName, s]),
    );
    clear(body);
    if (fleet.models.length === 0) {
      body.append(el('p', { class: 'muted' }, 'No active model reads stored feature rows yet.'));
      return;
    }
    for (const m of fleet.models) {
      const p = m.pooled;
      const s = live.get(m.model.name);
      body.append(
        el(
          'div',
          { class: 'drift-model', dataset: { model: m.model.name } },
          el('strong', {}, `${m.model.name} v${m.model.version}`),
          ' ',
          driftBadge(p.status),
          el(
            'span',
            { class: 'sub' },
            p.reason ??
              `${p.rows} recent rows of ${m.assets.length - m.excluded.length} assets; max PSI ${fmtNum(p.maxPsi)}` +
                (topFeatures(p.features) ? `; ${topFeatures(p.features)}` : '') +
                (m.excluded.length ? `; ${m.excluded.length} believed faulty left out` : '') +
                (m.staleAssets ? `; ${m.staleAssets} not reporting` : ''),
          ),
          s ? suggestionBlock(s) : null,
        ),
      );
    }
  }

  return { element: section, refresh };
}

/** The asset view's section: drift of this asset's newest rows, top features. */
export async function assetDriftSection(id) {
  const d = await api(`/v1/assets/${id}/drift`);
  const head = d.model
    ? `${d.rows} newest feature rows against ${d.baseline === 'asset' ? 'its own training rows' : 'the training rows'} of ${d.model.name} v${d.model.version} (${d.model.kind})`
    : 'No model to compare with';
  return el(
    'section',
    { class: 'panel', id: 'asset-drift', 'aria-labelledby': 'h-drift' },
    el('h2', { id: 'h-drift' }, 'Input drift ', driftBadge(d.status)),
    el('p', { class: 'sub' }, head, d.reason ? ` — ${d.reason}` : ''),
    d.countsForRetraining
      ? null
      : el('p', { class: 'sub' }, `Not counted for retraining (believed faulty): ${d.retrainingExclusion}`),
    d.features.length ? featureTable(d.features.slice(0, 6)) : null,
  );
}

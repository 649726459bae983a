/** Start-up, the API-key form, hash routing (#/ and #/assets/:id) and the live refresh. */
import { api, ApiError, getKey, onAuthError, setKey } from './api.js';
import { renderAsset } from './asset.js';
import { destroyCharts } from './charts.js';
import { clear, el } from './dom.js';
import { renderFleet } from './fleet.js';
import { banner, showBanner } from './status.js';

const REFRESH_SECONDS = 30;
const view = document.getElementById('view');
let current = null;
let timer = null;

function route() {
  const m = /^#\/assets\/(\d+)\/?$/.exec(location.hash);
  return m ? { name: 'asset', id: Number(m[1]) } : { name: 'fleet' };
}

async function render({ focus = true } = {}) {
  const r = route();
  destroyCharts();
  clear(view);
  current = r.name === 'asset' ? renderAsset(view, r.id) : renderFleet(view);
  await run(() => current.load());
  if (focus) view.querySelector('h1')?.focus();
}

/** Runs a load; an error other than a key problem is shown in the view itself. */
async function run(load) {
  try {
    await load();
    if (!banner.hidden && banner.dataset.status !== '403') showBanner(null);
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) {
      view.append(el('p', { class: 'error', role: 'alert' }, `Could not load: ${err.message}`));
    }
  }
}

async function refresh() {
  if (document.hidden || document.querySelector('dialog[open]') || !current?.refresh) return;
  await run(() => current.refresh());
}

function initKeyForm() {
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  const state = document.getElementById('key-state');
  const show = () => (state.textContent = getKey() ? 'Key saved in this browser.' : 'No key saved.');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setKey(input.value.trim());
    input.value = '';
    show();
    showBanner(null);
    void render({ focus: false });
  });
  document.getElementById('key-clear').addEventListener('click', () => {
    setKey('');
    show();
    void render({ focus: false });
  });
  show();
}

onAuthError(showBanner);
initKeyForm();
window.addEventListener('hashchange', () => void render());
timer = setInterval(() => void refresh(), REFRESH_SECONDS * 1000);
window.addEventListener('pagehide', () => clearInterval(timer));
window.__dashboard = { refresh, api };
void render({ focus: false });

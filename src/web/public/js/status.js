/** The two shared messages: the key/error banner and the polite live region. */
import { clear, el } from './dom.js';

export const banner = document.getElementById('banner');
const live = document.getElementById('live');

export function showBanner(err) {
  clear(banner);
  if (!err) {
    banner.hidden = true;
    return;
  }
  const title =
    err.status === 401
      ? 'An API key is needed.'
      : err.status === 403
        ? 'This API key is not allowed to do that.'
        : 'The server answered with an error.';
  const hint =
    err.status === 401
      ? 'Enter a key with the "read" scope above (ask an administrator: prognos keys create).'
      : err.status === 403
        ? 'Use a key with the scope named in the message.'
        : '';
  banner.append(
    el('strong', {}, title),
    ' ',
    el('span', { class: 'server-message' }, `Server: ${err.message}`),
    hint ? el('span', {}, ` ${hint}`) : null,
  );
  banner.dataset.status = String(err.status);
  banner.hidden = false;
}

export function announce(text) {
  live.textContent = text;
}

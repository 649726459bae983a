/** Work-order suggestions (with Ack / Dismiss) and the maintenance history of one asset. */
import { api, ApiError } from './api.js';
import { el, fmtTime } from './dom.js';

const PRIORITY = { 1: 'urgent', 2: 'high', 3: 'medium', 4: 'low' };
const th = (...labels) =>
  el(
    'thead',
    {},
    el(
      'tr',
      {},
      labels.map((l) => el('th', { scope: 'col' }, l)),
    ),
  );

/** Opens a form dialog; resolves after a successful submit, or undefined on cancel. */
export function formDialog(id, subject, submit) {
  const dialog = document.getElementById(id);
  const form = dialog.querySelector('form');
  const error = dialog.querySelector('.dialog-error');
  form.reset();
  error.textContent = '';
  dialog.querySelector('.dialog-subject').textContent = subject;
  return new Promise((resolve) => {
    const cancel = dialog.querySelector('button[value="cancel"]');
    const done = (result) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      resolve(result);
    };
    const onCancel = () => done(undefined);
    const onClose = () => done(undefined);
    const onSubmit = async (e) => {
      e.preventDefault();
      error.textContent = '';
      const values = Object.fromEntries(new FormData(form));
      try {
        done(await submit(values));
      } catch (err) {
        const prefix = err instanceof ApiError && err.status === 403 ? 'Not allowed. ' : '';
        error.textContent = `${prefix}Server: ${err.message}`;
      }
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
  });
}

function ackSuggestion(s) {
  return formDialog('ack-dialog', `#${s.id}: ${s.title}`, (v) => {
    const body = { workOrderRef: String(v.workOrderRef).trim() };
    if (String(v.note ?? '').trim()) body.note = String(v.note).trim();
    return api(`/v1/work-order-suggestions/${s.id}/ack`, { method: 'POST', body });
  });
}

function dismissSuggestion(s) {
  return formDialog('dismiss-dialog', `#${s.id}: ${s.title}`, (v) =>
    api(`/v1/work-order-suggestions/${s.id}/dismiss`, {
      method: 'POST',
      body: { reason: String(v.reason).trim() },
    }),
  );
}

/** `onChange` runs after an ack or dismissal went through (the caller reloads). */
export function suggestionsTable(suggestions, onChange) {
  if (suggestions.length === 0)
    return el('p', { class: 'muted' }, 'No work-order suggestions for this asset.');
  const act = (fn, s) => async (e) => {
    const button = e.currentTarget;
    if (await fn(s)) await onChange();
    else button.focus();
  };
  return el(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': 'Work-order suggestions', tabindex: '0' },
    el(
      'table',
      { id: 'suggestions' },
      th('Priority', 'Suggestion', 'Status', 'Due', 'Work order', 'Actions'),
      el(
        'tbody',
        {},
        suggestions.map((s) =>
          el(
            'tr',
            { dataset: { suggestionId: String(s.id) } },
            el(
              'td',
              {},
              el(
                'span',
                { class: `prio prio-${s.priority}` },
                `P${s.priority} ${PRIORITY[s.priority] ?? ''}`,
              ),
            ),
            el(
              'td',
              {},
              el('strong', {}, s.title),
              el('span', { class: 'sub' }, s.description),
              el('span', { class: 'sub' }, `Action: ${s.recommendedAction}`),
            ),
            el(
              'td',
              { class: 'status', dataset: { status: s.status } },
              el('span', { class: `status-${s.status}` }, s.status),
              s.statusNote ? el('span', { class: 'sub' }, s.statusNote) : null,
            ),
            el('td', {}, fmtTime(s.dueAt)),
            el('td', { class: 'work-order' }, s.workOrderRef ?? '—'),
            el(
              'td',
              { class: 'actions' },
              s.status === 'open'
                ? el(
                    'button',
                    {
                      type: 'button',
                      onclick: act(ackSuggestion, s),
                      'aria-label': `Acknowledge suggestion ${s.id}`,
                    },
                    'Ack',
                  )
                : null,
              s.status === 'open' || s.status === 'acknowledged'
                ? el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      onclick: act(dismissSuggestion, s),
                      'aria-label': `Dismiss suggestion ${s.id}`,
                    },
                    'Dismiss',
                  )
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

export function historyTable(events) {
  if (events.length === 0) return el('p', { class: 'muted' }, 'No maintenance recorded for this asset.');
  return el(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': 'Maintenance history', tabindex: '0' },
    el(
      'table',
      { id: 'history' },
      th('Date', 'Kind', 'Component', 'Failure mode', 'Description', 'Work order'),
      el(
        'tbody',
        {},
        events.map((e) =>
          el(
            'tr',
            {},
            el('td', {}, fmtTime(e.occurredAt)),
            el('td', {}, e.kind),
            el('td', {}, e.component ?? '—'),
            el('td', {}, e.failureMode ?? '—'),
            el('td', {}, e.description ?? '—'),
            el('td', {}, e.workOrderRef ?? '—'),
          ),
        ),
      ),
    ),
  );
}

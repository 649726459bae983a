/** A tiny DOM builder: text always goes through textContent, never innerHTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const dash = '—';

export function fmtHours(h) {
  if (h === null || h === undefined || !Number.isFinite(h)) return dash;
  if (Math.abs(h) < 48) return `${Math.round(h)} h`;
  const d = h / 24;
  return `${d < 10 ? d.toFixed(1) : Math.round(d)} d`;
}

export function fmtRul(rul) {
  if (!rul) return dash;
  const lo = rul.lowerHours;
  const hi = rul.upperHours;
  const interval = lo !== null && hi !== null ? ` (${fmtHours(lo)}–${fmtHours(hi)})` : '';
  return `${fmtHours(rul.hours)}${interval}`;
}

export const fmtPct = (p) => (p === null || p === undefined ? dash : `${Math.round(p * 100)} %`);
export const fmtNum = (x, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? dash : x.toFixed(digits);

export function fmtTime(iso) {
  if (!iso) return dash;
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function fmtShort(iso) {
  if (!iso) return dash;
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** "3 h ago" beside the absolute time: stale data is what an operator must notice first. */
export function fmtAgo(iso, now = Date.now()) {
  if (!iso) return '';
  const h = (now - Date.parse(iso)) / 3_600_000;
  if (h < 0) return 'in the future';
  if (h < 1) return `${Math.max(0, Math.round(h * 60))} min ago`;
  return `${fmtHours(h)} ago`;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

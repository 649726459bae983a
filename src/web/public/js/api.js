/**
 * The dashboard's only way to the server: the API with the key the user entered (kept in this
 * browser's localStorage, sent as a Bearer token, never written to the page or the console).
 */
const KEY = 'prognos.apiKey';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const getKey = () => localStorage.getItem(KEY) ?? '';
export const setKey = (key) => (key ? localStorage.setItem(KEY, key) : localStorage.removeItem(KEY));

const listeners = new Set();
/** Called with every 401/403, so one banner can explain it whatever view made the call. */
export const onAuthError = (fn) => listeners.add(fn);

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  const key = getKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null; // a proxy's HTML error page: report the status line instead
  }
  if (!res.ok) {
    const err = new ApiError(
      res.status,
      json?.error?.code ?? 'http_error',
      json?.error?.message ?? `${res.status} ${res.statusText}`,
    );
    if (res.status === 401 || res.status === 403) for (const fn of listeners) fn(err);
    throw err;
  }
  return json;
}

/** The same call, with a 404 read as "nothing yet". */
export async function apiOrNull(path) {
  try {
    return await api(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

// The public API, with the credential from sessionStorage in the Authorization header: never in a
// URL (no query parameter, no hash), so it stays out of logs, history and referrers.
const STORAGE_KEY = 'tollgate.console.credential';

export function credential() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(value) {
  sessionStorage.setItem(STORAGE_KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** An API error: the answer's machine-readable code and its sentence. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the API; resolves to the JSON answer (null for 204), rejects with an ApiError. */
export async function call(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  const token = credential();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (response.status === 204) return null;
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const error = json && json.error ? json.error : {};
    throw new ApiError(response.status, error.code || 'http_' + response.status,
      [error.message, error.detail].filter(Boolean).join(' ') || response.statusText);
  }
  return json;
}

export const get = (path) => call('GET', path);

/** A POST that moves money or state: a fresh Idempotency-Key per click, so a retried request is not done twice. */
export const act = (path, body) => call('POST', path, body, { 'Idempotency-Key': idempotencyKey() });

// crypto.randomUUID exists only in secure contexts; getRandomValues everywhere.
function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A query string from the non-empty entries of `params`. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

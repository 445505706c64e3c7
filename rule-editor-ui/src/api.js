// The HTTP API of the same origin: every call sends the token kept for this browser session.

const TOKEN_KEY = 'vigil.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer other than 2xx, carrying the server's {"error", "message", "details"} as it stated them. */
export class ApiError extends Error {
  constructor(status, body, fallback) {
    const message = body && typeof body.message === 'string' ? body.message : fallback;
    super(message);
    this.status = status;
    this.code = body && body.error ? body.error : `http_${status}`;
    this.details = body && Array.isArray(body.details) ? body.details : [];
  }
}

/** One detail of an error body as a line of text: a diagnostic, a bad event, or whatever the server sent. */
export function formatDetail(d) {
  if (d == null) return '';
  if (typeof d !== 'object') return String(d);
  const where = [];
  if (d.file) where.push(d.file);
  if (d.index !== undefined) where.push(`event ${d.index}`);
  if (d.field) where.push(d.field);
  if (d.line) where.push(d.column ? `${d.line}:${d.column}` : `line ${d.line}`);
  const text = d.message ?? JSON.stringify(d);
  return where.length ? `${where.join(' ')}: ${text}` : text;
}

async function parseBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Calls the API; resolves to the parsed body, rejects with ApiError. */
export async function call(method, path, body, { contentType, raw, fetchImpl = fetch } = {}) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  let payload;
  if (body !== undefined) {
    if (raw) {
      payload = body;
      headers['Content-Type'] = contentType || 'text/plain';
    } else {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
  }
  let response;
  try {
    response = await fetchImpl(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: `the server did not answer: ${e.message}` }, 'network error');
  }
  const parsed = await parseBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, typeof parsed === 'object' ? parsed : null,
      typeof parsed === 'string' && parsed ? parsed : response.statusText || `HTTP ${response.status}`);
  }
  return { status: response.status, body: parsed };
}

export const get = (path) => call('GET', path).then((r) => r.body);
export const post = (path, body) => call('POST', path, body).then((r) => r.body);
export const put = (path, body) => call('PUT', path, body).then((r) => r.body);
export const del = (path) => call('DELETE', path).then((r) => r.body);
export const enc = encodeURIComponent;

// The API client: JSON in and out, the session cookie plus the CSRF header on writes, and
// problem documents (RFC 9457) turned into an ApiError whose message is the problem in the
// page's language: the catalog's words for its `code`, falling back to the server's `detail`.

import { has, locale, problemText, t } from './i18n.js';
import { capitalize } from './dom.js';

const BASE = '/api/v1';
/** Whether this is the embedded panel (`/embed/records/…`): its requests name the embed session. */
export const EMBEDDED = document.body?.dataset.page === 'embed';

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || '';

/** A failed request. `message` is always a sentence a person can read. */
export class ApiError extends Error {
  constructor(status, detail, problem = {}) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.problem = problem;
  }
}

/** Set once the page signs out: requests that fail for want of a session then no longer send
 *  the browser to the sign-in page with a `next` (the sign-out decides where to go). */
let signingOut = false;

/** The page is signing out. */
export function signingOutNow() {
  signingOut = true;
}

/** What a request that finds no session does instead of going to the sign-in page: set by the
 *  embedded panel, which has no sign-in inside its frame (embed.js). */
let sessionEnded = null;

/** Calls `fn` instead of going to the sign-in page when a request is answered 401. */
export function onSessionEnded(fn) {
  sessionEnded = fn;
}

function signInAgain() {
  if (signingOut) return;
  if (sessionEnded) {
    sessionEnded();
    return;
  }
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

async function problemOf(res) {
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) {
    try {
      const body = await res.json();
      const detail = problemText(body, body.title || t('api-status', { status: res.status }));
      return new ApiError(res.status, detail, body);
    } catch {
      /* fall through */
    }
  }
  return new ApiError(res.status, t('api-status-retry', { status: res.status }));
}

/**
 * Calls `/api/v1{path}`. Resolves to the parsed JSON (or null for 204); rejects with ApiError.
 * A 401 sends the browser to the sign-in page unless `opts.noRedirect`.
 */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  // The embedded panel acts as the launched agent, even where the host is on Tether's site and
  // the browser sends the person's own sign-in cookie along.
  if (EMBEDDED) headers['x-tether-session'] = 'embed';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf();
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, t('api-unreachable'));
  }
  if (res.status === 401 && !opts.noRedirect) {
    signInAgain();
    throw await problemOf(res);
  }
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  return type.includes('json') ? res.json() : null;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const del = (path, body, opts) => api('DELETE', path, body, opts);

/** Query string from an object, skipping empty values. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** `/type/id` path segments, encoded. */
export const seg = (...parts) => parts.map((p) => `/${encodeURIComponent(p)}`).join('');

/**
 * Uploads a file (multipart field `file`) with progress: `onProgress(fraction)`.
 * Resolves to `{id, name, size, content_type, inline}`. `abort()` on the result's `xhr` cancels.
 */
export function upload(file, onProgress = () => {}) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `${BASE}/attachments`);
    xhr.setRequestHeader('x-csrf-token', csrf());
    if (EMBEDDED) xhr.setRequestHeader('x-tether-session', 'embed');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, t('api-upload-unreachable')));
    xhr.onabort = () => reject(new ApiError(0, t('api-upload-cancelled')));
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, problemText(body, t('api-upload-failed', { status: xhr.status })), body));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { xhr, done };
}

/** The current user (`GET /me`), fetched once per page. */
let meOnce;
export const me = () => (meOnce ||= get('/me'));

// --- record types in the page's language ---------------------------------------------------
//
// The six standard record types are data with English names (`standard_record_types()` in
// the domain crate). The catalogs hold their words under `rt-<type>` (with `.plural`,
// `.lower` and `.new`), `rt-<type>-<field>` for each field's label and
// `rt-<type>-<field>-<option>` for each choice option; `tests/i18n.rs` checks that both
// catalogs have them all and that the English ones are exactly the built-in texts. So a stored
// text is the built-in default when it equals the English catalog's word, and only then is it
// shown in the page's language: an administrator's own name ("Ticket" for "Case") stays.

/** The English catalog, to recognize the built-in texts on a page in another language. */
async function englishCatalog() {
  const url = document.querySelector('meta[name="tether-catalog"]')?.content;
  if (locale === 'en' || !url) return null;
  try {
    const res = await fetch(url.replace(/[^/]*\.json$/, 'en.json'), { credentials: 'same-origin' });
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}

/**
 * A record type as the page shows it: `display_name` and field `label`s in the page's language
 * where they are the built-in ones; `option_labels` ({value: words}) for choice fields (the
 * values sent to the API stay as they are); and `words`: `list` (the records page's title,
 * "Cases"), `new` ("New case"), `lower` (the plural within a sentence, "cases"; null for
 * a type without catalog words), `named` (before a record's number: "Case", Swedish
 * "ärende") and `one` (one record of the type within a sentence: "a case", "ett ärende").
 */
function localizeType(ty, english) {
  const builtIn = (key, text) => has(key) && (english ? english[key] : t(key)) === text;
  const key = `rt-${ty.name}`;
  const own = ty.standard && builtIn(key, ty.display_name);
  const name = own ? t(key) : ty.display_name;
  const words = own
    ? { list: t(`${key}.plural`), new: t(`${key}.new`), lower: t(`${key}.lower`), named: t(`${key}.named`), one: t(`${key}.one`) }
    : { list: t('records-title', { type: name }), new: t('records-new', { type: name }), lower: null, named: name, one: t('system-record-unnumbered', { type: name }) };
  const fields = (ty.fields || []).map((f) => {
    const fk = `${key}-${f.name}`;
    const label = ty.standard && builtIn(fk, f.label) ? t(fk) : f.label;
    const options = f.options || [];
    const option_labels = Object.fromEntries(options.map((o) => [o, ty.standard && has(`${fk}-${o}`) ? t(`${fk}-${o}`) : capitalize(o)]));
    return { ...f, label, option_labels };
  });
  return { ...ty, display_name: name, fields, words };
}

/** Record types by name, in the page's language (see above), fetched once per page. The
 *  administration's type editor reads `GET /record-types` itself: it edits the stored data. */
let typesOnce;
export function recordTypes() {
  typesOnce ||= Promise.all([get('/record-types'), englishCatalog()]).then(([r, english]) => {
    loadedTypes = new Map(r.items.map((ty) => [ty.name, localizeType(ty, english)]));
    return loadedTypes;
  });
  return typesOnce;
}

/** The record types of `recordTypes()` once they have arrived (null before): for drawing that
 *  cannot wait, such as a message's record card. */
let loadedTypes = null;
export const recordTypesNow = () => loadedTypes;

// Small DOM helpers. Everything that comes from the server is inserted as text through `h`;
// the only HTML ever inserted is a message's `html`, which the server has sanitized.

import { fmtFull, relTime } from './format.js';

/** Creates an element. `props`: class, text, on<Event> handlers, `dataset`, any attribute. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'hidden' || k === 'selected' || k === 'multiple') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** The signed-in user and page facts the server put on `<body>`. */
export const boot = (() => {
  const d = document.body ? document.body.dataset : {};
  return {
    page: d.page || '',
    userId: d.userId || '',
    userName: d.userName || '',
    admin: d.admin === '1',
    collab: d.collab === '1',
    collabUse: d.collabUse === '1',
    collabDisconnect: d.collabDisconnect === '1',
    teamIds: (d.teamIds || '').split(',').filter(Boolean),
    publicUrl: d.publicUrl || location.origin,
    recordType: d.recordType || '',
    recordId: d.recordId || '',
    chatId: d.chatId || '',
  };
})();

export function initials(name) {
  return (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

/** The colour class of a person's avatar: it follows the id, so a person keeps theirs. */
export function avatarColor(id) {
  let hash = 0;
  for (const ch of String(id || '')) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `c${hash % 8}`;
}

/** A round avatar with initials. */
export function avatar(name, id = name, size = '') {
  return h('span', { class: `avatar ${avatarColor(id)} ${size}`, 'aria-hidden': 'true' }, initials(name));
}

// Dates, times and sizes in the user's language and time zone (format.js).
export { dayKey, dayLabel, fmtDate, fmtDay, fmtFull, fmtNumber, fmtSize, fmtTime, relTime } from './format.js';

/** A `<time>` element with a readable text and the exact time as its title. */
export function timeEl(iso, text = relTime(iso)) {
  return h('time', { datetime: iso, title: fmtFull(iso) }, text);
}

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** Words for people: "snake_case" → "Snake case". */
export function humanize(s) {
  return capitalize(String(s || '').replace(/[_.]/g, ' '));
}

/** The text with its first letter upper-case: "high" → "High" (as the server shows choice
 *  values). */
export function capitalize(s) {
  const t = String(s ?? '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** A short-lived message in the corner (also read by screen readers). */
export function toast(text, kind = 'info', ms = 5000) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const t = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.append(t);
  setTimeout(() => t.remove(), ms);
}

/** A random id for Idempotency-Key headers (works outside secure contexts too). */
export function randomId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The address of a record's page. */
export const recordHref = (type, id) => `/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;

/** A failure said in words, where it happened. */
export const errorBox = (e) => h('p', { class: 'error', role: 'alert' }, e.message);

/** An on/off switch (a checkbox with role=switch) with its label and an optional hint. */
export const switchRow = (id, label, checked, hint) =>
  h(
    'div',
    { class: 'switch-row' },
    h('input', { type: 'checkbox', role: 'switch', id, class: 'switch', checked }),
    h('label', { for: id }, h('span', { class: 'switch-label' }, label), hint ? h('span', { class: 'muted small' }, hint) : null),
  );

/** Text cut short with an ellipsis (CSS `text-overflow`) shows its whole when pointed at or
 *  focused: the `title` is set then, from the text, on the element that is cut short. */
export function titleTruncated(root = document) {
  const show = (e) => {
    for (let el = e.target; el && el !== root && el.nodeType === 1; el = el.parentElement) {
      if (el.scrollWidth <= el.clientWidth + 1 || getComputedStyle(el).textOverflow !== 'ellipsis') continue;
      const whole = el.textContent.trim();
      if (whole && !el.closest('[title]')) el.title = whole;
    }
  };
  root.addEventListener('mouseover', show);
  root.addEventListener('focusin', show);
}

let errorSeq = 0;

/** Ties form errors to their fields: a control marked `aria-invalid="true"` is described by
 *  the error text of its form or dialog (`.form-error`), and no longer once the mark is gone.
 *  The modules only mark fields; this keeps `aria-describedby` right for all of them. */
export function tieFieldErrors(root = document.body) {
  const errorOf = (control) => control.closest('dialog, form, .field')?.querySelector('.form-error') || control.closest('dialog, form')?.parentElement?.querySelector('.form-error');
  const update = (control) => {
    const error = errorOf(control);
    if (!error) return;
    if (!error.id) error.id = `form-error-${++errorSeq}`;
    const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== error.id);
    if (control.getAttribute('aria-invalid') === 'true') ids.push(error.id);
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  };
  new MutationObserver((changes) => {
    for (const c of changes) if (c.target instanceof Element && c.target.matches('input, select, textarea')) update(c.target);
  }).observe(root, { subtree: true, attributes: true, attributeFilter: ['aria-invalid'] });
}

// The embedded panel (issue 19, part 3): the record's collaboration panel and the chat control
// in one column for a host's sidebar (320–480 px). The same panel and dock as the record page
// (panel.js, dock.js), over the same API, so it shows nothing the record page would not.
//
// To the host (the parent window, and only at an allowed origin — never "*") it posts
// {type: "tether.resize", height} and {type: "tether.unread", count}; from the host it accepts
// {type: "tether.context", record: {type, source, external_id}} only when event.origin is an
// allowed origin, and opens that record if the agent may read it.
//
// The host's origin is the parent's: location.ancestorOrigins says it where the browser has it
// (not Firefox). Elsewhere the referrer seldom helps — the launch's redirect carries Tether's
// `Referrer-Policy: same-origin`, so the panel's first page has none, and after a context switch
// it is Tether itself — so the origin of an accepted tether.context message (proven the
// parent's) is kept for this frame in sessionStorage. Where none of these tells it, the panel
// posts to each allowed origin: the browser delivers a post only to a parent of its
// targetOrigin, and frame-ancestors let only allowed origins frame the panel, so exactly the
// host gets it and no one else.
//
// When the embed session ends (it expired, or the integration was removed), a request answered
// 401 does not go to the sign-in page — there is no sign-in inside a frame, and the sign-in page
// may not be framed: the panel says to open Tether again from the host's ticket instead.

import { get, onSessionEnded, seg } from './api.js';
import { boot, debounce, h } from './dom.js';
import * as events from './events.js';
import { t } from './i18n.js';
import { ChatDock } from './dock.js';
import { CollabPanel } from './panel.js';
import { recordTypes } from './api.js';

const TYPE = boot.recordType;
const ID = boot.recordId;
const ALLOWED = (document.body.dataset.allowedOrigins || '').split(' ').filter(Boolean);
const main = document.getElementById('main');

const HOST_KEY = 'tether.embed.host';

/** The origin of a tether.context message this frame accepted before it navigated, if any. */
function provenHost() {
  try {
    return sessionStorage.getItem(HOST_KEY);
  } catch {
    return null; // storage refused in this frame: the referrer and ancestors still count
  }
}

function rememberHost(origin) {
  try {
    sessionStorage.setItem(HOST_KEY, origin);
  } catch {
    /* as above */
  }
}

/** The origins to post to: the parent's where it is known, else every allowed one (above). */
function hostOrigins() {
  if (window.parent === window) return [];
  const fromReferrer = (() => {
    try {
      return document.referrer ? new URL(document.referrer).origin : null;
    } catch {
      return null;
    }
  })();
  const ancestors = location.ancestorOrigins ? Array.from(location.ancestorOrigins) : [];
  // The browser's word on the parent, where it gives one; else what a context message showed.
  const candidates = ancestors.length ? [ancestors[0]] : [provenHost(), fromReferrer];
  const found = candidates.find((o) => o && ALLOWED.includes(o));
  return found ? [found] : ancestors.length ? [] : ALLOWED;
}
const HOSTS = hostOrigins();

/** Tells the host the content's own height, not the document's: that is at least the frame's,
 *  so a panel that grew could never ask to shrink again. */
function tellHeight() {
  tell({ type: 'tether.resize', height: Math.ceil(main.getBoundingClientRect().height) });
}

function tell(message) {
  for (const origin of HOSTS) window.parent.postMessage(message, origin);
}

const column = h('div', { class: 'embed-layout' });
const panelHost = h('aside', { class: 'collab-panel', 'aria-label': t('record-pane-collaboration'), id: 'collab-panel' });
const chatPane = h('div', { class: 'record-chat', hidden: true });
column.append(chatPane, panelHost);
main.replaceChildren(column);

// No sign-in inside a frame: an ended session shows how to get back, once.
let ended = false;
onSessionEnded(() => {
  if (ended) return;
  ended = true;
  main.replaceChildren(
    h(
      'section',
      { class: 'card narrow', id: 'embed-ended', role: 'alert' },
      h('h1', {}, t('launch-refused-heading')),
      h('p', {}, t('launch-no-session')),
      h('p', { class: 'muted' }, t('embed-drafts-kept')),
    ),
  );
});

const dock = new ChatDock(chatPane, {
  mode: 'pane',
  onChange: () => {
    chatPane.hidden = dock.views.size === 0;
  },
  onRead: () => unreadSoon(),
});

async function countUnread() {
  try {
    const list = await get('/chats?limit=100');
    tell({ type: 'tether.unread', count: list.items.reduce((sum, c) => sum + (c.unread || 0), 0) });
  } catch {
    /* the next event tries again */
  }
}
const unreadSoon = debounce(countUnread, 600);

async function start() {
  let record;
  let type;
  try {
    const [r, types] = await Promise.all([get(`/records${seg(TYPE, ID)}`), recordTypes()]);
    record = r;
    type = types.get(TYPE) || { name: TYPE, display_name: TYPE, fields: [], settings: {} };
  } catch (e) {
    // The same words in every language: no access, or no such record.
    const why = e.status === 403 ? t('embed-no-access') : e.status === 404 ? t('embed-not-found') : e.message;
    main.replaceChildren(h('section', { class: 'card narrow' }, h('h1', {}, t('embed-failed')), h('p', { class: 'error', role: 'alert' }, why)));
    return;
  }
  column.prepend(h('h1', { class: 'embed-title' }, h('a', { href: `/records${seg(TYPE, ID)}`, target: '_blank', rel: 'noopener', title: t('embed-open-in-tether') }, record.name)));
  events.watch({ type: TYPE, id: ID });
  new CollabPanel(panelHost, { record, type, openChat: (chat) => dock.open(chat) });
}

// The host says the agent switched tickets: open that record's panel, if Tether has it and
// the agent may read it (the API decides; a refusal leaves this panel as it is).
window.addEventListener('message', async (event) => {
  if (!ALLOWED.includes(event.origin) || event.source !== window.parent) return;
  const m = event.data;
  if (!m || m.type !== 'tether.context' || !m.record) return;
  const { type, source, external_id: externalId } = m.record;
  if (typeof type !== 'string' || typeof source !== 'string' || typeof externalId !== 'string') return;
  rememberHost(event.origin);
  let r;
  try {
    r = await get(`/records${seg(type)}/by-external${seg(source, externalId)}`);
  } catch (e) {
    if (e.status === 401) return; // the session ended: its notice is shown
    // Not in Tether, or not readable: nothing of it is shown — and not the previous ticket's
    // panel either, where the agent would write about the wrong ticket.
    main.replaceChildren(
      h('section', { class: 'card narrow', id: 'embed-unavailable', role: 'status' }, h('h1', {}, t('embed-failed')), h('p', {}, t('embed-ticket-unavailable'))),
    );
    tellHeight();
    return;
  }
  // Replace, not assign: a new entry in the frame's history would let the browser's Back step
  // the panel to another ticket than the host shows.
  location.replace(`/embed/records${seg(r.type, r.id)}`);
});

new ResizeObserver(
  debounce(tellHeight, 100),
).observe(main);

// Tether's other pages may not be framed (frame-ancestors 'none'): a link to one of them —
// a similar record, the chat app, a chat's record — opens in a new tab instead of breaking
// the sidebar. Links within the panel (/embed/…) and downloads stay in the frame.
document.addEventListener(
  'click',
  (event) => {
    const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!a || a.hasAttribute('download')) return;
    let url;
    try {
      url = new URL(a.href, location.href);
    } catch {
      return;
    }
    if (url.origin === location.origin && url.pathname.startsWith('/embed/')) return;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
    a.target = '_blank';
    a.rel = 'noopener';
  },
  true,
);
for (const type of ['message.created', 'chat.created', 'member.removed', 'resync']) events.on(type, unreadSoon);

events.start();
start();
countUnread();

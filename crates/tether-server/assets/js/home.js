// My work (`/`): my records by type with search, and my recent chats with unread counts.

import { get, qs, recordTypes, seg } from './api.js';
import { avatar, boot, debounce, h, recordHref, relTime } from './dom.js';
import * as events from './events.js';
import { icon } from './icons.js';
import { recordChips } from './chat.js';
import { startShell } from './shell.js';

startShell();

const main = document.getElementById('main');
const KEY = `tether.home.type.${boot.userId}`;
const state = { type: localStorage.getItem(KEY) || 'case', q: '', types: [] };

const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Record types' });
const search = h('input', { type: 'search', id: 'record-search', placeholder: 'Name or number', autocomplete: 'off' });
const table = h('div', { class: 'record-table', id: 'records-panel', role: 'tabpanel', 'aria-live': 'polite' });
const chats = h('div', { class: 'recent-chats' });
// The records page of the chosen type: every record the user may read, not only their own.
const allLink = h('a', { class: 'btn ghost small', id: 'all-records-link' });
const hour = new Date().getHours();
const greeting = hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';

main.replaceChildren(
  h(
    'div',
    { class: 'home' },
    h('header', { class: 'page-head' }, h('h1', {}, `${greeting}, ${boot.userName.split(' ')[0]}`), h('p', { class: 'muted' }, 'Your records and your latest conversations.')),
    h(
      'div',
      { class: 'home-grid' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'my-records' },
        h('div', { class: 'card-head' }, h('h2', { id: 'my-records' }, 'My records'), h('div', { class: 'field search-field' }, h('label', { for: search.id, class: 'visually-hidden' }, 'Search my records'), icon('search'), search)),
        tabs,
        table,
        h('p', { class: 'all-records' }, allLink),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'my-chats' },
        h('div', { class: 'card-head' }, h('h2', { id: 'my-chats' }, 'Recent chats'), h('a', { href: '/chats', class: 'btn ghost small' }, 'Open chat app')),
        chats,
      ),
    ),
  ),
);

function drawAllLink() {
  const t = state.types.find((x) => x.name === state.type);
  allLink.href = `/records${seg(state.type)}`;
  allLink.textContent = `All ${t?.display_name || state.type} records`;
}

function drawTabs() {
  drawAllLink();
  tabs.replaceChildren(
    ...state.types.map((t) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'tab',
          id: `type-tab-${t.name}`,
          'aria-selected': String(t.name === state.type),
          'aria-controls': 'records-panel',
          tabindex: t.name === state.type ? '0' : '-1',
          onClick: () => choose(t.name),
        },
        t.display_name,
      ),
    ),
  );
}

tabs.addEventListener('keydown', (e) => {
  const i = state.types.findIndex((t) => t.name === state.type);
  const n = state.types.length;
  const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  choose(state.types[to].name);
  document.getElementById(`type-tab-${state.types[to].name}`)?.focus();
});

function choose(type) {
  state.type = type;
  localStorage.setItem(KEY, type);
  drawTabs();
  loadRecords();
}

const STATE_LABEL = { active: 'Active', resolved: 'Resolved', cancelled: 'Cancelled' };

async function loadRecords() {
  const type = state.type;
  table.setAttribute('aria-labelledby', `type-tab-${type}`);
  table.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  try {
    const res = await get(`/records${seg(type)}${qs({ owner: 'me', q: state.q, limit: 25 })}`);
    if (type !== state.type) return;
    const t = state.types.find((x) => x.name === type);
    if (!res.items.length) {
      table.replaceChildren(h('p', { class: 'empty muted' }, state.q ? 'Nothing matches your search.' : `You own no ${(t?.display_name || type).toLowerCase()} records.`));
      return;
    }
    table.replaceChildren(
      h(
        'table',
        { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Number'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Updated'))),
        h(
          'tbody',
          {},
          res.items.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: recordHref(r.type, r.id), class: 'record-link' }, r.name)),
              h('td', { class: 'mono muted nowrap' }, r.number || '—'),
              h('td', {}, h('span', { class: `state ${r.state}` }, STATE_LABEL[r.state] || r.state)),
              h('td', { class: 'muted nowrap' }, relTime(r.updated_at)),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    table.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
  }
}

async function loadChats() {
  if (!boot.collab || !boot.collabUse) {
    chats.replaceChildren(
      h('p', { class: 'notice' }, !boot.collab ? 'Collaboration is turned off on this server; an administrator can enable it.' : 'You need the collab.use privilege to use chats; ask an administrator.'),
    );
    return;
  }
  try {
    const res = await get('/chats?limit=8');
    if (!res.items.length) {
      chats.replaceChildren(h('p', { class: 'empty muted' }, 'No chats yet. Open a record to start one, or use the chat app.'));
      return;
    }
    chats.replaceChildren(
      h(
        'ul',
        { class: 'chatlist-items' },
        res.items.map((c) => {
          const others = (c.members || []).filter((m) => m.id !== boot.userId);
          return h(
            'li',
            {},
            h(
              'a',
              { href: `/chats/${encodeURIComponent(c.id)}`, class: `chat-item ${c.unread ? 'unread' : ''}` },
              c.kind === 'one_on_one' && others[0] ? avatar(others[0].name, others[0].id) : h('span', { class: 'avatar group', 'aria-hidden': 'true' }, icon('users')),
              h(
                'span',
                { class: 'chat-item-main' },
                h('span', { class: 'chat-item-top' }, h('span', { class: 'chat-item-name' }, c.name), h('span', { class: 'chat-item-time' }, relTime(c.last_activity_at))),
                h('span', { class: 'chat-item-sub' }, recordChips(c.records) || h('span', { class: 'muted' }, `${c.member_count} members`), c.unread ? h('span', { class: 'count', 'aria-label': `${c.unread} unread` }, String(c.unread)) : null),
              ),
            ),
          );
        }),
      ),
    );
  } catch (e) {
    chats.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
  }
}

search.addEventListener(
  'input',
  debounce(() => {
    state.q = search.value.trim();
    loadRecords();
  }, 250),
);

try {
  state.types = [...(await recordTypes()).values()];
  if (!state.types.some((t) => t.name === state.type)) state.type = state.types[0]?.name || 'case';
  drawTabs();
  loadRecords();
} catch (e) {
  table.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
}
loadChats();
const reload = debounce(loadChats, 500);
for (const t of ['message.created', 'chat.created', 'chat.updated', 'resync']) events.on(t, reload);

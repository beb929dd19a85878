// My work (`/`): my records by type with search, and my recent chats with unread counts.

import { get, qs, recordTypes, seg } from './api.js';
import { avatar, boot, debounce, h, recordHref, relTime } from './dom.js';
import * as events from './events.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { recordChips } from './chat.js';
import { currentHour } from './format.js';
import { startShell } from './shell.js';

startShell();

const main = document.getElementById('main');
const KEY = `tether.home.type.${boot.userId}`;
const state = { type: localStorage.getItem(KEY) || 'case', q: '', types: [] };

const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('home-record-types') });
const search = h('input', { type: 'search', id: 'record-search', placeholder: t('home-search-placeholder'), autocomplete: 'off' });
const table = h('div', { class: 'record-table', id: 'records-panel', role: 'tabpanel', 'aria-live': 'polite' });
const chats = h('div', { class: 'recent-chats' });
// The records page of the chosen type: every record the user may read, not only their own.
const allLink = h('a', { class: 'btn ghost small', id: 'all-records-link' });
const hour = currentHour();
const firstName = boot.userName.split(' ')[0];
const greeting = hour < 12 ? t('home-greeting-morning', { name: firstName }) : hour < 18 ? t('home-greeting-afternoon', { name: firstName }) : t('home-greeting-evening', { name: firstName });

main.replaceChildren(
  h(
    'div',
    { class: 'home' },
    h('header', { class: 'page-head' }, h('h1', {}, greeting), h('p', { class: 'muted' }, t('home-intro'))),
    h(
      'div',
      { class: 'home-grid' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'my-records' },
        h('div', { class: 'card-head' }, h('h2', { id: 'my-records' }, t('home-my-records')), h('div', { class: 'field search-field' }, h('label', { for: search.id, class: 'visually-hidden' }, t('home-search-label')), icon('search'), search)),
        tabs,
        table,
        h('p', { class: 'all-records' }, allLink),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'my-chats' },
        h('div', { class: 'card-head' }, h('h2', { id: 'my-chats' }, t('home-recent-chats')), h('a', { href: '/chats', class: 'btn ghost small' }, t('home-open-chat-app'))),
        chats,
      ),
    ),
  ),
);

function drawAllLink() {
  const type = state.types.find((x) => x.name === state.type);
  allLink.href = `/records${seg(state.type)}`;
  allLink.textContent = type?.words.lower ? t('home-all-of-type', { types: type.words.lower }) : t('home-all-records', { type: type?.display_name || state.type });
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

const STATE_LABEL = { active: () => t('record-state-active'), resolved: () => t('record-state-resolved'), cancelled: () => t('record-state-cancelled') };

async function loadRecords() {
  const type = state.type;
  table.setAttribute('aria-labelledby', `type-tab-${type}`);
  table.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('loading')));
  try {
    const res = await get(`/records${seg(type)}${qs({ owner: 'me', q: state.q, limit: 25 })}`);
    if (type !== state.type) return;
    const ty = state.types.find((x) => x.name === type);
    if (!res.items.length) {
      table.replaceChildren(h('p', { class: 'empty muted' }, state.q ? t('home-no-match') : ty?.words.lower ? t('home-none-of-type', { types: ty.words.lower }) : t('home-no-records', { type: ty?.display_name || type })));
      return;
    }
    table.replaceChildren(
      h(
        'table',
        { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('home-col-name')), h('th', { scope: 'col' }, t('home-col-number')), h('th', { scope: 'col' }, t('home-col-state')), h('th', { scope: 'col' }, t('home-col-updated')))),
        h(
          'tbody',
          {},
          res.items.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: recordHref(r.type, r.id), class: 'record-link' }, r.name)),
              h('td', { class: 'mono muted nowrap' }, r.number || '—'),
              h('td', {}, h('span', { class: `state ${r.state}` }, STATE_LABEL[r.state]?.() || r.state)),
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
      h('p', { class: 'notice' }, !boot.collab ? t('problem-collab-disabled') : t('problem-collab-privilege_missing')),
    );
    return;
  }
  try {
    const res = await get('/chats?limit=8');
    if (!res.items.length) {
      chats.replaceChildren(h('p', { class: 'empty muted' }, t('home-no-chats')));
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
                h('span', { class: 'chat-item-sub' }, recordChips(c.records) || h('span', { class: 'muted' }, t('home-members', { count: c.member_count })), c.unread ? h('span', { class: 'count', 'aria-label': t('shell-unread', { count: c.unread }) }, String(c.unread)) : null),
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

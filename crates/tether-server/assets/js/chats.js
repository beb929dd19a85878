// The chat app (R20): every chat and channel of the user in a list with live unread counts,
// and the chat control full-width beside it. `/chats/{id}` opens that chat. The box above the
// list filters chats by name or person and searches the messages of all the user's chats and
// channels (R24, `GET /search`): hits show under "Messages" and open the chat at the message.

import { get, qs } from './api.js';
import { avatar, boot, debounce, h, relTime } from './dom.js';
import * as events from './events.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { recordChips } from './chat.js';
import { ChatDock, newChatDialog } from './dock.js';
import { paneSwitch } from './layout.js';
import { messageSearch } from './search.js';
import { setChatVisibleProbe, startShell } from './shell.js';

startShell();

const main = document.getElementById('main');
const state = { chats: [], channels: [], next: null, filter: '' };

const filter = h('input', { type: 'search', id: 'chat-filter', placeholder: t('chats-search'), autocomplete: 'off' });
const chatList = h('ul', { class: 'chatlist-items', 'aria-labelledby': 'chats-heading' });
const channelList = h('ul', { class: 'chatlist-items', 'aria-labelledby': 'channels-heading' });
const channelSection = h('div', { hidden: true }, h('h2', { class: 'chatlist-heading', id: 'channels-heading' }, t('chats-channels')), channelList);
const more = h('button', { type: 'button', class: 'btn ghost small wide', hidden: true, onClick: () => loadChats(true) }, t('chats-show-older'));
const listError = h('p', { class: 'error', role: 'alert', hidden: true });
const newBtn = h('button', { type: 'button', class: 'btn primary small', id: 'new-chat' }, icon('plus'), t('chats-new-chat'));
const search = messageSearch({
  path: '/search',
  input: filter,
  onOpen: (hit) => dock.open({ id: hit.chat.id, name: hit.chat.name, kind: hit.chat.kind }).reveal(hit.message.id),
});
const searchSection = h('div', { id: 'message-hits', hidden: true }, h('h2', { class: 'chatlist-heading', id: 'messages-heading' }, t('chats-messages')), search.el);

const empty = h(
  'div',
  { class: 'empty-state' },
  icon('message', 'big'),
  h('h2', {}, t('chats-empty-title')),
  h('p', { class: 'muted' }, t('chats-empty-text')),
);

const aside = h(
  'aside',
  { class: 'chatlist', 'aria-label': t('chats-list-label') },
  h('div', { class: 'chatlist-head' }, h('h1', {}, t('chats-title')), newBtn),
  h('div', { class: 'field search-field' }, h('label', { for: filter.id, class: 'visually-hidden' }, t('chats-search')), icon('search'), filter),
  listError,
  h('h2', { class: 'chatlist-heading', id: 'chats-heading' }, t('chats-recent')),
  chatList,
  more,
  channelSection,
  searchSection,
);
const dockHost = h('div', { class: 'chatapp-main' });
main.replaceChildren(h('div', { class: 'chatapp' }, aside, dockHost));
paneSwitch(main.firstElementChild, [{ el: aside, key: 'list', label: t('chats-pane-list') }, { el: dockHost, key: 'chat', label: t('chats-pane-chat') }], { label: t('chats-pane-parts') });

const dock = new ChatDock(dockHost, {
  mode: 'full',
  empty,
  onChange: (id) => {
    history.replaceState(null, '', id ? `/chats/${encodeURIComponent(id)}` : '/chats');
    drawList();
  },
  onRead: (id, unread) => {
    const c = state.chats.find((x) => x.id === id);
    if (c) c.unread = unread;
    drawList();
  },
});
setChatVisibleProbe((id) => dock.isVisible(id));

function subtitle(c, others) {
  if (c.kind === 'channel') return t('chats-team-channel');
  if (c.kind === 'one_on_one') return t('chats-direct-chat');
  const names = others.map((m) => m.name.split(' ')[0]);
  if (names.length > 3) return t('chats-you-and-more', { names: names.slice(0, 3).join(', '), more: names.length - 3 });
  return names.length ? t('chats-you-and', { names: names.join(', ') }) : t('chats-you');
}

function item(c) {
  const active = dock.activeId === c.id;
  const others = (c.members || []).filter((m) => m.id !== boot.userId);
  const face =
    c.kind === 'channel'
      ? h('span', { class: 'avatar channel', 'aria-hidden': 'true' }, icon('hash'))
      : c.kind === 'one_on_one' && others[0]
        ? avatar(others[0].name, others[0].id)
        : h('span', { class: 'avatar group', 'aria-hidden': 'true' }, icon('users'));
  return h(
    'li',
    {},
    h(
      'a',
      {
        href: `/chats/${encodeURIComponent(c.id)}`,
        class: `chat-item ${active ? 'active' : ''} ${c.unread ? 'unread' : ''}`,
        'aria-current': active ? 'true' : null,
        onClick: (e) => {
          e.preventDefault();
          dock.open(c);
        },
      },
      face,
      h(
        'span',
        { class: 'chat-item-main' },
        h('span', { class: 'chat-item-top' }, h('span', { class: 'chat-item-name' }, c.name), h('span', { class: 'chat-item-time' }, relTime(c.last_activity_at))),
        h(
          'span',
          { class: 'chat-item-sub' },
          c.records?.length ? recordChips(c.records) : h('span', { class: 'muted ellipsis' }, subtitle(c, others)),
          c.unread ? h('span', { class: 'count', 'aria-label': t('chats-unread', { count: c.unread }) }, String(c.unread)) : null,
        ),
      ),
    ),
  );
}

const fold = (s) => (s || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The filtered list, best first: chats whose *name* matches the filter come before chats that
 * only include a matching person; each group keeps its most-recent-first order.
 */
function rankByName(chats, filterText) {
  const q = fold(filterText.trim());
  if (!q) return chats;
  const named = chats.filter((c) => fold(c.name).includes(q));
  return named.concat(chats.filter((c) => !named.includes(c)));
}

function drawList() {
  const chats = rankByName(state.chats, state.filter);
  chatList.replaceChildren(...(chats.length ? chats.map(item) : [h('li', { class: 'muted pad' }, state.filter ? t('chats-no-match') : t('chats-none'))]));
  more.hidden = !state.next;
  channelList.replaceChildren(...state.channels.map((c) => item({ ...c, kind: 'channel' })));
  channelSection.hidden = state.channels.length === 0;
}

async function loadChats(append = false) {
  listError.hidden = true;
  try {
    const res = await get(`/chats${qs({ filter: state.filter, limit: 50, before: append ? state.next : '' })}`);
    state.chats = append ? state.chats.concat(res.items) : res.items;
    state.next = res.next_before || null;
    drawList();
  } catch (e) {
    listError.textContent = e.message;
    listError.hidden = false;
    state.chats = [];
    drawList();
    if (e.status === 403) {
      newBtn.disabled = true;
      empty.replaceChildren(icon('lock', 'big'), h('h2', {}, t('chats-unavailable')), h('p', { class: 'error', role: 'alert' }, e.message));
    }
  }
}

async function loadChannels() {
  try {
    const res = await get('/channels');
    state.channels = (res.items || []).filter((c) => !state.filter || c.name.toLowerCase().includes(state.filter.toLowerCase()));
  } catch {
    state.channels = [];
  }
  drawList();
}

filter.addEventListener(
  'input',
  debounce(() => {
    state.filter = filter.value.trim();
    loadChats();
    loadChannels();
    searchSection.hidden = state.filter.length < 2;
    search.run(state.filter);
  }, 250),
);

newBtn.addEventListener('click', async () => {
  const chat = await newChatDialog();
  if (chat) {
    await loadChats();
    dock.open(chat);
  }
});

const reload = debounce(() => loadChats(), 400);
for (const type of ['chat.created', 'chat.updated', 'member.added', 'member.removed', 'resync']) events.on(type, reload);
events.on('message.created', (e) => {
  const c = state.chats.find((x) => x.id === e.chat_id);
  if (!c) return reload();
  c.last_activity_at = e.message.created_at;
  if (e.message.sender?.id !== boot.userId && !dock.isVisible(c.id)) c.unread = (c.unread || 0) + 1;
  state.chats = [c, ...state.chats.filter((x) => x !== c)];
  drawList();
});

await loadChats();
loadChannels();
if (boot.chatId) {
  const known = state.chats.find((c) => c.id === boot.chatId);
  dock.open(known || boot.chatId);
} else if (state.chats.length) {
  // Like any chat client: open on the most recent conversation.
  dock.open(state.chats[0], { focus: false });
}

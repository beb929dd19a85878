// The record's collaboration panel (SPEC R3–R14, R21), two tabs:
//   Chats: filter, New chat, New connected chat, and the sections Connected to this record
//          (locked entries can be joined), Suggested contacts, Connected to other records and
//          Other chats, each chat with a "…" menu (open, connect, disconnect, …).
//   Channels: the channels connected to the record, and Connect a channel.
//   Search: full-text search of the messages in the record's connected chats and channels the
//          user is a member of (R24), however old (R27).
// The lists come from `GET /records/{type}/{id}/collaboration?filter=`, search hits from
// `GET /records/{type}/{id}/search?q=`.

import { ApiError, del, get, post, qs, recordTypesNow, seg } from './api.js';
import { avatar, boot, debounce, fmtDay, h, recordHref, relTime, toast } from './dom.js';
import { confirmDialog, openDialog } from './dialog.js';
import * as events from './events.js';
import { locale, t } from './i18n.js';
import { icon } from './icons.js';
import { menuButton } from './menu.js';
import { messageSearch } from './search.js';
import { recordChips } from './chat.js';
import { newChatDialog } from './dock.js';
import { peoplePicker } from './people.js';
import { startTour, tourSeen } from './tour.js';

const SHOWN_PER_KIND = 3;

const sentence = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** Why the panel could not load, in words (R1: the server's detail says what is missing). */
function explain(e) {
  if (e instanceof ApiError && e.status === 404 && /no such endpoint/i.test(e.message)) {
    return t('panel-unavailable');
  }
  return sentence(e.message);
}

/** Joins a chat from a record (R14). Resolves to the chat, or null after showing why not. */
export async function joinChat(chat, record) {
  try {
    return await post(`/chats${seg(chat.id)}/join`, { record: { type: record.type, id: record.id } });
  } catch (e) {
    openDialog({
      title: t('panel-cannot-join-title', { name: chat.name }),
      body: [h('p', { class: 'error' }, sentence(e.message)), h('p', { class: 'muted' }, t('panel-member-can-add'))],
      actions: [{ label: t('panel-ok'), kind: 'primary' }],
    });
    return null;
  }
}

/** Why the caller cannot join this record's chats, from the panel's `join_denied` code (the
 *  server's `join_denied_reason` is English). */
function joinDeniedText(code) {
  if (code === 'setting_off') return t('panel-join-off');
  if (code === 'read_only') return t('panel-join-needs-write');
  return t('panel-join-not-possible');
}

/** A record type as the reasons' words name it: `type`, its API name where the catalog has
 *  words for it (a standard type under its built-in name), else `other`; `typeName`, its name
 *  in the page's language in lower case; `display`, that name as written. */
function typeArgs(name) {
  const ty = recordTypesNow()?.get(name);
  const display = ty?.display_name || name || '';
  return { type: ty?.words?.lower ? name : 'other', typeName: display.toLocaleLowerCase(locale), display };
}

/** The record a similarity reason names: its number and (when readable) its name. */
function exampleText(example, display) {
  const number = example?.number || display;
  return example?.name ? t('panel-reason-example', { number, name: example.name }) : number;
}

/** Why a person is suggested (one of a suggestion's `why`, SPEC R12) in the page's language,
 *  or `english` (the server's `reasons[i]`) for a code these words do not know. */
function reasonText(why, english) {
  const words = {
    owner: (w) => t('panel-reason-owner', typeArgs(w.record_type)),
    previous_owner: (w) => t('panel-reason-previous_owner', typeArgs(w.record_type)),
    team_admin: (w) => t('panel-reason-team_admin', { ...typeArgs(w.record_type), team: w.team }),
    team_member_activity: (w) => t('panel-reason-team_member_activity', { team: w.team, what: w.what, date: fmtDay(w.at) }),
    connected_conversation: (w) => t('panel-reason-connected_conversation', typeArgs(w.record_type)),
    logged_activity: (w) => t('panel-reason-logged_activity', { what: w.what, date: fmtDay(w.at) }),
    related_owner: (w) => t('panel-reason-related_owner', { ...typeArgs(w.record_type), name: w.name }),
    resolved_similar: (w) => {
      const ty = typeArgs(w.record_type);
      return t('panel-reason-resolved_similar', { ...ty, count: w.count, example: exampleText(w.example, ty.display) });
    },
  };
  return why && Object.hasOwn(words, why.code) ? words[why.code](why) : english || '';
}

/** Why a read-only user cannot start a connected chat (shown on the disabled buttons). */
const READ_ONLY_REASON = t('panel-read-only-reason');

export class CollabPanel {
  /** `record`: the record (with `owner`, `can_write`); `type`: its record type with settings. */
  constructor(host, { record, type, openChat }) {
    this.host = host;
    this.record = record;
    this.type = type;
    this.settings = type.settings || {};
    this.openChat = openChat;
    this.filter = '';
    this.tab = 'chats';
    this.data = null;
    this.expanded = new Set();
    this.shownChatIds = new Set();
    this.build();
    this.reload();
    this.listen();
  }

  get base() {
    return `/records${seg(this.record.type, this.record.id)}`;
  }

  build() {
    this.filterInput = h('input', { type: 'search', id: 'panel-filter', placeholder: t('panel-filter-placeholder'), autocomplete: 'off' });
    this.filterInput.addEventListener(
      'input',
      debounce(() => {
        this.filter = this.filterInput.value.trim();
        this.reload();
      }, 250),
    );
    this.chatsTab = this.tabButton('chats', t('panel-tab-chats'), 'message');
    this.channelsTab = this.tabButton('channels', t('panel-tab-channels'), 'hash');
    this.chatsBody = h('div', { class: 'panel-sections', id: 'panel-chats', role: 'tabpanel', 'aria-labelledby': 'panel-tab-chats' });
    this.channelsBody = h('div', { class: 'panel-sections', id: 'panel-channels', role: 'tabpanel', 'aria-labelledby': 'panel-tab-channels', hidden: true });
    this.searchTab = this.tabButton('search', t('panel-tab-search'), 'search');
    this.search = messageSearch({
      id: 'panel-search',
      path: `${this.base}/search`,
      placeholder: t('panel-search-placeholder'),
      label: t('panel-search-label'),
      onOpen: (hit) => this.openChat({ id: hit.chat.id, name: hit.chat.name, kind: hit.chat.kind }).reveal(hit.message.id),
    });
    this.searchBody = h(
      'div',
      { class: 'panel-sections', id: 'panel-search-tab', role: 'tabpanel', 'aria-labelledby': 'panel-tab-search', hidden: true },
      h('p', { class: 'muted small' }, t('panel-search-hint')),
      this.search.el,
    );
    this.newChat = h('button', { type: 'button', class: 'btn ghost small', id: 'panel-new-chat', dataset: { tour: 'new-chat' } }, icon('plus'), t('panel-new-chat'));
    this.newConnected = h('button', { type: 'button', class: 'btn primary small', id: 'panel-new-connected', dataset: { tour: 'new-connected' } }, icon('link'), t('panel-new-connected-chat'));
    this.newChat.addEventListener('click', () => this.startUnconnected());
    this.newConnected.addEventListener('click', () => this.connectedChatDialog([]));
    this.readOnlyNote = h('p', { class: 'muted small read-only-note', id: 'panel-read-only-note', hidden: true }, READ_ONLY_REASON);
    if (!this.record.can_write) {
      // A connected chat needs write access to the record: say so before the form, not after.
      this.newConnected.disabled = true;
      this.newConnected.title = READ_ONLY_REASON;
      this.newConnected.setAttribute('aria-describedby', this.readOnlyNote.id);
      this.readOnlyNote.hidden = false;
    }
    this.help = h('button', { type: 'button', class: 'icon-btn', id: 'panel-help', 'aria-label': t('panel-show-tour'), title: t('panel-tour'), onClick: () => this.tour(true) }, icon('help'));
    this.refresh = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('panel-refresh-label'), title: t('panel-refresh'), onClick: () => this.reload() }, icon('refresh'));
    const tabs = h('div', { class: 'panel-tabs', role: 'tablist', 'aria-label': t('panel-collaboration') }, this.chatsTab, this.channelsTab, this.searchTab);
    tabs.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      const order = ['chats', 'channels', 'search'];
      const next = order[(order.indexOf(this.tab) + (e.key === 'ArrowRight' ? 1 : order.length - 1)) % order.length];
      this.showTab(next);
      this.tabButtons()[next].focus();
    });
    this.el = h(
      'div',
      { class: 'panel', dataset: { tour: 'panel' } },
      h('header', { class: 'panel-head' }, h('h2', {}, t('panel-collaboration')), h('div', { class: 'row gap-xs' }, this.refresh, this.help)),
      tabs,
      h(
        'div',
        { class: 'panel-tools', id: 'panel-tools' },
        h('div', { class: 'field search-field', dataset: { tour: 'filter' } }, h('label', { for: this.filterInput.id, class: 'visually-hidden' }, t('panel-filter-label')), icon('search'), this.filterInput),
        h('div', { class: 'row gap-s' }, this.newConnected, this.newChat),
        this.readOnlyNote,
      ),
      this.chatsBody,
      this.channelsBody,
      this.searchBody,
    );
    this.host.replaceChildren(this.el);
  }

  tabButton(name, label, ic) {
    const b = h(
      'button',
      { type: 'button', role: 'tab', id: `panel-tab-${name}`, class: 'panel-tab', 'aria-controls': `panel-${name}`, 'aria-selected': String(name === 'chats'), tabindex: name === 'chats' ? '0' : '-1', dataset: { tour: `tab-${name}` } },
      icon(ic),
      label,
    );
    b.addEventListener('click', () => this.showTab(name));
    return b;
  }

  tabButtons() {
    return { chats: this.chatsTab, channels: this.channelsTab, search: this.searchTab };
  }

  showTab(name) {
    this.tab = name;
    for (const [n, b, body] of [
      ['chats', this.chatsTab, this.chatsBody],
      ['channels', this.channelsTab, this.channelsBody],
      ['search', this.searchTab, this.searchBody],
    ]) {
      b.setAttribute('aria-selected', String(n === name));
      b.tabIndex = n === name ? 0 : -1;
      body.hidden = n !== name;
    }
    this.el.querySelector('#panel-tools').hidden = name !== 'chats';
    if (name === 'search') this.search.input.focus();
  }

  listen() {
    const soon = debounce(() => this.reload(), 700);
    const mine = (e) => this.shownChatIds.has(e.chat_id || e.chat?.id);
    const about = (e) => e.record?.id === this.record.id || e.record_id === this.record.id;
    events.on('message.created', (e) => mine(e) && soon());
    events.on('chat.updated', (e) => mine(e) && soon());
    events.on('chat.created', soon);
    events.on('member.added', soon);
    events.on('member.removed', soon);
    events.on('connection.added', (e) => (about(e) || mine(e)) && soon());
    events.on('connection.removed', (e) => (about(e) || mine(e)) && soon());
    events.on('resync', soon);
  }

  // --- loading ------------------------------------------------------------------------

  async reload() {
    if (!this.data) this.chatsBody.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('panel-loading')));
    try {
      this.data = await get(`${this.base}/collaboration${qs({ filter: this.filter })}`);
      this.draw();
      this.tour(false);
    } catch (e) {
      this.data = null;
      const forbidden = e.status === 403;
      const box = h('div', { class: `panel-message ${forbidden ? 'locked' : ''}`, role: 'alert' }, icon(forbidden ? 'lock' : 'alert', 'big'), h('p', {}, explain(e)));
      this.chatsBody.replaceChildren(box);
      this.channelsBody.replaceChildren(box.cloneNode(true));
      if (forbidden) {
        this.newChat.disabled = true;
        this.newConnected.disabled = true;
        this.filterInput.disabled = true;
        this.search.input.disabled = true;
      } else this.tour(false);
    }
  }

  tour(force) {
    if (force) startTour(this);
    else if (!this.tourShown && !tourSeen()) {
      this.tourShown = true;
      startTour(this);
    }
  }

  // --- drawing ------------------------------------------------------------------------

  section(id, title, items, { empty, tour, extra } = {}) {
    return h(
      'section',
      { class: 'panel-section', 'aria-labelledby': `sec-${id}`, id: `section-${id}`, dataset: tour ? { tour } : {} },
      h('h3', { id: `sec-${id}`, class: 'section-title' }, title, h('span', { class: 'section-count' }, String(items.length))),
      items.length ? h('ul', { class: 'entries' }, items) : h('p', { class: 'section-empty muted' }, empty),
      extra,
    );
  }

  draw() {
    const d = this.data;
    const list = (x) => (Array.isArray(x) ? x : x?.items || []);
    const connected = list(d.connected);
    const otherRecords = list(d.other_records);
    const otherChats = list(d.other_chats);
    this.shownChatIds = new Set([...connected, ...otherRecords, ...otherChats].map((c) => c.id));
    const f = this.filter;
    this.chatsBody.replaceChildren(
      this.section('connected', t('panel-connected'), connected.map((c) => this.entry(c, 'connected')), {
        empty: f ? t('panel-connected-empty-filtered', { filter: f }) : t('panel-connected-empty'),
        tour: 'connected',
        extra: d.join_denied
          ? h('p', { class: 'section-note', id: 'join-denied' }, icon('lock'), h('span', {}, t('panel-join-denied', { reason: joinDeniedText(d.join_denied) })))
          : null,
      }),
      this.suggestions(list(d.suggested_contacts)),
      this.section('other-records', t('panel-other-records'), otherRecords.map((c) => this.entry(c, 'other_records')), {
        empty: f ? t('panel-other-records-empty-filtered', { filter: f }) : t('panel-other-records-empty'),
      }),
      this.section('other-chats', t('panel-other-chats'), otherChats.map((c) => this.entry(c, 'other_chats')), { empty: f ? t('panel-other-chats-empty-filtered', { filter: f }) : t('panel-other-chats-empty') }),
    );
    this.drawChannels(list(d.channels));
  }

  face(c) {
    if (c.locked || (!c.is_member && c.is_member !== undefined)) return h('span', { class: 'avatar lock', 'aria-hidden': 'true' }, icon('lock'));
    if (c.kind === 'one_on_one') return avatar(c.name, c.id);
    return h('span', { class: 'avatar group', 'aria-hidden': 'true' }, icon('users'));
  }

  /** Whether the user may disconnect `c` from this record (R11a), as far as the client knows. */
  mayDisconnect(c) {
    if (typeof c.can_disconnect === 'boolean') return c.can_disconnect;
    const ownsRecord = this.record.owner?.user_id === boot.userId;
    return boot.collabDisconnect || (ownsRecord && this.settings.owner_may_disconnect !== false);
  }

  entry(c, where) {
    const locked = c.locked || c.is_member === false;
    const sub = [
      h('span', {}, t('panel-members', { count: c.member_count ?? '?' })),
      c.last_activity_at ? h('span', {}, ` · ${t('panel-active', { time: relTime(c.last_activity_at) })}`) : null,
      where === 'connected' && c.connected_by && !locked ? h('span', {}, ` · ${c.connected_by.id === boot.userId ? t('panel-connected-by-you') : t('panel-connected-by', { name: c.connected_by.name })}`) : null,
    ];
    const name = locked
      ? h('span', { class: 'entry-name' }, c.name)
      : h('button', { type: 'button', class: 'entry-name link-like', onClick: () => this.openChat(c) }, c.name);
    let actions;
    if (locked) {
      // The record's owner (setting on) and holders of collab.disconnect may disconnect a chat
      // they are not in (R11a): the server says so with `can_disconnect`.
      actions = [
        c.can_join ? h('button', { type: 'button', class: 'btn join small', 'aria-label': t('panel-join-chat', { name: c.name }), onClick: () => this.join(c) }, t('panel-join')) : null,
        where === 'connected' && c.can_disconnect === true
          ? h('button', { type: 'button', class: 'btn ghost small danger', 'aria-label': t('panel-disconnect-chat', { name: c.name }), title: t('panel-disconnect'), onClick: () => this.disconnect(c) }, icon('unlink'))
          : null,
      ];
    } else {
      actions = menuButton({ label: t('panel-actions-for', { name: c.name }), items: () => this.menuItems(c, where) });
    }
    return h(
      'li',
      { class: `entry ${locked ? 'locked' : ''}`, dataset: { chatId: c.id } },
      this.face(c),
      h(
        'div',
        { class: 'entry-main' },
        name,
        h('div', { class: 'entry-sub' }, sub),
        locked
          ? h('p', { class: 'entry-note' }, c.can_join ? t('panel-hover-and-join') : this.noJoinReason(c))
          : null,
        where === 'other_records' ? recordChips(c.records) : null,
      ),
      h('div', { class: 'entry-actions' }, actions),
    );
  }

  noJoinReason(c) {
    if (this.data?.join_denied) return joinDeniedText(this.data.join_denied);
    if (this.settings.join_chat === false) return t('panel-join-off');
    if (!this.record.can_write) return t('panel-join-needs-write');
    return t('panel-join-not-possible');
  }

  menuItems(c, where) {
    const items = [{ label: t('panel-open-chat'), icon: 'message', onSelect: () => this.openChat(c) }];
    if (where === 'connected') {
      if (this.mayDisconnect(c)) items.push({ label: t('panel-disconnect'), icon: 'unlink', danger: true, onSelect: () => this.disconnect(c) });
    } else {
      items.push({ label: t('panel-connect'), icon: 'link', onSelect: () => this.connect(c) });
      if (c.kind === 'one_on_one') items.push({ label: t('panel-new-connected-with-person'), icon: 'userPlus', onSelect: () => this.connectedWithPartner(c) });
    }
    return items;
  }

  suggestions(items) {
    const byKind = { rule: [], similarity: [] };
    for (const s of items) (byKind[s.source === 'similarity' ? 'similarity' : 'rule'] ||= []).push(s);
    const group = (kind, title) => {
      const all = byKind[kind];
      if (!all.length) return null;
      const open = this.expanded.has(kind);
      const shown = open ? all : all.slice(0, SHOWN_PER_KIND);
      return h(
        'div',
        { class: 'suggest-group' },
        h('h4', { class: 'suggest-title' }, kind === 'similarity' ? icon('sparkles') : null, title),
        h('ul', { class: 'entries' }, shown.map((s) => this.suggestion(s))),
        all.length > SHOWN_PER_KIND
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn link small',
                'aria-expanded': String(open),
                onClick: () => {
                  if (open) this.expanded.delete(kind);
                  else this.expanded.add(kind);
                  this.draw();
                },
              },
              open ? t('panel-view-less') : t('panel-view-more', { count: all.length - SHOWN_PER_KIND }),
            )
          : null,
      );
    };
    const body = [group('rule', t('panel-suggest-rule')), group('similarity', t('panel-suggest-similarity'))].filter(Boolean);
    return h(
      'section',
      { class: 'panel-section', 'aria-labelledby': 'sec-suggested', id: 'section-suggested', dataset: { tour: 'suggested' } },
      h('h3', { id: 'sec-suggested', class: 'section-title' }, t('panel-suggested'), h('span', { class: 'section-count' }, String(items.length))),
      body.length ? body : h('p', { class: 'section-empty muted' }, t('panel-no-suggestions')),
    );
  }

  suggestion(s) {
    const user = s.user || s;
    const english = s.reasons || [];
    const why = Array.isArray(s.why) ? s.why : [];
    const reasons = Array.from({ length: Math.max(english.length, why.length) }, (_, i) => reasonText(why[i], english[i])).filter(Boolean);
    const similar = s.source === 'similarity';
    const confidence = similar && typeof s.confidence === 'number' ? t('panel-match', { percent: Math.round(s.confidence * (s.confidence <= 1 ? 100 : 1)) }) : null;
    const example = similar && s.example_record?.id ? h('a', { class: 'small', href: recordHref(s.example_record.type, s.example_record.id) }, t('panel-open-similar')) : null;
    return h(
      'li',
      { class: 'entry suggestion', dataset: { userId: user.id } },
      avatar(user.name, user.id),
      h(
        'div',
        { class: 'entry-main' },
        h('span', { class: 'entry-name' }, user.name),
        confidence ? h('span', { class: 'tag ai' }, confidence) : null,
        reasons.length ? h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {}, r))) : null,
        example,
      ),
      h(
        'div',
        { class: 'entry-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn ghost small',
            'aria-label': t('panel-start-connected-with', { name: user.name }),
            title: this.record.can_write ? t('panel-start-connected') : READ_ONLY_REASON,
            disabled: !this.record.can_write,
            'aria-describedby': this.record.can_write ? null : this.readOnlyNote.id,
            onClick: () => this.startConnected([user]),
          },
          icon('message'),
          t('panel-chat'),
        ),
      ),
    );
  }

  drawChannels(channels) {
    const entry = (c) =>
      h(
        'li',
        { class: 'entry', dataset: { channelId: c.id } },
        h('span', { class: 'avatar channel', 'aria-hidden': 'true' }, icon('hash')),
        h(
          'div',
          { class: 'entry-main' },
          h('button', { type: 'button', class: 'entry-name link-like', onClick: () => this.openChat({ ...c, kind: 'channel' }) }, c.name),
          h('div', { class: 'entry-sub' }, c.team?.name ? t('panel-channel-team', { team: c.team.name }) : t('panel-channel'), c.last_activity_at ? ` · ${relTime(c.last_activity_at)}` : ''),
          recordChips((c.records || []).filter((r) => r.id !== this.record.id)),
        ),
      );
    const connect = h('button', { type: 'button', class: 'btn primary small', id: 'connect-channel', onClick: () => this.channelDialog() }, icon('plus'), t('panel-connect-channel'));
    const off = this.settings.channels_enabled === false;
    this.channelsBody.replaceChildren(
      h(
        'section',
        { class: 'panel-section', 'aria-labelledby': 'sec-channels' },
        h('div', { class: 'section-head' }, h('h3', { id: 'sec-channels', class: 'section-title' }, t('panel-connected-channels'), h('span', { class: 'section-count' }, String(channels.length))), off ? null : connect),
        off ? h('p', { class: 'notice' }, t('panel-channels-off')) : null,
        channels.length ? h('ul', { class: 'entries' }, channels.map(entry)) : h('p', { class: 'section-empty muted' }, t('panel-no-channels')),
      ),
    );
  }

  // --- actions ------------------------------------------------------------------------

  async join(c) {
    const chat = await joinChat(c, this.record);
    if (chat) {
      toast(t('panel-joined', { name: chat.name || c.name }), 'success');
      this.openChat(chat.id ? chat : c);
      this.reload();
    }
  }

  async connect(c) {
    try {
      await post(`${this.base}/chats`, { chat_id: c.id });
      toast(t('panel-connected-toast', { name: c.name }), 'success');
      this.reload();
    } catch (e) {
      if (e.status === 409 && e.problem?.offer === 'new_connected_chat') this.offer(c, e);
      else openDialog({ title: t('panel-connect-failed'), body: [h('p', { class: 'error' }, sentence(e.message))], actions: [{ label: t('panel-ok'), kind: 'primary' }] });
    }
  }

  /** R11: a one-on-one chat cannot be connected; offer a new connected chat with that person. */
  offer(c, e) {
    openDialog({
      title: t('panel-one-on-one-private'),
      body: [
        h('p', {}, sentence(e.message)),
        h('p', { class: 'muted' }, t('panel-one-on-one-offer')),
      ],
      actions: [
        { label: t('panel-cancel') },
        { label: t('panel-new-connected-with-person'), kind: 'primary', onClick: () => this.connectedWithPartner(c, e.problem) },
      ],
    });
  }

  async connectedWithPartner(c, problem = {}) {
    let partner = problem.user || problem.with || null;
    if (!partner) {
      try {
        const full = await get(`/chats${seg(c.id)}`);
        partner = (full.members || []).find((m) => m.id !== boot.userId);
      } catch (err) {
        toast(err.message, 'error');
        return;
      }
    }
    if (partner) this.connectedChatDialog([{ id: partner.id, name: partner.name }]);
  }

  async disconnect(c) {
    const ok = await confirmDialog(
      t('panel-disconnect-title'),
      t('panel-disconnect-text', { name: c.name, record: this.record.name }),
      t('panel-disconnect-confirm'),
    );
    if (!ok) return;
    try {
      await del(`${this.base}/chats${seg(c.id)}`);
      toast(t('panel-disconnected', { name: c.name }), 'success');
      this.reload();
    } catch (e) {
      openDialog({ title: t('panel-disconnect-failed'), body: [h('p', { class: 'error' }, sentence(e.message))], actions: [{ label: t('panel-ok'), kind: 'primary' }] });
    }
  }

  async startUnconnected() {
    const chat = await newChatDialog();
    if (chat) {
      this.openChat(chat);
      this.reload();
    }
  }

  /** Starts a connected chat right away (a suggestion was chosen). */
  async startConnected(people) {
    try {
      const chat = await post('/chats', {
        member_ids: people.map((p) => p.id),
        record: { type: this.record.type, id: this.record.id },
        send_intro: Boolean(this.settings.intro_message?.enabled),
      });
      this.openChat(chat);
      this.reload();
    } catch (e) {
      toast(sentence(e.message), 'error');
    }
  }

  /** Dialog: a new connected group chat (R9), with the intro card choice (R10). */
  connectedChatDialog(initial) {
    const picker = peoplePicker({ label: t('panel-people'), initial });
    const introOn = Boolean(this.settings.intro_message?.enabled);
    const intro = h('input', { type: 'checkbox', id: 'send-intro', checked: introOn });
    openDialog({
      title: t('panel-new-connected-chat'),
      body: [
        h('p', { class: 'muted' }, t('panel-new-connected-intro', { record: this.record.name })),
        picker.el,
        introOn
          ? h('div', { class: 'check' }, intro, h('label', { for: 'send-intro' }, t('panel-post-intro')))
          : null,
      ],
      actions: [
        { label: t('panel-cancel') },
        {
          label: t('panel-start-chat'),
          kind: 'primary',
          onClick: async () => {
            const ids = picker.selected().map((p) => p.id);
            if (!ids.length) throw new Error(t('panel-choose-other-person'));
            const chat = await post('/chats', { member_ids: ids, record: { type: this.record.type, id: this.record.id }, send_intro: introOn && intro.checked });
            this.openChat(chat);
            this.reload();
          },
        },
      ],
    });
  }

  /** Dialog: create a channel in one of my teams, or pick an existing one (R13). */
  async channelDialog() {
    let teams = [];
    let channels = [];
    try {
      const [teamList, c] = await Promise.all([get('/teams'), get('/channels').catch(() => ({ items: [] }))]);
      teams = teamList.items.filter((x) => x.members.some((m) => m.user.id === boot.userId));
      channels = c.items || [];
    } catch (e) {
      toast(e.message, 'error');
      return;
    }
    const createRadio = h('input', { type: 'radio', name: 'channel-mode', id: 'channel-new', value: 'new', checked: true });
    const existingRadio = h('input', { type: 'radio', name: 'channel-mode', id: 'channel-existing', value: 'existing', disabled: !channels.length });
    const team = h('select', { id: 'channel-team' }, teams.map((x) => h('option', { value: x.id }, x.name)));
    const name = h('input', { type: 'text', id: 'channel-name', value: this.record.name.slice(0, 80), maxlength: '100' });
    const existing = h('select', { id: 'channel-pick', disabled: true }, channels.map((c) => h('option', { value: c.id }, c.team?.name ? `${c.name} (${c.team.name})` : c.name)));
    const sync = () => {
      const isNew = createRadio.checked;
      team.disabled = !isNew;
      name.disabled = !isNew;
      existing.disabled = isNew;
    };
    createRadio.addEventListener('change', sync);
    existingRadio.addEventListener('change', sync);
    openDialog({
      title: t('panel-connect-channel'),
      body: [
        h(
          'fieldset',
          { class: 'choice-box' },
          h('legend', {}, t('panel-create-channel')),
          h('div', { class: 'check' }, createRadio, h('label', { for: 'channel-new' }, t('panel-new-channel-in-team'))),
          teams.length
            ? [h('div', { class: 'field' }, h('label', { for: team.id }, t('panel-team')), team), h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('panel-channel-name')), name)]
            : h('p', { class: 'muted small' }, t('panel-no-team')),
        ),
        h(
          'fieldset',
          { class: 'choice-box' },
          h('legend', {}, t('panel-use-existing')),
          h('div', { class: 'check' }, existingRadio, h('label', { for: 'channel-existing' }, channels.length ? t('panel-existing-channel') : t('panel-no-visible-channels'))),
          channels.length ? h('div', { class: 'field' }, h('label', { for: existing.id }, t('panel-channel')), existing) : null,
        ),
      ],
      actions: [
        { label: t('panel-cancel') },
        {
          label: t('panel-start-collaborating'),
          kind: 'primary',
          onClick: async () => {
            const body = createRadio.checked ? { team_id: team.value, name: name.value.trim() } : { channel_id: existing.value };
            if (createRadio.checked && (!body.team_id || !body.name)) throw new Error(t('panel-choose-team-and-name'));
            const out = await post(`${this.base}/channels`, body);
            const channel = out?.channel || out;
            if (channel?.id) this.openChat({ ...channel, kind: 'channel' });
            this.showTab('channels');
            this.reload();
          },
        },
      ],
    });
    // The suggested name is selected, so typing replaces it rather than appending to it.
    if (teams.length) {
      name.focus();
      name.select();
    }
  }
}

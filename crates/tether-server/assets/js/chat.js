// One chat of the chat control (R17, R18): its header (inline rename, members, connected
// records), its message log (day separators, infinite scroll back, live updates, read markers)
// and its composer (drafts survive switching). The dock of open chats is in dock.js.

import { del, get, patch, post, qs, recordTypes, seg } from './api.js';
import { avatar, boot, dayKey, dayLabel, debounce, h, randomId, recordHref, toast } from './dom.js';
import { confirmDialog, openDialog } from './dialog.js';
import { timeZone } from './format.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { menuButton } from './menu.js';
import { renderMessage } from './messages.js';
import { peoplePicker } from './people.js';
import { unreadChanged } from './shell.js';
import { Composer, mentionsToNames, namesToMentions } from './composer.js';

const PAGE = 50;
const GROUP_MS = 5 * 60 * 1000;

/** Chips for the records a chat is connected to (a record the viewer cannot read has no name). */
export function recordChips(records = []) {
  if (!records.length) return null;
  return h(
    'ul',
    { class: 'record-chips', 'aria-label': t('chat-connected-records') },
    records.map((r) =>
      h(
        'li',
        {},
        r.readable === false || !r.name
          ? h('span', { class: 'record-chip locked', title: t('chat-record-locked-title') }, icon('lock'), h('span', { class: 'ellipsis' }, t('chat-record-locked')))
          : h('a', { class: 'record-chip', href: recordHref(r.type, r.id), title: r.name }, icon('folder'), h('span', { class: 'ellipsis' }, r.name)),
      ),
    ),
  );
}

export function chatKindLabel(chat) {
  if (chat.kind === 'one_on_one') return t('chat-kind-one-on-one');
  if (chat.kind === 'channel') return t('chat-kind-channel');
  return t('chat-kind-group');
}

export class ChatView {
  constructor(chat, dock) {
    this.chat = chat;
    this.dock = dock;
    this.messages = [];
    this.rendered = new Map();
    this.hasMore = true;
    this.loadingOlder = false;
    this.readSeq = 0;
    this.unread = chat.unread || 0;
    this.removed = false;
    this.build();
  }

  get id() {
    return this.chat.id;
  }

  name() {
    return this.chat.name || t('chat-unnamed');
  }

  members() {
    return this.chat.members || [];
  }

  /** Where messages are read and sent: chats, or channels (R13). */
  get base() {
    return this.chat.kind === 'channel' ? `/channels${seg(this.id)}` : `/chats${seg(this.id)}`;
  }

  build() {
    this.head = h('header', { class: 'chat-head' });
    this.membersPanel = h('section', { class: 'members-panel', hidden: true, 'aria-label': t('chat-members') });
    this.list = h('ol', { class: 'msgs' });
    this.top = h('div', { class: 'log-top' });
    this.log = h('div', { class: 'chat-log', tabindex: '0', role: 'log', 'aria-label': t('chat-messages-in', { name: this.name() }), 'aria-live': 'polite' }, this.top, this.list);
    this.newPill = h('button', { type: 'button', class: 'new-pill', hidden: true, onClick: () => this.scrollToBottom(true) }, icon('arrowDown'), t('chat-new-messages'));
    this.composer = new Composer(this);
    this.drop = h('div', { class: 'drop-hint', 'aria-hidden': 'true' }, icon('paperclip'), t('chat-drop-files'));
    this.el = h(
      'section',
      { class: 'chat', id: `chat-${this.id}`, role: 'tabpanel', 'aria-label': this.name(), dataset: { chatId: this.id } },
      this.head,
      this.membersPanel,
      h('div', { class: 'log-wrap' }, this.log, this.newPill),
      this.composer.el,
      this.drop,
    );
    this.log.addEventListener('scroll', () => this.onScroll());
    let depth = 0;
    this.el.addEventListener('dragenter', (e) => {
      if (![...(e.dataTransfer?.types || [])].includes('Files')) return;
      depth += 1;
      this.el.classList.add('dropping');
    });
    this.el.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (!depth) this.el.classList.remove('dropping');
    });
    this.el.addEventListener('dragover', (e) => e.preventDefault());
    this.el.addEventListener('drop', (e) => {
      e.preventDefault();
      depth = 0;
      this.el.classList.remove('dropping');
      const files = [...(e.dataTransfer?.files || [])];
      if (files.length) this.composer.addFiles(files);
    });
    this.renderHead();
  }

  // --- loading ------------------------------------------------------------------------

  async load() {
    this.top.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('chat-loading-messages')));
    try {
      if (this.chat.kind !== 'channel') this.chat = { ...this.chat, ...(await get(`/chats${seg(this.id)}`)) };
      this.renderHead();
      // Record cards name their type and fields in the page's language (messages.js): the
      // types come with the first page of messages, in parallel.
      const [page] = await Promise.all([get(`${this.base}/messages${qs({ limit: PAGE })}`), recordTypes().catch(() => null)]);
      this.messages = page.items.slice().reverse();
      this.hasMore = page.items.length === PAGE;
      this.rendered.clear();
      this.list.replaceChildren();
      this.renderList();
      this.scrollToBottom(true);
      this.markRead();
    } catch (e) {
      this.top.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
      if (e.status === 404 || e.status === 403) this.composer.disable(t('chat-cannot-write'));
    }
  }

  async loadOlder() {
    if (!this.hasMore || this.loadingOlder || !this.messages.length) return;
    this.loadingOlder = true;
    this.top.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('chat-loading-earlier')));
    try {
      const page = await get(`${this.base}/messages${qs({ before: this.messages[0].seq, limit: PAGE })}`);
      const fromBottom = this.log.scrollHeight - this.log.scrollTop;
      this.messages = page.items.slice().reverse().concat(this.messages);
      this.hasMore = page.items.length === PAGE;
      this.renderList();
      this.log.scrollTop = this.log.scrollHeight - fromBottom;
    } catch (e) {
      this.top.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    } finally {
      this.loadingOlder = false;
    }
  }

  /**
   * Shows the message `id` (a search hit): loads earlier pages until it is there (at most 20
   * pages back), scrolls it into the middle of the log and highlights it for a moment.
   */
  async reveal(id) {
    await this.loaded;
    for (let pages = 0; !this.rendered.has(id) && this.hasMore && pages < 20; pages += 1) {
      if (this.loadingOlder) await new Promise((r) => setTimeout(r, 100));
      else await this.loadOlder();
    }
    const found = this.rendered.get(id);
    if (!found) {
      toast(t('chat-message-gone'), 'info');
      return;
    }
    found.el.scrollIntoView({ block: 'center' });
    found.el.classList.add('flash');
    setTimeout(() => found.el.classList.remove('flash'), 2500);
  }

  // --- the chat's menu ----------------------------------------------------------------

  menuItems() {
    return [{ label: t('chat-save-transcript-menu'), icon: 'note', onSelect: () => this.transcriptDialog() }];
  }

  /**
   * Saves this chat's messages (all, or a time range) as a note on the timeline of a record it
   * is connected to (R26). The server checks membership and write access and says why not.
   */
  async transcriptDialog() {
    const records = (this.chat.records || []).filter((r) => r.readable);
    // The type's display name beside each record (never its internal name); none if unknown.
    const types = records.length ? await recordTypes().catch(() => new Map()) : new Map();
    if (!records.length) {
      openDialog({
        title: t('chat-transcript-title'),
        body: [h('p', {}, t('chat-transcript-no-record'))],
        actions: [{ label: t('chat-ok'), kind: 'primary' }],
      });
      return;
    }
    const here = records.find((r) => r.type === boot.recordType && r.id === boot.recordId) || records[0];
    const choices = records.map((r, i) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'radio', name: 'transcript-record', value: String(i), checked: r === here }),
        h('span', {}, h('strong', {}, r.name), types.get(r.type)?.display_name ? h('span', { class: 'muted small' }, ` · ${types.get(r.type).display_name}`) : null),
      ),
    );
    const from = h('input', { type: 'datetime-local', id: 'transcript-from' });
    const to = h('input', { type: 'datetime-local', id: 'transcript-to' });
    const iso = (input) => (input.value ? new Date(input.value).toISOString() : undefined);
    openDialog({
      title: t('chat-transcript-title'),
      body: [
        h('p', { class: 'muted' }, t('chat-transcript-intro')),
        h('fieldset', { class: 'choice-box' }, h('legend', {}, t('chat-transcript-record')), choices),
        h(
          'div',
          { class: 'grid-2' },
          h('div', { class: 'field' }, h('label', { for: from.id }, t('chat-transcript-from')), from),
          h('div', { class: 'field' }, h('label', { for: to.id }, t('chat-transcript-to')), to),
        ),
        h('p', { class: 'muted small' }, t('chat-transcript-hint')),
      ],
      actions: [
        { label: t('chat-cancel') },
        {
          label: t('chat-transcript-save'),
          kind: 'primary',
          onClick: async (ctl) => {
            const picked = ctl.el.querySelector('input[name="transcript-record"]:checked');
            const r = records[Number(picked?.value ?? 0)];
            await post(`/chats${seg(this.id)}/transcript`, { record: { type: r.type, id: r.id }, from: iso(from), to: iso(to), time_zone: timeZone || undefined });
            toast(t('chat-transcript-saved', { name: r.name }), 'success');
          },
        },
      ],
    });
  }

  // --- rendering ----------------------------------------------------------------------

  renderHead() {
    const c = this.chat;
    const group = c.kind === 'group';
    const title = h('h2', { class: 'chat-name', id: `chat-${this.id}-title` }, c.name || t('chat-untitled'));
    const rename = group
      ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat-rename'), title: t('chat-rename'), onClick: () => this.startRename() }, icon('pencil'))
      : null;
    const count = c.member_count ?? this.members().length;
    const membersBtn =
      c.kind === 'channel'
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'btn ghost small members-btn',
              'aria-expanded': String(!this.membersPanel.hidden),
              'aria-label': t('chat-members-count', { count }),
              onClick: () => this.toggleMembers(),
            },
            icon('users'),
            h('span', {}, String(count)),
          );
    const openApp =
      this.dock.mode === 'pane'
        ? h('a', { class: 'icon-btn', href: `/chats/${encodeURIComponent(this.id)}`, 'aria-label': t('chat-open-in-app'), title: t('chat-open-in-app') }, icon('external'))
        : null;
    this.head.replaceChildren(
      h(
        'div',
        { class: 'chat-head-main' },
        h('div', { class: 'chat-title-row' }, c.kind === 'channel' ? icon('hash', 'muted-icon') : null, title, rename),
        h('div', { class: 'chat-sub' }, h('span', {}, chatKindLabel(c)), recordChips(c.records)),
      ),
      h('div', { class: 'chat-head-actions' }, membersBtn, openApp, c.kind === 'channel' ? null : menuButton({ label: t('chat-actions'), items: () => this.menuItems() })),
    );
    this.el.setAttribute('aria-label', c.name || t('chat-untitled'));
    this.log.setAttribute('aria-label', t('chat-messages-in', { name: c.name || t('chat-unnamed') }));
    if (!this.membersPanel.hidden) this.renderMembers();
  }

  grouped(prev, m) {
    return (
      prev &&
      prev.kind === 'text' &&
      m.kind === 'text' &&
      !prev.deleted &&
      prev.sender?.id === m.sender?.id &&
      dayKey(prev.created_at) === dayKey(m.created_at) &&
      new Date(m.created_at) - new Date(prev.created_at) < GROUP_MS
    );
  }

  ctx(grouped) {
    return {
      meId: boot.userId,
      grouped,
      react: (m, emoji, add) => this.react(m, emoji, add),
      edit: (m) => this.edit(m),
      remove: (m) => this.remove(m),
    };
  }

  /** Draws the messages, reusing the elements of unchanged ones, and moving as few nodes as
   * possible (so assistive technology announces only what is new). */
  renderList() {
    const out = [];
    let prev = null;
    this.separators ||= new Map();
    for (const m of this.messages) {
      if (!prev || dayKey(prev.created_at) !== dayKey(m.created_at)) {
        const key = dayKey(m.created_at);
        if (!this.separators.has(key)) this.separators.set(key, h('li', { class: 'day-sep' }, h('span', {}, dayLabel(m.created_at))));
        out.push(this.separators.get(key));
        prev = null;
      }
      const grouped = Boolean(this.grouped(prev, m));
      let cached = this.rendered.get(m.id);
      if (!cached || cached.grouped !== grouped || cached.m !== m) {
        cached = { grouped, m, el: renderMessage(m, this.ctx(grouped)) };
        for (const img of cached.el.querySelectorAll('img')) img.addEventListener('load', () => this.stick && this.scrollToBottom(true));
        this.rendered.set(m.id, cached);
      }
      out.push(cached.el);
      prev = m;
    }
    let cur = this.list.firstChild;
    for (const node of out) {
      if (node === cur) {
        cur = cur.nextSibling;
        continue;
      }
      this.list.insertBefore(node, cur);
    }
    while (cur) {
      const next = cur.nextSibling;
      cur.remove();
      cur = next;
    }
    this.top.replaceChildren(
      this.hasMore
        ? h('button', { type: 'button', class: 'btn ghost small', onClick: () => this.loadOlder() }, t('chat-load-earlier'))
        : h('p', { class: 'log-start' }, this.messages.length ? t('chat-beginning') : t('chat-empty')),
    );
  }

  atBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 60;
  }

  scrollToBottom(force = false) {
    if (force || this.atBottom()) this.log.scrollTop = this.log.scrollHeight;
    this.stick = true;
    this.newPill.hidden = true;
  }

  onScroll() {
    this.stick = this.atBottom();
    if (this.stick) {
      this.newPill.hidden = true;
      this.markRead();
    }
    if (this.log.scrollTop < 80) this.loadOlder();
  }

  // --- live updates -------------------------------------------------------------------

  async fillGap() {
    try {
      const page = await get(`${this.base}/messages${qs({ limit: PAGE })}`);
      for (const m of page.items) this.upsert(m);
      this.renderList();
    } catch {
      // The next resync or reload shows them.
    }
  }

  upsert(m) {
    const i = this.messages.findIndex((x) => x.id === m.id);
    // The live copy of a message this page already has (its own send) replaces it when it
    // differs, and is not added a second time when it does not.
    if (i >= 0) {
      if (JSON.stringify(this.messages[i]) !== JSON.stringify(m)) this.messages[i] = m;
    } else {
      let at = this.messages.length;
      while (at > 0 && this.messages[at - 1].seq > m.seq) at -= 1;
      this.messages.splice(at, 0, m);
    }
    return i < 0;
  }

  onMessage(m, type) {
    const wasBottom = this.atBottom();
    const last = this.messages[this.messages.length - 1];
    // A sequence number further on than the next one means an event was missed (a server
    // node went away before passing it on): fetch the newest page to fill the gap.
    if (type === 'message.created' && last && m.seq > last.seq + 1) this.fillGap();
    const added = this.upsert(m);
    this.renderList();
    if (!added || type !== 'message.created') return;
    const mine = m.sender?.id === boot.userId;
    if (mine || wasBottom) this.scrollToBottom(true);
    else this.newPill.hidden = false;
    if (this.isVisible() && (wasBottom || mine)) this.markRead();
    else if (!mine) {
      this.unread += 1;
      this.dock.renderTabs();
    }
  }

  onReactions(messageId, reactions) {
    const m = this.messages.find((x) => x.id === messageId);
    if (m) this.onMessage({ ...m, reactions }, 'reaction.changed');
  }

  onChat(chat) {
    this.chat = { ...this.chat, ...chat };
    this.renderHead();
    this.dock.renderTabs();
  }

  onRemoved() {
    this.removed = true;
    this.composer.disable(t('chat-removed'));
    this.top.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('chat-removed')));
  }

  isVisible() {
    return this.dock.activeId === this.id && !document.hidden && this.el.isConnected;
  }

  markRead = debounce(async () => {
    if (this.chat.kind === 'channel' || !this.isVisible() || this.removed) return;
    const last = this.messages[this.messages.length - 1];
    if (!last || last.seq <= this.readSeq) {
      if (this.unread) {
        this.unread = 0;
        this.dock.renderTabs();
      }
      return;
    }
    this.readSeq = last.seq;
    try {
      const res = await post(`/chats${seg(this.id)}/read`, { message_id: last.id });
      this.unread = res?.unread || 0;
      this.dock.renderTabs();
      this.dock.onRead(this.id, this.unread);
      unreadChanged();
    } catch {
      this.readSeq = 0;
    }
  }, 300);

  // --- actions ------------------------------------------------------------------------

  async send(payload) {
    const m = await post(`${this.base}/messages`, payload, { headers: { 'Idempotency-Key': randomId() } });
    if (m && m.id) this.onMessage(m, 'message.created');
  }

  async react(m, emoji, add) {
    try {
      const path = `/chats${seg(this.id)}/messages${seg(m.id)}/reactions`;
      const out = add ? await post(path, { emoji }) : await del(path, { emoji });
      if (out) this.onReactions(m.id, out.reactions);
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  edit(m) {
    const cached = this.rendered.get(m.id);
    const body = cached?.el.querySelector('.msg-body');
    if (!body) return;
    // Mentions are edited as names and sent back as ids, like the composer does.
    const input = h('textarea', { class: 'edit-input', 'aria-label': t('chat-edit-message'), value: mentionsToNames(m.body, this.members()) });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const cancel = () => {
      this.rendered.delete(m.id);
      this.renderList();
    };
    const save = async () => {
      try {
        const out = await patch(`/chats${seg(this.id)}/messages${seg(m.id)}`, { body: namesToMentions(input.value, this.members()) });
        this.onMessage(out, 'message.updated');
      } catch (e) {
        error.textContent = e.message;
      }
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') cancel();
      else if (e.key === 'Enter' && !e.shiftKey) save();
      else return;
      e.preventDefault();
    });
    body.replaceChildren(
      h(
        'div',
        { class: 'edit-box' },
        input,
        error,
        h(
          'div',
          { class: 'row gap-s' },
          h('button', { type: 'button', class: 'btn primary small', onClick: save }, t('chat-save')),
          h('button', { type: 'button', class: 'btn ghost small', onClick: cancel }, t('chat-cancel')),
          h('span', { class: 'muted small' }, t('chat-edit-hint')),
        ),
      ),
    );
    input.focus();
  }

  async remove(m) {
    if (!(await confirmDialog(t('chat-delete-title'), t('chat-delete-text'), t('chat-delete')))) return;
    try {
      await del(`/chats${seg(this.id)}/messages${seg(m.id)}`);
      this.onMessage({ ...m, deleted: true, body: '', html: '', attachments: [], cards: [] }, 'message.deleted');
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  startRename() {
    const input = h('input', { type: 'text', class: 'rename-input', value: this.chat.custom_name || this.chat.name || '', 'aria-label': t('chat-name'), maxlength: '200' });
    const error = h('span', { class: 'form-error', role: 'alert' });
    const done = () => this.renderHead();
    const save = async () => {
      const name = input.value.trim();
      if (!name || name === this.chat.name) return done();
      try {
        this.onChat(await patch(`/chats${seg(this.id)}`, { name }));
      } catch (e) {
        error.textContent = e.message;
      }
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') save();
      else if (e.key === 'Escape') done();
      else return;
      e.preventDefault();
    });
    const row = this.head.querySelector('.chat-title-row');
    row.replaceChildren(
      input,
      h('button', { type: 'button', class: 'btn primary small', onClick: save }, t('chat-save')),
      h('button', { type: 'button', class: 'btn ghost small', onClick: done }, t('chat-cancel')),
      error,
    );
    input.focus();
    input.select();
  }

  toggleMembers(show = this.membersPanel.hidden) {
    this.membersPanel.hidden = !show;
    this.head.querySelector('.members-btn')?.setAttribute('aria-expanded', String(show));
    if (show) this.renderMembers();
  }

  renderMembers() {
    const c = this.chat;
    const group = c.kind === 'group';
    const error = h('p', { class: 'form-error', role: 'alert' });
    const people = this.members().map((m) =>
      h(
        'li',
        { class: 'member' },
        avatar(m.name, m.id, 'sm'),
        h('span', { class: 'member-name' }, m.name, m.id === boot.userId ? h('span', { class: 'muted' }, ' ', t('chat-you')) : null, m.active === false ? h('span', { class: 'tag' }, t('chat-deactivated')) : null),
        group
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn ghost small',
                'aria-label': m.id === boot.userId ? t('chat-leave-this') : t('chat-remove-person', { name: m.name }),
                onClick: async () => {
                  try {
                    await del(`/chats${seg(this.id)}/members${seg(m.id)}`);
                    if (m.id === boot.userId) this.onRemoved();
                    else await this.reloadChat();
                  } catch (e) {
                    error.textContent = e.message;
                  }
                },
              },
              m.id === boot.userId ? t('chat-leave') : t('chat-remove'),
            )
          : null,
      ),
    );
    const picker = peoplePicker({ label: group ? t('chat-add-people') : t('chat-start-group-with'), exclude: this.members().map((m) => m.id) });
    let addForm;
    if (group) {
      const history = h(
        'select',
        { id: `hist-${this.id}` },
        h('option', { value: 'all' }, t('chat-history-all')),
        h('option', { value: 'none' }, t('chat-history-none')),
        h('option', { value: 'days' }, t('chat-history-days')),
      );
      const days = h('input', { type: 'number', min: '1', max: '3650', value: '7', class: 'days', 'aria-label': t('chat-history-days-count'), hidden: true });
      history.addEventListener('change', () => (days.hidden = history.value !== 'days'));
      addForm = h(
        'div',
        { class: 'stack' },
        picker.el,
        h('div', { class: 'field' }, h('label', { for: history.id }, t('chat-history-label')), h('div', { class: 'row gap-s' }, history, days)),
        h(
          'button',
          {
            type: 'button',
            class: 'btn primary small',
            onClick: async () => {
              error.textContent = '';
              const ids = picker.selected().map((p) => p.id);
              if (!ids.length) return (error.textContent = t('chat-choose-to-add'));
              const hist = history.value === 'days' ? { days: Number(days.value) } : history.value;
              try {
                this.onChat(await post(`/chats${seg(this.id)}/members`, { user_ids: ids, history: hist }));
                this.renderMembers();
              } catch (e) {
                error.textContent = e.message;
              }
            },
          },
          icon('userPlus'),
          t('chat-add'),
        ),
      );
    } else {
      addForm = h(
        'div',
        { class: 'stack' },
        h('p', { class: 'muted small' }, t('chat-one-on-one-stays')),
        picker.el,
        h(
          'button',
          {
            type: 'button',
            class: 'btn primary small',
            onClick: async () => {
              const ids = picker.selected().map((p) => p.id);
              if (!ids.length) return (error.textContent = t('chat-choose-person'));
              try {
                const chat = await post('/chats', { member_ids: [...this.members().map((m) => m.id), ...ids] });
                this.dock.open(chat);
              } catch (e) {
                error.textContent = e.message;
              }
            },
          },
          t('chat-start-group'),
        ),
      );
    }
    this.membersPanel.replaceChildren(
      h('div', { class: 'members-head' }, h('h3', {}, t('chat-members-count', { count: this.members().length })), h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat-close-members'), onClick: () => this.toggleMembers(false) }, icon('x'))),
      h('ul', { class: 'member-list' }, people),
      addForm,
      error,
    );
  }

  async reloadChat() {
    try {
      this.onChat(await get(`/chats${seg(this.id)}`));
    } catch (e) {
      if (e.status === 404) this.onRemoved();
    }
  }
}

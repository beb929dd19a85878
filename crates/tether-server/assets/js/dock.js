// The chat control's dock (R18): the open chats as tabs, one shown at a time while the others
// keep their state and drafts; live events are routed to the chat they concern. Also the
// dialog that starts a chat connected to no record (R8).

import { post } from './api.js';
import { boot, h } from './dom.js';
import { openDialog } from './dialog.js';
import * as events from './events.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { peoplePicker } from './people.js';
import { ChatView } from './chat.js';

/** Open chats as tabs; one is shown at a time, the others keep their state and drafts. */
export class ChatDock {
  /** `mode`: 'pane' (beside a record) or 'full' (the chat app). */
  constructor(host, { mode = 'full', onChange = () => {}, onRead = () => {}, empty = null } = {}) {
    this.mode = mode;
    this.host = host;
    this.views = new Map();
    this.activeId = null;
    this.onChange = onChange;
    this.onRead = onRead;
    this.tabs = h('div', { class: 'dock-tabs', role: 'tablist', 'aria-label': t('dock-open-chats') });
    this.body = h('div', { class: 'dock-body' });
    this.emptyEl = empty;
    this.el = h('section', { class: `dock ${mode}`, 'aria-label': t('dock-open-chats') }, this.tabs, this.body);
    host.replaceChildren(this.el);
    this.tabs.addEventListener('keydown', (e) => this.tabKeys(e));
    this.listen();
    this.renderTabs();
  }

  listen() {
    const forChat = (fn) => (e) => {
      const v = this.views.get(e.chat_id || e.chat?.id);
      if (v) fn(v, e);
    };
    events.on('message.created', forChat((v, e) => v.onMessage(e.message, e.type)));
    events.on('message.updated', forChat((v, e) => v.onMessage(e.message, e.type)));
    events.on('message.deleted', forChat((v, e) => e.message && v.onMessage(e.message, e.type)));
    events.on('reaction.changed', forChat((v, e) => v.onReactions(e.message_id, e.reactions)));
    events.on('chat.updated', forChat((v, e) => v.onChat(e.chat)));
    events.on('member.added', forChat((v) => v.reloadChat()));
    events.on('member.removed', forChat((v, e) => (e.user?.id === boot.userId ? v.onRemoved() : v.reloadChat())));
    events.on('resync', () => this.views.forEach((v) => v.load()));
    document.addEventListener('visibilitychange', () => this.active()?.markRead());
  }

  active() {
    return this.views.get(this.activeId);
  }

  has(id) {
    return this.views.has(id);
  }

  /** Opens (or shows) a chat. `chat` is a chat object or an id. */
  open(chat, { focus = true } = {}) {
    const c = typeof chat === 'string' ? { id: chat, name: t('dock-chat') } : chat;
    let v = this.views.get(c.id);
    if (!v) {
      v = new ChatView(c, this);
      this.views.set(c.id, v);
      this.body.append(v.el);
      v.loaded = v.load();
    }
    this.activate(c.id, focus);
    return v;
  }

  activate(id, focus = true) {
    // On a phone the dock's pane is one of several; a chat a person opens comes to the front.
    if (focus) this.el.dispatchEvent(new CustomEvent('pane:show', { bubbles: true }));
    this.activeId = id;
    for (const [vid, v] of this.views) v.el.hidden = vid !== id;
    this.renderTabs();
    const v = this.active();
    if (v) {
      v.markRead();
      if (focus) v.composer.focus();
    }
    this.onChange(id);
  }

  close(id) {
    const v = this.views.get(id);
    if (!v) return;
    v.el.remove();
    this.views.delete(id);
    if (this.activeId === id) {
      const next = [...this.views.keys()].pop() || null;
      if (next) this.activate(next);
      else {
        this.activeId = null;
        this.renderTabs();
        this.onChange(null);
      }
    } else this.renderTabs();
  }

  renderTabs() {
    const tabs = [...this.views.values()].map((v) => {
      const selected = v.id === this.activeId;
      return h(
        'div',
        { class: `dock-tab ${selected ? 'active' : ''}`, role: 'presentation' },
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            id: `tab-${v.id}`,
            class: 'dock-tab-btn',
            'aria-selected': String(selected),
            'aria-controls': `chat-${v.id}`,
            tabindex: selected ? '0' : '-1',
            onClick: () => this.activate(v.id),
          },
          v.chat.kind === 'channel' ? icon('hash') : icon('message'),
          h('span', { class: 'dock-tab-name' }, v.name()),
          v.unread && !selected ? h('span', { class: 'count', 'aria-label': t('dock-unread', { count: v.unread }) }, String(v.unread)) : null,
        ),
        // A tab strip holds only tabs: the × is for the mouse; the keyboard closes with Delete.
        h('button', { type: 'button', class: 'dock-tab-x', tabindex: '-1', 'aria-hidden': 'true', title: t('dock-close-tab'), onClick: () => this.close(v.id) }, icon('x')),
      );
    });
    this.tabs.replaceChildren(...tabs);
    this.tabs.hidden = this.views.size === 0;
    if (this.emptyEl) {
      if (!this.views.size) this.body.append(this.emptyEl);
      else this.emptyEl.remove();
    }
  }

  tabKeys(e) {
    if (e.key === 'Delete' && this.activeId) {
      e.preventDefault();
      this.close(this.activeId);
      this.tabs.querySelector('[role=tab][aria-selected=true]')?.focus();
      return;
    }
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    const ids = [...this.views.keys()];
    let i = ids.indexOf(this.activeId);
    if (e.key === 'ArrowLeft') i = (i - 1 + ids.length) % ids.length;
    else if (e.key === 'ArrowRight') i = (i + 1) % ids.length;
    else if (e.key === 'Home') i = 0;
    else i = ids.length - 1;
    e.preventDefault();
    this.activate(ids[i], false);
    document.getElementById(`tab-${ids[i]}`)?.focus();
  }

  /** Whether a chat is on screen now (its notifications then stay quiet). */
  isVisible(chatId) {
    return this.active()?.id === chatId && this.active().isVisible();
  }
}

/** Dialog: a new chat not connected to any record (R8). Resolves to the chat, or null. */
export function newChatDialog() {
  return new Promise((resolve) => {
    let created = null;
    const picker = peoplePicker({ label: t('dock-people') });
    const name = h('input', { id: 'new-chat-name', type: 'text', maxlength: '200', placeholder: t('dock-group-name-placeholder') });
    openDialog({
      title: t('dock-new-chat'),
      body: [
        h('p', { class: 'muted' }, t('dock-new-chat-intro')),
        picker.el,
        h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('dock-group-name')), name),
      ],
      actions: [
        { label: t('dock-cancel') },
        {
          label: t('dock-start-chat'),
          kind: 'primary',
          onClick: async () => {
            const ids = picker.selected().map((p) => p.id);
            if (!ids.length) throw new Error(t('dock-choose-person'));
            const body = { member_ids: ids };
            if (name.value.trim()) body.name = name.value.trim();
            created = await post('/chats', body);
          },
        },
      ],
      onClose: () => resolve(created),
    });
  });
}

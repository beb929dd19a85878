// The message composer: markdown toolbar, emoji picker, importance, file attachments (button,
// drag-and-drop, paste; with upload progress), @mention autocomplete (shows `@Name`, sent as
// `<@user_id>`),
// and the preview of record-link cards with a remove button (R16). The draft of each chat is
// kept while switching chats and across reloads.

import { me, post, upload } from './api.js';
import { boot, debounce, fmtSize, h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { recordCard } from './messages.js';

const EMOJI = [
  ['😀', t('composer-emoji-grinning')], ['😄', t('composer-emoji-smile')], ['😂', t('composer-emoji-joy')], ['🙂', t('composer-emoji-slight-smile')], ['😉', t('composer-emoji-wink')], ['😍', t('composer-emoji-heart-eyes')],
  ['🤔', t('composer-emoji-thinking')], ['😅', t('composer-emoji-sweat-smile')], ['😢', t('composer-emoji-cry')], ['😮', t('composer-emoji-surprised')], ['😎', t('composer-emoji-cool')], ['🙌', t('composer-emoji-raised-hands')],
  ['👍', t('composer-emoji-thumbs-up')], ['👎', t('composer-emoji-thumbs-down')], ['👏', t('composer-emoji-clap')], ['🙏', t('composer-emoji-thanks')], ['💪', t('composer-emoji-strong')], ['👋', t('composer-emoji-wave')],
  ['🤝', t('composer-emoji-handshake')], ['👀', t('composer-emoji-eyes')], ['✅', t('composer-emoji-done')], ['❌', t('composer-emoji-no')], ['⚠️', t('composer-emoji-warning')], ['❗', t('composer-emoji-exclamation')],
  ['❓', t('composer-emoji-question')], ['🎉', t('composer-emoji-party')], ['🔥', t('composer-emoji-fire')], ['⭐', t('composer-emoji-star')], ['💡', t('composer-emoji-idea')], ['📌', t('composer-emoji-pin')],
  ['📎', t('composer-emoji-paperclip')], ['📞', t('composer-emoji-phone')], ['📧', t('composer-emoji-e-mail')], ['🕐', t('composer-emoji-clock')], ['🚀', t('composer-emoji-rocket')], ['☕', t('composer-emoji-coffee')],
  ['❤️', t('composer-emoji-heart')], ['💯', t('composer-emoji-hundred')], ['🐛', t('composer-emoji-bug')], ['🛠️', t('composer-emoji-tools')],
];

const draftKey = (chatId) => `tether.draft.${boot.userId}.${chatId}`;

function recordLinks(text) {
  const origins = [...new Set([location.origin, boot.publicUrl])].map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?:${origins.join('|')})/records/[A-Za-z0-9_]+/[A-Za-z0-9_-]+`, 'g');
  return [...new Set(text.match(re) || [])];
}

// --- mentions: people are names in the editor, `<@user_id>` on the wire ------------------------

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A stored body as the person edits it: each `<@user_id>` of a known person becomes `@Name`.
 * `people`: [{id, name}] (the chat's members). Unknown ids stay as written.
 */
export function mentionsToNames(body, people) {
  const byId = new Map(people.map((p) => [p.id, p.name]));
  return (body || '').replace(/<@([A-Za-z0-9_-]{1,64})>/g, (all, id) => (byId.has(id) ? `@${byId.get(id)}` : all));
}

/**
 * The text of the editor as it is sent: `@Name` of a chat member becomes `<@user_id>`. Longer
 * names are tried first ("@Ann Lee" before "@Ann"); `chosen` (name → id, from the autocomplete)
 * decides between two members of the same name. A name must end at a non-letter.
 */
export function namesToMentions(text, people, chosen = new Map()) {
  const byName = new Map();
  for (const p of people) if (p.name && !byName.has(p.name)) byName.set(p.name, p.id);
  for (const [name, id] of chosen) byName.set(name, id);
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  if (!names.length) return text;
  const re = new RegExp(`(^|[^\\p{L}\\p{N}_<])@(${names.map(escapeRe).join('|')})(?![\\p{L}\\p{N}_])`, 'gu');
  return text.replace(re, (all, lead, name) => `${lead}<@${byName.get(name)}>`);
}

export class Composer {
  /** `view`: the ChatView (its `chat`, `members()`, `send(payload)`, `name()`). */
  constructor(view) {
    this.view = view;
    this.files = [];
    this.cards = new Map(); // url → card | null (no card)
    this.removedCards = new Set();
    this.chosen = new Map(); // @Name → user id, as chosen from the autocomplete
    // The server's upload limit (from `GET /me`): bigger files are refused here, before sending.
    this.maxBytes = 0;
    me()
      .then((m) => (this.maxBytes = Number(m?.max_attachment_bytes) || 0))
      .catch(() => {});
    this.build();
    this.restoreDraft();
  }

  build() {
    const id = `c-${this.view.chat.id}`;
    this.input = h('textarea', {
      id: `${id}-input`,
      class: 'composer-input',
      rows: '1',
      'aria-label': t('composer-message-to', { name: this.view.name() }),
      placeholder: this.view.name().length <= 30 ? t('composer-message-to', { name: this.view.name() }) : t('composer-write'),
      'aria-describedby': `${id}-hint`,
    });
    this.importance = h(
      'select',
      { id: `${id}-imp`, class: 'importance', 'aria-label': t('composer-importance') },
      h('option', { value: 'normal' }, t('composer-importance-normal')),
      h('option', { value: 'important' }, t('composer-importance-important')),
      h('option', { value: 'urgent' }, t('composer-importance-urgent')),
    );
    this.fileInput = h('input', { type: 'file', multiple: true, class: 'visually-hidden', id: `${id}-file`, tabindex: '-1', 'aria-hidden': 'true' });
    this.fileInput.addEventListener('change', () => {
      this.addFiles([...this.fileInput.files]);
      this.fileInput.value = '';
    });
    this.emojiPanel = h(
      'div',
      { class: 'emoji-panel', role: 'group', 'aria-label': t('composer-emoji'), hidden: true },
      EMOJI.map(([e, name]) => h('button', { type: 'button', class: 'emoji', 'aria-label': name, title: name, onClick: () => this.insertEmoji(e) }, e)),
    );
    this.emojiPanel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.toggleEmoji(false);
        this.emojiBtn.focus();
      }
    });
    this.mentions = h('ul', { class: 'listbox mention-list', role: 'listbox', id: `${id}-mentions`, 'aria-label': t('composer-mention-people'), hidden: true });
    this.cardBox = h('div', { class: 'composer-cards', 'aria-live': 'polite' });
    this.fileBox = h('ul', { class: 'composer-files', 'aria-label': t('composer-attachments') });
    this.error = h('p', { class: 'form-error composer-error', role: 'alert' });
    const tool = (name, label, keys, fn) =>
      h('button', { type: 'button', class: 'tool', 'aria-label': label, title: keys ? t('composer-tool-keys', { label, keys }) : label, onClick: fn }, icon(name));
    this.emojiBtn = tool('smile', t('composer-emoji'), '', () => this.toggleEmoji());
    this.emojiBtn.setAttribute('aria-expanded', 'false');
    this.sendBtn = h('button', { type: 'submit', class: 'btn primary send', 'aria-label': t('composer-send-message'), title: t('composer-send-title') }, icon('send'), h('span', {}, t('composer-send')));
    this.el = h(
      'form',
      { class: 'composer', 'aria-label': t('composer-write-to', { name: this.view.name() }) },
      this.cardBox,
      this.fileBox,
      h(
        'div',
        { class: 'composer-box' },
        this.input,
        this.mentions,
        h(
          'div',
          { class: 'composer-bar' },
          h(
            'div',
            { class: 'toolbar', role: 'toolbar', 'aria-label': t('composer-formatting') },
            tool('bold', t('composer-bold'), 'Ctrl+B', () => this.wrap('**')),
            tool('italic', t('composer-italic'), 'Ctrl+I', () => this.wrap('_')),
            tool('strike', t('composer-strikethrough'), '', () => this.wrap('~~')),
            tool('list', t('composer-bulleted-list'), '', () => this.list()),
            tool('code', t('composer-code'), 'Ctrl+E', () => this.code()),
            tool('link', t('composer-link'), 'Ctrl+K', () => this.link()),
            h('span', { class: 'toolbar-sep', 'aria-hidden': 'true' }),
            this.emojiBtn,
            tool('paperclip', t('composer-attach'), '', () => this.fileInput.click()),
            this.importance,
          ),
          this.sendBtn,
        ),
        this.emojiPanel,
      ),
      this.fileInput,
      h('p', { class: 'composer-hint', id: `${id}-hint` }, t('composer-hint')),
      this.error,
    );
    this.el.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files || [])];
      if (files.length) {
        e.preventDefault();
        this.addFiles(files);
      }
    });
    this.importance.addEventListener('change', () => {
      this.el.dataset.importance = this.importance.value;
      this.saveDraft();
    });
  }

  focus() {
    this.input.focus();
  }

  // --- drafts -------------------------------------------------------------------------

  saveDraft = debounce(() => {
    const text = this.input.value;
    const key = draftKey(this.view.chat.id);
    if (text || this.importance.value !== 'normal') localStorage.setItem(key, JSON.stringify({ text, importance: this.importance.value }));
    else localStorage.removeItem(key);
  }, 300);

  restoreDraft() {
    try {
      const d = JSON.parse(localStorage.getItem(draftKey(this.view.chat.id)) || 'null');
      if (d) {
        this.input.value = mentionsToNames(d.text || '', this.view.members());
        this.importance.value = d.importance || 'normal';
        this.el.dataset.importance = this.importance.value;
        this.autosize();
        this.refreshCards();
      }
    } catch {
      /* a broken draft is dropped */
    }
  }

  // --- editing helpers ----------------------------------------------------------------

  replaceSelection(text, selectFrom, selectTo) {
    const { selectionStart: s, selectionEnd: e } = this.input;
    this.input.focus();
    this.input.setRangeText(text, s, e, 'end');
    if (selectFrom !== undefined) this.input.setSelectionRange(s + selectFrom, s + selectTo);
    this.onInput();
  }

  wrap(marker) {
    const { selectionStart: s, selectionEnd: e, value } = this.input;
    const sel = value.slice(s, e);
    this.replaceSelection(`${marker}${sel}${marker}`, marker.length, marker.length + sel.length);
  }

  list() {
    const { selectionStart: s, selectionEnd: e, value } = this.input;
    const start = value.lastIndexOf('\n', s - 1) + 1;
    const lines = value.slice(start, e).split('\n').map((l) => (l.startsWith('- ') ? l : `- ${l}`));
    this.input.setSelectionRange(start, e);
    this.replaceSelection(lines.join('\n'));
  }

  code() {
    const { selectionStart: s, selectionEnd: e, value } = this.input;
    const sel = value.slice(s, e);
    if (sel.includes('\n')) this.replaceSelection(`\n\`\`\`\n${sel}\n\`\`\`\n`);
    else this.wrap('`');
  }

  link() {
    const { selectionStart: s, selectionEnd: e, value } = this.input;
    const sel = value.slice(s, e) || t('composer-link-text');
    const text = `[${sel}](https://)`;
    this.replaceSelection(text, sel.length + 3, sel.length + 11);
  }

  insertEmoji(e) {
    this.replaceSelection(e);
    this.toggleEmoji(false);
  }

  toggleEmoji(show = this.emojiPanel.hidden) {
    this.emojiPanel.hidden = !show;
    this.emojiBtn.setAttribute('aria-expanded', String(show));
    if (show) this.emojiPanel.querySelector('button')?.focus();
  }

  autosize() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
  }

  // --- keyboard, mentions -------------------------------------------------------------

  onKey(e) {
    if (!this.mentions.hidden && this.mentionKey(e)) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'b') this.wrap('**');
    else if (mod && e.key.toLowerCase() === 'i') this.wrap('_');
    else if (mod && e.key.toLowerCase() === 'e') this.code();
    else if (mod && e.key.toLowerCase() === 'k') this.link();
    else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.submit();
    else if (e.key === 'Escape' && !this.emojiPanel.hidden) this.toggleEmoji(false);
    else return;
    e.preventDefault();
  }

  onInput() {
    this.autosize();
    this.saveDraft();
    this.updateMentions();
    this.refreshCardsSoon();
  }

  mentionQuery() {
    const before = this.input.value.slice(0, this.input.selectionStart);
    const m = before.match(/(^|\s)@([\p{L}\p{N}_.-]{0,30})$/u);
    return m ? { query: m[2], start: before.length - m[2].length - 1 } : null;
  }

  updateMentions() {
    const q = this.mentionQuery();
    const people = q
      ? this.view
          .members()
          .filter((p) => p.id !== boot.userId && p.active !== false && p.name.toLowerCase().includes(q.query.toLowerCase()))
          .slice(0, 8)
      : [];
    if (!people.length) return this.closeMentions();
    this.mentionOptions = people;
    this.mentionIndex = 0;
    this.mentions.replaceChildren(
      ...people.map((p, i) =>
        h(
          'li',
          {
            role: 'option',
            id: `${this.mentions.id}-${i}`,
            class: 'option',
            'aria-selected': String(i === 0),
            onMousedown: (e) => {
              e.preventDefault();
              this.chooseMention(p);
            },
          },
          h('span', { class: 'option-name' }, p.name),
        ),
      ),
    );
    this.mentions.hidden = false;
    this.input.setAttribute('aria-controls', this.mentions.id);
    this.input.setAttribute('aria-activedescendant', `${this.mentions.id}-0`);
  }

  closeMentions() {
    this.mentions.hidden = true;
    this.mentionOptions = [];
    this.input.removeAttribute('aria-activedescendant');
  }

  mentionKey(e) {
    const n = this.mentionOptions.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.mentionIndex = (this.mentionIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      [...this.mentions.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === this.mentionIndex)));
      this.input.setAttribute('aria-activedescendant', `${this.mentions.id}-${this.mentionIndex}`);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      this.chooseMention(this.mentionOptions[this.mentionIndex]);
    } else if (e.key === 'Escape') {
      this.closeMentions();
    } else return false;
    e.preventDefault();
    return true;
  }

  chooseMention(p) {
    const q = this.mentionQuery();
    if (!q) return this.closeMentions();
    this.input.setSelectionRange(q.start, this.input.selectionStart);
    this.closeMentions();
    this.chosen.set(p.name, p.id);
    this.replaceSelection(`@${p.name} `);
  }

  // --- record-link cards (R16) --------------------------------------------------------

  refreshCardsSoon = debounce(() => this.refreshCards(), 350);

  async refreshCards() {
    const urls = recordLinks(this.input.value);
    for (const url of urls) {
      if (this.cards.has(url)) continue;
      this.cards.set(url, null);
      try {
        const res = await post('/unfurl', { url });
        this.cards.set(url, res?.card || null);
      } catch {
        this.cards.set(url, null);
      }
    }
    const shown = urls.filter((u) => this.cards.get(u) && !this.removedCards.has(u));
    this.cardBox.replaceChildren(
      ...shown.map((u) =>
        h(
          'div',
          { class: 'card-preview' },
          h('span', { class: 'card-preview-label' }, t('composer-card-preview')),
          recordCard(this.cards.get(u), () => {
            this.removedCards.add(u);
            this.refreshCards();
            this.input.focus();
          }),
        ),
      ),
    );
  }

  // --- attachments --------------------------------------------------------------------

  addFiles(files) {
    for (const file of files) {
      if (this.maxBytes && file.size > this.maxBytes) {
        const reason = t('composer-file-too-big', { name: file.name, size: fmtSize(file.size), max: fmtSize(this.maxBytes) });
        const remove = h('button', { type: 'button', class: 'chip-x', 'aria-label': t('composer-remove-file', { name: file.name }) }, icon('x'));
        const chip = h('li', { class: 'file-chip failed too-big' }, icon('file'), h('span', { class: 'file-name' }, file.name), h('span', { class: 'file-size', role: 'alert' }, reason), remove);
        remove.addEventListener('click', () => {
          chip.remove();
          this.input.focus();
        });
        this.fileBox.append(chip);
        continue;
      }
      const item = { file, id: null, error: null };
      const bar = h('progress', { max: '1', value: '0', 'aria-label': t('composer-uploading', { name: file.name }) });
      const status = h('span', { class: 'file-size' }, fmtSize(file.size));
      const remove = h('button', { type: 'button', class: 'chip-x', 'aria-label': t('composer-remove-file', { name: file.name }) }, icon('x'));
      const thumb = file.type.startsWith('image/') ? h('img', { class: 'thumb', alt: '', src: URL.createObjectURL(file) }) : icon('file');
      item.el = h('li', { class: 'file-chip pending' }, thumb, h('span', { class: 'file-name' }, file.name), status, bar, remove);
      const up = upload(file, (f) => (bar.value = f));
      item.xhr = up.xhr;
      remove.addEventListener('click', () => {
        up.xhr.abort();
        this.files = this.files.filter((x) => x !== item);
        item.el.remove();
        this.input.focus();
      });
      up.done
        .then((res) => {
          item.id = res.id;
          item.el.classList.remove('pending');
          bar.remove();
        })
        .catch((err) => {
          if (!this.files.includes(item)) return;
          item.error = err.message;
          item.el.classList.add('failed');
          bar.remove();
          status.textContent = err.message;
        });
      this.files.push(item);
      this.fileBox.append(item.el);
    }
    this.input.focus();
  }

  // --- sending ------------------------------------------------------------------------

  async submit() {
    this.error.textContent = '';
    const body = this.input.value.trim();
    if (this.files.some((f) => !f.id && !f.error)) {
      this.error.textContent = t('composer-wait-uploads');
      return;
    }
    const ready = this.files.filter((f) => f.id);
    if (!body && !ready.length) return;
    const urls = recordLinks(body);
    const payload = {
      body: namesToMentions(body, this.view.members(), this.chosen),
      importance: this.importance.value,
      attachment_ids: ready.map((f) => f.id),
      without_cards: urls.filter((u) => this.removedCards.has(u)),
    };
    this.sendBtn.disabled = true;
    try {
      await this.view.send(payload);
      this.input.value = '';
      this.importance.value = 'normal';
      this.el.dataset.importance = 'normal';
      this.files = [];
      this.fileBox.replaceChildren();
      this.removedCards.clear();
      this.chosen.clear();
      this.cardBox.replaceChildren();
      localStorage.removeItem(draftKey(this.view.chat.id));
      this.autosize();
    } catch (e) {
      this.error.textContent = e.message;
    } finally {
      this.sendBtn.disabled = false;
      this.input.focus();
    }
  }

  disable(reason) {
    this.input.disabled = true;
    this.sendBtn.disabled = true;
    this.input.placeholder = reason;
  }
}

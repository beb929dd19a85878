// Drawing one message: sender, time, importance, the server-sanitized HTML body, inline images,
// attachment chips, record cards, reactions, and the edited/deleted markers. System messages
// (joins, renames, connections) are drawn apart, as a centred line.

import { EMBEDDED, recordTypes, recordTypesNow } from './api.js';
import { avatar, capitalize, fmtSize, fmtTime, h, recordHref, timeEl } from './dom.js';
import { fmtFull } from './format.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { systemText } from './system.js';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '✅', '🙏'];

/** Links in a message body: this site's open here, others in a new tab without referrer. */
function fixLinks(body) {
  for (const a of body.querySelectorAll('a[href]')) {
    let url;
    try {
      url = new URL(a.getAttribute('href'), location.href);
    } catch {
      continue;
    }
    if (url.origin !== location.origin) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    }
  }
}

const STATE_WORDS = { Active: 'record-state-active', Resolved: 'record-state-resolved', Cancelled: 'record-state-cancelled' };

/** A card field's label and value in the page's language where they are a standard type's
 *  built-in words (the server writes cards in English; `recordTypes()` knows the words). */
function localField(ty, f) {
  if (f.name === 'state') return [t('fields-state'), STATE_WORDS[f.value] ? t(STATE_WORDS[f.value]) : f.value];
  const def = ty?.fields?.find((x) => x.name === f.name);
  if (!def) return [f.label ?? f.name, f.value];
  const option = (def.options || []).find((o) => capitalize(o) === f.value || o === f.value);
  return [def.label, option !== undefined ? def.option_labels?.[option] ?? f.value : f.value];
}

function cardFields(fields, ty) {
  if (!fields) return [];
  const pairs = Array.isArray(fields)
    ? fields.map((f) => localField(ty, f))
    : Object.entries(fields);
  return pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').slice(0, 5);
}

/** A record card (R16) under a message, or in the composer's preview. */
export function recordCard(card, onRemove) {
  if (!card || card.kind !== 'record') return null;
  const types = recordTypesNow();
  // Cards drawn before the types arrive keep the server's words; the next ones are localized.
  if (!types) recordTypes().catch(() => {});
  const ty = types?.get(card.type);
  const fields = cardFields(card.fields, ty);
  const href = card.type && card.id ? recordHref(card.type, card.id) : card.url;
  // A record synced from a helpdesk links back to its ticket there (issue 19). Inside the
  // helpdesk's sidebar (the embedded panel) the card opens the ticket itself, in a new tab:
  // Tether's own record page needs a Tether sign-in the frame does not have.
  const host = card.external && /^https?:\/\//i.test(card.external.url || '') ? card.external : null;
  const embedded = document.body.dataset.page === 'embed';
  const main = embedded
    ? { href: host ? host.url : href, target: '_blank', rel: 'noopener' }
    : { href };
  return h(
    'div',
    { class: 'record-card' },
    h(
      'div',
      { class: 'record-card-body' },
      h(
        'a',
        { ...main, class: 'record-card-link' },
        h('span', { class: 'record-card-eyebrow' }, [card.app || 'Tether', ty?.display_name || card.record_type].filter(Boolean).join(' · ')),
        h('strong', { class: 'record-card-title' }, card.title || card.url),
        fields.length
          ? h('dl', { class: 'record-card-fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]))
          : null,
      ),
      host && !embedded
        ? h('a', { href: host.url, target: '_blank', rel: 'noopener', class: 'record-card-host' }, t('messages-card-open-in', { source: host.source }))
        : null,
    ),
    onRemove
      ? h('button', { type: 'button', class: 'icon-btn card-x', 'aria-label': t('messages-remove-card-for', { title: card.title || card.url }), title: t('messages-remove-card'), onClick: onRemove }, icon('x'))
      : null,
  );
}

/** An attachment's address; the embedded panel's names the embed session, as its API calls do. */
function fileUrl(url) {
  return EMBEDDED ? `${url}${url.includes('?') ? '&' : '?'}session=embed` : url;
}

function attachments(m) {
  const images = m.attachments.filter((a) => a.inline);
  const files = m.attachments.filter((a) => !a.inline);
  return [
    images.length
      ? h(
          'div',
          { class: 'msg-images' },
          images.map((a) =>
            h(
              'a',
              // Inside a host's frame the embed session's cookie belongs to the frame: a new tab
              // would not have it, so the picture is downloaded from the frame instead.
              EMBEDDED
                ? { href: fileUrl(a.url), download: a.name, class: 'msg-image' }
                : { href: a.url, target: '_blank', rel: 'noopener', class: 'msg-image' },
              h('img', { src: fileUrl(a.url), alt: a.name, loading: 'lazy' }),
            ),
          ),
        )
      : null,
    files.length
      ? h(
          'div',
          { class: 'msg-files' },
          files.map((a) =>
            h(
              'a',
              { href: fileUrl(a.url), class: 'file-chip', download: a.name },
              icon('file'),
              h('span', { class: 'file-name' }, a.name),
              h('span', { class: 'file-size' }, fmtSize(a.size)),
            ),
          ),
        )
      : null,
  ];
}

function reactions(m, ctx) {
  if (!m.reactions?.length) return null;
  return h(
    'div',
    { class: 'msg-reactions' },
    m.reactions.map((r) => {
      const mine = r.user_ids.includes(ctx.meId);
      return h(
        'button',
        {
          type: 'button',
          class: `reaction ${mine ? 'mine' : ''}`,
          'aria-pressed': String(mine),
          'aria-label': mine ? t('messages-reaction-mine', { emoji: r.emoji, count: r.count }) : t('messages-reaction-other', { emoji: r.emoji, count: r.count }),
          onClick: () => ctx.react(m, r.emoji, !mine),
        },
        h('span', { class: 'reaction-emoji' }, r.emoji),
        h('span', { class: 'reaction-count' }, String(r.count)),
      );
    }),
  );
}

function importanceBadge(m) {
  if (m.importance === 'urgent') return h('span', { class: 'badge urgent' }, icon('alert'), t('messages-urgent'));
  if (m.importance === 'important') return h('span', { class: 'badge important' }, '!', ' ', t('messages-important'));
  return null;
}

function tools(m, ctx) {
  if (m.deleted) return null;
  const mine = m.sender?.id === ctx.meId;
  const picker = h(
    'div',
    { class: 'quick-react', role: 'group', 'aria-label': t('messages-add-reaction'), hidden: true },
    QUICK_REACTIONS.map((e) =>
      h('button', { type: 'button', class: 'quick-emoji', 'aria-label': t('messages-react-with', { emoji: e }), onClick: () => ((picker.hidden = true), ctx.react(m, e, true)) }, e),
    ),
  );
  return h(
    'div',
    { class: 'msg-tools' },
    picker,
    h(
      'button',
      { type: 'button', class: 'icon-btn', 'aria-label': t('messages-add-reaction'), title: t('messages-react'), onClick: () => (picker.hidden = !picker.hidden) },
      icon('smile'),
    ),
    mine ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('messages-edit-message'), title: t('messages-edit'), onClick: () => ctx.edit(m) }, icon('pencil')) : null,
    mine ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('messages-delete-message'), title: t('messages-delete'), onClick: () => ctx.remove(m) }, icon('trash')) : null,
  );
}

function introCard(m) {
  // A reader of the record gets its card; anyone else gets the server's "a record was
  // introduced" text with the bare link (`card.kind` is "link"), drawn from the message HTML.
  const card = m.data?.card?.kind === 'link' || m.data?.hidden ? null : m.data?.card;
  // Written in English when the chat began; shown in the reader's language, as record cards are.
  const types = recordTypesNow();
  if (card && !types) recordTypes().catch(() => {});
  const ty = card ? types?.get(card.type) : undefined;
  const fields = cardFields(card?.fields, ty);
  const body = h('div', { class: 'msg-body' });
  if (!card) body.innerHTML = m.html;
  const href = card?.type && card?.id ? recordHref(card.type, card.id) : card?.url;
  return h(
    'li',
    { class: 'msg-intro', id: `msg-${m.id}`, dataset: { id: m.id, seq: m.seq } },
    h(
      'div',
      { class: 'intro-card' },
      h('div', { class: 'intro-eyebrow' }, icon('sparkles'), t('messages-introduction'), m.sender ? ` · ${t('messages-intro-from', { name: m.sender.name })}` : '', ' · ', timeEl(m.created_at, fmtTime(m.created_at))),
      card ? h('span', { class: 'record-card-eyebrow' }, [card.app || 'Tether', ty?.display_name || card.record_type].filter(Boolean).join(' · ')) : null,
      card ? h('a', { class: 'intro-title', href }, card.title) : null,
      card && fields.length ? h('dl', { class: 'record-card-fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])) : null,
      card ? null : body,
    ),
  );
}

/**
 * One message as a list item. `ctx`: {meId, grouped, react(m, emoji, add), edit(m), remove(m)}.
 */
export function renderMessage(m, ctx) {
  if (m.kind === 'system') {
    const text = h('span', { class: 'sys-text' });
    const words = systemText(m);
    if (words) text.textContent = words;
    else text.innerHTML = m.html;
    return h('li', { class: 'msg-system', id: `msg-${m.id}`, dataset: { id: m.id, seq: m.seq } }, text, ' ', timeEl(m.created_at, fmtTime(m.created_at)));
  }
  if (m.kind === 'intro') return introCard(m);
  const mine = m.sender?.id === ctx.meId;
  const body = h('div', { class: 'msg-body' });
  if (m.deleted) body.append(h('em', { class: 'deleted-note' }, t('messages-deleted')));
  else {
    body.innerHTML = m.html;
    fixLinks(body);
  }
  const cls = ['msg', mine ? 'mine' : '', ctx.grouped ? 'grouped' : '', m.deleted ? 'deleted' : '', m.importance !== 'normal' ? `imp-${m.importance}` : ''];
  const li = h(
    'li',
    { class: cls.filter(Boolean).join(' '), id: `msg-${m.id}`, dataset: { id: m.id, seq: m.seq }, onClick: (e) => tapped(li, e) },
    ctx.grouped ? h('span', { class: 'avatar-gap' }, h('time', { datetime: m.created_at, class: 'gap-time' }, fmtTime(m.created_at))) : avatar(m.sender?.name || '?', m.sender?.id),
    h(
      'div',
      { class: 'msg-main' },
      ctx.grouped
        ? null
        : h('div', { class: 'msg-meta' }, h('strong', { class: 'msg-sender' }, m.sender?.name || t('messages-unknown-sender')), timeEl(m.created_at, fmtTime(m.created_at)), importanceBadge(m)),
      ctx.grouped && m.importance !== 'normal' ? h('div', { class: 'msg-meta' }, importanceBadge(m)) : null,
      body,
      m.edited_at && !m.deleted ? h('span', { class: 'edited', title: t('messages-edited-at', { time: fmtFull(m.edited_at) }) }, t('messages-edited')) : null,
      m.deleted ? null : attachments(m),
      m.deleted ? null : (m.cards || []).map((c) => recordCard(c)),
      reactions(m, ctx),
    ),
    tools(m, ctx),
  );
  return li;
}

/**
 * A tap (a click) on a message, not on one of its links or controls, shows its tools and hides
 * those of the message tapped before; a tap outside the messages hides them. Only devices without hover look at this (app.css,
 * `@media (hover: none)`): there the tools cannot wait for the pointer to rest on the message.
 */
// A tap anywhere else (not on a message, a menu or a dialog) hides the tools a tap showed.
document.addEventListener('click', (e) => {
  if (!(e.target instanceof Element) || e.target.closest('.msg, dialog, [role=menu]')) return;
  for (const li of document.querySelectorAll('.msg.tools-open')) li.classList.remove('tools-open');
});

function tapped(li, e) {
  if (e.target.closest('a, button, input, textarea, select, summary, .msg-tools')) return;
  const open = !li.classList.contains('tools-open');
  for (const other of li.parentElement?.querySelectorAll('.msg.tools-open') || []) other.classList.remove('tools-open');
  li.classList.toggle('tools-open', open);
}

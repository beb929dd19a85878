// A chat's system messages ("Olga started the chat with Per", "Priority changed from Normal to
// High by Olga") in the page's language. The server stores one English text per message for
// every member, and with it the facts in `data` (`event`, the people, the record's type and
// number); this module says those facts with the catalog's words, so each member reads the
// message in their own language. Messages whose `data` lacks what the words need (stored
// before it carried them) keep the server's text.

import { recordTypes, recordTypesNow } from './api.js';
import { optionLabel, STATE_LABEL } from './fields.js';
import { formatLocale, t } from './i18n.js';

const list = new Intl.ListFormat(formatLocale, { type: 'conjunction' });
const names = (users) => list.format(users.map((u) => u.name));

/** The record type `name` as loaded (localized), or null before the types arrive. */
function typeOf(name) {
  const types = recordTypesNow();
  if (!types) recordTypes().catch(() => {});
  return types?.get(name) || null;
}

/** A record as a system message names it: its type and number ("Case CAS-00042"), or "a
 *  contact" for an unnumbered type — never its name, which not every member may read. */
function recordWords(r) {
  const words = typeOf(r.type)?.words;
  if (r.number) return t('system-record-numbered', { type: words?.named || r.type, number: r.number });
  return words?.one || t('system-record-unnumbered', { type: r.type });
}

function historyWords(history) {
  if (history === 'all') return t('system-history-all');
  if (history === 'none') return t('system-history-none');
  return t('system-history-days', { days: Number(history?.days) || 0 });
}

/** A changed field's value in words: a state or a choice by its label, yes or no, else as the
 *  server wrote it (a lookup's name, a text). */
function valueWords(field, value, written) {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'state' && STATE_LABEL[value]) return STATE_LABEL[value];
  if (typeof value === 'boolean') return value ? t('fields-yes') : t('fields-no');
  return written;
}

function fieldChange(d, by) {
  if (!d.record || !Object.hasOwn(d, 'new_value')) return null;
  const def = typeOf(d.record.type)?.fields?.find((f) => f.name === d.field);
  const words = (value, written) => (def?.kind === 'choice' && typeof value === 'string' ? optionLabel(def, value) : valueWords(d.field, value, written));
  const field = d.field === 'state' ? t('fields-state') : def?.label || d.label || d.field;
  return t('system-field-changed', { field, old: words(d.old_value, d.old), new: words(d.new_value, d.new), by });
}

function connection(d, by) {
  if (!d.how || !d.record || !Object.hasOwn(d.record, 'number')) return null;
  const record = recordWords(d.record);
  const channel = d.what === 'channel';
  if (d.how === 'started') return t('system-started-from', { by, record });
  if (d.how === 'connected') return channel ? t('system-channel-connected', { by, record }) : t('system-chat-connected', { by, record });
  if (d.how === 'disconnected') return channel ? t('system-channel-disconnected', { by, record }) : t('system-chat-disconnected', { by, record });
  return null;
}

/** The words of system message `m` in the page's language, or null to keep the server's. */
export function systemText(m) {
  const d = m.data || {};
  const by = m.sender?.name || t('messages-unknown-sender');
  switch (d.event) {
    case 'chat.created':
      return Array.isArray(d.users) ? t('system-chat-created', { by, names: names(d.users) }) : null;
    case 'channel.created':
      return d.name && d.team ? t('system-channel-created', { by, name: d.name, team: d.team }) : null;
    case 'chat.renamed':
      return d.name ? t('system-chat-renamed', { by, name: d.name }) : null;
    case 'member.added':
      if (!Array.isArray(d.users)) return null;
      if (d.hand_over) return Object.hasOwn(d.hand_over, 'number') ? t('system-handed-over', { by, record: recordWords(d.hand_over), name: names(d.users) }) : null;
      return d.history ? t('system-members-added', { by, names: names(d.users), history: historyWords(d.history) }) : null;
    case 'member.left':
      return d.name ? t('system-member-left', { name: d.name }) : null;
    case 'member.removed':
      return d.name ? t('system-member-removed', { by, name: d.name }) : null;
    case 'member.joined':
      return d.record && Object.hasOwn(d.record, 'number') ? t('system-member-joined', { by, record: recordWords(d.record) }) : null;
    case 'connection.added':
    case 'connection.removed':
      return connection(d, by);
    case 'record.deleted':
      return d.record && Object.hasOwn(d.record, 'number') ? t('system-record-deleted', { by, record: recordWords(d.record) }) : null;
    case 'record.field_changed':
      return fieldChange(d, by);
    default:
      return null;
  }
}

// The record page (`/records/{type}/{id}`): the record's fields (editable where the user may
// write), its timeline (live, with a refresh action), the collaboration panel, and the chat
// pane where chats opened from the panel or the timeline appear beside the record.

import { del, get, patch, post, qs, recordTypes, seg } from './api.js';
import { boot, capitalize, debounce, fmtFull, fmtTime, h, toast } from './dom.js';
import { combobox, peopleSource } from './combobox.js';
import * as events from './events.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { ChatDock } from './dock.js';
import { CollabPanel, joinChat } from './panel.js';
import { renderFields, STATE_LABEL } from './fields.js';
import { paneSwitch } from './layout.js';
import { openDialog } from './dialog.js';
import { setChatVisibleProbe, startShell } from './shell.js';

startShell();

const TYPE = boot.recordType;
const ID = boot.recordId;
const base = `/records${seg(TYPE, ID)}`;
const main = document.getElementById('main');

const KIND_ICON = { note: 'note', phone_call: 'phone', email: 'mail', task: 'task', chat_connection: 'message', chat_disconnection: 'unlink' };
const KIND_LABEL = { note: t('record-kind-note'), phone_call: t('record-kind-phone-call'), email: t('record-kind-email'), task: t('record-kind-task') };

const layout = h('div', { class: 'record-layout' });
const recordMain = h('section', { class: 'record-main', 'aria-label': t('record-pane-record') });
const chatPane = h('div', { class: 'record-chat', hidden: true });
const panelHost = h('aside', { class: 'collab-panel', 'aria-label': t('record-pane-collaboration'), id: 'collab-panel' });
layout.append(recordMain, chatPane, panelHost);
main.replaceChildren(layout);
paneSwitch(layout, [{ el: recordMain, key: 'record', label: t('record-pane-record') }, { el: panelHost, key: 'panel', label: t('record-pane-collaboration') }, { el: chatPane, key: 'chat', label: t('record-pane-chat'), optional: true }], { label: t('record-pane-parts') });

const dock = new ChatDock(chatPane, {
  mode: 'pane',
  onChange: () => {
    const open = dock.views.size > 0;
    chatPane.hidden = !open;
    layout.classList.toggle('with-chat', open);
  },
});
setChatVisibleProbe((id) => dock.isVisible(id));

let record = null;
let type = null;
let panel = null;

// --- timeline ---------------------------------------------------------------------------

const timelineList = h('ol', { class: 'timeline-list', 'aria-label': t('record-timeline-entries') });
const timelineMore = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, t('record-timeline-older'));
const timelineStatus = h('p', { class: 'muted small', role: 'status' });
let timelineItems = [];

function chatConnectionItem(item) {
  const c = item.chat || {};
  const actions = [];
  if (c.is_member) actions.push(h('button', { type: 'button', class: 'btn ghost small', onClick: () => dock.open({ id: c.id, name: c.name }) }, icon('message'), t('record-open-chat')));
  else if (c.can_join)
    actions.push(
      h(
        'button',
        {
          type: 'button',
          class: 'btn primary small',
          onClick: async () => {
            const chat = await joinChat(c, { type: TYPE, id: ID });
            if (chat) {
              dock.open(chat);
              loadTimeline();
              panel?.reload();
            }
          },
        },
        t('record-join'),
      ),
    );
  else actions.push(h('span', { class: 'tag' }, icon('lock'), t('record-not-member')));
  if (c.can_disconnect) actions.push(h('button', { type: 'button', class: 'btn ghost small', onClick: () => panel?.disconnect({ id: c.id, name: c.name || t('record-this-chat') }) }, icon('unlink'), t('record-disconnect')));
  const isDisconnection = item.kind === 'chat_disconnection';
  const disconnected = isDisconnection || c.connected === false;
  const since = !isDisconnection && c.connected === false && c.disconnected_at ? h('span', { class: 'tag' }, t('record-disconnected-since', { time: fmtFull(c.disconnected_at) })) : null;
  // Who connected and who disconnected are different people: each is named from its own field.
  const offBy = c.disconnected_by || (isDisconnection ? c.connected_by : null);
  const who =
    c.connected_by && c.disconnected_by && !isDisconnection
      ? t('record-connected-disconnected-by', { connected: c.connected_by.name, disconnected: c.disconnected_by.name })
      : !isDisconnection && c.connected_by
        ? t('record-connected-by', { name: c.connected_by.name })
        : offBy
          ? t('record-disconnected-by', { name: offBy.name })
          : '';
  return [
    h('p', { class: 'tl-title' }, isDisconnection ? t('record-chat-disconnected') : t('record-chat-connected'), ' ', h('strong', {}, c.name || t('record-a-chat')), since),
    h(
      'p',
      { class: 'tl-meta' },
      who || '',
      c.last_message_at
        ? h('span', { class: 'tl-last' }, ' · ', c.last_message_by ? t('record-last-message-from', { name: c.last_message_by.name, time: fmtFull(c.last_message_at) }) : t('record-last-message', { time: fmtFull(c.last_message_at) }))
        : '',
    ),
    disconnected ? null : h('div', { class: 'row gap-s' }, actions),
  ];
}

function timelineEntry(item) {
  const isChat = item.kind === 'chat_connection' || item.kind === 'chat_disconnection';
  return h(
    'li',
    { class: `tl-item kind-${item.kind}` },
    h('span', { class: 'tl-icon', 'aria-hidden': 'true' }, icon(KIND_ICON[item.kind] || 'note')),
    h(
      'div',
      { class: 'tl-main' },
      h(
        'div',
        { class: 'tl-head' },
        h('span', { class: 'tl-kind' }, KIND_LABEL[item.kind] || (isChat ? t('record-kind-chat') : item.kind)),
        h('span', { class: 'muted' }, item.author ? ` · ${item.author.name}` : ''),
        h('time', { datetime: item.at, class: 'muted tl-time' }, fmtFull(item.at)),
      ),
      isChat
        ? chatConnectionItem(item)
        : [h('p', { class: 'tl-title' }, item.subject), item.body ? h('p', { class: 'tl-body' }, item.body) : null],
    ),
  );
}

function drawTimeline() {
  timelineList.replaceChildren(...(timelineItems.length ? timelineItems.map(timelineEntry) : [h('li', { class: 'empty muted' }, t('record-timeline-empty'))]));
}

async function loadTimeline(older = false) {
  timelineStatus.textContent = older ? t('record-timeline-loading-older') : '';
  try {
    const before = older && timelineItems.length ? timelineItems[timelineItems.length - 1].at : '';
    const res = await get(`${base}/timeline${qs({ limit: 30, before })}`);
    timelineItems = older ? timelineItems.concat(res.items) : res.items;
    timelineMore.hidden = res.items.length < 30;
    drawTimeline();
    timelineStatus.textContent = older ? '' : t('record-timeline-updated', { time: fmtTime(new Date().toISOString()) });
  } catch (e) {
    timelineList.replaceChildren(h('li', { class: 'error', role: 'alert' }, e.message));
    timelineStatus.textContent = '';
  }
}
timelineMore.addEventListener('click', () => loadTimeline(true));

function activityForm() {
  const kind = h('select', { id: 'act-kind' }, Object.entries(KIND_LABEL).map(([v, l]) => h('option', { value: v }, l)));
  const subject = h('input', { id: 'act-subject', type: 'text', maxlength: '200', required: true, placeholder: t('record-activity-subject-placeholder') });
  const bodyEl = h('textarea', { id: 'act-body', rows: '2', placeholder: t('record-activity-details-placeholder') });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'activity-form' },
    h('div', { class: 'row gap-s' }, h('div', { class: 'field' }, h('label', { for: kind.id }, t('record-activity-kind')), kind), h('div', { class: 'field grow' }, h('label', { for: subject.id }, t('record-activity-subject')), subject)),
    h('div', { class: 'field' }, h('label', { for: bodyEl.id }, t('record-activity-details')), bodyEl),
    error,
    h('div', {}, h('button', { type: 'submit', class: 'btn primary small' }, icon('plus'), t('record-activity-add'))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await post(`${base}/activities`, { kind: kind.value, subject: subject.value.trim(), body: bodyEl.value.trim() || undefined });
      subject.value = '';
      bodyEl.value = '';
      loadTimeline();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return h('details', { class: 'add-activity' }, h('summary', {}, icon('plus'), t('record-activity-log')), form);
}

// --- the record -------------------------------------------------------------------------

function ownerText(r) {
  return r.owner?.name ? (r.owner.team_id ? t('record-owner-team', { name: r.owner.name }) : r.owner.name) : '—';
}

// --- owner and shares --------------------------------------------------------------------

const notice = h('p', { class: 'notice handover-notice', id: 'owner-notice', role: 'status', hidden: true });

function ownerDialog() {
  const search = h('input', { type: 'search', id: 'owner-search', autocomplete: 'off', 'aria-label': t('record-owner-search'), placeholder: t('record-owner-search') });
  const list = h('div', { class: 'owner-options', id: 'owner-options', role: 'radiogroup', 'aria-label': t('record-owner-title') });
  let chosen = null;
  const load = async () => {
    try {
      const res = await get(`${base}/owner-options${qs({ q: search.value.trim(), limit: 30 })}`);
      list.replaceChildren(
        ...(res.items.length
          ? res.items.map((o, i) => {
              const id = `owner-opt-${i}`;
              const radio = h('input', { type: 'radio', name: 'owner', id, value: `${o.kind}:${o.id}`, checked: o.current });
              radio.addEventListener('change', () => (chosen = o));
              return h('div', { class: 'owner-option' }, radio, h('label', { for: id, title: o.name }, h('span', { class: 'owner-name' }, o.name), h('span', { class: 'tag' }, o.kind === 'team' ? t('record-owner-kind-team') : t('record-owner-kind-person'))));
            })
          : [h('p', { class: 'muted' }, t('record-owner-none'))]),
      );
    } catch (e) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  search.addEventListener('input', debounce(load, 200));
  openDialog({
    title: t('record-owner-title'),
    body: [search, list],
    actions: [
      { label: t('record-cancel') },
      {
        label: t('record-save'),
        kind: 'primary',
        onClick: async () => {
          if (!chosen || chosen.current) return true;
          const owner = chosen.kind === 'team' ? { team_id: chosen.id } : { user_id: chosen.id };
          const updated = await patch(base, { owner });
          const h0 = updated.handed_over;
          record = updated;
          drawRecord();
          let text = t('record-owner-changed', { name: updated.owner?.name || '' });
          if (h0) text = t('record-handed-over', { count: h0.chats, name: h0.to.name });
          notice.textContent = text;
          notice.hidden = false;
          toast(text, 'success');
          loadTimeline();
          panel?.reload();
          return true;
        },
      },
    ],
  });
  load();
}

function shareDialog() {
  const list = h('ul', { class: 'share-list', id: 'share-list', 'aria-label': t('record-shared-with') });
  // The person: a combobox showing each one's name and e-mail (never the user themself).
  const user = combobox({ id: 'share-user', label: t('record-share-person'), placeholder: t('record-share-person-placeholder'), source: peopleSource([boot.userId]) });
  const access = h('select', { id: 'share-access' }, h('option', { value: 'read' }, t('record-share-read')), h('option', { value: 'write' }, t('record-share-write')));
  const addBtn = h('button', { type: 'submit', class: 'btn primary small', id: 'share-add' }, icon('plus'), t('record-share-add'));
  const msg = h('p', { class: 'form-error', role: 'alert', id: 'share-error' });
  const load = async () => {
    try {
      const res = await get(`${base}/shares`);
      list.replaceChildren(
        ...(res.items.length
          ? res.items.map((s) =>
              h(
                'li',
                { class: 'share-item' },
                h('span', { class: 'share-name', title: s.user.name }, s.user.name),
                h('span', { class: 'tag' }, s.access === 'write' ? t('record-share-write') : t('record-share-read')),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn danger-ghost small',
                    'aria-label': t('record-share-remove-label', { name: s.user.name }),
                    onClick: async () => {
                      try {
                        await del(`${base}/shares${seg(s.user.id)}`);
                        load();
                      } catch (e) {
                        msg.textContent = e.message;
                      }
                    },
                  },
                  t('record-share-remove'),
                ),
              ),
            )
          : [h('li', { class: 'muted' }, t('record-not-shared'))]),
      );
    } catch (e) {
      list.replaceChildren(h('li', { class: 'error', role: 'alert' }, e.message));
    }
  };
  const form = h(
    'form',
    { class: 'share-form row gap-s', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: user.input.id }, t('record-share-person')), user.el),
    h('div', { class: 'field' }, h('label', { for: access.id }, t('record-share-access')), access),
    addBtn,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.textContent = '';
    const id = user.value();
    if (!id) {
      msg.textContent = t('record-share-pick-person');
      user.input.setAttribute('aria-invalid', 'true');
      user.input.setAttribute('aria-describedby', msg.id);
      return;
    }
    user.input.removeAttribute('aria-invalid');
    user.input.removeAttribute('aria-describedby');
    try {
      await post(`${base}/shares`, { user_id: id, access: access.value });
      user.set(null);
      load();
    } catch (err) {
      msg.textContent = err.message;
    }
  });
  openDialog({ title: t('record-share-title'), body: [h('h3', { class: 'small-head' }, t('record-shared-with')), list, form, msg], actions: [{ label: t('record-close') }] });
  load();
}

function drawRecord() {
  document.title = `${record.name} · Tether`;
  const refresh = h('button', { type: 'button', class: 'btn ghost small', id: 'timeline-refresh', onClick: () => loadTimeline() }, icon('refresh'), t('record-refresh'));
  recordMain.replaceChildren(
    h('nav', { class: 'breadcrumb', 'aria-label': t('record-breadcrumb') }, h('a', { href: '/' }, t('record-my-work')), h('span', { 'aria-hidden': 'true' }, '/'), h('a', { href: `/records${seg(TYPE)}`, id: 'type-records-link' }, type.words?.list || type.display_name)),
    h(
      'header',
      { class: 'record-head' },
      h('div', { class: 'record-type-badge', 'aria-hidden': 'true' }, icon('folder')),
      h(
        'div',
        { class: 'record-head-main' },
        h('p', { class: 'eyebrow' }, type.display_name, record.number ? h('span', { class: 'mono' }, ` · ${record.number}`) : null),
        h('h1', { id: 'record-title' }, record.name),
        h(
          'p',
          { class: 'record-facts' },
          h('span', { class: `state ${record.state}` }, STATE_LABEL[record.state] || capitalize(record.state)),
          h('span', { class: 'record-owner' }, t('record-owner-label'), ' ', h('strong', { id: 'record-owner', title: ownerText(record) }, ownerText(record))),
          record.can_write ? null : h('span', { class: 'tag' }, icon('lock'), t('record-read-only')),
        ),
        record.can_write
          ? h(
              'div',
              { class: 'record-actions row gap-s' },
              h('button', { type: 'button', class: 'btn ghost small', id: 'change-owner', onClick: ownerDialog }, icon('users'), t('record-change-owner')),
              h('button', { type: 'button', class: 'btn ghost small', id: 'share-record', onClick: shareDialog }, icon('link'), t('record-share')),
            )
          : null,
        notice,
      ),
    ),
    h(
      'div',
      { class: 'record-body' },
      h('section', { class: 'card details', 'aria-labelledby': 'details-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'details-title' }, t('record-details'))), renderFields(record, type, onSaved)),
      h(
        'section',
        { class: 'card timeline', 'aria-labelledby': 'timeline-title' },
        h('div', { class: 'card-head' }, h('h2', { id: 'timeline-title' }, t('record-timeline')), h('div', { class: 'row gap-s' }, timelineStatus, refresh)),
        record.can_write ? activityForm() : null,
        timelineList,
        timelineMore,
      ),
    ),
  );
}

function onSaved(updated) {
  record = updated;
  drawRecord();
  toast(t('record-saved'), 'success');
  loadTimeline();
}

async function start() {
  try {
    const [r, types] = await Promise.all([get(base), recordTypes()]);
    record = r;
    type = types.get(TYPE) || { name: TYPE, display_name: TYPE, fields: [], settings: {} };
  } catch (e) {
    recordMain.replaceChildren(
      h('nav', { class: 'breadcrumb', 'aria-label': t('record-breadcrumb') }, h('a', { href: '/' }, t('record-my-work'))),
      h('section', { class: 'card narrow' }, h('h1', {}, t('record-failed')), h('p', { class: 'error', role: 'alert' }, e.message)),
    );
    panelHost.hidden = true;
    return;
  }
  drawRecord();
  loadTimeline();
  events.watch({ type: TYPE, id: ID });
  panel = new CollabPanel(panelHost, { record, type, openChat: (chat) => dock.open(chat) });
}

const matches = (e) => e.record?.id === ID || e.record_id === ID || (e.records || []).some((r) => r.id === ID);
const timelineSoon = debounce(() => loadTimeline(), 400);
events.on('timeline.changed', (e) => matches(e) && timelineSoon());
events.on('connection.added', (e) => matches(e) && timelineSoon());
events.on('connection.removed', (e) => matches(e) && timelineSoon());
events.on('resync', timelineSoon);
// R15: a chat entry's last message stays current without Refresh. Members receive the chat's
// messages live; the entry is updated in place.
events.on('message.created', (e) => {
  const m = e.message;
  if (!m || m.kind === 'system') return;
  let changed = false;
  for (const item of timelineItems) {
    if (item.chat?.id === e.chat_id && item.kind === 'chat_connection') {
      item.chat.last_message_at = m.created_at;
      item.chat.last_message_by = m.sender || null;
      changed = true;
    }
  }
  if (changed) drawTimeline();
});

start();

// The record page (`/records/{type}/{id}`): the record's fields (editable where the user may
// write), its timeline (live, with a refresh action), the collaboration panel, and the chat
// pane where chats opened from the panel or the timeline appear beside the record.

import { del, get, patch, post, qs, recordTypes, seg } from './api.js';
import { boot, debounce, fmtFull, h, toast } from './dom.js';
import * as events from './events.js';
import { icon } from './icons.js';
import { ChatDock } from './dock.js';
import { CollabPanel, joinChat } from './panel.js';
import { renderFields } from './fields.js';
import { paneSwitch } from './layout.js';
import { openDialog } from './dialog.js';
import { setChatVisibleProbe, startShell } from './shell.js';

startShell();

const TYPE = boot.recordType;
const ID = boot.recordId;
const base = `/records${seg(TYPE, ID)}`;
const main = document.getElementById('main');

const KIND_ICON = { note: 'note', phone_call: 'phone', email: 'mail', task: 'task', chat_connection: 'message', chat_disconnection: 'unlink' };
const KIND_LABEL = { note: 'Note', phone_call: 'Phone call', email: 'Email', task: 'Task' };

const layout = h('div', { class: 'record-layout' });
const recordMain = h('section', { class: 'record-main', 'aria-label': 'Record' });
const chatPane = h('div', { class: 'record-chat', hidden: true });
const panelHost = h('aside', { class: 'collab-panel', 'aria-label': 'Collaboration', id: 'collab-panel' });
layout.append(recordMain, chatPane, panelHost);
main.replaceChildren(layout);
paneSwitch(layout, [{ el: recordMain, key: 'record', label: 'Record' }, { el: panelHost, key: 'panel', label: 'Collaboration' }, { el: chatPane, key: 'chat', label: 'Chat', optional: true }], { label: 'Parts of this page' });

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

const timelineList = h('ol', { class: 'timeline-list', 'aria-label': 'Timeline entries' });
const timelineMore = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, 'Show older entries');
const timelineStatus = h('p', { class: 'muted small', role: 'status' });
let timelineItems = [];

function chatConnectionItem(item) {
  const c = item.chat || {};
  const actions = [];
  if (c.is_member) actions.push(h('button', { type: 'button', class: 'btn ghost small', onClick: () => dock.open({ id: c.id, name: c.name }) }, icon('message'), 'Open chat'));
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
        'Join',
      ),
    );
  else actions.push(h('span', { class: 'tag' }, icon('lock'), 'Not a member'));
  if (c.can_disconnect) actions.push(h('button', { type: 'button', class: 'btn ghost small', onClick: () => panel?.disconnect({ id: c.id, name: c.name || 'this chat' }) }, icon('unlink'), 'Disconnect'));
  const isDisconnection = item.kind === 'chat_disconnection';
  const disconnected = isDisconnection || c.connected === false;
  const since = !isDisconnection && c.connected === false && c.disconnected_at ? h('span', { class: 'tag' }, `Disconnected since ${fmtFull(c.disconnected_at)}`) : null;
  // Who connected and who disconnected are different people: each is named from its own field.
  const who = isDisconnection
    ? (c.disconnected_by || c.connected_by) && `Disconnected by ${(c.disconnected_by || c.connected_by).name}`
    : [c.connected_by ? `Connected by ${c.connected_by.name}` : '', c.disconnected_by ? ` · disconnected by ${c.disconnected_by.name}` : ''].join('');
  return [
    h('p', { class: 'tl-title' }, isDisconnection ? 'Chat disconnected: ' : 'Chat connected: ', h('strong', {}, c.name || 'a chat'), since),
    h(
      'p',
      { class: 'tl-meta' },
      who || '',
      c.last_message_at ? h('span', { class: 'tl-last' }, ` · last message ${c.last_message_by ? `from ${c.last_message_by.name} ` : ''}${fmtFull(c.last_message_at)}`) : '',
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
        h('span', { class: 'tl-kind' }, KIND_LABEL[item.kind] || (isChat ? 'Chat' : item.kind)),
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
  timelineList.replaceChildren(...(timelineItems.length ? timelineItems.map(timelineEntry) : [h('li', { class: 'empty muted' }, 'Nothing on the timeline yet.')]));
}

async function loadTimeline(older = false) {
  timelineStatus.textContent = older ? 'Loading older entries…' : '';
  try {
    const before = older && timelineItems.length ? timelineItems[timelineItems.length - 1].at : '';
    const res = await get(`${base}/timeline${qs({ limit: 30, before })}`);
    timelineItems = older ? timelineItems.concat(res.items) : res.items;
    timelineMore.hidden = res.items.length < 30;
    drawTimeline();
    timelineStatus.textContent = older ? '' : `Updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    timelineList.replaceChildren(h('li', { class: 'error', role: 'alert' }, e.message));
    timelineStatus.textContent = '';
  }
}
timelineMore.addEventListener('click', () => loadTimeline(true));

function activityForm() {
  const kind = h('select', { id: 'act-kind' }, Object.entries(KIND_LABEL).map(([v, l]) => h('option', { value: v }, l)));
  const subject = h('input', { id: 'act-subject', type: 'text', maxlength: '200', required: true, placeholder: 'What happened?' });
  const bodyEl = h('textarea', { id: 'act-body', rows: '2', placeholder: 'Details (optional)' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'activity-form' },
    h('div', { class: 'row gap-s' }, h('div', { class: 'field' }, h('label', { for: kind.id }, 'Kind'), kind), h('div', { class: 'field grow' }, h('label', { for: subject.id }, 'Subject'), subject)),
    h('div', { class: 'field' }, h('label', { for: bodyEl.id }, 'Details'), bodyEl),
    error,
    h('div', {}, h('button', { type: 'submit', class: 'btn primary small' }, icon('plus'), 'Add to timeline')),
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
  return h('details', { class: 'add-activity' }, h('summary', {}, icon('plus'), 'Log an activity'), form);
}

// --- the record -------------------------------------------------------------------------

function ownerText(r) {
  return r.owner?.name ? `${r.owner.team_id ? 'Team ' : ''}${r.owner.name}` : '—';
}

// --- owner and shares --------------------------------------------------------------------

const RT = {
  changeOwner: 'Change owner',
  ownerTitle: 'Change the owner',
  ownerSearch: 'Search people and teams',
  ownerNone: 'Nobody you may hand this record to matches.',
  team: 'Team',
  person: 'Person',
  save: 'Save',
  cancel: 'Cancel',
  close: 'Close',
  handedOver: '{n} chats handed over to {name}.',
  handedOverOne: '1 chat handed over to {name}.',
  handedOverNone: 'The owner is now {name}; there were no connected group chats to hand over.',
  ownerChanged: 'The owner is now {name}.',
  share: 'Share',
  shareTitle: 'Share this record',
  sharedWith: 'Shared with',
  notShared: 'This record is not shared with anyone.',
  shareUser: 'Person',
  shareAccess: 'Access',
  read: 'Can read',
  write: 'Can edit',
  add: 'Add',
  remove: 'Remove',
  removeLabel: 'Remove the share of {name}',
  pickPerson: 'Choose a person from the suggestions.',
};
const fillT = (text, vars) => text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
const notice = h('p', { class: 'notice handover-notice', id: 'owner-notice', role: 'status', hidden: true });

function ownerDialog() {
  const search = h('input', { type: 'search', id: 'owner-search', autocomplete: 'off', 'aria-label': RT.ownerSearch, placeholder: RT.ownerSearch });
  const list = h('div', { class: 'owner-options', id: 'owner-options', role: 'radiogroup', 'aria-label': RT.ownerTitle });
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
              return h('div', { class: 'owner-option' }, radio, h('label', { for: id, title: o.name }, h('span', { class: 'owner-name' }, o.name), h('span', { class: 'tag' }, o.kind === 'team' ? RT.team : RT.person)));
            })
          : [h('p', { class: 'muted' }, RT.ownerNone)]),
      );
    } catch (e) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  search.addEventListener('input', debounce(load, 200));
  openDialog({
    title: RT.ownerTitle,
    body: [search, list],
    actions: [
      { label: RT.cancel },
      {
        label: RT.save,
        kind: 'primary',
        onClick: async () => {
          if (!chosen || chosen.current) return true;
          const owner = chosen.kind === 'team' ? { team_id: chosen.id } : { user_id: chosen.id };
          const updated = await patch(base, { owner });
          const h0 = updated.handed_over;
          record = updated;
          drawRecord();
          let text = fillT(RT.ownerChanged, { name: updated.owner?.name || '' });
          if (h0) text = fillT(h0.chats === 1 ? RT.handedOverOne : h0.chats ? RT.handedOver : RT.handedOverNone, { n: String(h0.chats), name: h0.to.name });
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
  const list = h('ul', { class: 'share-list', id: 'share-list', 'aria-label': RT.sharedWith });
  const user = h('input', { type: 'search', id: 'share-user', list: 'share-user-list', autocomplete: 'off' });
  const users = h('datalist', { id: 'share-user-list' });
  const found = new Map();
  const access = h('select', { id: 'share-access' }, h('option', { value: 'read' }, RT.read), h('option', { value: 'write' }, RT.write));
  const addBtn = h('button', { type: 'submit', class: 'btn primary small', id: 'share-add' }, icon('plus'), RT.add);
  const msg = h('p', { class: 'form-error', role: 'alert' });
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
                h('span', { class: 'tag' }, s.access === 'write' ? RT.write : RT.read),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn danger-ghost small',
                    'aria-label': fillT(RT.removeLabel, { name: s.user.name }),
                    onClick: async () => {
                      try {
                        await del(`${base}/shares${seg(s.user.id)}`);
                        load();
                      } catch (e) {
                        msg.textContent = e.message;
                      }
                    },
                  },
                  RT.remove,
                ),
              ),
            )
          : [h('li', { class: 'muted' }, RT.notShared)]),
      );
    } catch (e) {
      list.replaceChildren(h('li', { class: 'error', role: 'alert' }, e.message));
    }
  };
  user.addEventListener(
    'input',
    debounce(async () => {
      const q = user.value.trim();
      if (!q || found.has(q)) return;
      try {
        const res = await get(`/users${qs({ q, limit: 10 })}`);
        users.replaceChildren(...res.items.filter((u) => u.active && u.id !== boot.userId).map((u) => (found.set(u.name, u.id), h('option', { value: u.name }, u.email))));
      } catch {
        /* suggestions are optional */
      }
    }, 200),
  );
  const form = h(
    'form',
    { class: 'share-form row gap-s', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: user.id }, RT.shareUser), user, users),
    h('div', { class: 'field' }, h('label', { for: access.id }, RT.shareAccess), access),
    addBtn,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.textContent = '';
    const id = found.get(user.value.trim());
    if (!id) {
      msg.textContent = RT.pickPerson;
      user.setAttribute('aria-invalid', 'true');
      return;
    }
    user.removeAttribute('aria-invalid');
    try {
      await post(`${base}/shares`, { user_id: id, access: access.value });
      user.value = '';
      load();
    } catch (err) {
      msg.textContent = err.message;
    }
  });
  openDialog({ title: RT.shareTitle, body: [h('h3', { class: 'small-head' }, RT.sharedWith), list, form, msg], actions: [{ label: RT.close }] });
  load();
}

function drawRecord() {
  document.title = `${record.name} · Tether`;
  const refresh = h('button', { type: 'button', class: 'btn ghost small', id: 'timeline-refresh', onClick: () => loadTimeline() }, icon('refresh'), 'Refresh');
  recordMain.replaceChildren(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/' }, 'My work'), h('span', { 'aria-hidden': 'true' }, '/'), h('a', { href: `/records${seg(TYPE)}`, id: 'type-records-link' }, type.display_name)),
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
          h('span', { class: `state ${record.state}` }, record.state.charAt(0).toUpperCase() + record.state.slice(1)),
          h('span', { class: 'record-owner' }, 'Owner: ', h('strong', { id: 'record-owner', title: ownerText(record) }, ownerText(record))),
          record.can_write ? null : h('span', { class: 'tag' }, icon('lock'), 'Read only'),
        ),
        record.can_write
          ? h(
              'div',
              { class: 'record-actions row gap-s' },
              h('button', { type: 'button', class: 'btn ghost small', id: 'change-owner', onClick: ownerDialog }, icon('users'), RT.changeOwner),
              h('button', { type: 'button', class: 'btn ghost small', id: 'share-record', onClick: shareDialog }, icon('link'), RT.share),
            )
          : null,
        notice,
      ),
    ),
    h(
      'div',
      { class: 'record-body' },
      h('section', { class: 'card details', 'aria-labelledby': 'details-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'details-title' }, 'Details')), renderFields(record, type, onSaved)),
      h(
        'section',
        { class: 'card timeline', 'aria-labelledby': 'timeline-title' },
        h('div', { class: 'card-head' }, h('h2', { id: 'timeline-title' }, 'Timeline'), h('div', { class: 'row gap-s' }, timelineStatus, refresh)),
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
  toast('Changes saved.', 'success');
  loadTimeline();
}

async function start() {
  try {
    const [r, types] = await Promise.all([get(base), recordTypes()]);
    record = r;
    type = types.get(TYPE) || { name: TYPE, display_name: TYPE, fields: [], settings: {} };
  } catch (e) {
    recordMain.replaceChildren(
      h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '/' }, 'My work')),
      h('section', { class: 'card narrow' }, h('h1', {}, 'This record could not be opened'), h('p', { class: 'error', role: 'alert' }, e.message)),
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

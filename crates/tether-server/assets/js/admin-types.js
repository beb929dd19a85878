// Administration of record types (R19): the types and their fields, a new custom type, and
// each type's collaboration settings with the intro-card and field-notification pickers.

import { get, post, put, seg } from './api.js';
import { errorBox, h, humanize, switchRow, toast } from './dom.js';
import { openDialog } from './dialog.js';
import { icon } from './icons.js';

// --- record types -------------------------------------------------------------------------

const KINDS = ['text', 'long_text', 'number', 'boolean', 'date', 'choice', 'lookup'];

function createTypeDialog(types, onDone) {
  const name = h('input', { id: 'rt-name', type: 'text', placeholder: 'work_order' });
  const display = h('input', { id: 'rt-display', type: 'text', placeholder: 'Work order' });
  const prefix = h('input', { id: 'rt-prefix', type: 'text', placeholder: 'WO', maxlength: '5' });
  const rows = h('tbody', {});
  let n = 0;
  const addRow = (f = {}) => {
    const i = ++n;
    const kind = h('select', { 'aria-label': `Kind of field ${i}` }, KINDS.map((k) => h('option', { value: k, selected: k === (f.kind || 'text') }, humanize(k))));
    const extra = h('input', { type: 'text', 'aria-label': `Options or target of field ${i}`, placeholder: 'options: a, b, c — or target type' });
    const tr = h(
      'tr',
      { class: 'field-row' },
      h('td', {}, h('input', { type: 'text', 'aria-label': `Name of field ${i}`, value: f.name || '', dataset: { k: 'name' } })),
      h('td', {}, h('input', { type: 'text', 'aria-label': `Label of field ${i}`, value: f.label || '', dataset: { k: 'label' } })),
      h('td', {}, kind),
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': `Field ${i} is required`, checked: Boolean(f.required), dataset: { k: 'required' } })),
      h('td', {}, extra),
      h('td', {}, h('button', { type: 'button', class: 'icon-btn', 'aria-label': `Remove field ${i}`, onClick: () => tr.remove() }, icon('x'))),
    );
    tr.kindEl = kind;
    tr.extraEl = extra;
    rows.append(tr);
  };
  addRow({ name: 'name', label: 'Name', required: true });
  openDialog({
    title: 'New record type',
    wide: true,
    body: [
      h('div', { class: 'grid-3' }, h('div', { class: 'field' }, h('label', { for: name.id }, 'Logical name'), name), h('div', { class: 'field' }, h('label', { for: display.id }, 'Display name'), display), h('div', { class: 'field' }, h('label', { for: prefix.id }, 'Number prefix (optional)'), prefix)),
      h('p', { class: 'muted small' }, 'The first field is the primary name. Choice fields take their options, lookup fields their target type (one of: ' + types.map((t) => t.name).join(', ') + ').'),
      h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, ['Name', 'Label', 'Kind', 'Required', 'Options / target', ''].map((t) => h('th', { scope: 'col' }, t)))), rows),
      h('button', { type: 'button', class: 'btn ghost small', onClick: () => addRow() }, icon('plus'), 'Add field'),
    ],
    actions: [
      { label: 'Cancel' },
      {
        label: 'Create record type',
        kind: 'primary',
        onClick: async () => {
          const fields = [...rows.children].map((tr) => {
            const get = (k) => tr.querySelector(`[data-k=${k}]`);
            const f = { name: get('name').value.trim(), label: get('label').value.trim(), kind: tr.kindEl.value, required: get('required').checked };
            const extra = tr.extraEl.value.trim();
            if (f.kind === 'choice') f.options = extra.split(',').map((o) => o.trim()).filter(Boolean);
            if (f.kind === 'lookup') f.target = extra;
            return f;
          });
          const body = { name: name.value.trim(), display_name: display.value.trim(), primary_field: fields[0]?.name || '', fields };
          if (prefix.value.trim()) body.number_prefix = prefix.value.trim();
          await post('/record-types', body);
          onDone();
        },
      },
    ],
  });
}

export async function types(render) {
  const res = await get('/record-types');
  return [
    h('div', { class: 'section-head' }, h('h2', {}, 'Record types'), h('button', { type: 'button', class: 'btn primary small', onClick: () => createTypeDialog(res.items, render) }, icon('plus'), 'New record type')),
    ...res.items.map((t) =>
      h(
        'details',
        { class: 'card type-card' },
        h('summary', {}, h('strong', {}, t.display_name), ' ', t.standard ? h('span', { class: 'tag' }, 'Standard') : h('span', { class: 'tag ai' }, 'Custom'), h('span', { class: 'muted small' }, ` · ${t.fields.length} fields`)),
        h(
          'table',
          { class: 'table compact' },
          h('thead', {}, h('tr', {}, ['Field', 'Kind', 'Details'].map((x) => h('th', { scope: 'col' }, x)))),
          h(
            'tbody',
            {},
            t.fields.map((f) =>
              h(
                'tr',
                {},
                h('td', {}, f.label, f.name === t.primary_field ? h('span', { class: 'tag' }, 'Primary name') : null),
                h('td', {}, humanize(f.kind)),
                h('td', { class: 'muted' }, [f.required ? 'required' : '', f.read_only ? 'read-only' : '', f.options?.length ? f.options.join(', ') : '', f.target ? `→ ${res.items.find((x) => x.name === f.target)?.display_name || f.target}` : ''].filter(Boolean).join(' · ')),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

// --- per-type collaboration settings ------------------------------------------------------

function fieldPicker(id, legend, choices, chosen) {
  const order = [...chosen];
  const status = h('span', { class: 'muted small', 'aria-live': 'polite' });
  const boxes = choices.map(([name, label]) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `${id}-${name}`, value: name, checked: order.includes(name) }), h('label', { for: `${id}-${name}` }, label)));
  const el = h('fieldset', { class: 'choice-box', id }, h('legend', {}, legend), status, h('div', { class: 'checks' }, boxes));
  const sync = () => {
    status.textContent = `${order.length} of 5 chosen${order.length ? `: ${order.map((n) => choices.find((c) => c[0] === n)?.[1] || n).join(', ')}` : ''}`;
    for (const b of el.querySelectorAll('input')) b.disabled = !b.checked && order.length >= 5;
  };
  el.addEventListener('change', (e) => {
    const v = e.target.value;
    if (e.target.checked) order.push(v);
    else order.splice(order.indexOf(v), 1);
    sync();
  });
  sync();
  return { el, value: () => [...order] };
}

export async function typeSettings() {
  const res = await get('/record-types');
  const wanted = decodeURIComponent(location.hash.split('/')[1] || '') || 'case';
  const pick = h('select', { id: 'settings-type' }, res.items.map((t) => h('option', { value: t.name, selected: t.name === wanted }, t.display_name)));
  const formHost = h('div', {});
  const draw = async () => {
    const t = res.items.find((x) => x.name === pick.value);
    let s;
    try {
      s = await get(`/record-types${seg(t.name)}/settings`);
    } catch (e) {
      formHost.replaceChildren(errorBox(e));
      return;
    }
    const fieldChoices = t.fields.map((f) => [f.name, f.label]);
    const intro = fieldPicker('intro-fields', 'Fields on the introduction card (up to 5)', fieldChoices.filter(([n]) => n !== t.primary_field), s.intro_message.fields);
    const notify = fieldPicker('notify-fields', 'Fields whose changes are announced in connected chats (up to 5)', [...fieldChoices, ['state', 'State'], ['owner', 'Owner']], s.field_notifications.fields);
    const sw = (key, label, value, hint) => switchRow(`set-${key}`, label, value, hint);
    const status = h('p', { class: 'muted small', role: 'status' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const form = h(
      'form',
      { class: 'card settings-form' },
      h('h3', {}, 'Chats'),
      sw('chats_enabled', 'Chats can be connected to these records', s.chats_enabled),
      sw('auto_name_chats', 'Name new connected chats after the record', s.auto_name_chats, 'Otherwise a chat is named after its members.'),
      sw('join_chat', 'Join chat', s.join_chat, 'Users with write access see connected chats they are not in, locked, and can join them with the full history.'),
      sw('show_on_timeline', 'Show connected chats on the timeline', s.show_on_timeline),
      sw('hand_over_chats', 'Hand over chats to a new owner', s.hand_over_chats, 'When the owner changes, the new owner is added to the connected chats.'),
      sw('channels_enabled', 'Channels can be connected to these records', s.channels_enabled),
      h('h3', {}, 'Disconnecting'),
      sw('owner_may_disconnect', 'The record owner may disconnect chats', s.owner_may_disconnect),
      sw('last_connector_may_disconnect', 'The last user who connected a chat may disconnect it', s.last_connector_may_disconnect),
      h('h3', {}, 'Introduction message'),
      sw('intro_enabled', 'Offer an introduction card when a connected chat starts', s.intro_message.enabled),
      intro.el,
      h('h3', {}, 'Suggested contacts'),
      sw('rule_based', 'Rule-based suggestions (owner, team, activity authors, …)', s.suggestions.rule_based),
      sw('similarity_based', 'Similarity-based suggestions (experts on similar records)', s.suggestions.similarity_based),
      h('h3', {}, 'Field-change notifications'),
      sw('notify_enabled', 'Post a system message in connected chats when these fields change', s.field_notifications.enabled),
      notify.el,
      error,
      h('div', { class: 'form-actions' }, status, h('button', { type: 'submit', class: 'btn primary' }, 'Save settings')),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      const on = (k) => form.querySelector(`#set-${k}`).checked;
      const body = {
        chats_enabled: on('chats_enabled'),
        auto_name_chats: on('auto_name_chats'),
        intro_message: { enabled: on('intro_enabled'), fields: intro.value() },
        join_chat: on('join_chat'),
        owner_may_disconnect: on('owner_may_disconnect'),
        last_connector_may_disconnect: on('last_connector_may_disconnect'),
        show_on_timeline: on('show_on_timeline'),
        suggestions: { rule_based: on('rule_based'), similarity_based: on('similarity_based') },
        channels_enabled: on('channels_enabled'),
        field_notifications: { enabled: on('notify_enabled'), fields: notify.value() },
        hand_over_chats: on('hand_over_chats'),
      };
      try {
        await put(`/record-types${seg(t.name)}/settings`, body);
        status.textContent = `Saved at ${new Date().toLocaleTimeString()}.`;
        toast(`Settings of ${t.display_name} saved.`, 'success');
      } catch (err) {
        error.textContent = err.message;
      }
    });
    formHost.replaceChildren(form);
  };
  pick.addEventListener('change', () => {
    history.replaceState(null, '', `#type-settings/${pick.value}`);
    draw();
  });
  draw();
  return [h('h2', {}, 'Record type settings'), h('div', { class: 'field inline' }, h('label', { for: pick.id }, 'Record type'), pick), formHost];
}

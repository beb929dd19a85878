// Administration of record types (R19): the types and their fields, a new custom type, and
// each type's collaboration settings with the intro-card and field-notification pickers.

import { get, post, put, seg } from './api.js';
import { errorBox, fmtTime, h, humanize, switchRow, toast } from './dom.js';
import { openDialog } from './dialog.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

// --- record types -------------------------------------------------------------------------

const KINDS = ['text', 'long_text', 'number', 'boolean', 'date', 'choice', 'lookup'];
const KIND_WORDS = {
  text: t('admin-types-kind-text'),
  long_text: t('admin-types-kind-long-text'),
  number: t('admin-types-kind-number'),
  boolean: t('admin-types-kind-boolean'),
  date: t('admin-types-kind-date'),
  choice: t('admin-types-kind-choice'),
  lookup: t('admin-types-kind-lookup'),
};
const kindLabel = (k) => KIND_WORDS[k] || humanize(k);

function createTypeDialog(types, onDone) {
  const name = h('input', { id: 'rt-name', type: 'text', placeholder: 'work_order' });
  const display = h('input', { id: 'rt-display', type: 'text', placeholder: t('admin-types-display-placeholder') });
  const prefix = h('input', { id: 'rt-prefix', type: 'text', placeholder: 'WO', maxlength: '5' });
  const rows = h('tbody', {});
  let n = 0;
  const addRow = (f = {}) => {
    const i = ++n;
    const kind = h('select', { 'aria-label': t('admin-types-field-kind', { n: i }) }, KINDS.map((k) => h('option', { value: k, selected: k === (f.kind || 'text') }, kindLabel(k))));
    const extra = h('input', { type: 'text', 'aria-label': t('admin-types-field-extra', { n: i }), placeholder: t('admin-types-field-extra-placeholder') });
    const tr = h(
      'tr',
      { class: 'field-row' },
      h('td', {}, h('input', { type: 'text', 'aria-label': t('admin-types-field-name', { n: i }), value: f.name || '', dataset: { k: 'name' } })),
      h('td', {}, h('input', { type: 'text', 'aria-label': t('admin-types-field-label', { n: i }), value: f.label || '', dataset: { k: 'label' } })),
      h('td', {}, kind),
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': t('admin-types-field-required', { n: i }), checked: Boolean(f.required), dataset: { k: 'required' } })),
      h('td', {}, extra),
      h('td', {}, h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('admin-types-field-remove', { n: i }), onClick: () => tr.remove() }, icon('x'))),
    );
    tr.kindEl = kind;
    tr.extraEl = extra;
    rows.append(tr);
  };
  addRow({ name: 'name', label: t('admin-types-name'), required: true });
  openDialog({
    title: t('admin-types-new'),
    wide: true,
    body: [
      h('div', { class: 'grid-3' }, h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('admin-types-logical-name')), name), h('div', { class: 'field', dataset: { field: 'display_name' } }, h('label', { for: display.id }, t('admin-types-display-name')), display), h('div', { class: 'field', dataset: { field: 'number_prefix' } }, h('label', { for: prefix.id }, t('admin-types-prefix')), prefix)),
      h('p', { class: 'muted small' }, t('admin-types-fields-hint', { types: types.map((x) => x.name).join(', ') })),
      h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, [t('admin-types-name'), t('admin-types-label'), t('admin-types-kind'), t('admin-types-required'), t('admin-types-options-target'), ''].map((label) => h('th', { scope: 'col' }, label)))), rows),
      h('button', { type: 'button', class: 'btn ghost small', onClick: () => addRow() }, icon('plus'), t('admin-types-add-field')),
    ],
    actions: [
      { label: t('admin-types-cancel') },
      {
        label: t('admin-types-create'),
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
    h('div', { class: 'section-head' }, h('h2', {}, t('admin-types-title')), h('button', { type: 'button', class: 'btn primary small', onClick: () => createTypeDialog(res.items, render) }, icon('plus'), t('admin-types-new'))),
    ...res.items.map((ty) =>
      h(
        'details',
        { class: 'card type-card' },
        h('summary', {}, h('strong', {}, ty.display_name), ' ', ty.standard ? h('span', { class: 'tag' }, t('admin-types-standard')) : h('span', { class: 'tag ai' }, t('admin-types-custom')), h('span', { class: 'muted small' }, ` · ${t('admin-types-field-count', { count: ty.fields.length })}`)),
        h(
          'table',
          { class: 'table compact' },
          h('thead', {}, h('tr', {}, [t('admin-types-field'), t('admin-types-kind'), t('admin-types-details')].map((x) => h('th', { scope: 'col' }, x)))),
          h(
            'tbody',
            {},
            ty.fields.map((f) =>
              h(
                'tr',
                {},
                h('td', {}, f.label, f.name === ty.primary_field ? h('span', { class: 'tag' }, t('admin-types-primary-name')) : null),
                h('td', {}, kindLabel(f.kind)),
                h('td', { class: 'muted' }, [f.required ? t('admin-types-is-required') : '', f.read_only ? t('admin-types-is-read-only') : '', f.options?.length ? f.options.join(', ') : '', f.target ? `→ ${res.items.find((x) => x.name === f.target)?.display_name || f.target}` : ''].filter(Boolean).join(' · ')),
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
    status.textContent = order.length
      ? t('admin-types-chosen-list', { count: order.length, list: order.map((n) => choices.find((c) => c[0] === n)?.[1] || n).join(', ') })
      : t('admin-types-chosen', { count: order.length });
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
    const ty = res.items.find((x) => x.name === pick.value);
    let s;
    try {
      s = await get(`/record-types${seg(ty.name)}/settings`);
    } catch (e) {
      formHost.replaceChildren(errorBox(e));
      return;
    }
    const fieldChoices = ty.fields.map((f) => [f.name, f.label]);
    const intro = fieldPicker('intro-fields', t('admin-types-intro-fields'), fieldChoices.filter(([n]) => n !== ty.primary_field), s.intro_message.fields);
    const notify = fieldPicker('notify-fields', t('admin-types-notify-fields'), [...fieldChoices, ['state', t('admin-types-state')], ['owner', t('admin-types-owner')]], s.field_notifications.fields);
    const sw = (key, label, value, hint) => switchRow(`set-${key}`, label, value, hint);
    const status = h('p', { class: 'muted small', role: 'status' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const form = h(
      'form',
      { class: 'card settings-form' },
      h('h3', {}, t('admin-types-h-chats')),
      sw('chats_enabled', t('admin-types-chats-enabled'), s.chats_enabled),
      sw('auto_name_chats', t('admin-types-auto-name'), s.auto_name_chats, t('admin-types-auto-name-hint')),
      sw('join_chat', t('admin-types-join-chat'), s.join_chat, t('admin-types-join-chat-hint')),
      sw('show_on_timeline', t('admin-types-show-on-timeline'), s.show_on_timeline),
      sw('hand_over_chats', t('admin-types-hand-over'), s.hand_over_chats, t('admin-types-hand-over-hint')),
      sw('channels_enabled', t('admin-types-channels-enabled'), s.channels_enabled),
      h('h3', {}, t('admin-types-h-disconnecting')),
      sw('owner_may_disconnect', t('admin-types-owner-may-disconnect'), s.owner_may_disconnect),
      sw('last_connector_may_disconnect', t('admin-types-last-connector'), s.last_connector_may_disconnect),
      h('h3', {}, t('admin-types-h-intro')),
      sw('intro_enabled', t('admin-types-intro-enabled'), s.intro_message.enabled),
      intro.el,
      h('h3', {}, t('admin-types-h-suggested')),
      sw('rule_based', t('admin-types-rule-based'), s.suggestions.rule_based),
      sw('similarity_based', t('admin-types-similarity-based'), s.suggestions.similarity_based),
      h('h3', {}, t('admin-types-h-notifications')),
      sw('notify_enabled', t('admin-types-notify-enabled'), s.field_notifications.enabled),
      notify.el,
      error,
      h('div', { class: 'form-actions' }, status, h('button', { type: 'submit', class: 'btn primary' }, t('admin-types-save-settings'))),
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
        await put(`/record-types${seg(ty.name)}/settings`, body);
        status.textContent = t('admin-types-saved-at', { time: fmtTime(new Date().toISOString()) });
        toast(t('admin-types-settings-saved', { type: ty.display_name }), 'success');
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
  return [h('h2', {}, t('admin-types-settings-title')), h('div', { class: 'field inline' }, h('label', { for: pick.id }, t('admin-types-record-type')), pick), formHost];
}

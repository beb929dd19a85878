// A record's fields as a form: one control per field kind, editable where the user may write
// (`can_write`) and the field is not read-only. Only changed fields are sent; a 422 marks the
// fields it names.

import { get, patch, seg } from './api.js';
import { combobox, recordSource } from './combobox.js';
import { capitalize, h, recordHref } from './dom.js';
import { showFieldErrors } from './field-errors.js';
import { t } from './i18n.js';

let seq = 0;

/** A choice option's words (`option_labels` of a type from `recordTypes()`); the value is
 *  what the API gets. */
export function optionLabel(f, value) {
  const s = String(value);
  return f.option_labels?.[s] ?? capitalize(s);
}

/** State names as people read them. */
export const STATE_LABEL = { active: t('fields-state-active'), resolved: t('fields-state-resolved'), cancelled: t('fields-state-cancelled') };

function lookupControl(f, value, id) {
  // A combobox over the records of the target type (name and number); the chosen record's id
  // is the value. The current record's name is filled in once it loads.
  const box = combobox({ id, label: f.label, placeholder: t('fields-lookup-placeholder'), source: recordSource(f.target), initial: value ? { id: value, name: '' } : null });
  if (value) {
    get(`/records${seg(f.target, value)}`)
      .then((r) => box.set({ id: r.id, name: r.name, sub: r.number || '' }))
      .catch(() => {
        // Unreadable: the box shows nothing, and the value stays unless it is changed.
      });
  }
  return {
    el: h('span', { class: 'lookup' }, box.el, value ? relatedLink(f, value) : null),
    input: box.input,
    value: () => box.value(),
  };
}

/** A link to a related record, named once it loads; "a record you can't open" when the
 *  user may not read it (the link is then left out: there is nothing to open). */
export function relatedLink(f, value) {
  const a = h('a', { href: recordHref(f.target, value), class: 'related-link' }, t('fields-open-record'));
  get(`/records${seg(f.target, value)}`)
    .then((r) => {
      a.textContent = r.name;
      a.title = r.name;
    })
    .catch(() => a.replaceWith(h('span', { class: 'muted related-unreadable' }, t('fields-unreadable-record'))));
  return a;
}

/** The input for one field of a record type: `{el, input, value()}`. */
export function control(f, value, id) {
  const v = value ?? '';
  switch (f.kind) {
    case 'long_text': {
      const el = h('textarea', { id, rows: '3', value: v });
      return { el, input: el, value: () => el.value || null };
    }
    case 'number': {
      const el = h('input', { id, type: 'number', step: 'any', value: v });
      return { el, input: el, value: () => (el.value === '' ? null : Number(el.value)) };
    }
    case 'boolean': {
      const el = h('input', { id, type: 'checkbox', checked: Boolean(value) });
      return { el, input: el, value: () => el.checked };
    }
    case 'date': {
      const el = h('input', { id, type: 'date', value: v });
      return { el, input: el, value: () => el.value || null };
    }
    case 'choice': {
      const el = h('select', { id }, h('option', { value: '' }, '—'), (f.options || []).map((o) => h('option', { value: o, selected: o === value }, optionLabel(f, o))));
      return { el, input: el, value: () => el.value || null };
    }
    case 'lookup':
      return lookupControl(f, value, id);
    default: {
      const el = h('input', { id, type: 'text', value: v, maxlength: '500' });
      return { el, input: el, value: () => el.value || null };
    }
  }
}

function display(f, value) {
  if (value === null || value === undefined || value === '') return h('span', { class: 'muted' }, '—');
  if (f.kind === 'boolean') return value ? t('fields-yes') : t('fields-no');
  if (f.kind === 'lookup') return relatedLink(f, value);
  if (f.kind === 'choice') return optionLabel(f, value);
  return String(value);
}

/** The details form of `record` (of record type `type`); `onSaved(updated)` after a save. */
export function renderFields(record, type, onSaved) {
  const controls = [];
  const error = h('p', { class: 'form-error', role: 'alert' });
  const rows = [];
  const editable = record.can_write;
  let stateSel = null;
  if (editable) {
    const id = `f${++seq}-state`;
    const states = type.states?.length ? type.states : ['active', 'resolved', 'cancelled'];
    stateSel = h('select', { id }, states.map((s) => h('option', { value: s, selected: s === record.state }, STATE_LABEL[s] || s)));
    rows.push(h('div', { class: 'field', dataset: { field: 'state' } }, h('label', { for: id }, t('fields-state')), stateSel));
  }
  for (const f of type.fields || []) {
    const value = record.fields?.[f.name];
    const id = `f${++seq}-${f.name}`;
    const wide = f.kind === 'long_text';
    if (editable && !f.read_only) {
      const c = control(f, value, id);
      controls.push({ f, c, initial: value ?? null });
      rows.push(h('div', { class: `field ${wide ? 'span-2' : ''}`, dataset: { field: f.name } }, h('label', { for: id }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), c.el));
    } else {
      rows.push(h('div', { class: `field readonly ${wide ? 'span-2' : ''}`, dataset: { field: f.name } }, h('span', { class: 'label' }, f.label), h('div', { class: `value ${f.read_only ? 'mono' : ''}` }, display(f, value))));
    }
  }
  const save = h('button', { type: 'submit', class: 'btn primary small', disabled: true }, t('fields-save'));
  const discard = h('button', { type: 'button', class: 'btn ghost small', disabled: true }, t('fields-discard'));
  const form = h('form', { class: 'fields-form', novalidate: true }, h('div', { class: 'fields-grid' }, rows), editable ? h('div', { class: 'form-actions' }, error, discard, save) : null);
  const changed = () => {
    const out = {};
    for (const { f, c, initial } of controls) {
      const v = c.value();
      if (JSON.stringify(v) !== JSON.stringify(f.kind === 'boolean' ? Boolean(initial) : initial)) out[f.name] = v;
    }
    return out;
  };
  const dirty = () => {
    const any = Object.keys(changed()).length > 0 || (stateSel && stateSel.value !== record.state);
    save.disabled = !any;
    discard.disabled = !any;
  };
  form.addEventListener('input', dirty);
  form.addEventListener('change', dirty);
  discard.addEventListener('click', () => form.replaceWith(renderFields(record, type, onSaved)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
    const body = {};
    const fields = changed();
    if (Object.keys(fields).length) body.fields = fields;
    if (stateSel && stateSel.value !== record.state) body.state = stateSel.value;
    save.disabled = true;
    save.textContent = t('fields-saving');
    try {
      onSaved(await patch(`/records${seg(record.type, record.id)}`, body));
    } catch (err) {
      error.textContent = err.message;
      showFieldErrors(form, err.problem);
      save.disabled = false;
      save.textContent = t('fields-save');
    }
  });
  return form;
}

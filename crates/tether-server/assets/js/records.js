// The records of one type (`/records/{type}`): every record the user may read, filtered by
// mine / my teams' / all, state, owner and text, sorted, a page at a time; and *New record*,
// a form built from the type's fields (lookups as pickers) whose errors show at the fields.

import { get, me, post, qs, recordTypes, seg } from './api.js';
import { boot, debounce, h, recordHref, relTime } from './dom.js';
import { combobox, peopleSource } from './combobox.js';
import { openDialog } from './dialog.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { showFieldErrors } from './field-errors.js';
import { control, STATE_LABEL } from './fields.js';
import { startShell } from './shell.js';

startShell();

const TYPE = boot.recordType;
const PAGE = 25;
const main = document.getElementById('main');
const SORTS = [
  ['updated', t('records-sort-updated')],
  ['created', t('records-sort-created')],
  ['name', t('records-sort-name')],
  ['number', t('records-sort-number')],
];

const view = { filter: 'all', state: '', owner: '', ownerTeam: '', sort: 'updated', q: '', offset: 0 };
let type = null;

const table = h('div', { class: 'record-table', id: 'records-list', 'aria-live': 'polite' });
const pager = h('nav', { class: 'pager row gap-s', 'aria-label': t('records-pages') });

function scopeControl() {
  const group = h('fieldset', { class: 'segmented', id: 'records-scope' }, h('legend', { class: 'visually-hidden' }, t('records-scope')));
  for (const [value, label] of [
    ['mine', t('records-mine')],
    ['teams', t('records-teams')],
    ['all', t('records-all')],
  ]) {
    const id = `scope-${value}`;
    const radio = h('input', { type: 'radio', name: 'scope', id, value, checked: view.filter === value });
    radio.addEventListener('change', () => {
      view.filter = value;
      view.offset = 0;
      load();
    });
    group.append(radio, h('label', { for: id }, label));
  }
  return group;
}

/** The owner filter: a person (a combobox over the people) or a team (a list of the teams);
 *  choosing one clears the other, since a record has one owner. */
function ownerControls() {
  const team = h('select', { id: 'records-owner-team' }, h('option', { value: '' }, t('records-any-team')));
  const person = combobox({
    id: 'records-owner',
    type: 'search',
    label: t('records-owner'),
    placeholder: t('records-any-owner'),
    source: peopleSource(),
    onChange: (who) => {
      view.owner = who?.id || '';
      if (who) {
        view.ownerTeam = '';
        team.value = '';
      }
      view.offset = 0;
      load();
    },
  });
  team.addEventListener('change', () => {
    view.ownerTeam = team.value;
    view.offset = 0;
    // Clearing the person reloads the list (its onChange); otherwise reload here.
    if (team.value && person.chosen()) person.set(null);
    else load();
  });
  // `GET /teams` may be read by anyone signed in; the caller's own teams come first.
  get('/teams')
    .then((res) => {
      const mine = res.items.filter((x) => boot.teamIds.includes(x.id));
      const others = res.items.filter((x) => !boot.teamIds.includes(x.id));
      const opts = (list) => list.map((x) => h('option', { value: x.id }, x.name));
      team.append(
        ...(mine.length && others.length
          ? [h('optgroup', { label: t('records-my-teams') }, opts(mine)), h('optgroup', { label: t('records-other-teams') }, opts(others))]
          : opts(res.items)),
      );
    })
    .catch(() => {
      /* without teams, the person filter remains */
    });
  return [
    h('div', { class: 'field records-owner' }, h('label', { for: 'records-owner' }, t('records-owner')), person.el),
    h('div', { class: 'field' }, h('label', { for: team.id }, t('records-owner-team')), team),
  ];
}

function filters() {
  const state = h('select', { id: 'records-state' }, h('option', { value: '' }, t('records-any-state')), (type.states || []).map((s) => h('option', { value: s }, STATE_LABEL[s] || s)));
  state.addEventListener('change', () => {
    view.state = state.value;
    view.offset = 0;
    load();
  });
  const sort = h('select', { id: 'records-sort' }, SORTS.filter(([v]) => v !== 'number' || type.number_prefix).map(([v, l]) => h('option', { value: v, selected: v === view.sort }, l)));
  sort.addEventListener('change', () => {
    view.sort = sort.value;
    view.offset = 0;
    load();
  });
  const search = h('input', { id: 'records-q', type: 'search', autocomplete: 'off', placeholder: t('records-search') });
  search.addEventListener(
    'input',
    debounce(() => {
      view.q = search.value.trim();
      view.offset = 0;
      load();
    }, 250),
  );
  return h(
    'div',
    { class: 'records-filters' },
    scopeControl(),
    h('div', { class: 'field grow' }, h('label', { for: search.id }, t('records-search')), search),
    h('div', { class: 'field' }, h('label', { for: state.id }, t('records-state')), state),
    ownerControls(),
    h('div', { class: 'field' }, h('label', { for: sort.id }, t('records-sort')), sort),
  );
}

let loadSeq = 0;
async function load() {
  const mine = ++loadSeq;
  table.setAttribute('aria-busy', 'true');
  try {
    const res = await get(`/records${seg(TYPE)}${qs({ filter: view.filter, state: view.state, owner: view.owner, owner_team: view.ownerTeam, sort: view.sort, q: view.q, offset: view.offset || '', limit: PAGE })}`);
    if (mine !== loadSeq) return;
    draw(res);
  } catch (e) {
    if (mine !== loadSeq) return;
    table.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message));
    pager.replaceChildren();
  } finally {
    if (mine === loadSeq) table.removeAttribute('aria-busy');
  }
}

function draw(res) {
  if (!res.items.length) {
    table.replaceChildren(h('p', { class: 'empty muted' }, t('records-empty')));
  } else {
    table.replaceChildren(
      h(
        'table',
        { class: 'table records' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, t('records-col-name')), type.number_prefix ? h('th', { scope: 'col' }, t('records-col-number')) : null, h('th', { scope: 'col' }, t('records-state')), h('th', { scope: 'col' }, t('records-owner')), h('th', { scope: 'col' }, t('records-col-updated'))),
        ),
        h(
          'tbody',
          {},
          res.items.map((r) =>
            h(
              'tr',
              {},
              h('td', { class: 'cell-name' }, h('a', { href: recordHref(r.type, r.id), class: 'record-link', title: r.name }, r.name)),
              type.number_prefix ? h('td', { class: 'mono muted nowrap' }, r.number || '—') : null,
              h('td', {}, h('span', { class: `state ${r.state}` }, STATE_LABEL[r.state] || r.state)),
              h('td', { class: 'cell-owner', title: r.owner?.name || '' }, r.owner?.name || '—'),
              h('td', { class: 'muted nowrap' }, relTime(r.updated_at)),
            ),
          ),
        ),
      ),
    );
  }
  const from = view.offset + 1;
  const to = view.offset + res.items.length;
  const prev = h('button', { type: 'button', class: 'btn ghost small', id: 'records-prev', disabled: view.offset === 0 }, t('records-prev'));
  const next = h('button', { type: 'button', class: 'btn ghost small', id: 'records-next', disabled: res.next_offset == null }, t('records-next'));
  prev.addEventListener('click', () => {
    view.offset = Math.max(0, view.offset - PAGE);
    load();
  });
  next.addEventListener('click', () => {
    if (res.next_offset != null) view.offset = res.next_offset;
    load();
  });
  pager.replaceChildren(res.items.length ? h('span', { class: 'muted small' }, t('records-page', { from, to })) : null, prev, next);
}

/** The *New record* dialog: a control per field the type has (read-only ones left out). */
function newRecordDialog() {
  const rows = [];
  const controls = [];
  for (const f of type.fields || []) {
    if (f.read_only) continue;
    const id = `new-${f.name}`;
    const c = control(f, null, id);
    if (f.required) c.input.setAttribute('aria-required', 'true');
    controls.push({ f, c });
    rows.push(
      h(
        'div',
        { class: `field ${f.kind === 'long_text' ? 'span-2' : ''}`, dataset: { field: f.name } },
        h('label', { for: id }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
        c.el,
      ),
    );
  }
  const form = h('form', { class: 'fields-form new-record', novalidate: true, id: 'new-record-form' }, h('div', { class: 'fields-grid' }, rows));
  const submit = async (ctl) => {
    const fields = {};
    for (const { f, c } of controls) {
      const v = c.value();
      if (v !== null && v !== '' && !(f.kind === 'boolean' && v === false)) fields[f.name] = v;
    }
    try {
      const created = await post(`/records${seg(TYPE)}`, { fields });
      location.assign(recordHref(created.type, created.id));
      return true;
    } catch (e) {
      const rest = showFieldErrors(form, e.problem);
      ctl.error(rest.length || !e.problem?.errors?.length ? e.message : '');
      form.querySelector('[aria-invalid="true"]')?.focus();
      return false;
    }
  };
  const ctl = openDialog({
    title: type.words.new,
    body: [form],
    wide: true,
    actions: [{ label: t('records-cancel') }, { label: t('records-create'), kind: 'primary', onClick: (c) => submit(c) }],
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(ctl);
  });
}

function mayCreate(privileges) {
  return (privileges || []).some((p) => p === 'admin' || p.startsWith(`${TYPE}.write:`) || p.startsWith('*.write:'));
}

async function start() {
  try {
    const [types, who] = await Promise.all([recordTypes(), me()]);
    type = types.get(TYPE);
    if (!type) throw new Error(t('records-no-type'));
    document.title = `${type.words.list} · Tether`;
    const newBtn = mayCreate(who.privileges)
      ? h('button', { type: 'button', class: 'btn primary', id: 'new-record', onClick: newRecordDialog }, icon('plus'), type.words.new)
      : null;
    main.replaceChildren(
      h(
        'div',
        { class: 'records-page' },
        h('nav', { class: 'breadcrumb', 'aria-label': t('records-breadcrumb') }, h('a', { href: '/' }, t('records-my-work')), h('span', { 'aria-hidden': 'true' }, '/'), h('span', {}, type.words.list)),
        h('header', { class: 'page-head row' }, h('h1', { id: 'records-title' }, type.words.list), newBtn),
        h('section', { class: 'card', 'aria-labelledby': 'records-title' }, filters(), table, pager),
      ),
    );
    load();
  } catch (e) {
    main.replaceChildren(h('section', { class: 'card narrow' }, h('h1', {}, t('records-failed')), h('p', { class: 'error', role: 'alert' }, e.message)));
  }
}

start();

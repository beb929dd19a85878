// Administration (`/admin`, R19, R22): the collaboration switch, users, teams, roles, record
// types and their fields, per-type collaboration settings with the field pickers, the
// audit log with filters, and the webhook endpoints with their deliveries. One section at a time, chosen in the side menu (and the URL hash).

import { del, get, patch, post, put, qs, seg } from './api.js';
import { avatar, boot, debounce, errorBox, fmtFull, h, humanize, recordHref, switchRow, toast } from './dom.js';
import { ACTIONS, FLAG_CHOICES, actionLabel, describePrivilege, detailText, roleLabel } from './admin-labels.js';
import { typeSettings, types } from './admin-types.js';
import { webhooks } from './admin-webhooks.js';
import { apiKeys } from './admin-keys.js';
import { integrations } from './admin-integrations.js';
import { confirmDialog, openDialog } from './dialog.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { peoplePicker } from './people.js';
import { startShell } from './shell.js';

startShell();

const main = document.getElementById('main');
const content = h('div', { class: 'admin-content', id: 'admin-content', tabindex: '-1' });
const SECTIONS = [
  ['general', t('admin-nav-general'), 'settings'],
  ['users', t('admin-nav-users'), 'users'],
  ['teams', t('admin-nav-teams'), 'users'],
  ['roles', t('admin-nav-roles'), 'shield'],
  ['types', t('admin-nav-types'), 'folder'],
  ['type-settings', t('admin-nav-type-settings'), 'settings'],
  ['audit', t('admin-nav-audit'), 'file'],
  ['webhooks', t('admin-nav-webhooks'), 'link'],
  ['api-keys', t('admin-nav-api-keys'), 'lock'],
  ['integrations', t('admin-nav-integrations'), 'globe'],
];
const nav = h('nav', { class: 'admin-nav', 'aria-label': t('admin-title') }, h('ul', {}, SECTIONS.map(([id, label, ic]) => h('li', {}, h('a', { href: `#${id}`, id: `nav-${id}` }, icon(ic), label)))));
main.replaceChildren(h('div', { class: 'admin' }, h('header', { class: 'page-head' }, h('h1', {}, t('admin-title'))), h('div', { class: 'admin-grid' }, nav, content)));


// --- general ------------------------------------------------------------------------------

async function general() {
  const s = await get('/settings');
  const label = (on) => (on ? t('admin-collab-on-everyone') : t('admin-collab-off-everyone'));
  const hint = t('admin-collab-hint');
  const row = switchRow('collab-switch', label(s.collaboration_enabled), s.collaboration_enabled, hint);
  const input = row.querySelector('input');
  const text = row.querySelector('.switch-label');
  const status = h('p', { class: 'muted small', role: 'status' });
  input.addEventListener('change', async () => {
    const wanted = input.checked;
    if (!wanted) {
      input.checked = true;
      const sure = await confirmDialog(
        t('admin-collab-off-title'),
        t('admin-collab-off-text'),
        t('admin-collab-off-confirm'),
      );
      if (!sure) return;
      input.checked = false;
    }
    try {
      const out = await put('/settings', { collaboration_enabled: wanted });
      input.checked = out.collaboration_enabled;
      text.textContent = label(out.collaboration_enabled);
      status.textContent = out.collaboration_enabled ? t('admin-collab-is-on') : t('admin-collab-is-off');
    } catch (e) {
      input.checked = !wanted;
      status.textContent = e.message;
    }
  });
  return [h('h2', {}, t('admin-nav-general')), h('section', { class: 'card' }, row, status)];
}

// --- users --------------------------------------------------------------------------------

const PAGE = 50;

function rolesDialog(user, roles, onDone) {
  const current = new Set(user.roles || []);
  const boxes = roles.map((r) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `role-${r.id}`, value: r.name, checked: current.has(r.name) }), h('label', { for: `role-${r.id}` }, roleLabel(r.name))));
  openDialog({
    title: t('admin-roles-of', { name: user.name }),
    body: [h('p', { class: 'muted' }, t('admin-roles-intro')), h('div', { class: 'checks' }, boxes)],
    actions: [
      { label: t('admin-cancel') },
      {
        label: t('admin-save-roles'),
        kind: 'primary',
        onClick: async (ctl) => {
          const chosen = [...ctl.body.querySelectorAll('input:checked')].map((i) => i.value);
          await patch(`/users${seg(user.id)}`, { roles: chosen });
          toast(t('admin-roles-saved', { name: user.name }), 'success');
          onDone();
        },
      },
    ],
  });
}

function createUserDialog(roles, teams, onDone) {
  const name = h('input', { id: 'nu-name', type: 'text', required: true, autocomplete: 'off' });
  const email = h('input', { id: 'nu-email', type: 'email', required: true, autocomplete: 'off' });
  const password = h('input', { id: 'nu-password', type: 'password', required: true, autocomplete: 'new-password' });
  openDialog({
    title: t('admin-new-user'),
    wide: true,
    body: [
      h('div', { class: 'grid-2' }, h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('admin-name')), name), h('div', { class: 'field', dataset: { field: 'email' } }, h('label', { for: email.id }, t('admin-email')), email)),
      h('div', { class: 'field', dataset: { field: 'password' } }, h('label', { for: password.id }, t('admin-initial-password')), password),
      h('fieldset', { class: 'choice-box' }, h('legend', {}, t('admin-roles')), h('div', { class: 'checks' }, roles.map((r) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nu-role-${r.id}`, value: r.name, dataset: { kind: 'role' }, checked: r.name === 'agent' }), h('label', { for: `nu-role-${r.id}` }, roleLabel(r.name)))))),
      teams.length ? h('fieldset', { class: 'choice-box' }, h('legend', {}, t('admin-teams')), h('div', { class: 'checks' }, teams.map((x) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nu-team-${x.id}`, value: x.id, dataset: { kind: 'team' } }), h('label', { for: `nu-team-${x.id}` }, x.name))))) : null,
    ],
    actions: [
      { label: t('admin-cancel') },
      {
        label: t('admin-create-user'),
        kind: 'primary',
        onClick: async (ctl) => {
          const pick = (kind) => [...ctl.body.querySelectorAll(`input[data-kind=${kind}]:checked`)].map((i) => i.value);
          const out = await post('/users', { name: name.value.trim(), email: email.value.trim(), password: password.value, roles: pick('role'), team_ids: pick('team') });
          toast(t('admin-user-created', { name: out.name }), 'success');
          onDone();
        },
      },
    ],
  });
}

function setPasswordDialog(user) {
  const password = h('input', { id: 'sp-password', type: 'password', required: true, autocomplete: 'new-password', minlength: 10 });
  openDialog({
    title: t('admin-set-password-of', { name: user.name }),
    body: [h('p', { class: 'muted' }, t('admin-set-password-intro', { name: user.name })), h('div', { class: 'field', dataset: { field: 'new_password' } }, h('label', { for: password.id }, t('admin-new-password')), password)],
    actions: [
      { label: t('admin-cancel') },
      {
        label: t('admin-set-password'),
        kind: 'primary',
        onClick: async () => {
          await post(`/users${seg(user.id, 'password')}`, { new_password: password.value });
          toast(t('admin-password-set', { name: user.name }), 'success');
        },
      },
    ],
  });
}

async function setActive(u, reload) {
  if (u.active) {
    const sure = await confirmDialog(
      t('admin-deactivate-title', { name: u.name }),
      t('admin-deactivate-text', { name: u.name }),
      t('admin-deactivate'),
    );
    if (!sure) return;
  }
  try {
    await patch(`/users${seg(u.id)}`, { active: !u.active });
    toast(u.active ? t('admin-deactivated-toast', { name: u.name }) : t('admin-reactivated-toast', { name: u.name }), 'success');
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

function userRow(u, roles, reload) {
  const tags = (list, empty) => (list.length ? list.map((x) => h('span', { class: 'tag' }, x)) : h('span', { class: 'muted' }, empty));
  return h(
    'tr',
    { class: u.active ? '' : 'inactive', dataset: { userId: u.id } },
    h('td', {}, h('span', { class: 'row gap-s' }, avatar(u.name, u.id, 'sm'), u.name)),
    h('td', { class: 'muted' }, u.email),
    h('td', { class: 'user-roles' }, tags((u.roles || []).map(roleLabel), t('admin-no-roles'))),
    h('td', { class: 'user-teams' }, tags((u.teams || []).map((x) => x.name), t('admin-no-team'))),
    h('td', {}, h('span', { class: `state ${u.active ? 'active' : 'cancelled'}` }, u.active ? t('admin-state-active') : t('admin-state-deactivated'))),
    h(
      'td',
      { class: 'row gap-s' },
      h('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('admin-roles-of', { name: u.name }), onClick: () => rolesDialog(u, roles, reload) }, t('admin-roles')),
      h('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('admin-set-password-of', { name: u.name }), onClick: () => setPasswordDialog(u) }, t('admin-set-password')),
      u.id === boot.userId ? null : h('button', { type: 'button', class: `btn small ${u.active ? 'danger-ghost' : 'ghost'}`, onClick: () => setActive(u, reload) }, u.active ? t('admin-deactivate') : t('admin-reactivate')),
    ),
  );
}

async function users() {
  const [roles, teams] = await Promise.all([get('/roles'), get('/teams')]);
  const search = h('input', { type: 'search', id: 'user-search', placeholder: t('admin-user-search-placeholder') });
  const rows = h('tbody', {});
  const status = h('p', { class: 'muted small', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, t('admin-show-more-users'));
  let next = null;
  let shown = 0;
  const load = async (append = false) => {
    try {
      const offset = append ? next : 0;
      // Reloading after a change keeps as many rows as were shown.
      const size = append ? PAGE : Math.max(PAGE, Math.min(200, shown));
      const res = await get(`/users${qs({ q: search.value.trim(), limit: size, offset })}`);
      const trs = res.items.map((u) => userRow(u, roles.items, () => load()));
      if (append) rows.append(...trs);
      else rows.replaceChildren(...trs);
      shown = rows.children.length;
      next = res.next_offset ?? null;
      more.hidden = next === null;
      status.textContent = shown ? (next === null ? t('admin-users-count', { count: shown }) : t('admin-users-first', { count: shown })) : t('admin-users-none');
    } catch (e) {
      status.textContent = e.message;
    }
  };
  more.addEventListener('click', () => load(true));
  search.addEventListener('input', debounce(() => { shown = 0; load(); }, 250));
  load();
  const table = h(
    'div',
    { class: 'table-scroll' },
    h('table', { class: 'table' }, h('thead', {}, h('tr', {}, [t('admin-name'), t('admin-email'), t('admin-roles'), t('admin-teams'), t('admin-col-status'), t('admin-col-actions')].map((label) => h('th', { scope: 'col' }, label)))), rows),
  );
  return [
    h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-users')), h('button', { type: 'button', class: 'btn primary small', onClick: () => createUserDialog(roles.items, teams.items, () => load()) }, icon('plus'), t('admin-new-user'))),
    h('section', { class: 'card' }, h('div', { class: 'field search-field' }, h('label', { for: search.id, class: 'visually-hidden' }, t('admin-search-users')), icon('search'), search), status, table, more),
  ];
}

// --- teams --------------------------------------------------------------------------------

function teamCard(team, reload) {
  const err = h('p', { class: 'form-error', role: 'alert' });
  const act = async (fn) => {
    err.textContent = '';
    try {
      await fn();
      reload();
    } catch (e) {
      err.textContent = e.message;
    }
  };
  const admins = team.members.filter((m) => m.is_admin).map((m) => m.user.id);
  const setAdmins = (ids) => act(() => patch(`/teams${seg(team.id)}`, { admin_ids: ids }));
  const picker = peoplePicker({ label: t('admin-add-people-to', { team: team.name }), exclude: team.members.map((m) => m.user.id) });
  const member = (m) =>
    h(
      'li',
      { class: 'member', dataset: { userId: m.user.id } },
      avatar(m.user.name, m.user.id, 'sm'),
      h('span', { class: 'member-name' }, m.user.name),
      m.is_admin ? h('span', { class: 'tag' }, t('admin-team-admin')) : null,
      h(
        'span',
        { class: 'member-actions' },
        m.is_admin
          ? h('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('admin-remove-admin-label', { name: m.user.name, team: team.name }), onClick: () => setAdmins(admins.filter((id) => id !== m.user.id)) }, t('admin-remove-admin'))
          : h('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('admin-make-admin-label', { name: m.user.name, team: team.name }), onClick: () => setAdmins([...admins, m.user.id]) }, t('admin-make-admin')),
        h(
          'button',
          {
            type: 'button',
            class: 'btn danger-ghost small',
            'aria-label': t('admin-remove-member-label', { name: m.user.name, team: team.name }),
            onClick: async () => {
              const sure = await confirmDialog(t('admin-remove-member-title', { name: m.user.name, team: team.name }), t('admin-remove-member-text', { name: m.user.name }), t('admin-remove-from-team'));
              if (sure) act(() => del(`/teams${seg(team.id, 'members', m.user.id)}`));
            },
          },
          t('admin-remove'),
        ),
      ),
    );
  return h(
    'section',
    { class: 'card team-card', dataset: { teamId: team.id } },
    h('h3', {}, team.name, h('span', { class: 'section-count' }, String(team.members.length))),
    team.members.length ? h('ul', { class: 'member-list' }, team.members.map(member)) : h('p', { class: 'muted' }, t('admin-no-members')),
    err,
    h(
      'details',
      {},
      h('summary', {}, t('admin-add-members')),
      picker.el,
      h('button', { type: 'button', class: 'btn primary small', onClick: () => act(() => post(`/teams${seg(team.id)}/members`, { user_ids: picker.selected().map((p) => p.id) })) }, t('admin-add')),
    ),
  );
}

async function teams() {
  const list = h('div', { class: 'stack' });
  const load = async () => {
    try {
      const res = await get('/teams');
      list.replaceChildren(...(res.items.length ? res.items.map((x) => teamCard(x, load)) : [h('p', { class: 'muted' }, t('admin-no-teams'))]));
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
  };
  const create = () => {
    const name = h('input', { id: 'nt-name', type: 'text' });
    const admins = peoplePicker({ label: t('admin-team-admins') });
    const members = peoplePicker({ label: t('admin-members') });
    openDialog({
      title: t('admin-new-team'),
      body: [h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('admin-name')), name), admins.el, members.el],
      actions: [
        { label: t('admin-cancel') },
        {
          label: t('admin-create-team'),
          kind: 'primary',
          onClick: async () => {
            await post('/teams', { name: name.value.trim(), admin_ids: admins.selected().map((p) => p.id), member_ids: members.selected().map((p) => p.id) });
            load();
          },
        },
      ],
    });
  };
  load();
  return [h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-teams')), h('button', { type: 'button', class: 'btn primary small', onClick: create }, icon('plus'), t('admin-new-team'))), list];
}

// --- roles --------------------------------------------------------------------------------

async function roles() {
  const [res, types] = await Promise.all([get('/roles'), get('/record-types')]);
  const typeNames = new Map(types.items.map((t) => [t.name, t.display_name]));
  const create = () => {
    const name = h('input', { id: 'nr-name', type: 'text' });
    const flags = FLAG_CHOICES.map(([p, text], i) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nr-flag-${i}`, value: p, dataset: { flag: '1' } }), h('label', { for: `nr-flag-${i}` }, text)));
    const DEPTH_WORDS = { '': t('admin-depth-none'), own: t('admin-depth-own'), team: t('admin-depth-team'), all: t('admin-depth-all') };
    const depth = (id, label) => h('select', { id, 'aria-label': label }, ['', 'own', 'team', 'all'].map((d) => h('option', { value: d }, DEPTH_WORDS[d])));
    const rows = [{ name: '*', display_name: t('admin-every-type') }, ...types.items].map((ty, i) =>
      h('tr', { dataset: { type: ty.name } }, h('th', { scope: 'row' }, ty.display_name), h('td', {}, depth(`nr-read-${i}`, t('admin-read-type', { type: ty.display_name }))), h('td', {}, depth(`nr-write-${i}`, t('admin-write-type', { type: ty.display_name })))),
    );
    openDialog({
      title: t('admin-new-role'),
      wide: true,
      body: [
        h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('admin-name')), name),
        h('fieldset', { class: 'choice-box' }, h('legend', {}, t('admin-privileges')), h('div', { class: 'checks' }, flags)),
        h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin-record-type')), h('th', { scope: 'col' }, t('admin-read')), h('th', { scope: 'col' }, t('admin-write')))), h('tbody', {}, rows)),
      ],
      actions: [
        { label: t('admin-cancel') },
        {
          label: t('admin-create-role'),
          kind: 'primary',
          onClick: async (ctl) => {
            const privileges = [...ctl.body.querySelectorAll('input[data-flag]:checked')].map((i) => i.value);
            for (const tr of ctl.body.querySelectorAll('tr[data-type]')) {
              const t = tr.dataset.type;
              const [r, w] = tr.querySelectorAll('select');
              if (r.value) privileges.push(`${t}.read:${r.value}`);
              if (w.value) privileges.push(`${t}.write:${w.value}`);
            }
            await post('/roles', { name: name.value.trim(), privileges });
            render();
          },
        },
      ],
    });
  };
  return [
    h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-roles')), h('button', { type: 'button', class: 'btn primary small', onClick: create }, icon('plus'), t('admin-new-role'))),
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin-role')), h('th', { scope: 'col' }, t('admin-privileges')))),
        h('tbody', {}, res.items.map((r) => h('tr', {}, h('td', {}, h('strong', {}, roleLabel(r.name))), h('td', { class: 'privileges' }, r.privileges.map((p) => h('span', { class: 'tag' }, describePrivilege(p, typeNames))))))),
      ),
    ),
  ];
}

// --- audit log ----------------------------------------------------------------------------

/**
 * A record chooser: a type and a search over that type's records (as a combobox: arrows move,
 * Enter chooses, Escape closes).
 */
function recordPicker(types) {
  const type = h('select', { id: 'au-record-type', 'aria-label': t('admin-record-type') }, types.map((x) => h('option', { value: x.name }, x.display_name)));
  const input = h('input', { id: 'au-record', type: 'search', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'au-record-list', placeholder: t('admin-record-placeholder') });
  const list = h('ul', { class: 'listbox', role: 'listbox', id: 'au-record-list', 'aria-label': t('admin-records'), hidden: true });
  let chosen = null;
  let options = [];
  let active = -1;
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const choose = (r) => {
    chosen = r;
    input.value = r.number ? `${r.number} ${r.name}` : r.name;
    close();
  };
  const highlight = (i) => {
    active = i;
    options.forEach((o, n) => o.el.setAttribute('aria-selected', String(n === i)));
    if (options[i]) input.setAttribute('aria-activedescendant', options[i].el.id);
  };
  const search = debounce(async () => {
    const q = input.value.trim();
    if (!q) return close();
    options = [];
    try {
      const res = await get(`/records${seg(type.value)}${qs({ q, limit: 10 })}`);
      options = res.items.map((r, n) => ({
        r,
        el: h(
          'li',
          { role: 'option', id: `au-record-opt-${n}`, class: 'option', 'aria-selected': 'false', onMousedown: (e) => (e.preventDefault(), choose(r)) },
          h('span', { class: 'option-name' }, r.name),
          h('span', { class: 'option-sub' }, r.number || ''),
        ),
      }));
      list.replaceChildren(...(options.length ? options.map((o) => o.el) : [h('li', { class: 'listbox-note' }, t('admin-no-record-found'))]));
    } catch (e) {
      list.replaceChildren(h('li', { class: 'listbox-note' }, e.message));
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(options.length ? 0 : -1);
  }, 200);
  input.addEventListener('input', () => {
    chosen = null;
    search();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && options.length) highlight((active + 1) % options.length);
    else if (e.key === 'ArrowUp' && options.length) highlight((active - 1 + options.length) % options.length);
    else if (e.key === 'Enter' && !list.hidden && options[active]) choose(options[active].r);
    else if (e.key === 'Escape' && !list.hidden) close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  type.addEventListener('change', () => {
    chosen = null;
    input.value = '';
  });
  const el = h('div', { class: 'field record-picker' }, h('label', { for: input.id }, t('admin-record')), h('div', { class: 'row gap-s' }, type, input), list);
  return { el, value: () => (chosen && input.value ? chosen.id : '') };
}

async function audit() {
  const types = (await get('/record-types')).items;
  const typeNames = new Map(types.map((t) => [t.name, t.display_name]));
  const person = peoplePicker({ label: t('admin-person'), single: true });
  const record = recordPicker(types);
  const action = h('select', { id: 'au-action' }, h('option', { value: '' }, t('admin-every-action')), Object.entries(ACTIONS).map(([code, text]) => h('option', { value: code }, text)));
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, t('admin-show-older-entries'));
  const status = h('p', { class: 'muted small', role: 'status' });
  const csv = h('a', { class: 'btn ghost small', id: 'audit-csv', href: '/api/v1/audit.csv', download: 'tether-audit.csv' }, icon('file'), t('admin-export-csv'));
  let last = null;
  const filters = () => ({ actor: person.selected()[0]?.id || '', record: record.value(), action: action.value });
  const about = (a) => {
    const parts = [];
    if (a.record) {
      const label = a.record.name ? [a.record.number, a.record.name].filter(Boolean).join(' ') : t('admin-deleted-record');
      parts.push(h('span', { class: 'about-record' }, `${typeNames.get(a.record.type) || humanize(a.record.type)}: `, a.record.name ? h('a', { href: recordHref(a.record.type, a.record.id) }, label) : label));
    }
    if (a.chat) parts.push(h('span', { class: 'about-chat' }, a.chat.name ? t('admin-about-chat', { name: a.chat.name }) : a.chat.kind ? t('admin-one-on-one-chat') : t('admin-deleted-chat')));
    return parts;
  };
  const load = async (older = false) => {
    const f = filters();
    csv.href = `/api/v1/audit.csv${qs({ ...f, limit: 10000 })}`;
    try {
      const res = await get(`/audit${qs({ ...f, limit: 50, before: older ? last : '' })}`);
      const trs = res.items.map((a) =>
        h(
          'tr',
          {},
          h('td', { class: 'nowrap' }, fmtFull(a.at)),
          h(
            'td',
            {},
            a.actor?.name ||
              (a.api_key ? t('admin-the-api-key', { name: a.api_key.name }) : h('span', { class: 'muted' }, t('admin-the-system'))),
          ),
          h('td', {}, h('span', { class: 'tag' }, actionLabel(a.action))),
          h('td', { class: 'small' }, about(a)),
          h('td', { class: 'muted small' }, detailText(a.details, a.names, typeNames)),
        ),
      );
      if (older) rows.append(...trs);
      else rows.replaceChildren(...trs);
      last = res.items.length ? res.items[res.items.length - 1].at : last;
      more.hidden = res.items.length < 50;
      status.textContent = rows.children.length ? t('admin-entries', { count: rows.children.length }) : t('admin-no-entries');
    } catch (e) {
      status.textContent = e.message;
    }
  };
  more.addEventListener('click', () => load(true));
  const form = h(
    'form',
    { class: 'filters audit-filters' },
    person.el,
    record.el,
    h('div', { class: 'field' }, h('label', { for: action.id }, t('admin-action')), action),
    h('button', { type: 'submit', class: 'btn primary small' }, t('admin-apply-filters')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  load();
  return [
    h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-audit')), csv),
    h(
      'section',
      { class: 'card' },
      form,
      status,
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'table audit-table' },
          h('colgroup', {}, h('col', { class: 'w-when' }), h('col', { class: 'w-who' }), h('col', { class: 'w-action' }), h('col', { class: 'w-about' }), h('col', {})),
          h('thead', {}, h('tr', {}, [t('admin-col-when'), t('admin-col-who'), t('admin-action'), t('admin-col-about'), t('admin-col-details')].map((label) => h('th', { scope: 'col' }, label)))),
          rows,
        ),
      ),
      more,
    ),
  ];
}

// --- routing ------------------------------------------------------------------------------

const VIEWS = { general, users, teams, roles, types: () => types(render), 'type-settings': typeSettings, audit, webhooks, 'api-keys': apiKeys, integrations };

async function render() {
  const id = (location.hash.slice(1).split('/')[0] || 'general').replace(/[^a-z-]/g, '');
  const view = VIEWS[id] || general;
  for (const [sid] of SECTIONS) document.getElementById(`nav-${sid}`)?.toggleAttribute('aria-current', sid === id);
  for (const [sid] of SECTIONS) if (sid === id) document.getElementById(`nav-${sid}`)?.setAttribute('aria-current', 'page');
  content.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('loading')));
  try {
    content.replaceChildren(...(await view()));
  } catch (e) {
    content.replaceChildren(errorBox(e));
  }
}

window.addEventListener('hashchange', () => {
  render();
  content.focus();
});
render();

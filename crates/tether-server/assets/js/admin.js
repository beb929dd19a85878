// Administration (`/admin`, R19, R22): the collaboration switch, users, teams, roles, record
// types and their fields, per-type collaboration settings with the field pickers, and the
// audit log with filters. One section at a time, chosen in the side menu (and the URL hash).

import { del, get, patch, post, put, qs, seg } from './api.js';
import { avatar, boot, debounce, errorBox, fmtFull, h, humanize, recordHref, switchRow, toast } from './dom.js';
import { ACTIONS, FLAG_CHOICES, actionLabel, describePrivilege, detailText } from './admin-labels.js';
import { typeSettings, types } from './admin-types.js';
import { confirmDialog, openDialog } from './dialog.js';
import { icon } from './icons.js';
import { peoplePicker } from './people.js';
import { startShell } from './shell.js';

startShell();

const main = document.getElementById('main');
const content = h('div', { class: 'admin-content', id: 'admin-content', tabindex: '-1' });
const SECTIONS = [
  ['general', 'Collaboration', 'settings'],
  ['users', 'Users', 'users'],
  ['teams', 'Teams', 'users'],
  ['roles', 'Roles', 'shield'],
  ['types', 'Record types', 'folder'],
  ['type-settings', 'Record type settings', 'settings'],
  ['audit', 'Audit log', 'file'],
];
const nav = h('nav', { class: 'admin-nav', 'aria-label': 'Administration' }, h('ul', {}, SECTIONS.map(([id, label, ic]) => h('li', {}, h('a', { href: `#${id}`, id: `nav-${id}` }, icon(ic), label)))));
main.replaceChildren(h('div', { class: 'admin' }, h('header', { class: 'page-head' }, h('h1', {}, 'Administration')), h('div', { class: 'admin-grid' }, nav, content)));


// --- general ------------------------------------------------------------------------------

async function general() {
  const s = await get('/settings');
  const label = (on) => (on ? 'Collaboration is on for everyone' : 'Collaboration is off for everyone');
  const hint = 'Chats, channels and record panels, for every user whose role allows collaboration.';
  const row = switchRow('collab-switch', label(s.collaboration_enabled), s.collaboration_enabled, hint);
  const input = row.querySelector('input');
  const text = row.querySelector('.switch-label');
  const status = h('p', { class: 'muted small', role: 'status' });
  input.addEventListener('change', async () => {
    const wanted = input.checked;
    if (!wanted) {
      input.checked = true;
      const sure = await confirmDialog(
        'Turn collaboration off for everyone?',
        'Every user loses chats, channels and record panels at once, until collaboration is turned on again. Nothing is deleted.',
        'Turn off for everyone',
      );
      if (!sure) return;
      input.checked = false;
    }
    try {
      const out = await put('/settings', { collaboration_enabled: wanted });
      input.checked = out.collaboration_enabled;
      text.textContent = label(out.collaboration_enabled);
      status.textContent = out.collaboration_enabled ? 'Collaboration is on.' : 'Collaboration is off.';
    } catch (e) {
      input.checked = !wanted;
      status.textContent = e.message;
    }
  });
  return [h('h2', {}, 'Collaboration'), h('section', { class: 'card' }, row, status)];
}

// --- users --------------------------------------------------------------------------------

const PAGE = 50;

function rolesDialog(user, roles, onDone) {
  const current = new Set(user.roles || []);
  const boxes = roles.map((r) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `role-${r.id}`, value: r.name, checked: current.has(r.name) }), h('label', { for: `role-${r.id}` }, humanize(r.name))));
  openDialog({
    title: `Roles of ${user.name}`,
    body: [h('p', { class: 'muted' }, 'Choose the roles this user holds. Roles that are not ticked are taken away.'), h('div', { class: 'checks' }, boxes)],
    actions: [
      { label: 'Cancel' },
      {
        label: 'Save roles',
        kind: 'primary',
        onClick: async (ctl) => {
          const chosen = [...ctl.body.querySelectorAll('input:checked')].map((i) => i.value);
          await patch(`/users${seg(user.id)}`, { roles: chosen });
          toast(`The roles of ${user.name} are saved.`, 'success');
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
    title: 'New user',
    wide: true,
    body: [
      h('div', { class: 'grid-2' }, h('div', { class: 'field' }, h('label', { for: name.id }, 'Name'), name), h('div', { class: 'field' }, h('label', { for: email.id }, 'E-mail'), email)),
      h('div', { class: 'field' }, h('label', { for: password.id }, 'Initial password'), password),
      h('fieldset', { class: 'choice-box' }, h('legend', {}, 'Roles'), h('div', { class: 'checks' }, roles.map((r) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nu-role-${r.id}`, value: r.name, dataset: { kind: 'role' }, checked: r.name === 'agent' }), h('label', { for: `nu-role-${r.id}` }, humanize(r.name)))))),
      teams.length ? h('fieldset', { class: 'choice-box' }, h('legend', {}, 'Teams'), h('div', { class: 'checks' }, teams.map((t) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nu-team-${t.id}`, value: t.id, dataset: { kind: 'team' } }), h('label', { for: `nu-team-${t.id}` }, t.name))))) : null,
    ],
    actions: [
      { label: 'Cancel' },
      {
        label: 'Create user',
        kind: 'primary',
        onClick: async (ctl) => {
          const pick = (kind) => [...ctl.body.querySelectorAll(`input[data-kind=${kind}]:checked`)].map((i) => i.value);
          const out = await post('/users', { name: name.value.trim(), email: email.value.trim(), password: password.value, roles: pick('role'), team_ids: pick('team') });
          toast(`${out.name} can now sign in.`, 'success');
          onDone();
        },
      },
    ],
  });
}

function setPasswordDialog(user) {
  const password = h('input', { id: 'sp-password', type: 'password', required: true, autocomplete: 'new-password', minlength: 10 });
  openDialog({
    title: `Set the password of ${user.name}`,
    body: [h('p', { class: 'muted' }, `${user.name} is signed out everywhere and signs in with the new password.`), h('div', { class: 'field' }, h('label', { for: password.id }, 'New password'), password)],
    actions: [
      { label: 'Cancel' },
      {
        label: 'Set password',
        kind: 'primary',
        onClick: async () => {
          await post(`/users${seg(user.id, 'password')}`, { new_password: password.value });
          toast(`The password of ${user.name} is set; their sessions have ended.`, 'success');
        },
      },
    ],
  });
}

async function setActive(u, reload) {
  if (u.active) {
    const sure = await confirmDialog(
      `Deactivate ${u.name}?`,
      `${u.name} is signed out at once and can no longer sign in. Their messages, records and history stay. You can reactivate them later.`,
      'Deactivate',
    );
    if (!sure) return;
  }
  try {
    await patch(`/users${seg(u.id)}`, { active: !u.active });
    toast(u.active ? `${u.name} is deactivated; their history stays.` : `${u.name} can sign in again.`, 'success');
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
    h('td', { class: 'user-roles' }, tags((u.roles || []).map(humanize), 'No roles')),
    h('td', { class: 'user-teams' }, tags((u.teams || []).map((t) => t.name), 'No team')),
    h('td', {}, h('span', { class: `state ${u.active ? 'active' : 'cancelled'}` }, u.active ? 'Active' : 'Deactivated')),
    h(
      'td',
      { class: 'row gap-s' },
      h('button', { type: 'button', class: 'btn ghost small', 'aria-label': `Roles of ${u.name}`, onClick: () => rolesDialog(u, roles, reload) }, 'Roles'),
      h('button', { type: 'button', class: 'btn ghost small', 'aria-label': `Set the password of ${u.name}`, onClick: () => setPasswordDialog(u) }, 'Set password'),
      u.id === boot.userId ? null : h('button', { type: 'button', class: `btn small ${u.active ? 'danger-ghost' : 'ghost'}`, onClick: () => setActive(u, reload) }, u.active ? 'Deactivate' : 'Reactivate'),
    ),
  );
}

async function users() {
  const [roles, teams] = await Promise.all([get('/roles'), get('/teams')]);
  const search = h('input', { type: 'search', id: 'user-search', placeholder: 'Search by name or e-mail' });
  const rows = h('tbody', {});
  const status = h('p', { class: 'muted small', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, 'Show more users');
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
      status.textContent = shown ? (next === null ? `${shown} users` : `The first ${shown} users`) : 'Nobody matches this search.';
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
    h('table', { class: 'table' }, h('thead', {}, h('tr', {}, ['Name', 'E-mail', 'Roles', 'Teams', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))), rows),
  );
  return [
    h('div', { class: 'section-head' }, h('h2', {}, 'Users'), h('button', { type: 'button', class: 'btn primary small', onClick: () => createUserDialog(roles.items, teams.items, () => load()) }, icon('plus'), 'New user')),
    h('section', { class: 'card' }, h('div', { class: 'field search-field' }, h('label', { for: search.id, class: 'visually-hidden' }, 'Search users'), icon('search'), search), status, table, more),
  ];
}

// --- teams --------------------------------------------------------------------------------

function teamCard(t, reload) {
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
  const admins = t.members.filter((m) => m.is_admin).map((m) => m.user.id);
  const setAdmins = (ids) => act(() => patch(`/teams${seg(t.id)}`, { admin_ids: ids }));
  const picker = peoplePicker({ label: `Add people to ${t.name}`, exclude: t.members.map((m) => m.user.id) });
  const member = (m) =>
    h(
      'li',
      { class: 'member', dataset: { userId: m.user.id } },
      avatar(m.user.name, m.user.id, 'sm'),
      h('span', { class: 'member-name' }, m.user.name),
      m.is_admin ? h('span', { class: 'tag' }, 'Team admin') : null,
      h(
        'span',
        { class: 'member-actions' },
        m.is_admin
          ? h('button', { type: 'button', class: 'btn ghost small', 'aria-label': `${m.user.name} is no longer a team admin of ${t.name}`, onClick: () => setAdmins(admins.filter((id) => id !== m.user.id)) }, 'Remove as admin')
          : h('button', { type: 'button', class: 'btn ghost small', 'aria-label': `Make ${m.user.name} a team admin of ${t.name}`, onClick: () => setAdmins([...admins, m.user.id]) }, 'Make admin'),
        h(
          'button',
          {
            type: 'button',
            class: 'btn danger-ghost small',
            'aria-label': `Remove ${m.user.name} from ${t.name}`,
            onClick: async () => {
              const sure = await confirmDialog(`Remove ${m.user.name} from ${t.name}?`, `${m.user.name} leaves the team and its channels, and loses access that came from the team.`, 'Remove from team');
              if (sure) act(() => del(`/teams${seg(t.id, 'members', m.user.id)}`));
            },
          },
          'Remove',
        ),
      ),
    );
  return h(
    'section',
    { class: 'card team-card', dataset: { teamId: t.id } },
    h('h3', {}, t.name, h('span', { class: 'section-count' }, String(t.members.length))),
    t.members.length ? h('ul', { class: 'member-list' }, t.members.map(member)) : h('p', { class: 'muted' }, 'No members yet.'),
    err,
    h(
      'details',
      {},
      h('summary', {}, 'Add members'),
      picker.el,
      h('button', { type: 'button', class: 'btn primary small', onClick: () => act(() => post(`/teams${seg(t.id)}/members`, { user_ids: picker.selected().map((p) => p.id) })) }, 'Add'),
    ),
  );
}

async function teams() {
  const list = h('div', { class: 'stack' });
  const load = async () => {
    try {
      const res = await get('/teams');
      list.replaceChildren(...(res.items.length ? res.items.map((t) => teamCard(t, load)) : [h('p', { class: 'muted' }, 'No teams yet.')]));
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
  };
  const create = () => {
    const name = h('input', { id: 'nt-name', type: 'text' });
    const admins = peoplePicker({ label: 'Team admins' });
    const members = peoplePicker({ label: 'Members' });
    openDialog({
      title: 'New team',
      body: [h('div', { class: 'field' }, h('label', { for: name.id }, 'Name'), name), admins.el, members.el],
      actions: [
        { label: 'Cancel' },
        {
          label: 'Create team',
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
  return [h('div', { class: 'section-head' }, h('h2', {}, 'Teams'), h('button', { type: 'button', class: 'btn primary small', onClick: create }, icon('plus'), 'New team')), list];
}

// --- roles --------------------------------------------------------------------------------

async function roles() {
  const [res, types] = await Promise.all([get('/roles'), get('/record-types')]);
  const typeNames = new Map(types.items.map((t) => [t.name, t.display_name]));
  const create = () => {
    const name = h('input', { id: 'nr-name', type: 'text' });
    const flags = FLAG_CHOICES.map(([p, text], i) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nr-flag-${i}`, value: p, dataset: { flag: '1' } }), h('label', { for: `nr-flag-${i}` }, text)));
    const DEPTH_WORDS = { '': 'None', own: 'Own records', team: 'Own team', all: 'All records' };
    const depth = (id, label) => h('select', { id, 'aria-label': label }, ['', 'own', 'team', 'all'].map((d) => h('option', { value: d }, DEPTH_WORDS[d])));
    const rows = [{ name: '*', display_name: 'Every record type' }, ...types.items].map((t, i) =>
      h('tr', { dataset: { type: t.name } }, h('th', { scope: 'row' }, t.display_name), h('td', {}, depth(`nr-read-${i}`, `Read ${t.display_name}`)), h('td', {}, depth(`nr-write-${i}`, `Write ${t.display_name}`))),
    );
    openDialog({
      title: 'New role',
      wide: true,
      body: [
        h('div', { class: 'field' }, h('label', { for: name.id }, 'Name'), name),
        h('fieldset', { class: 'choice-box' }, h('legend', {}, 'Privileges'), h('div', { class: 'checks' }, flags)),
        h('table', { class: 'table compact' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Record type'), h('th', { scope: 'col' }, 'Read'), h('th', { scope: 'col' }, 'Write'))), h('tbody', {}, rows)),
      ],
      actions: [
        { label: 'Cancel' },
        {
          label: 'Create role',
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
    h('div', { class: 'section-head' }, h('h2', {}, 'Roles'), h('button', { type: 'button', class: 'btn primary small', onClick: create }, icon('plus'), 'New role')),
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Privileges'))),
        h('tbody', {}, res.items.map((r) => h('tr', {}, h('td', {}, h('strong', {}, humanize(r.name))), h('td', { class: 'privileges' }, r.privileges.map((p) => h('span', { class: 'tag' }, describePrivilege(p, typeNames))))))),
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
  const type = h('select', { id: 'au-record-type', 'aria-label': 'Record type' }, types.map((t) => h('option', { value: t.name }, t.display_name)));
  const input = h('input', { id: 'au-record', type: 'search', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'au-record-list', placeholder: 'Type a name or number' });
  const list = h('ul', { class: 'listbox', role: 'listbox', id: 'au-record-list', 'aria-label': 'Records', hidden: true });
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
      list.replaceChildren(...(options.length ? options.map((o) => o.el) : [h('li', { class: 'listbox-note' }, 'No record found')]));
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
  const el = h('div', { class: 'field record-picker' }, h('label', { for: input.id }, 'Record'), h('div', { class: 'row gap-s' }, type, input), list);
  return { el, value: () => (chosen && input.value ? chosen.id : '') };
}

async function audit() {
  const types = (await get('/record-types')).items;
  const typeNames = new Map(types.map((t) => [t.name, t.display_name]));
  const person = peoplePicker({ label: 'Person', single: true });
  const record = recordPicker(types);
  const action = h('select', { id: 'au-action' }, h('option', { value: '' }, 'Every action'), Object.entries(ACTIONS).map(([code, text]) => h('option', { value: code }, text)));
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, 'Show older entries');
  const status = h('p', { class: 'muted small', role: 'status' });
  const csv = h('a', { class: 'btn ghost small', id: 'audit-csv', href: '/api/v1/audit.csv', download: 'tether-audit.csv' }, icon('file'), 'Export CSV');
  let last = null;
  const filters = () => ({ actor: person.selected()[0]?.id || '', record: record.value(), action: action.value });
  const about = (a) => {
    const parts = [];
    if (a.record) {
      const label = a.record.name ? [a.record.number, a.record.name].filter(Boolean).join(' ') : 'a deleted record';
      parts.push(h('span', { class: 'about-record' }, `${typeNames.get(a.record.type) || humanize(a.record.type)}: `, a.record.name ? h('a', { href: recordHref(a.record.type, a.record.id) }, label) : label));
    }
    if (a.chat) parts.push(h('span', { class: 'about-chat' }, a.chat.name ? `Chat: ${a.chat.name}` : a.chat.kind ? 'A one-on-one chat' : 'A deleted chat'));
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
          h('td', {}, a.actor?.name || h('span', { class: 'muted' }, 'The system')),
          h('td', {}, h('span', { class: 'tag' }, actionLabel(a.action))),
          h('td', { class: 'small' }, about(a)),
          h('td', { class: 'muted small' }, detailText(a.details, a.names, typeNames)),
        ),
      );
      if (older) rows.append(...trs);
      else rows.replaceChildren(...trs);
      last = res.items.length ? res.items[res.items.length - 1].at : last;
      more.hidden = res.items.length < 50;
      status.textContent = rows.children.length ? `${rows.children.length} entries` : 'No entries match these filters.';
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
    h('div', { class: 'field' }, h('label', { for: action.id }, 'Action'), action),
    h('button', { type: 'submit', class: 'btn primary small' }, 'Apply filters'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  load();
  return [
    h('div', { class: 'section-head' }, h('h2', {}, 'Audit log'), csv),
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
          h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'About', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
          rows,
        ),
      ),
      more,
    ),
  ];
}

// --- routing ------------------------------------------------------------------------------

const VIEWS = { general, users, teams, roles, types: () => types(render), 'type-settings': typeSettings, audit };

async function render() {
  const id = (location.hash.slice(1).split('/')[0] || 'general').replace(/[^a-z-]/g, '');
  const view = VIEWS[id] || general;
  for (const [sid] of SECTIONS) document.getElementById(`nav-${sid}`)?.toggleAttribute('aria-current', sid === id);
  for (const [sid] of SECTIONS) if (sid === id) document.getElementById(`nav-${sid}`)?.setAttribute('aria-current', 'page');
  content.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
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

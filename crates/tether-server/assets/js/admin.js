// Administration (`/admin`, R19, R22): the collaboration switch, users, teams, roles, record
// types and their fields, per-type collaboration settings with the field pickers, and the
// audit log with filters. One section at a time, chosen in the side menu (and the URL hash).

import { get, patch, post, put, qs, seg } from './api.js';
import { avatar, boot, debounce, errorBox, fmtFull, h, humanize, switchRow, toast } from './dom.js';
import { typeSettings, types } from './admin-types.js';
import { openDialog } from './dialog.js';
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
  const row = switchRow('collab-switch', 'Collaboration is enabled', s.collaboration_enabled, 'Chats, channels and record panels for every user with the collab.use privilege (R1).');
  const input = row.querySelector('input');
  const status = h('p', { class: 'muted small', role: 'status' });
  input.addEventListener('change', async () => {
    try {
      const out = await put('/settings', { collaboration_enabled: input.checked });
      input.checked = out.collaboration_enabled;
      status.textContent = out.collaboration_enabled ? 'Collaboration is on.' : 'Collaboration is off.';
    } catch (e) {
      input.checked = !input.checked;
      status.textContent = e.message;
    }
  });
  return [h('h2', {}, 'Collaboration'), h('section', { class: 'card' }, row, status)];
}

// --- users --------------------------------------------------------------------------------

const knownRoles = new Map();

function rolesDialog(user, roles, onDone) {
  const current = new Set(knownRoles.get(user.id) || []);
  const boxes = roles.map((r) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `role-${r.id}`, value: r.name, checked: current.has(r.name) }), h('label', { for: `role-${r.id}` }, humanize(r.name))));
  openDialog({
    title: `Roles of ${user.name}`,
    body: [h('p', { class: 'muted' }, knownRoles.has(user.id) ? 'Choose the roles this user holds.' : 'Choose the complete set of roles this user should hold.'), h('div', { class: 'checks' }, boxes)],
    actions: [
      { label: 'Cancel' },
      {
        label: 'Save roles',
        kind: 'primary',
        onClick: async (ctl) => {
          const chosen = [...ctl.body.querySelectorAll('input:checked')].map((i) => i.value);
          const out = await patch(`/users${seg(user.id)}`, { roles: chosen });
          knownRoles.set(user.id, out.roles);
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
          knownRoles.set(out.id, out.roles);
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

async function users() {
  const [roles, teams] = await Promise.all([get('/roles'), get('/teams')]);
  const search = h('input', { type: 'search', id: 'user-search', placeholder: 'Search by name or e-mail' });
  const body = h('div', {});
  const load = async () => {
    try {
      const res = await get(`/users${qs({ q: search.value.trim(), limit: 200 })}`);
      body.replaceChildren(
        h(
          'table',
          { class: 'table' },
          h('thead', {}, h('tr', {}, ['Name', 'E-mail', 'Roles', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            res.items.map((u) =>
              h(
                'tr',
                { class: u.active ? '' : 'inactive' },
                h('td', {}, h('span', { class: 'row gap-s' }, avatar(u.name, u.id, 'sm'), u.name)),
                h('td', { class: 'muted' }, u.email),
                h('td', {}, (u.roles || knownRoles.get(u.id) || []).map((r) => h('span', { class: 'tag' }, humanize(r))), !(u.roles || knownRoles.get(u.id)) ? h('span', { class: 'muted' }, '—') : null),
                h('td', {}, h('span', { class: `state ${u.active ? 'active' : 'cancelled'}` }, u.active ? 'Active' : 'Deactivated')),
                h(
                  'td',
                  { class: 'row gap-s' },
                  h('button', { type: 'button', class: 'btn ghost small', onClick: () => rolesDialog(u, roles.items, load) }, 'Roles'),
                  h('button', { type: 'button', class: 'btn ghost small', onClick: () => setPasswordDialog(u) }, 'Set password'),
                  u.id === boot.userId
                    ? null
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: `btn small ${u.active ? 'danger-ghost' : 'ghost'}`,
                          onClick: async () => {
                            try {
                              await patch(`/users${seg(u.id)}`, { active: !u.active });
                              toast(u.active ? `${u.name} is deactivated; their history stays.` : `${u.name} can sign in again.`, 'success');
                              load();
                            } catch (e) {
                              toast(e.message, 'error');
                            }
                          },
                        },
                        u.active ? 'Deactivate' : 'Reactivate',
                      ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  };
  search.addEventListener('input', debounce(load, 250));
  load();
  return [
    h('div', { class: 'section-head' }, h('h2', {}, 'Users'), h('button', { type: 'button', class: 'btn primary small', onClick: () => createUserDialog(roles.items, teams.items, load) }, icon('plus'), 'New user')),
    h('section', { class: 'card' }, h('div', { class: 'field search-field' }, h('label', { for: search.id, class: 'visually-hidden' }, 'Search users'), icon('search'), search), body),
  ];
}

// --- teams --------------------------------------------------------------------------------

async function teams() {
  const list = h('div', { class: 'stack' });
  const load = async () => {
    try {
      const res = await get('/teams');
      list.replaceChildren(
        ...(res.items.length ? res.items : []).map((t) => {
          const picker = peoplePicker({ label: `Add people to ${t.name}`, exclude: t.members.map((m) => m.user.id) });
          const err = h('p', { class: 'form-error', role: 'alert' });
          return h(
            'section',
            { class: 'card' },
            h('h3', {}, t.name, h('span', { class: 'section-count' }, String(t.members.length))),
            h('ul', { class: 'member-list' }, t.members.map((m) => h('li', { class: 'member' }, avatar(m.user.name, m.user.id, 'sm'), h('span', { class: 'member-name' }, m.user.name), m.is_admin ? h('span', { class: 'tag' }, 'Team admin') : null))),
            h(
              'details',
              {},
              h('summary', {}, 'Add members'),
              picker.el,
              err,
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn primary small',
                  onClick: async () => {
                    try {
                      await post(`/teams${seg(t.id)}/members`, { user_ids: picker.selected().map((p) => p.id) });
                      load();
                    } catch (e) {
                      err.textContent = e.message;
                    }
                  },
                },
                'Add',
              ),
            ),
          );
        }),
      );
      if (!res.items.length) list.replaceChildren(h('p', { class: 'muted' }, 'No teams yet.'));
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
  const create = () => {
    const name = h('input', { id: 'nr-name', type: 'text' });
    const flags = ['admin', 'collab.use', 'collab.disconnect'].map((p) => h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nr-${p}`, value: p, dataset: { flag: '1' } }), h('label', { for: `nr-${p}` }, p)));
    const depth = (id, label) => h('select', { id, 'aria-label': label }, ['', 'own', 'team', 'all'].map((d) => h('option', { value: d }, d || 'none')));
    const rows = [{ name: '*', display_name: 'Every record type' }, ...types.items].map((t) =>
      h('tr', { dataset: { type: t.name } }, h('th', { scope: 'row' }, t.display_name), h('td', {}, depth(`nr-read-${t.name}`, `Read ${t.display_name}`)), h('td', {}, depth(`nr-write-${t.name}`, `Write ${t.display_name}`))),
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
        h('tbody', {}, res.items.map((r) => h('tr', {}, h('td', {}, h('strong', {}, humanize(r.name))), h('td', {}, r.privileges.map((p) => h('span', { class: 'tag mono' }, p)))))),
      ),
    ),
  ];
}

// --- audit log ----------------------------------------------------------------------------

async function audit() {
  const record = h('input', { id: 'au-record', type: 'text', placeholder: 'Record id' });
  const chat = h('input', { id: 'au-chat', type: 'text', placeholder: 'Chat id' });
  const action = h('input', { id: 'au-action', type: 'text', placeholder: 'e.g. chat.connected' });
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', class: 'btn ghost small', hidden: true }, 'Show older entries');
  const status = h('p', { class: 'muted small', role: 'status' });
  let last = null;
  const detailText = (d) =>
    Object.entries(d || {})
      .map(([k, v]) => `${humanize(k)}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join(' · ');
  const load = async (older = false) => {
    try {
      const res = await get(`/audit${qs({ record: record.value.trim(), chat: chat.value.trim(), action: action.value.trim(), limit: 50, before: older ? last : '' })}`);
      const trs = res.items.map((a) =>
        h(
          'tr',
          {},
          h('td', { class: 'nowrap' }, fmtFull(a.at)),
          h('td', {}, a.actor?.name || h('span', { class: 'muted' }, 'system')),
          h('td', {}, h('span', { class: 'tag mono' }, a.action)),
          h('td', { class: 'mono small' }, a.record_type ? `${a.record_type}/${a.record_id}` : '', a.chat_id ? ` chat ${a.chat_id}` : ''),
          h('td', { class: 'muted small' }, detailText(a.details)),
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
    { class: 'filters' },
    h('div', { class: 'field' }, h('label', { for: record.id }, 'Record'), record),
    h('div', { class: 'field' }, h('label', { for: chat.id }, 'Chat'), chat),
    h('div', { class: 'field' }, h('label', { for: action.id }, 'Action'), action),
    h('button', { type: 'submit', class: 'btn primary small' }, 'Apply filters'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  load();
  return [
    h('h2', {}, 'Audit log'),
    h(
      'section',
      { class: 'card' },
      form,
      status,
      h(
        'table',
        { class: 'table audit-table' },
        h('colgroup', {}, h('col', { class: 'w-when' }), h('col', { class: 'w-who' }), h('col', { class: 'w-action' }), h('col', { class: 'w-about' }), h('col', {})),
        h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'About', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
        rows,
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

// Administration → API keys (issue 19): the keys host systems sync records and people with —
// name, scopes, who made each and when, when it was last used, whether it is revoked, never
// the key itself — a dialog that makes one and shows the new key once, and revoking one.

import { del, get, post, seg } from './api.js';
import { fmtFull, h, toast } from './dom.js';
import { confirmDialog, openDialog } from './dialog.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

/** The scopes a key may hold (docs/integrate.md), with what each lets the key do. */
const SCOPES = [
  ['records:write', () => t('admin-key-scope-records')],
  ['users:write', () => t('admin-key-scope-users')],
  ['webhooks', () => t('admin-key-scope-webhooks')],
];

const when = (iso) => (iso ? h('time', { datetime: iso }, fmtFull(iso)) : t('admin-key-never'));

/** A read-only field holding `text`, with a button that copies it. */
export function copyField(id, label, text) {
  const input = h('input', { id, type: 'text', readonly: true, value: text, class: 'mono', spellcheck: 'false', autocomplete: 'off' });
  input.addEventListener('focus', () => input.select());
  const said = h('p', { class: 'muted small', role: 'status' });
  const copy = async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(text);
      said.textContent = t('admin-copied');
    } catch {
      // Without the clipboard (an insecure origin, a refusal) the text stays selected.
      said.textContent = t('admin-copy-by-hand');
    }
  };
  return h(
    'div',
    { class: 'field copy-field' },
    h('label', { for: id }, label),
    h('div', { class: 'row gap-s' }, input, h('button', { type: 'button', class: 'btn ghost small', onClick: copy }, t('admin-copy'))),
    said,
  );
}

function showNewKey(made) {
  openDialog({
    title: t('admin-key-made-title', { name: made.name }),
    body: [
      h('p', { class: 'notice', role: 'alert' }, icon('alert'), ' ', t('admin-key-shown-once')),
      copyField('new-key-value', t('admin-key-the-key'), made.key),
      h('p', { class: 'muted small' }, t('admin-key-how-sent')),
    ],
    actions: [{ label: t('admin-key-done'), kind: 'primary' }],
  });
}

function createDialog(reload) {
  const name = h('input', { id: 'nk-name', type: 'text', required: true, autocomplete: 'off' });
  const boxes = SCOPES.map(([scope, words], i) =>
    h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `nk-scope-${i}`, value: scope }), h('label', { for: `nk-scope-${i}` }, h('code', {}, scope), ' — ', words())),
  );
  openDialog({
    title: t('admin-key-new'),
    body: [
      h('div', { class: 'field', dataset: { field: 'name' } }, h('label', { for: name.id }, t('admin-name')), name, h('p', { class: 'muted small' }, t('admin-key-name-hint'))),
      h('fieldset', { class: 'choice-box', dataset: { field: 'scopes' } }, h('legend', {}, t('admin-key-scopes')), h('div', { class: 'checks one-column' }, boxes)),
    ],
    actions: [
      { label: t('admin-cancel') },
      {
        label: t('admin-key-create'),
        kind: 'primary',
        onClick: async (ctl) => {
          const scopes = [...ctl.body.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value);
          const made = await post('/api-keys', { name: name.value.trim(), scopes });
          reload();
          // The dialog closes first: the key's own dialog opens after it.
          setTimeout(() => showNewKey(made));
        },
      },
    ],
  });
}

async function revoke(key, reload) {
  const sure = await confirmDialog(t('admin-key-revoke-title', { name: key.name }), t('admin-key-revoke-text', { name: key.name }), t('admin-key-revoke'));
  if (!sure) return;
  try {
    await del(`/api-keys${seg(key.id)}`);
    toast(t('admin-key-revoked-toast', { name: key.name }), 'success');
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

function keyRow(k, reload) {
  return h(
    'tr',
    { class: k.revoked ? 'inactive' : '', dataset: { keyId: k.id } },
    h('td', {}, h('strong', {}, k.name)),
    h('td', {}, k.scopes.map((s) => h('span', { class: 'tag' }, s))),
    h('td', { class: 'small' }, t('admin-key-made-by', { by: k.created_by?.name || t('admin-key-someone-gone') }), h('br'), when(k.created_at)),
    h('td', { class: 'small' }, k.last_used_at ? when(k.last_used_at) : h('span', { class: 'muted' }, t('admin-key-never'))),
    h('td', {}, k.revoked ? h('span', { class: 'state cancelled', title: k.revoked_at ? fmtFull(k.revoked_at) : '' }, t('admin-key-state-revoked')) : h('span', { class: 'state active' }, t('admin-state-active'))),
    h('td', {}, k.revoked ? '' : h('button', { type: 'button', class: 'btn danger-ghost small', 'aria-label': t('admin-key-revoke-label', { name: k.name }), onClick: () => revoke(k, reload) }, t('admin-key-revoke'))),
  );
}

export async function apiKeys() {
  const rows = h('tbody', {});
  const status = h('p', { class: 'muted small', role: 'status' });
  const load = async () => {
    try {
      const res = await get('/api-keys');
      rows.replaceChildren(...res.items.map((k) => keyRow(k, load)));
      status.textContent = res.items.length ? '' : t('admin-key-none');
    } catch (e) {
      status.textContent = e.message;
    }
  };
  await load();
  const heads = [t('admin-name'), t('admin-key-scopes'), t('admin-key-col-made'), t('admin-key-col-used'), t('admin-col-status'), t('admin-col-actions')];
  return [
    h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-api-keys')), h('button', { type: 'button', class: 'btn primary small', onClick: () => createDialog(load) }, icon('plus'), t('admin-key-new'))),
    h('p', { class: 'muted small' }, t('admin-key-intro')),
    h('section', { class: 'card' }, status, h('div', { class: 'table-scroll' }, h('table', { class: 'table api-keys' }, h('thead', {}, h('tr', {}, heads.map((label) => h('th', { scope: 'col' }, label)))), rows))),
  ];
}

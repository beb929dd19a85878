// Administration → Integrations (issue 19, signed launch): the host systems whose signed
// tokens open the embedded panel — name, source, the origins that may frame the panel, the
// algorithm, the audience, whether a launch may create agents and with which role; never the
// secret — a dialog that registers one, and deleting one (its agents' embed sessions end).

import { del, get, post, seg } from './api.js';
import { fmtFull, h, toast } from './dom.js';
import { roleLabel } from './admin-labels.js';
import { confirmDialog, openDialog } from './dialog.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

/** A new shared secret: 48 random bytes in base64url (64 characters, 384 bits). */
function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const field = (name, input, label, hint) =>
  h('div', { class: 'field', dataset: { field: name } }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'muted small', id: `${input.id}-hint` }, hint) : null);

function createDialog(roles, reload) {
  const name = h('input', { id: 'ni-name', type: 'text', autocomplete: 'off' });
  const source = h('input', { id: 'ni-source', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'ni-source-hint' });
  const origins = h('textarea', { id: 'ni-origins', rows: 3, spellcheck: 'false', placeholder: 'https://acme.zendesk.com', 'aria-describedby': 'ni-origins-hint' });
  const audience = h('input', { id: 'ni-audience', type: 'text', autocomplete: 'off', spellcheck: 'false', value: location.origin, 'aria-describedby': 'ni-audience-hint' });
  const secret = h('input', { id: 'ni-secret', type: 'text', autocomplete: 'off', spellcheck: 'false', class: 'mono', 'aria-describedby': 'ni-secret-hint' });
  const pem = h('textarea', { id: 'ni-public-key', rows: 5, spellcheck: 'false', class: 'mono', placeholder: '-----BEGIN PUBLIC KEY-----', 'aria-describedby': 'ni-public-key-hint' });
  const generated = h('p', { class: 'muted small', role: 'status' });
  const generate = h(
    'button',
    {
      type: 'button',
      class: 'btn ghost small',
      id: 'ni-generate',
      onClick: () => {
        secret.value = randomSecret();
        generated.textContent = t('admin-integration-secret-generated');
      },
    },
    t('admin-integration-generate'),
  );
  const kindSecret = h('input', { type: 'radio', name: 'ni-kind', id: 'ni-kind-secret', value: 'secret', checked: true });
  const kindPem = h('input', { type: 'radio', name: 'ni-kind', id: 'ni-kind-pem', value: 'pem' });
  const secretBox = h('div', { class: 'field', dataset: { field: 'secret' } }, h('label', { for: secret.id }, t('admin-integration-secret')), h('div', { class: 'row gap-s' }, secret, generate), h('p', { class: 'muted small', id: 'ni-secret-hint' }, t('admin-integration-secret-hint')), generated);
  const pemBox = field('public_key', pem, t('admin-integration-public-key'), t('admin-integration-public-key-hint'));
  const showKind = () => {
    secretBox.hidden = !kindSecret.checked;
    pemBox.hidden = kindSecret.checked;
  };
  kindSecret.addEventListener('change', showKind);
  kindPem.addEventListener('change', showKind);
  showKind();
  const provision = h('input', { type: 'checkbox', id: 'ni-provision' });
  const usable = roles.filter((r) => !r.privileges.includes('admin'));
  const role = h('select', { id: 'ni-role' }, h('option', { value: '' }, t('admin-integration-no-role')), usable.map((r) => h('option', { value: r.name, selected: r.name === 'agent' }, roleLabel(r.name))));
  const roleBox = field('default_role', role, t('admin-integration-default-role'), t('admin-integration-default-role-hint'));
  const showRole = () => (roleBox.hidden = !provision.checked);
  provision.addEventListener('change', showRole);
  showRole();
  openDialog({
    title: t('admin-integration-new'),
    wide: true,
    body: [
      h('div', { class: 'grid-2' }, field('name', name, t('admin-name')), field('source', source, t('admin-integration-source'), t('admin-integration-source-hint'))),
      field('allowed_origins', origins, t('admin-integration-origins'), t('admin-integration-origins-hint')),
      h(
        'fieldset',
        { class: 'choice-box' },
        h('legend', {}, t('admin-integration-key')),
        h('div', { class: 'checks' }, h('div', { class: 'check' }, kindSecret, h('label', { for: kindSecret.id }, t('admin-integration-kind-secret'))), h('div', { class: 'check' }, kindPem, h('label', { for: kindPem.id }, t('admin-integration-kind-pem')))),
        secretBox,
        pemBox,
      ),
      field('audience', audience, t('admin-integration-audience'), t('admin-integration-audience-hint')),
      h('div', { class: 'check' }, provision, h('label', { for: provision.id }, t('admin-integration-provision'))),
      roleBox,
    ],
    actions: [
      { label: t('admin-cancel') },
      {
        label: t('admin-integration-create'),
        kind: 'primary',
        onClick: async () => {
          const body = {
            name: name.value.trim(),
            source: source.value.trim(),
            allowed_origins: origins.value.split('\n').map((o) => o.trim()).filter(Boolean),
            audience: audience.value.trim(),
            provision_users: provision.checked,
            default_role: provision.checked ? role.value || null : null,
          };
          if (kindSecret.checked) body.secret = secret.value.trim();
          else body.public_key = pem.value.trim();
          await post('/integrations', body);
          toast(t('admin-integration-created', { name: body.name }), 'success');
          reload();
        },
      },
    ],
  });
}

async function remove(it, reload) {
  const sure = await confirmDialog(t('admin-integration-delete-title', { name: it.name }), t('admin-integration-delete-text', { name: it.name }), t('admin-integration-delete'));
  if (!sure) return;
  try {
    await del(`/integrations${seg(it.id)}`);
    toast(t('admin-integration-deleted', { name: it.name }), 'success');
    reload();
  } catch (e) {
    toast(e.message, 'error');
  }
}

function integrationCard(it, reload) {
  const fact = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  return h(
    'section',
    { class: 'card integration', 'aria-label': it.name, dataset: { integrationId: it.id } },
    h('div', { class: 'section-head' }, h('h3', { class: 'wrap' }, it.name), h('button', { type: 'button', class: 'btn danger-ghost small', 'aria-label': t('admin-integration-delete-label', { name: it.name }), onClick: () => remove(it, reload) }, t('admin-integration-delete'))),
    h(
      'dl',
      { class: 'facts' },
      fact(t('admin-integration-id'), h('code', {}, it.id)),
      fact(t('admin-integration-source'), h('code', {}, it.source)),
      fact(t('admin-integration-origins'), it.allowed_origins.map((o) => h('span', { class: 'facts-line' }, o))),
      fact(t('admin-integration-algorithm'), it.algorithm),
      fact(t('admin-integration-audience'), it.audience),
      fact(t('admin-integration-provisions'), it.provision_users ? t('admin-integration-provisions-yes', { role: roleLabel(it.default_role || '') }) : t('admin-integration-provisions-no')),
      fact(t('admin-integration-made'), h('time', { datetime: it.created_at }, fmtFull(it.created_at))),
    ),
  );
}

export async function integrations() {
  const list = h('div', { class: 'stack' });
  const [roles] = await Promise.all([get('/roles')]);
  const load = async () => {
    try {
      const res = await get('/integrations');
      list.replaceChildren(...(res.items.length ? res.items.map((x) => integrationCard(x, load)) : [h('p', { class: 'muted' }, t('admin-integration-none'))]));
    } catch (e) {
      list.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, e.message));
    }
  };
  await load();
  return [
    h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-integrations')), h('button', { type: 'button', class: 'btn primary small', onClick: () => createDialog(roles.items, load) }, icon('plus'), t('admin-integration-new'))),
    h('p', { class: 'muted small' }, t('admin-integration-intro')),
    list,
  ];
}

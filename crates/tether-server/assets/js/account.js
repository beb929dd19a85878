// The signed-in user's own account: the user menu in the top bar, the *Change password*
// dialog (POST /me/password), the *Language and time zone* dialog and the *E-mail about what
// I missed* dialog (both PATCH /me). Changing the
// password signs out every other session of the user; this one stays. A new language or zone
// reloads the page, whose words and times the server and format.js then draw anew.

import { get, me, patch, post } from './api.js';
import { boot, h, toast } from './dom.js';
import { fieldErrorText, t } from './i18n.js';
import { openDialog } from './dialog.js';
import { menuButton } from './menu.js';

const MIN_CHARS = 10;

/** The dialog's words for a 422's field errors (the server names the fields). */
const FIELD_LABELS = { current_password: () => t('account-current-password'), new_password: () => t('account-new-password') };

function explain(e) {
  const errors = e.problem?.errors;
  if (!Array.isArray(errors) || !errors.length) return e.message || String(e);
  return errors.map((f) => t('account-field-error', { field: FIELD_LABELS[f.field]?.() || f.field, message: fieldErrorText(f) })).join(' ');
}

function passwordField(id, label, autocomplete, hint) {
  const input = h('input', { id, type: 'password', required: true, autocomplete, minlength: autocomplete === 'new-password' ? MIN_CHARS : null });
  const field = h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('small', { class: 'muted', id: `${id}-hint` }, hint) : null);
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return [field, input];
}

/** Opens the *Change password* dialog. */
export function openChangePassword() {
  const [currentField, current] = passwordField('pw-current', t('account-current-password'), 'current-password');
  const [newField, fresh] = passwordField('pw-new', t('account-new-password'), 'new-password', t('account-new-password-hint', { min: MIN_CHARS }));
  const [repeatField, repeat] = passwordField('pw-repeat', t('account-repeat-password'), 'new-password');
  openDialog({
    title: t('account-change-password'),
    body: [h('p', { class: 'muted' }, t('account-change-password-intro')), currentField, newField, repeatField],
    actions: [
      { label: t('dialog-cancel') },
      {
        label: t('account-change-password'),
        kind: 'primary',
        onClick: async (ctl) => {
          for (const i of [current, fresh, repeat]) i.removeAttribute('aria-invalid');
          if (fresh.value !== repeat.value) {
            repeat.setAttribute('aria-invalid', 'true');
            ctl.error(t('account-passwords-differ'));
            return false;
          }
          try {
            await post('/me/password', { current_password: current.value, new_password: fresh.value });
          } catch (e) {
            for (const f of e.problem?.errors || []) {
              if (f.field === 'current_password') current.setAttribute('aria-invalid', 'true');
              if (f.field === 'new_password') fresh.setAttribute('aria-invalid', 'true');
            }
            ctl.error(explain(e));
            return false;
          }
          toast(t('account-password-changed'), 'success');
          return true;
        },
      },
    ],
  });
}

/** The zones the browser knows, for the time zone picker (its own zone when it lists none). */
function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [Intl.DateTimeFormat().resolvedOptions().timeZone];
  }
}

function select(id, label, options, current) {
  const el = h(
    'select',
    { id },
    options.map(([value, text]) => h('option', { value, selected: value === current }, text)),
  );
  return [h('div', { class: 'field' }, h('label', { for: id }, label), el), el];
}

/** Opens the *Language and time zone* dialog. */
export async function openPreferences() {
  let current = {};
  try {
    current = await me();
  } catch {
    /* the dialog still opens, with "as the browser says" chosen */
  }
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [langField, lang] = select(
    'pref-locale',
    t('account-language'),
    [
      ['', t('account-language-browser')],
      ['en', t('language-en')],
      ['sv', t('language-sv')],
    ],
    current.locale || '',
  );
  const [zoneField, zone] = select(
    'pref-time-zone',
    t('account-time-zone'),
    [['', t('account-time-zone-browser', { zone: browserZone })], ...zones().map((z) => [z, z.replaceAll('_', ' ')])],
    current.time_zone || '',
  );
  openDialog({
    title: t('account-preferences'),
    body: [h('p', { class: 'muted' }, t('account-preferences-intro')), langField, zoneField],
    actions: [
      { label: t('dialog-cancel') },
      {
        label: t('account-save'),
        kind: 'primary',
        onClick: async (ctl) => {
          try {
            await patch('/me', { locale: lang.value || null, time_zone: zone.value || null });
          } catch (e) {
            const errors = e.problem?.errors || [];
            if (errors.some((f) => f.field === 'locale')) lang.setAttribute('aria-invalid', 'true');
            if (errors.some((f) => f.field === 'time_zone')) zone.setAttribute('aria-invalid', 'true');
            ctl.error(errors.length ? errors.map(fieldErrorText).join(' ') : e.message);
            return false;
          }
          location.reload();
          return true;
        },
      },
    ],
  });
}

/** Opens the *E-mail about what I missed* dialog (PATCH /me {email_digest}): one checkbox,
 *  and a note when this server sends no e-mail at all. */
export async function openEmailDigest() {
  let current = { email_digest: true, email_available: true };
  try {
    // Read afresh, not the page's copy: the choice may have changed since the page loaded.
    current = await get('/me');
  } catch {
    /* the dialog still opens, with the default (on) */
  }
  const box = h('input', { type: 'checkbox', id: 'pref-email-digest', checked: current.email_digest !== false });
  openDialog({
    title: t('account-email'),
    body: [
      h('p', { class: 'muted' }, t('account-email-intro')),
      h('div', { class: 'check' }, box, h('label', { for: 'pref-email-digest' }, t('account-email-digest'))),
      current.email_available === false ? h('p', { class: 'muted', role: 'note' }, t('account-email-off-server')) : null,
    ],
    actions: [
      { label: t('dialog-cancel') },
      {
        label: t('account-save'),
        kind: 'primary',
        onClick: async (ctl) => {
          try {
            await patch('/me', { email_digest: box.checked });
          } catch (e) {
            ctl.error(e.message || String(e));
            return false;
          }
          toast(t('account-email-saved'), 'success');
          return true;
        },
      },
    ],
  });
}

/** Turns the name in the top bar into the user menu (*Change password*, *Language and time zone*,
 *  *E-mail about what I missed*, and *Sign out* where the top bar has no room for its own button: a phone, app.css). */
export function setupUserMenu() {
  const meEl = document.querySelector('.topbar .me');
  if (!meEl) return;
  const signout = document.getElementById('signout');
  const button = menuButton({
    label: t('account-menu'),
    cls: 'me me-btn',
    content: [...meEl.childNodes],
    items: () => [
      { label: t('account-change-password'), icon: 'lock', onSelect: openChangePassword },
      { label: t('account-preferences'), icon: 'globe', onSelect: openPreferences },
      { label: t('account-email'), icon: 'mail', onSelect: openEmailDigest },
      signout && !signout.checkVisibility() ? { label: t('shell-sign-out'), icon: 'logout', onSelect: () => signout.click() } : null,
    ],
  });
  button.id = 'user-menu';
  button.setAttribute('aria-label', t('account-menu-of', { name: boot.userName }));
  meEl.replaceWith(button);
}

// The signed-in user's own account: the user menu in the top bar and the *Change password*
// dialog (POST /me/password). Changing the password signs out every other session of the user;
// this one stays.

import { post } from './api.js';
import { boot, h, toast } from './dom.js';
import { openDialog } from './dialog.js';
import { menuButton } from './menu.js';

const MIN_CHARS = 10;

/** The dialog's words for a 422's field errors (the server names the fields). */
const FIELD_LABELS = { current_password: 'Current password', new_password: 'New password' };

function explain(e) {
  const errors = e.problem?.errors;
  if (!Array.isArray(errors) || !errors.length) return e.message || String(e);
  return errors.map((f) => `${FIELD_LABELS[f.field] || f.field}: ${f.message}.`).join(' ');
}

function passwordField(id, label, autocomplete, hint) {
  const input = h('input', { id, type: 'password', required: true, autocomplete, minlength: autocomplete === 'new-password' ? MIN_CHARS : null });
  const field = h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('small', { class: 'muted', id: `${id}-hint` }, hint) : null);
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return [field, input];
}

/** Opens the *Change password* dialog. */
export function openChangePassword() {
  const [currentField, current] = passwordField('pw-current', 'Current password', 'current-password');
  const [newField, fresh] = passwordField('pw-new', 'New password', 'new-password', `At least ${MIN_CHARS} characters. A few unrelated words make a good one.`);
  const [repeatField, repeat] = passwordField('pw-repeat', 'Repeat the new password', 'new-password');
  openDialog({
    title: 'Change password',
    body: [h('p', { class: 'muted' }, 'You stay signed in here; every other browser or app signed in as you is signed out.'), currentField, newField, repeatField],
    actions: [
      { label: 'Cancel' },
      {
        label: 'Change password',
        kind: 'primary',
        onClick: async (ctl) => {
          for (const i of [current, fresh, repeat]) i.removeAttribute('aria-invalid');
          if (fresh.value !== repeat.value) {
            repeat.setAttribute('aria-invalid', 'true');
            ctl.error('The new passwords do not match.');
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
          toast('Your password is changed. Your other sessions have been signed out.', 'success');
          return true;
        },
      },
    ],
  });
}

/** Turns the name in the top bar into the user menu (*Change password*). */
export function setupUserMenu() {
  const me = document.querySelector('.topbar .me');
  if (!me) return;
  const button = menuButton({
    label: 'Your account',
    cls: 'me me-btn',
    content: [...me.childNodes],
    items: () => [{ label: 'Change password', icon: 'lock', onSelect: openChangePassword }],
  });
  button.id = 'user-menu';
  button.setAttribute('aria-label', `${boot.userName}, your account`);
  me.replaceWith(button);
}

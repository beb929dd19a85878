// The sign-in page. On success the session cookie is set by the server and the browser goes to
// the page it came from (`?next=`, only paths of this site).

import { post } from './api.js';
import { h, tieFieldErrors } from './dom.js';
import { t } from './i18n.js';
import { sameOriginPath } from './next.js';

function nextPath() {
  return sameOriginPath(new URLSearchParams(location.search).get('next') || '/');
}

function render() {
  const main = document.getElementById('main');
  const error = h('p', { class: 'form-error', role: 'alert', id: 'login-error' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary wide' }, t('login-submit'));
  const form = h(
    'form',
    { class: 'stack', 'aria-describedby': 'login-error' },
    h('div', { class: 'field' }, h('label', { for: 'email' }, t('login-email')), email),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('login-password')), password),
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    for (const f of [email, password]) f.removeAttribute('aria-invalid');
    submit.disabled = true;
    submit.textContent = t('login-submitting');
    try {
      await post('/auth/login', { email: email.value.trim(), password: password.value }, { noRedirect: true });
      location.assign(nextPath());
    } catch (err) {
      error.textContent = err.message;
      // Which of the two was wrong is not said (on purpose): both are marked.
      if (err.status === 401) for (const f of [email, password]) f.setAttribute('aria-invalid', 'true');
      submit.disabled = false;
      submit.textContent = t('login-submit');
      password.select();
    }
  });
  main.replaceChildren(
    h(
      'div',
      { class: 'login-wrap' },
      h(
        'section',
        { class: 'login-card', 'aria-labelledby': 'login-title' },
        h('div', { class: 'login-brand' }, h('img', { src: document.querySelector('link[rel=icon]').href, alt: '', width: 40, height: 40 }), h('span', {}, 'Tether')),
        h('h1', { id: 'login-title' }, t('login-title')),
        h('p', { class: 'muted' }, t('login-tagline')),
        form,
      ),
    ),
  );
  email.focus();
}

tieFieldErrors();
render();

// A 422's field errors (`problem.errors`) at the fields they name: in record forms and in any
// dialog whose fields are marked with `data-field` (the API's field name).

import { capitalize, h } from './dom.js';
import { fieldErrorText, locale } from './i18n.js';

/** Shows the field errors of a 422 (`problem.errors`) at their fields inside `form`: the
 *  control is marked invalid and described by the message. Returns the errors not placed.
 *  `continuesLabel`: the server's English continues the field's label ("is missing"), as a
 *  record's fields' messages do; other messages are sentences of their own. */
export function showFieldErrors(form, problem, { continuesLabel = true } = {}) {
  form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((x) => x.remove());
  const rest = [];
  for (const fe of problem?.errors || []) {
    const name = String(fe.field).replace(/^(fields|related)\./, '');
    const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const ctl = box?.querySelector('input,select,textarea');
    if (!box || !ctl) {
      rest.push(fe);
      continue;
    }
    const msgId = `${ctl.id}-error`;
    // The catalog's words for the code are a sentence of their own.
    const label = continuesLabel ? box.querySelector('label')?.firstChild?.textContent || '' : '';
    const text = locale === 'en' && label ? `${label} ${fe.message}` : capitalize(fieldErrorText(fe));
    box.append(h('p', { class: 'field-error', id: msgId }, text));
    ctl.setAttribute('aria-invalid', 'true');
    ctl.setAttribute('aria-describedby', msgId);
  }
  return rest;
}

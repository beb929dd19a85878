// Modal dialogs on the native <dialog> element: focus is trapped and restored by the browser,
// Escape closes. An action that fails shows the server's words inside the dialog: a 422's field
// errors at the fields marked `data-field` (the API's field name), the rest above the buttons.

import { h } from './dom.js';
import { showFieldErrors } from './field-errors.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

let seq = 0;

/**
 * Opens a dialog. `actions`: [{label, kind, onClick(ctl) → Promise|void, keepOpen}] from left
 * to right; an action closes the dialog when it resolves, unless `keepOpen` or it returns false.
 * Returns the controller: {el, body, close(), error(text), busy(flag)}.
 */
export function openDialog({ title, body = [], actions = [], wide = false, onClose = () => {} }) {
  const id = `dlg-${++seq}`;
  const errorEl = h('p', { class: 'form-error', role: 'alert' });
  const content = h('div', { class: 'dialog-body' }, body);
  const buttons = [];
  const dlg = h('dialog', { class: `dialog ${wide ? 'wide' : ''}`, 'aria-labelledby': `${id}-title` });
  const ctl = {
    el: dlg,
    body: content,
    close() {
      if (dlg.open) dlg.close();
    },
    error(text) {
      errorEl.textContent = text || '';
    },
    busy(flag) {
      for (const b of buttons) b.disabled = flag;
    },
  };
  for (const a of actions) {
    const b = h('button', { type: a.submit === false ? 'button' : 'button', class: `btn ${a.kind || 'ghost'}` }, a.label);
    b.addEventListener('click', async () => {
      ctl.error('');
      showFieldErrors(content, null);
      if (!a.onClick) return ctl.close();
      ctl.busy(true);
      try {
        const keep = await a.onClick(ctl);
        if (!a.keepOpen && keep !== false) ctl.close();
      } catch (e) {
        // A 422's field errors at the fields marked `data-field`; the rest below the body.
        const rest = e.problem?.errors?.length ? showFieldErrors(content, e.problem, { continuesLabel: false }) : null;
        ctl.error(rest && !rest.length ? t('dialog-check-fields') : e.message || String(e));
        content.querySelector('[aria-invalid="true"]')?.focus();
      } finally {
        ctl.busy(false);
      }
    });
    buttons.push(b);
  }
  dlg.append(
    h(
      'header',
      { class: 'dialog-head' },
      h('h2', { id: `${id}-title` }, title),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('dialog-close'), onClick: () => ctl.close() }, icon('x')),
    ),
    content,
    errorEl,
    buttons.length ? h('footer', { class: 'dialog-foot' }, buttons) : null,
  );
  dlg.addEventListener('close', () => {
    dlg.remove();
    onClose();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = content.querySelector('input:not([type=hidden]), select, textarea');
  if (first) first.focus();
  return ctl;
}

/** Asks a yes/no question; resolves true when confirmed. */
export function confirmDialog(title, text, confirmLabel = t('dialog-confirm'), kind = 'danger') {
  return new Promise((resolve) => {
    let answered = false;
    openDialog({
      title,
      body: [h('p', {}, text)],
      actions: [
        { label: t('dialog-cancel') },
        {
          label: confirmLabel,
          kind,
          onClick: () => {
            answered = true;
          },
        },
      ],
      onClose: () => resolve(answered),
    });
  });
}

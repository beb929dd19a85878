// The people picker: a combobox that searches `GET /users?q=` and collects chosen people as
// removable chips. Keyboard: type to search, arrows to move, Enter to choose, Backspace on an
// empty box removes the last chip.

import { get, qs } from './api.js';
import { avatar, boot, debounce, h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

let seq = 0;

/**
 * `exclude`: ids never offered (the signed-in user is always excluded).
 * `single`: at most one person. Returns {el, selected(), focus(), onChange}.
 */
export function peoplePicker({ label = t('people-label'), exclude = [], single = false, initial = [], onChange = () => {} } = {}) {
  const id = `pp-${++seq}`;
  const chosen = new Map(initial.map((p) => [p.id, p]));
  const skip = new Set([boot.userId, ...exclude]);
  const chips = h('ul', { class: 'chips', 'aria-label': t('people-chosen', { label: label.toLowerCase() }) });
  const list = h('ul', { class: 'listbox', role: 'listbox', id: `${id}-list`, hidden: true });
  const input = h('input', {
    id: `${id}-input`,
    type: 'text',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': `${id}-list`,
    placeholder: t('people-placeholder'),
  });
  let options = [];
  let active = -1;

  const drawChips = () => {
    chips.replaceChildren(
      ...[...chosen.values()].map((p) =>
        h(
          'li',
          { class: 'chip' },
          avatar(p.name, p.id, 'xs'),
          h('span', {}, p.name),
          h('button', { type: 'button', class: 'chip-x', 'aria-label': t('people-remove', { name: p.name }), onClick: () => remove(p.id) }, icon('x')),
        ),
      ),
    );
    input.disabled = single && chosen.size >= 1;
    onChange([...chosen.values()]);
  };
  const remove = (pid) => {
    chosen.delete(pid);
    drawChips();
    input.focus();
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const choose = (p) => {
    if (single) chosen.clear();
    chosen.set(p.id, p);
    input.value = '';
    close();
    drawChips();
    if (!input.disabled) input.focus();
  };
  const highlight = (i) => {
    active = i;
    options.forEach((o, n) => o.el.setAttribute('aria-selected', String(n === i)));
    if (options[i]) {
      input.setAttribute('aria-activedescendant', options[i].el.id);
      options[i].el.scrollIntoView({ block: 'nearest' });
    }
  };
  const search = debounce(async () => {
    const q = input.value.trim();
    if (!q) return close();
    let items = [];
    try {
      items = (await get(`/users${qs({ q, limit: 12 })}`)).items;
    } catch (e) {
      list.replaceChildren(h('li', { class: 'listbox-note' }, e.message));
      list.hidden = false;
      return;
    }
    options = items
      .filter((u) => u.active !== false && !skip.has(u.id) && !chosen.has(u.id))
      .map((u, n) => ({
        user: u,
        el: h(
          'li',
          { role: 'option', id: `${id}-opt-${n}`, class: 'option', 'aria-selected': 'false', onMousedown: (e) => (e.preventDefault(), choose({ id: u.id, name: u.name })) },
          avatar(u.name, u.id, 'xs'),
          h('span', { class: 'option-name' }, u.name),
          h('span', { class: 'option-sub' }, u.email || ''),
        ),
      }));
    list.replaceChildren(...(options.length ? options.map((o) => o.el) : [h('li', { class: 'listbox-note' }, t('people-nobody-found'))]));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(options.length ? 0 : -1);
  }, 150);

  input.addEventListener('input', search);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && options.length) highlight((active + 1) % options.length);
    else if (e.key === 'ArrowUp' && options.length) highlight((active - 1 + options.length) % options.length);
    else if (e.key === 'Enter' && !list.hidden && options[active]) choose({ id: options[active].user.id, name: options[active].user.name });
    else if (e.key === 'Escape' && !list.hidden) close();
    else if (e.key === 'Backspace' && !input.value && chosen.size) remove([...chosen.keys()].pop());
    else return;
    e.preventDefault();
    e.stopPropagation();
  });

  const el = h('div', { class: 'field people-picker' }, h('label', { for: input.id }, label), h('div', { class: 'picker-box' }, chips, input), list);
  drawChips();
  return { el, selected: () => [...chosen.values()], focus: () => input.focus(), input };
}

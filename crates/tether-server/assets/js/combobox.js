// A picker for one thing found by searching (a person, a record): an editable combobox with
// list autocomplete after the WAI-ARIA Authoring Practices' pattern. The text box has
// role=combobox, `aria-expanded`, `aria-controls` naming a role=listbox popup and
// `aria-activedescendant` naming the highlighted option, so screen readers follow the list
// while the focus stays in the box. Suggestions come from an async source as you type (after a
// short pause; an older answer never replaces a newer one). Each option shows a name and a
// second line (a person's e-mail, a record's number), and the chosen item's id is kept in a
// hidden input — two people of the same name stay apart, unlike with <datalist>.
//
// Keyboard: Down opens the list or moves down, Up moves up, Enter chooses, Escape closes the
// list (inside a dialog, only a second Escape closes the dialog). Pointer: click or tap an
// option. Leaving the box with text that names no choice puts the last choice's name back,
// unless the text is exactly one suggestion's name; emptying the box clears the choice.

import { get, qs, seg } from './api.js';
import { debounce, h } from './dom.js';
import { t } from './i18n.js';

let seq = 0;

/**
 * `id`: the text box's id (the caller's <label for> names it); `label`: the list's name.
 * `source(q, signal)`: resolves to items `{id, name, sub?}`.
 * `initial`: the item chosen at start, or null. `onChange(item | null)`: after the choice
 * changes. `type`: the text box's type (`text` or `search`).
 * Returns `{el, input, hidden, value(), chosen(), set(item)}`; `value()` is the chosen id or null.
 */
export function combobox({ id, label, source, initial = null, placeholder = '', type = 'text', onChange = () => {} }) {
  const uid = `cb${++seq}`;
  const listId = `${id}-listbox`;
  const input = h('input', {
    id,
    type,
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder,
    value: initial?.name || '',
  });
  const hidden = h('input', { type: 'hidden', id: `${id}-id`, value: initial?.id || '' });
  // A press on the list keeps the focus in the box (a tap or click would move it away); the
  // option is chosen on click.
  const list = h('ul', { id: listId, role: 'listbox', class: 'combobox-list', 'aria-label': label, hidden: true, onMousedown: (e) => e.preventDefault() });
  const note = h('p', { class: 'combobox-note', hidden: true });
  const status = h('span', { class: 'visually-hidden', role: 'status' });
  const el = h('div', { class: 'combobox' }, input, hidden, list, note, status);

  let current = initial?.id ? { ...initial } : null;
  let items = [];
  let options = [];
  let active = -1;
  let asked = 0;
  let aborter = null;
  // Whether the text was edited since the last choice (else it names the choice, or nothing
  // yet while the initial item's name loads).
  let edited = false;

  const open = () => !list.hidden;
  const close = () => {
    list.hidden = true;
    note.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    options.forEach((o, n) => o.setAttribute('aria-selected', String(n === i)));
    if (options[i]) {
      input.setAttribute('aria-activedescendant', options[i].id);
      options[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const commit = (item) => {
    const before = current?.id || '';
    current = item ? { ...item } : null;
    hidden.value = current?.id || '';
    if ((current?.id || '') === before) return;
    onChange(current);
    // As a native control says its value changed (a form around it may count its changes).
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const choose = (item) => {
    input.value = item.name;
    edited = false;
    commit(item);
    close();
  };

  const draw = (first) => {
    options = items.map((item, n) =>
      h(
        'li',
        {
          role: 'option',
          id: `${uid}-opt-${n}`,
          class: 'combobox-option',
          'aria-selected': 'false',
          title: item.sub ? `${item.name} · ${item.sub}` : item.name,
          onClick: () => {
            choose(item);
            input.focus();
          },
        },
        h('span', { class: 'combobox-name' }, item.name),
        item.sub ? h('span', { class: 'combobox-sub' }, item.sub) : null,
      ),
    );
    list.replaceChildren(...options);
    note.textContent = options.length ? '' : t('combobox-none');
    status.textContent = options.length ? t('combobox-count', { count: options.length }) : note.textContent;
    // An answer that comes after the focus left is kept for Down, not shown.
    const show = document.activeElement === input;
    list.hidden = !(show && options.length);
    note.hidden = !(show && !options.length);
    input.setAttribute('aria-expanded', String(!list.hidden));
    highlight(first && !list.hidden ? 0 : -1);
  };

  const search = async (q, first = false) => {
    const mine = ++asked;
    aborter?.abort();
    aborter = new AbortController();
    try {
      const found = await source(q, aborter.signal);
      if (mine !== asked) return;
      items = found;
      draw(first);
    } catch (e) {
      if (mine !== asked || e.name === 'AbortError') return;
      items = [];
      options = [];
      list.replaceChildren();
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      note.textContent = e.message;
      note.hidden = false;
      status.textContent = e.message;
    }
  };
  const soon = debounce(() => {
    const q = input.value.trim();
    if (q) search(q);
  }, 200);

  /** The item the text names: the choice, else exactly one suggestion by its name; `undefined`
   *  when it names none (empty text names nothing: null). */
  const named = () => {
    const q = input.value.trim();
    if (!edited) return current;
    if (!q) return null;
    if (current && q === current.name) return current;
    const same = items.filter((i) => i.name.toLocaleLowerCase() === q.toLocaleLowerCase());
    return same.length === 1 ? same[0] : undefined;
  };
  /** On leaving the box: the text becomes the item it names, else the choice's name again. */
  const settle = () => {
    if (!edited) return;
    const item = named();
    if (item === undefined) input.value = current?.name || '';
    else {
      if (item) input.value = item.name;
      commit(item);
    }
    edited = false;
  };

  input.addEventListener('input', () => {
    edited = true;
    if (!input.value.trim()) {
      asked++;
      items = [];
      options = [];
      close();
      commit(null);
      edited = false;
      return;
    }
    soon();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open()) {
        // Down opens the list: the last suggestions, else a search for the text (even none).
        if (!options.length) return search(input.value.trim(), !e.altKey);
        note.hidden = true;
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        if (!e.altKey) highlight(e.key === 'ArrowDown' ? 0 : options.length - 1);
        return;
      }
      if (e.altKey) return;
      const n = options.length;
      if (e.key === 'ArrowDown') highlight((active + 1) % n);
      else highlight(active <= 0 ? n - 1 : active - 1);
    } else if (e.key === 'Enter') {
      if (!open()) return;
      // Enter chooses in an open list and never submits the form around it.
      e.preventDefault();
      if (items[active]) choose(items[active]);
      else {
        close();
        settle();
      }
    } else if (e.key === 'Escape') {
      if (!open() && note.hidden) return;
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab' && open()) {
      close();
    }
  });
  el.addEventListener('focusout', (e) => {
    if (el.contains(e.relatedTarget)) return;
    close();
    settle();
  });

  return {
    el,
    input,
    hidden,
    /** The id of the item the text names (see `named`), else of the last choice; or null. */
    value() {
      const item = named();
      return (item === undefined ? current : item)?.id || null;
    },
    /** The chosen item, or null. */
    chosen: () => current,
    /** Chooses an item (or nothing) from outside. */
    set(item) {
      input.value = item?.name || '';
      edited = false;
      commit(item || null);
      close();
    },
  };
}

/** A source of active people (`GET /users?q=`), each with their e-mail; `skip`: ids never
 *  offered. */
export function peopleSource(skip = []) {
  return async (q, signal) => {
    const res = await get(`/users${qs({ q, limit: 10 })}`, { signal });
    return res.items.filter((u) => u.active !== false && !skip.includes(u.id)).map((u) => ({ id: u.id, name: u.name, sub: u.email || '' }));
  };
}

/** A source of the records of `type` the user may read (`GET /records/{type}?q=`, by name or
 *  number), each with its number. */
export function recordSource(type) {
  return async (q, signal) => {
    const res = await get(`/records${seg(type)}${qs({ q, limit: 10 })}`, { signal });
    return res.items.map((r) => ({ id: r.id, name: r.name, sub: r.number || '' }));
  };
}

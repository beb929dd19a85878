// The record finder in the top bar of every signed-in page: one box over every record the
// user may read (`GET /records?q=`), by number, name or text, with results as you type grouped
// by record type. `/` or Ctrl-K (⌘K) focuses it; arrow keys move through the results, Enter
// opens one, Escape closes the list.
// On a narrow screen (app.css, *the finder on a phone*) the box gives way to a search button;
// the button (or `/`, Ctrl-K) opens the finder over the whole top bar, and Escape or its close
// button puts the bar back and the focus on the button.

import { get, qs, recordTypes } from './api.js';
import { debounce, h, recordHref } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

/** Adds the finder to the top bar (once). */
export function setupFinder() {
  const bar = document.querySelector('.topbar');
  if (!bar || document.getElementById('finder-input')) return;
  const input = h('input', {
    id: 'finder-input',
    type: 'search',
    autocomplete: 'off',
    placeholder: t('finder-placeholder'),
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-controls': 'finder-results',
    'aria-autocomplete': 'list',
    'aria-keyshortcuts': '/ Control+K',
  });
  const list = h('div', { id: 'finder-results', class: 'finder-results', role: 'listbox', 'aria-label': t('finder-label'), hidden: true });
  const status = h('span', { class: 'visually-hidden', role: 'status' });
  const closer = h('button', { type: 'button', id: 'finder-close', class: 'icon-btn finder-close', 'aria-label': t('finder-close'), title: t('finder-close') }, icon('x'));
  const box = h('div', { class: 'finder', id: 'finder', role: 'search' }, h('label', { for: input.id, class: 'visually-hidden' }, t('finder-label')), icon('search'), input, closer, list, status);
  const opener = h(
    'button',
    { type: 'button', id: 'finder-open', class: 'icon-btn finder-open', 'aria-label': t('finder-label'), title: t('finder-label'), 'aria-controls': box.id, 'aria-expanded': 'false', 'aria-keyshortcuts': '/ Control+K' },
    icon('search'),
  );
  const end = bar.querySelector('.topbar-end');
  end?.before(box);
  end?.prepend(opener);

  let options = [];
  let active = -1;
  let seq = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  // The finder over the top bar (narrow screens only: elsewhere the class changes nothing).
  const open = () => {
    bar.classList.add('finding');
    opener.setAttribute('aria-expanded', 'true');
    input.focus();
    input.select();
  };
  const shownOpener = () => opener.checkVisibility?.() ?? opener.getClientRects().length > 0;
  const leave = (refocus) => {
    if (!bar.classList.contains('finding')) return false;
    close();
    bar.classList.remove('finding');
    opener.setAttribute('aria-expanded', 'false');
    if (refocus && shownOpener()) opener.focus();
    return true;
  };
  opener.addEventListener('click', open);
  closer.addEventListener('click', () => leave(true));
  const highlight = (i) => {
    options.forEach((o, j) => o.setAttribute('aria-selected', String(i === j)));
    active = i;
    if (i >= 0 && options[i]) {
      input.setAttribute('aria-activedescendant', options[i].id);
      options[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  async function run() {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) {
      close();
      list.replaceChildren();
      return;
    }
    status.textContent = t('finder-searching');
    let res;
    let types;
    try {
      [res, types] = await Promise.all([get(`/records${qs({ q, limit: 20 })}`), recordTypes()]);
    } catch (e) {
      if (mine !== seq) return;
      list.replaceChildren(h('p', { class: 'finder-empty error' }, e.message));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      return;
    }
    if (mine !== seq) return;
    const groups = new Map();
    for (const r of res.items) {
      if (!groups.has(r.type)) groups.set(r.type, []);
      groups.get(r.type).push(r);
    }
    options = [];
    const sections = [];
    let n = 0;
    for (const [type, items] of groups) {
      const display = types.get(type)?.display_name || type;
      const gid = `finder-group-${type}`;
      sections.push(
        h(
          'div',
          { role: 'group', class: 'finder-group', 'aria-labelledby': gid },
          h('p', { class: 'finder-group-title', id: gid }, display),
          items.map((r) => {
            const opt = h(
              'a',
              { href: recordHref(r.type, r.id), role: 'option', id: `finder-opt-${n++}`, class: 'finder-option', tabindex: '-1', title: r.name, 'aria-selected': 'false' },
              h('span', { class: 'finder-name' }, r.name),
              r.number ? h('span', { class: 'mono muted finder-number' }, r.number) : null,
              h('span', { class: 'muted finder-owner' }, r.owner?.name || ''),
            );
            options.push(opt);
            return opt;
          }),
        ),
      );
    }
    list.replaceChildren(...(sections.length ? sections : [h('p', { class: 'finder-empty muted' }, t('finder-none', { q }))]));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = t('finder-count', { count: options.length });
    highlight(options.length ? 0 : -1);
  }
  const soon = debounce(run, 150);

  input.addEventListener('input', soon);
  input.addEventListener('focus', () => {
    if (input.value.trim() && list.childElementCount) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) return run();
      if (!options.length) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if (e.key === 'Enter') {
      const opt = options[active];
      if (opt && !list.hidden) {
        e.preventDefault();
        location.assign(opt.getAttribute('href'));
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (!list.hidden) close();
      else {
        leave(true);
        if (document.activeElement === input) input.blur();
      }
    }
  });
  box.addEventListener('focusout', (e) => {
    if (box.contains(e.relatedTarget)) return;
    setTimeout(() => {
      if (box.contains(document.activeElement)) return;
      close();
      leave(false);
    }, 100);
  });
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      open();
    } else if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey && !document.querySelector('dialog[open]')) {
      e.preventDefault();
      open();
    }
  });
}

// The "…" menus: a button that opens a list of actions (role=menu), keyboard operable
// (arrows, Home/End, Escape), closed by a click elsewhere.

import { h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

let openMenu = null;

function closeOpen() {
  if (!openMenu) return;
  const { el, button } = openMenu;
  openMenu = null;
  el.remove();
  button.setAttribute('aria-expanded', 'false');
}

document.addEventListener('mousedown', (e) => {
  if (openMenu && !openMenu.el.contains(e.target) && !openMenu.button.contains(e.target)) closeOpen();
});
window.addEventListener('resize', closeOpen);

/**
 * A menu button. `items()` is called at open time and returns
 * [{label, icon, onSelect, danger, hint}] (falsy entries are skipped).
 */
export function menuButton({ label, items, cls = 'icon-btn', content = icon('more') }) {
  const button = h('button', { type: 'button', class: cls, 'aria-label': label, title: label, 'aria-haspopup': 'menu', 'aria-expanded': 'false' }, content);
  const open = () => {
    closeOpen();
    const list = items().filter(Boolean);
    const el = h('div', { class: 'menu', role: 'menu', 'aria-label': label });
    const entries = list.map((it) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: `menu-item ${it.danger ? 'danger' : ''}`,
          tabindex: '-1',
          onClick: () => {
            closeOpen();
            button.focus();
            it.onSelect();
          },
        },
        it.icon ? icon(it.icon) : null,
        h('span', {}, it.label, it.hint ? h('small', { class: 'menu-hint' }, it.hint) : null),
      ),
    );
    if (!entries.length) entries.push(h('p', { class: 'menu-empty' }, t('menu-no-actions')));
    el.append(...entries);
    el.addEventListener('keydown', (e) => {
      const items = entries.filter((x) => x.getAttribute('role') === 'menuitem');
      const i = items.indexOf(document.activeElement);
      const go = (n) => items[(n + items.length) % items.length]?.focus();
      if (e.key === 'ArrowDown') go(i + 1);
      else if (e.key === 'ArrowUp') go(i - 1);
      else if (e.key === 'Home') go(0);
      else if (e.key === 'End') go(items.length - 1);
      else if (e.key === 'Escape' || e.key === 'Tab') {
        closeOpen();
        button.focus();
      } else return;
      e.preventDefault();
    });
    document.body.append(el);
    const r = button.getBoundingClientRect();
    const w = el.offsetWidth;
    el.style.top = `${Math.min(r.bottom + 4, window.innerHeight - el.offsetHeight - 8)}px`;
    el.style.left = `${Math.max(8, Math.min(r.right - w, window.innerWidth - w - 8))}px`;
    button.setAttribute('aria-expanded', 'true');
    openMenu = { el, button };
    entries[0]?.focus();
  };
  button.addEventListener('click', () => (openMenu?.button === button ? closeOpen() : open()));
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      open();
    }
  });
  return button;
}

// Narrow screens (a phone): a page's columns become panes shown one at a time, switched by a
// labelled tab strip above them. On wider screens every pane shows and the strip is hidden
// (app.css, *one column below 760 px*), so the same markup serves every width.

import { h } from './dom.js';

/**
 * Adds the switch before `layout`. `panes`: [{el, key, label, optional}] in order; an
 * `optional` pane has its tab only while the pane itself is not `hidden` (the record page's
 * chat pane). A pane shows itself when a `pane:show` event bubbles from inside it (the chat
 * dock sends one when a person opens a chat). Returns {show(key)}.
 */
export function paneSwitch(layout, panes, { label }) {
  const strip = h('div', { class: 'pane-switch', role: 'tablist', 'aria-label': label });
  const tabs = new Map();
  let current = null;
  for (const p of panes) {
    if (!p.el.id) p.el.id = `pane-${p.key}`;
    p.el.dataset.pane = p.key;
    const tab = h('button', { type: 'button', role: 'tab', id: `pane-tab-${p.key}`, class: 'pane-tab', 'aria-controls': p.el.id, onClick: () => show(p.key) }, p.label);
    tabs.set(p.key, tab);
    strip.append(tab);
  }

  function show(key) {
    current = key;
    layout.dataset.show = key;
    for (const [k, t] of tabs) {
      const selected = k === key;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
    }
  }

  // Optional panes come and go with their content.
  const sync = () => {
    for (const p of panes) if (p.optional) tabs.get(p.key).hidden = p.el.hidden;
    if (tabs.get(current)?.hidden) show(panes[0].key);
  };
  const watcher = new MutationObserver(sync);
  for (const p of panes) if (p.optional) watcher.observe(p.el, { attributes: true, attributeFilter: ['hidden'] });

  layout.addEventListener('pane:show', (e) => {
    const pane = panes.find((p) => p.el.contains(e.target));
    if (pane) {
      if (pane.optional) tabs.get(pane.key).hidden = false;
      show(pane.key);
    }
  });

  // Arrow keys move between the tabs, like every tab strip of the UI.
  strip.addEventListener('keydown', (e) => {
    const shown = [...tabs.values()].filter((t) => !t.hidden);
    const i = shown.indexOf(document.activeElement);
    if (i < 0) return;
    let next = null;
    if (e.key === 'ArrowRight') next = shown[(i + 1) % shown.length];
    else if (e.key === 'ArrowLeft') next = shown[(i - 1 + shown.length) % shown.length];
    else if (e.key === 'Home') next = shown[0];
    else if (e.key === 'End') next = shown[shown.length - 1];
    if (!next) return;
    e.preventDefault();
    next.click();
    next.focus();
  });

  layout.before(strip);
  show(panes[0].key);
  sync();
  return { show };
}

// The first-use tour of the collaboration panel (R21): a few steps, each pointing at a part of
// the panel. Shown once per user (remembered in this browser) and reopenable from the panel's
// help button. Keyboard: Enter/→ next, ← back, Escape closes.

import { boot, h } from './dom.js';
import { t } from './i18n.js';

const KEY = () => `tether.tour.panel.${boot.userId}`;

const STEPS = [
  {
    target: 'panel',
    title: () => t('tour-panel-title'),
    text: () => t('tour-panel-text'),
  },
  {
    target: 'new-connected',
    title: () => t('tour-new-connected-title'),
    text: () => t('tour-new-connected-text'),
  },
  {
    target: 'filter',
    title: () => t('tour-filter-title'),
    text: () => t('tour-filter-text'),
  },
  {
    target: 'connected',
    title: () => t('tour-connected-title'),
    text: () => t('tour-connected-text'),
  },
  {
    target: 'suggested',
    title: () => t('tour-suggested-title'),
    text: () => t('tour-suggested-text'),
  },
  {
    target: 'tab-channels',
    title: () => t('tour-channels-title'),
    text: () => t('tour-channels-text'),
  },
];

export const tourSeen = () => localStorage.getItem(KEY()) === 'done';

let current = null;

/** Starts (or restarts) the tour over `panel` (a CollabPanel). */
export function startTour(panel) {
  current?.close(false);
  const steps = STEPS.filter((s) => panel.el.querySelector(`[data-tour="${s.target}"]`) || (s.target === 'panel' && panel.el));
  if (!steps.length) return;
  let i = 0;
  let target = null;
  const opener = document.activeElement;
  const title = h('h2', { id: 'tour-title' });
  const text = h('p', { id: 'tour-text' });
  const counter = h('p', { class: 'tour-step muted small' });
  const back = h('button', { type: 'button', class: 'btn ghost small' }, t('tour-back'));
  const next = h('button', { type: 'button', class: 'btn primary small', id: 'tour-next' }, t('tour-next'));
  const skip = h('button', { type: 'button', class: 'btn link small', id: 'tour-skip' }, t('tour-skip'));
  const box = h(
    'div',
    { class: 'tour', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'tour-title', 'aria-describedby': 'tour-text' },
    counter,
    title,
    text,
    h('div', { class: 'tour-actions' }, skip, h('span', { class: 'grow' }), back, next),
  );
  const place = () => {
    const r = target.getBoundingClientRect();
    const w = box.offsetWidth;
    const hgt = box.offsetHeight;
    let left = r.left - w - 16;
    if (left < 8) left = Math.min(window.innerWidth - w - 8, r.right + 16);
    const top = Math.max(8, Math.min(window.innerHeight - hgt - 8, r.top));
    box.style.left = `${left}px`;
    box.style.top = `${top}px`;
  };
  const show = () => {
    const s = steps[i];
    target?.classList.remove('tour-target');
    target = s.target === 'panel' ? panel.el : panel.el.querySelector(`[data-tour="${s.target}"]`);
    target.classList.add('tour-target');
    if (s.target !== 'panel') target.scrollIntoView({ block: 'nearest' });
    counter.textContent = t('tour-step', { step: i + 1, total: steps.length });
    title.textContent = s.title();
    text.textContent = s.text();
    back.hidden = i === 0;
    next.textContent = i === steps.length - 1 ? t('tour-done') : t('tour-next');
    place();
    next.focus();
  };
  const close = (remember = true) => {
    if (remember) localStorage.setItem(KEY(), 'done');
    target?.classList.remove('tour-target');
    box.remove();
    window.removeEventListener('resize', place);
    current = null;
    if (remember && opener && opener !== document.body) opener.focus?.();
  };
  next.addEventListener('click', () => (i === steps.length - 1 ? close() : (i++, show())));
  back.addEventListener('click', () => i > 0 && (i--, show()));
  skip.addEventListener('click', () => close());
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowRight') next.click();
    else if (e.key === 'ArrowLeft') back.click();
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', place);
  document.body.append(box);
  current = { close };
  show();
}

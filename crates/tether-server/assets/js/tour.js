// The first-use tour of the collaboration panel (R21): a few steps, each pointing at a part of
// the panel. Shown once per user (remembered in this browser) and reopenable from the panel's
// help button. Keyboard: Enter/→ next, ← back, Escape closes.

import { boot, h } from './dom.js';

const KEY = () => `tether.tour.panel.${boot.userId}`;

const STEPS = [
  {
    target: 'panel',
    title: 'Collaborate on this record',
    text: 'Every chat and channel about this record is here, next to the record itself. Let’s take a quick look.',
  },
  {
    target: 'new-connected',
    title: 'Start a connected chat',
    text: 'Bring in the people you need. The chat is connected to this record, starts empty, and can open with an introduction card.',
  },
  {
    target: 'filter',
    title: 'Find any chat',
    text: 'Type part of a chat’s name to filter every section, however old the chat is.',
  },
  {
    target: 'connected',
    title: 'Connected to this record',
    text: 'Chats about this record. A lock means you are not a member yet: hover and join to see the full history.',
  },
  {
    target: 'suggested',
    title: 'Suggested contacts',
    text: 'The owner, the team and experts who resolved similar records, each with the reason. One click starts a connected chat.',
  },
  {
    target: 'tab-channels',
    title: 'Channels',
    text: 'Connect a team channel to this record, or create a new one, to work on it with the whole team.',
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
  const back = h('button', { type: 'button', class: 'btn ghost small' }, 'Back');
  const next = h('button', { type: 'button', class: 'btn primary small', id: 'tour-next' }, 'Next');
  const skip = h('button', { type: 'button', class: 'btn link small', id: 'tour-skip' }, 'Skip tour');
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
    counter.textContent = `Step ${i + 1} of ${steps.length}`;
    title.textContent = s.title;
    text.textContent = s.text;
    back.hidden = i === 0;
    next.textContent = i === steps.length - 1 ? 'Done' : 'Next';
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

// What every signed-in page shares: sign-out, the live unread count in the top bar, browser
// notifications for mentions and urgent messages, and the event socket.

import { setupUserMenu } from './account.js';
import { get, post, signingOutNow } from './api.js';
import { avatarColor, boot, debounce, tieFieldErrors, titleTruncated, toast } from './dom.js';
import * as events from './events.js';
import { t } from './i18n.js';
import { setupFinder } from './finder.js';

let chatVisible = () => false;

/** Lets the page say whether a chat is on screen (then its notifications stay quiet). */
export function setChatVisibleProbe(fn) {
  chatVisible = fn;
}

async function refreshUnread() {
  const badge = document.getElementById('nav-unread');
  if (!badge || !boot.collab || !boot.collabUse) return;
  try {
    const list = await get('/chats?limit=100');
    const n = list.items.reduce((sum, c) => sum + (c.unread || 0), 0);
    badge.hidden = n === 0;
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.setAttribute('aria-label', t('shell-unread', { count: n }));
  } catch {
    badge.hidden = true;
  }
}

/** Asks the top bar to recount unread messages soon (after reads, new messages, …). */
export const unreadChanged = debounce(refreshUnread, 600);

function setupNotifications() {
  const btn = document.getElementById('notify-btn');
  if (!('Notification' in window) || !boot.collab || !boot.collabUse) return;
  if (btn && Notification.permission === 'default') {
    btn.hidden = false;
    btn.addEventListener('click', async () => {
      const answer = await Notification.requestPermission();
      btn.hidden = true;
      toast(answer === 'granted' ? t('shell-notifications-on') : t('shell-notifications-off'));
    });
  }
  events.on('notification', (e) => {
    const who = e.from?.name || t('shell-someone');
    const title = e.kind === 'urgent' ? t('shell-urgent-from', { name: who }) : t('shell-mentioned-you', { name: who });
    if (chatVisible(e.chat_id) && !document.hidden) return;
    if (Notification.permission === 'granted' && document.hidden) {
      const n = new Notification(title, { body: e.text || '', tag: `tether-${e.message_id}` });
      n.onclick = () => {
        window.focus();
        location.assign(`/chats/${encodeURIComponent(e.chat_id)}`);
      };
    } else {
      toast(e.text ? t('shell-notification-toast', { title, text: e.text }) : title, e.kind === 'urgent' ? 'error' : 'info');
    }
  });
}

/** Removes the unsent drafts (chat text) kept in this browser: after signing out, nothing of
 *  a chat stays behind for the next person at this computer. The keys are the composer's
 *  (`tether.draft.<user>.<chat>`, composer.js). */
function forgetDrafts() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith('tether.draft.')) keys.push(key);
  }
  for (const key of keys) localStorage.removeItem(key);
}

/** Starts the shared parts of a signed-in page. */
export function startShell() {
  document.querySelector('.me .avatar')?.classList.add(avatarColor(boot.userId));
  titleTruncated();
  tieFieldErrors();
  setupUserMenu();
  setupFinder();
  const signout = document.getElementById('signout');
  signout?.addEventListener('click', async () => {
    signout.disabled = true;
    signingOutNow();
    try {
      await post('/auth/logout', undefined, { noRedirect: true });
    } catch {
      /* signed out already */
    }
    forgetDrafts();
    location.assign('/login');
  });
  events.start();
  setupNotifications();
  refreshUnread();
  for (const t of ['message.created', 'chat.created', 'member.removed', 'resync']) events.on(t, unreadChanged);
}

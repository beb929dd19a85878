// Administration → Webhooks (issue 19, part 4): the endpoints host systems registered (never
// their secrets), each with its latest deliveries — status, attempts, the last answer or error,
// the next attempt — and a button that sends a delivered or failed one again. Endpoints are
// registered through the API (docs/integrate.md).

import { get, post, seg } from './api.js';
import { errorBox, fmtFull, h, toast } from './dom.js';
import { t } from './i18n.js';

const STATUS = {
  pending: t('admin-webhook-status-pending'),
  delivered: t('admin-webhook-status-delivered'),
  failed: t('admin-webhook-status-failed'),
};

const when = (iso) => (iso ? h('time', { datetime: iso }, fmtFull(iso)) : '–');

/** After a redelivery, how long to wait before each look at the endpoint again: about 30 s in
 *  all, most of it soon after (a delivery is usually made within a second). */
const FOLLOW_MS = [1000, 2000, 4000, 8000, 15000];

function deliveryRow(hook, d, redelivered) {
  const again = async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      await post(`/webhooks${seg(hook.id)}/deliveries${seg(d.id)}/redeliver`, {});
      toast(t('admin-webhook-redelivered'));
      redelivered();
    } catch (err) {
      button.disabled = false;
      toast(err.message, 'error');
    }
  };
  const answer = d.last_error || (d.last_status ? `HTTP ${d.last_status}` : '–');
  return h(
    'tr',
    { 'data-id': d.id },
    h('td', {}, d.type),
    h('td', {}, h('span', { class: `badge ${d.status}` }, STATUS[d.status] || d.status)),
    h('td', {}, String(d.attempts)),
    h('td', { class: 'wrap' }, answer),
    h('td', {}, when(d.created_at)),
    h('td', {}, d.status === 'pending' ? when(d.next_attempt_at) : '–'),
    h('td', {}, d.status === 'pending' ? '' : h('button', { type: 'button', class: 'btn ghost small', onClick: again }, t('admin-webhook-redeliver'))),
  );
}

const summaryText = (hook) => {
  const by = hook.created_by?.name || hook.api_key?.name || '–';
  return t('admin-webhook-summary', { events: hook.events.join(', '), by, pending: hook.pending, failed: hook.failed });
};

function endpointCard(hook) {
  const body = h('tbody', {});
  const status = h('p', { class: 'muted small', role: 'status' });
  const summary = h('p', { class: 'muted small webhook-summary' }, summaryText(hook));
  /** The deliveries again; answers them (none when they could not be read). */
  const load = async () => {
    try {
      const res = await get(`/webhooks${seg(hook.id)}/deliveries?limit=50`);
      body.replaceChildren(...res.items.map((d) => deliveryRow(hook, d, follow)));
      status.textContent = res.items.length ? '' : t('admin-webhook-no-deliveries');
      return res.items;
    } catch (e) {
      status.replaceChildren(errorBox(e));
      return [];
    }
  };
  /** The endpoint's counts again (there is no one-endpoint read: the list is short). */
  const head = async () => {
    try {
      const now = (await get('/webhooks')).items.find((x) => x.id === hook.id);
      if (now) summary.textContent = summaryText(now);
      return now;
    } catch {
      return null;
    }
  };
  // After "Send again": the counts and the deliveries now, then again after each of
  // FOLLOW_MS while anything waits, so the new delivery is seen to go out without a reload.
  let timer = null;
  function follow() {
    clearTimeout(timer);
    const delays = [...FOLLOW_MS];
    const look = async () => {
      if (!card.isConnected) return; // the administrator went elsewhere
      const [items, now] = await Promise.all([load(), head()]);
      const waiting = (now?.pending ?? 0) > 0 || items.some((d) => d.status === 'pending');
      const next = delays.shift();
      if (waiting && next !== undefined) timer = setTimeout(look, next);
    };
    look();
  }
  load();
  const heads = [t('admin-webhook-col-event'), t('admin-col-status'), t('admin-webhook-col-attempts'), t('admin-webhook-col-answer'), t('admin-webhook-col-made'), t('admin-webhook-col-next'), t('admin-col-actions')];
  const card = h(
    'section',
    { class: 'card webhook', 'aria-label': hook.url, 'data-id': hook.id },
    h('h3', { class: 'wrap' }, hook.url),
    summary,
    h('table', { class: 'table compact' }, h('caption', { class: 'visually-hidden' }, t('admin-webhook-deliveries')), h('thead', {}, h('tr', {}, heads.map((label) => h('th', { scope: 'col' }, label)))), body),
    status,
  );
  return card;
}

export async function webhooks() {
  const res = await get('/webhooks');
  const list = res.items.length ? res.items.map(endpointCard) : [h('p', { class: 'muted' }, t('admin-webhook-none'))];
  return [h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-webhooks'))), h('p', { class: 'muted small' }, t('admin-webhook-intro')), h('div', { class: 'stack' }, list)];
}

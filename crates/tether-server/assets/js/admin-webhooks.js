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

function deliveryRow(hook, d, reload) {
  const again = async () => {
    try {
      await post(`/webhooks${seg(hook.id)}/deliveries${seg(d.id)}/redeliver`, {});
      toast(t('admin-webhook-redelivered'));
      reload();
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  const answer = d.last_error || (d.last_status ? `HTTP ${d.last_status}` : '–');
  return h(
    'tr',
    {},
    h('td', {}, d.type),
    h('td', {}, h('span', { class: `badge ${d.status}` }, STATUS[d.status] || d.status)),
    h('td', {}, String(d.attempts)),
    h('td', { class: 'wrap' }, answer),
    h('td', {}, when(d.created_at)),
    h('td', {}, d.status === 'pending' ? when(d.next_attempt_at) : '–'),
    h('td', {}, d.status === 'pending' ? '' : h('button', { type: 'button', class: 'btn ghost small', onClick: again }, t('admin-webhook-redeliver'))),
  );
}

function endpointCard(hook) {
  const body = h('tbody', {});
  const status = h('p', { class: 'muted small', role: 'status' });
  const load = async () => {
    try {
      const res = await get(`/webhooks${seg(hook.id)}/deliveries?limit=50`);
      body.replaceChildren(...res.items.map((d) => deliveryRow(hook, d, load)));
      status.textContent = res.items.length ? '' : t('admin-webhook-no-deliveries');
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
  };
  load();
  const by = hook.created_by?.name || hook.api_key?.name || '–';
  const heads = [t('admin-webhook-col-event'), t('admin-col-status'), t('admin-webhook-col-attempts'), t('admin-webhook-col-answer'), t('admin-webhook-col-made'), t('admin-webhook-col-next'), t('admin-col-actions')];
  return h(
    'section',
    { class: 'card webhook', 'aria-label': hook.url },
    h('h3', { class: 'wrap' }, hook.url),
    h('p', { class: 'muted small' }, t('admin-webhook-summary', { events: hook.events.join(', '), by, pending: hook.pending, failed: hook.failed })),
    h('table', { class: 'table compact' }, h('caption', { class: 'visually-hidden' }, t('admin-webhook-deliveries')), h('thead', {}, h('tr', {}, heads.map((label) => h('th', { scope: 'col' }, label)))), body),
    status,
  );
}

export async function webhooks() {
  const res = await get('/webhooks');
  const list = res.items.length ? res.items.map(endpointCard) : [h('p', { class: 'muted' }, t('admin-webhook-none'))];
  return [h('div', { class: 'section-head' }, h('h2', {}, t('admin-nav-webhooks'))), h('p', { class: 'muted small' }, t('admin-webhook-intro')), h('div', { class: 'stack' }, list)];
}

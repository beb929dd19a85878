// Message search (SPEC R24, R27): a box and a hit list, used by the record panel (its connected
// chats and channels, `GET /records/{type}/{id}/search`) and the chat app (all the user's chats,
// `GET /search`). Hits come best first, with the sender, the time and a snippet whose matches the
// server marked; choosing one opens the chat at that message.

import { get, qs } from './api.js';
import { avatar, debounce, h, relTime } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

/**
 * The snippet as nodes: the server escapes the text and wraps matches in `<mark>`; this splits on
 * those two tags only and decodes the rest as text, so nothing else can ever become markup.
 */
export function snippetNodes(snippet) {
  const decode = (s) => new DOMParser().parseFromString(`<p>${s}</p>`, 'text/html').body.textContent || '';
  return String(snippet || '')
    .split(/(<mark>.*?<\/mark>)/g)
    .filter(Boolean)
    .map((part) => {
      const m = /^<mark>(.*)<\/mark>$/.exec(part);
      return m ? h('mark', {}, decode(m[1])) : document.createTextNode(decode(part));
    });
}

function hitItem(hit, onOpen) {
  const who = hit.message.sender?.name || t('search-system');
  return h(
    'li',
    { class: 'search-hit', dataset: { chatId: hit.chat.id, messageId: hit.message.id } },
    h(
      'button',
      { type: 'button', class: 'search-hit-btn', onClick: () => onOpen(hit) },
      hit.chat.kind === 'channel' ? h('span', { class: 'avatar group', 'aria-hidden': 'true' }, icon('hash')) : avatar(who, hit.message.sender?.id || 'system'),
      h(
        'span',
        { class: 'search-hit-main' },
        h('span', { class: 'search-hit-head' }, h('strong', {}, who), h('span', { class: 'muted' }, ' ', t('search-in-chat', { name: hit.chat.name })), h('time', { class: 'muted small', datetime: hit.message.created_at }, relTime(hit.message.created_at))),
        h('span', { class: 'search-hit-snippet' }, snippetNodes(hit.snippet)),
      ),
    ),
  );
}

/**
 * A search box with its results. `path`: the endpoint (`/search` or a record's `/search`);
 * `onOpen(hit)`: what choosing a hit does; `onQuery(q)`: told of every query, '' when cleared.
 * With `input` the caller supplies its own text field (the chat app shares its filter box).
 * Returns {el, input, run(q)}.
 */
export function messageSearch({ id, path, placeholder = t('search-placeholder'), label = t('search-label'), onOpen, input, minLength = 2 }) {
  const own = !input;
  input ||= h('input', { type: 'search', id, placeholder, autocomplete: 'off', spellcheck: 'false' });
  const status = h('p', { class: 'search-status muted small', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'search-hits', 'aria-label': t('search-results') });
  let seq = 0;
  const run = async (raw) => {
    const q = (raw ?? input.value).trim();
    const mine = ++seq;
    if (q.length < minLength) {
      list.replaceChildren();
      status.textContent = own && q ? t('search-too-short') : '';
      el.classList.toggle('active', false);
      return;
    }
    el.classList.toggle('active', true);
    status.textContent = t('search-searching');
    try {
      const res = await get(`${path}${qs({ q, limit: 50 })}`);
      if (mine !== seq) return;
      list.replaceChildren(...res.items.map((hit) => hitItem(hit, onOpen)));
      status.textContent = res.items.length
        ? res.items.length === 50
          ? t('search-best-matches', { count: res.items.length, q })
          : t('search-matches', { count: res.items.length, q })
        : t('search-no-matches', { q });
    } catch (e) {
      if (mine !== seq) return;
      list.replaceChildren();
      status.textContent = e.status === 422 ? t('search-whole-word') : e.message;
    }
  };
  if (own) input.addEventListener('input', debounce(() => run(), 300));
  const el = h(
    'div',
    { class: 'message-search' },
    own ? h('div', { class: 'field search-field' }, h('label', { for: id, class: 'visually-hidden' }, label), icon('search'), input) : null,
    status,
    list,
  );
  return { el, input, run };
}

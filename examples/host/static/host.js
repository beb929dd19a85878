// The helpdesk's page: the ticket list, the open ticket with its notes, and Tether's panel in
// the frame beside it.
//
// The frame is launched once, with a token the server signs (POST /api/tickets/{id}/launch).
// When the agent opens another ticket, the page tells the frame with a `tether.context`
// message, so the panel follows without a new launch. It reads messages from Tether's origin
// only (`tether.resize`, `tether.unread`) and posts to Tether's origin only.

const $ = (id) => document.getElementById(id);
const frame = $('tether');
const config = await (await fetch('/api/config')).json();
const TETHER = config.tether_origin;
const tickets = await (await fetch('/api/tickets')).json();
let current = null;
// Whether the panel has spoken yet: before that, a context message could reach a frame that is
// not Tether's yet and be lost, so another ticket is launched afresh instead.
let ready = false;

$('agent').textContent = config.agent;

function drawList() {
  $('tickets').replaceChildren(
    ...tickets.map((t) => {
      const a = document.createElement('a');
      a.href = `/?ticket=${encodeURIComponent(t.id)}`;
      a.textContent = `#${t.id} ${t.title}`;
      a.dataset.ticket = t.id;
      a.setAttribute('aria-current', String(t.id === current?.id));
      a.addEventListener('click', (e) => {
        e.preventDefault();
        history.pushState(null, '', a.href);
        open(t.id);
      });
      const li = document.createElement('li');
      li.append(a);
      return li;
    }),
  );
}

async function drawNotes() {
  if (!current) return;
  const id = current.id;
  const res = await fetch(`/api/tickets/${encodeURIComponent(id)}/notes`);
  if (!res.ok || current.id !== id) return;
  const notes = await res.json();
  $('notes').replaceChildren(
    ...notes.map((n) => {
      const li = document.createElement('li');
      li.dataset.event = n.event;
      const at = document.createElement('time');
      at.dateTime = n.at;
      at.textContent = n.at ? new Date(n.at).toLocaleTimeString() : '';
      li.append(at, n.text);
      return li;
    }),
  );
}

async function open(id) {
  current = tickets.find((t) => t.id === id) || tickets[0];
  drawList();
  $('title').textContent = `#${current.id} ${current.title}`;
  $('meta').textContent = `${current.requester} · priority ${current.priority}`;
  $('description').textContent = current.description;
  $('notes').replaceChildren();
  drawNotes();
  if (!ready) {
    // The first ticket opened (or the panel not loaded yet): launch the panel with a token
    // signed by the server.
    const res = await fetch(`/api/tickets/${encodeURIComponent(current.id)}/launch`, { method: 'POST' });
    if (res.ok) frame.src = (await res.json()).url;
  } else {
    // Later ones: the panel in the frame follows, without a new launch.
    const record = { type: 'case', source: config.source, external_id: current.id };
    frame.contentWindow.postMessage({ type: 'tether.context', record }, TETHER);
  }
}

window.addEventListener('message', (e) => {
  if (e.origin !== TETHER || e.source !== frame.contentWindow) return;
  ready = true;
  const m = e.data || {};
  if (m.type === 'tether.resize' && Number.isFinite(m.height)) {
    frame.style.height = `${Math.max(200, Math.min(m.height, 2000))}px`;
    frame.dataset.height = String(m.height);
  }
  if (m.type === 'tether.unread' && Number.isInteger(m.count)) {
    $('unread').textContent = String(m.count);
    $('unread').hidden = m.count === 0;
    frame.dataset.unread = String(m.count);
  }
});

window.addEventListener('popstate', () => open(new URLSearchParams(location.search).get('ticket')));
setInterval(drawNotes, 1500);
open(new URLSearchParams(location.search).get('ticket'));

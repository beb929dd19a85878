// The live-event WebSocket (`/api/v1/events`): one per page, authenticated by the session
// cookie, reconnecting with exponential backoff. After a reconnect, or when the server says the
// client fell behind (`resync`), listeners get a `resync` event and reload what is on screen.

import { EMBEDDED, get } from './api.js';
import { boot } from './dom.js';

const listeners = new Map();
let socket = null;
let attempt = 0;
let everConnected = false;
let started = false;
let statusEl = null;
let retryTimer = null;
// The session ended (the API said 401): the page signs in again or, in the embedded panel,
// says to launch again; no more reconnecting.
let ended = false;
const watched = new Map();

function send(msg) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
}

/** Asks for `timeline.changed` of a record shown on this page (again after each reconnect). */
export function watch(record) {
  watched.set(record.id, { type: record.type, id: record.id });
  send({ type: 'watch', record: watched.get(record.id) });
}

/** Listens for events of `type` (`'*'` for every event). Returns an unsubscribe function. */
export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type)?.delete(fn);
}

function emit(event) {
  for (const key of [event.type, '*']) {
    for (const fn of listeners.get(key) || []) {
      try {
        fn(event);
      } catch (e) {
        console.error('event listener failed', e);
      }
    }
  }
}

function setStatus(state) {
  statusEl ||= document.getElementById('live-status');
  if (!statusEl) return;
  statusEl.className = `live ${state}`;
  statusEl.hidden = state === 'up';
  statusEl.textContent = state === 'up' ? 'Live' : 'Reconnecting…';
  statusEl.title =
    state === 'up' ? 'Live updates are on' : 'Live updates are interrupted; Tether keeps trying to reconnect';
}

function connect() {
  retryTimer = null;
  if (ended) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/v1/events${EMBEDDED ? '?session=embed' : ''}`);
  socket = ws;
  ws.onmessage = (m) => {
    let event;
    try {
      event = JSON.parse(m.data);
    } catch {
      return;
    }
    if (event.type === 'hello') {
      const again = everConnected;
      everConnected = true;
      attempt = 0;
      setStatus('up');
      for (const record of watched.values()) send({ type: 'watch', record });
      if (again) emit({ type: 'resync', reason: 'reconnected' });
      return;
    }
    emit(event);
  };
  let opened = false;
  ws.onopen = () => {
    opened = true;
  };
  ws.onclose = (closed) => {
    if (socket !== ws) return;
    socket = null;
    if (everConnected) setStatus('down');
    const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
    // Closed because its session ended (4001), or refused before it opened: ask the API,
    // whose 401 takes the page to sign in again (the embedded panel: to launch again) and
    // stops the retries. Another session in the cookie (a relaunch) reconnects at once.
    if (closed.code === 4001 || !opened) {
      get('/me').then(
        () => {
          if (closed.code === 4001 && !socket && !ended) {
            clearTimeout(retryTimer);
            attempt = 0;
            connect();
          }
        },
        (e) => {
          if (e.status === 401) {
            ended = true;
            clearTimeout(retryTimer);
          }
        },
      );
    }
  };
}

/** Opens the socket once, when the user may use collaboration at all (R1). */
export function start() {
  if (started || !boot.collab || !boot.collabUse) return;
  started = true;
  if (boot.publicUrl && boot.publicUrl !== location.origin) {
    console.warn(`Live updates need Tether to be opened at ${boot.publicUrl}`);
  }
  connect();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !socket && !ended) {
      clearTimeout(retryTimer);
      attempt = 0;
      connect();
    }
  });
}

/** Whether the socket is open right now. */
export const isLive = () => Boolean(socket && socket.readyState === WebSocket.OPEN);

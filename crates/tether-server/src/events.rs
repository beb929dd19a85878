//! Live events: the event bus every change is published on, and the hub that hands each event
//! to exactly the connections of the users in its audience.
//!
//! An [`Envelope`] carries its audience (user ids), computed from the database right after the
//! change committed, so a member removed a moment ago is not in the next event's audience on any
//! node. The payload is serialized once and shared by every recipient.
//!
//! Each connection has a bounded queue. When a slow client's queue is full, the hub drops
//! further events for that connection and marks it; the connection then discards what is
//! queued and sends `{"type":"resync"}`, so a client that fell behind is told so, never silently
//! skipped, and never slows anyone else down.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::mpsc;

/// Events queued per connection before it is considered behind.
pub const CONNECTION_QUEUE: usize = 256;

/// One event and who may receive it.
#[derive(Clone, Debug)]
pub struct Envelope {
    pub audience: Vec<String>,
    /// Also every connection watching this record (a record page that is open). Only events
    /// that carry nothing but the record's id go to watchers; access was checked when the
    /// connection started watching, and the client re-reads through the API.
    pub record_watchers: Option<String>,
    /// The JSON text sent to every recipient.
    pub payload: Arc<str>,
}

impl Envelope {
    /// An event of `kind` (the `type` member) with `fields` merged in, for `audience`.
    pub fn new(kind: &str, mut fields: Value, audience: Vec<String>) -> Envelope {
        if let Value::Object(map) = &mut fields {
            map.insert("type".into(), Value::String(kind.to_owned()));
        }
        Envelope {
            audience,
            record_watchers: None,
            payload: fields.to_string().into(),
        }
    }

    /// An event for everyone watching `record_id`.
    pub fn for_watchers(kind: &str, fields: Value, record_id: &str) -> Envelope {
        let mut e = Envelope::new(kind, fields, Vec::new());
        e.record_watchers = Some(record_id.to_owned());
        e
    }
}

/// Where changes are published. The in-process implementation delivers to this node's hub; a
/// NATS implementation (scale-out) publishes to every node's hub.
pub trait EventBus: Send + Sync + 'static {
    fn publish(&self, envelope: Envelope);

    /// Resolves when everything this node published so far has left it (reached the NATS
    /// server), so a node that dies after answering cannot take an accepted message's event
    /// with it. In-process delivery is immediate.
    fn flushed(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(std::future::ready(()))
    }

    /// Why the bus cannot carry events right now (for `/healthz`); `None` while it can.
    fn down(&self) -> Option<String> {
        None
    }
}

/// Single-node bus: straight to the local hub.
pub struct LocalBus {
    hub: Arc<Hub>,
}

impl LocalBus {
    pub fn new(hub: Arc<Hub>) -> LocalBus {
        LocalBus { hub }
    }
}

impl EventBus for LocalBus {
    fn publish(&self, envelope: Envelope) {
        self.hub.dispatch(&envelope);
    }
}

/// What a connection task reads from.
pub struct Subscription {
    pub id: u64,
    pub user_id: String,
    pub rx: mpsc::Receiver<Arc<str>>,
    pub lagged: Arc<AtomicBool>,
}

struct Conn {
    id: u64,
    tx: mpsc::Sender<Arc<str>>,
    lagged: Arc<AtomicBool>,
}

/// The internal event that clears cached sessions on every node (`{"user_id": id | null}`);
/// it has no audience and reaches no client.
pub const CALLERS_CHANGED: &str = "callers.changed";
/// The internal event that clears the cached global settings on every node.
pub const SETTINGS_CHANGED: &str = "settings.changed";
/// The internal event a node publishes after it dropped live events (NATS was unreachable or
/// too slow): every node tells all its clients to resync.
pub const EVENTS_LOST: &str = "events.lost";

/// The global settings (R1's switch), as read last, for at most [`SETTINGS_TTL`].
pub struct SettingsCache {
    value: moka::sync::Cache<(), tether_domain::settings::GlobalSettings>,
}

/// How long a node trusts the global settings it read; a change clears them on every node
/// through the bus ([`SETTINGS_CHANGED`]), this bounds anything else.
const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

impl Default for SettingsCache {
    fn default() -> Self {
        SettingsCache {
            value: moka::sync::Cache::builder()
                .max_capacity(1)
                .time_to_live(SETTINGS_TTL)
                .build(),
        }
    }
}

impl SettingsCache {
    pub fn get(&self) -> Option<tether_domain::settings::GlobalSettings> {
        self.value.get(&())
    }

    pub fn put(&self, settings: &tether_domain::settings::GlobalSettings) {
        self.value.insert((), settings.clone());
    }

    fn forget(&self) {
        self.value.invalidate_all();
    }
}

/// This node's live connections by user, and the session cache that the bus keeps current.
pub struct Hub {
    /// Sessions read recently (see [`crate::auth::CallerCache`]).
    pub callers: crate::auth::CallerCache,
    /// The global settings read recently.
    pub settings: SettingsCache,
    conns: RwLock<HashMap<String, Vec<Conn>>>,
    /// record id → (user id, connection id) of the connections watching it.
    watchers: RwLock<HashMap<String, Vec<(String, u64)>>>,
    next_id: AtomicU64,
    queue: usize,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::with_queue(CONNECTION_QUEUE)
    }
}

impl Hub {
    pub fn new() -> Hub {
        Hub::default()
    }

    /// A hub whose connections queue at most `queue` events each.
    pub fn with_queue(queue: usize) -> Hub {
        Hub {
            callers: crate::auth::CallerCache::default(),
            settings: SettingsCache::default(),
            conns: RwLock::new(HashMap::new()),
            watchers: RwLock::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            queue: queue.max(1),
        }
    }

    /// Registers a connection of `user_id` unless the user already has `max` on this node; the
    /// check and the registration happen under one lock, so simultaneous connects cannot both
    /// pass a full limit.
    pub fn subscribe_within(&self, user_id: &str, max: usize) -> Option<Subscription> {
        let (tx, rx) = mpsc::channel(self.queue);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let lagged = Arc::new(AtomicBool::new(false));
        let conn = Conn {
            id,
            tx,
            lagged: lagged.clone(),
        };
        let mut conns = self.conns.write().ok()?;
        let mine = conns.entry(user_id.to_owned()).or_default();
        if mine.len() >= max {
            return None;
        }
        mine.push(conn);
        Some(Subscription {
            id,
            user_id: user_id.to_owned(),
            rx,
            lagged,
        })
    }

    /// Starts sending `record_id`'s watcher events to this connection (the caller checked that
    /// the user may read the record). At most 20 records per connection.
    pub fn watch(&self, record_id: &str, user_id: &str, conn_id: u64) {
        if let Ok(mut w) = self.watchers.write() {
            let watching = w
                .values()
                .filter(|v| v.iter().any(|(_, c)| *c == conn_id))
                .count();
            let list = w.entry(record_id.to_owned()).or_default();
            if watching < 20 && !list.iter().any(|(_, c)| *c == conn_id) {
                list.push((user_id.to_owned(), conn_id));
            }
        }
    }

    /// Stops watching one record, or every record when `record_id` is `None`.
    pub fn unwatch(&self, record_id: Option<&str>, conn_id: u64) {
        if let Ok(mut w) = self.watchers.write() {
            match record_id {
                Some(r) => {
                    if let Some(list) = w.get_mut(r) {
                        list.retain(|(_, c)| *c != conn_id);
                    }
                }
                None => w
                    .values_mut()
                    .for_each(|list| list.retain(|(_, c)| *c != conn_id)),
            }
            w.retain(|_, list| !list.is_empty());
        }
    }

    /// Forgets a connection.
    pub fn unsubscribe(&self, user_id: &str, id: u64) {
        self.unwatch(None, id);
        if let Ok(mut conns) = self.conns.write()
            && let Some(list) = conns.get_mut(user_id)
        {
            list.retain(|c| c.id != id);
            if list.is_empty() {
                conns.remove(user_id);
            }
        }
    }

    /// Hands the event to every connection of every user in its audience, without waiting.
    pub fn dispatch(&self, envelope: &Envelope) {
        if envelope.audience.is_empty() && envelope.record_watchers.is_none() {
            self.control(&envelope.payload);
            return;
        }
        let Ok(conns) = self.conns.read() else { return };
        let send = |c: &Conn| {
            if c.lagged.load(Ordering::Relaxed) {
                return;
            }
            if let Err(mpsc::error::TrySendError::Full(_)) = c.tx.try_send(envelope.payload.clone())
            {
                c.lagged.store(true, Ordering::Relaxed);
            }
        };
        for user in &envelope.audience {
            for c in conns.get(user).into_iter().flatten() {
                send(c);
            }
        }
        if let Some(record) = &envelope.record_watchers
            && let Ok(watchers) = self.watchers.read()
        {
            for (user, conn_id) in watchers.get(record).into_iter().flatten() {
                if envelope.audience.contains(user) {
                    continue;
                }
                for c in conns
                    .get(user)
                    .into_iter()
                    .flatten()
                    .filter(|c| c.id == *conn_id)
                {
                    send(c);
                }
            }
        }
    }

    /// An event for this node itself, not for clients: [`CALLERS_CHANGED`],
    /// [`SETTINGS_CHANGED`] and [`EVENTS_LOST`].
    fn control(&self, payload: &str) {
        let Ok(v) = serde_json::from_str::<Value>(payload) else {
            return;
        };
        if v["type"] == CALLERS_CHANGED {
            self.callers.forget(v["user_id"].as_str());
        } else if v["type"] == SETTINGS_CHANGED {
            self.settings.forget();
        } else if v["type"] == EVENTS_LOST {
            self.resync_all();
        }
    }

    /// Tells every connection of `user_id` to resync (their access changed in a way a client
    /// cannot work out from events alone).
    pub fn resync_user(&self, user_id: &str) {
        if let Ok(conns) = self.conns.read()
            && let Some(list) = conns.get(user_id)
        {
            for c in list {
                c.lagged.store(true, Ordering::Relaxed);
                let _ = c.tx.try_send(Arc::from(RESYNC));
            }
        }
    }

    /// Tells every connection on this node to resync (after events may have been lost, such
    /// as a broken connection to the other nodes).
    pub fn resync_all(&self) {
        if let Ok(conns) = self.conns.read() {
            for c in conns.values().flatten() {
                c.lagged.store(true, Ordering::Relaxed);
                let _ = c.tx.try_send(Arc::from(RESYNC));
            }
        }
    }

    /// Number of open connections (for metrics and limits).
    pub fn connections(&self) -> usize {
        self.conns
            .read()
            .map(|c| c.values().map(Vec::len).sum())
            .unwrap_or(0)
    }
}

/// The event a client gets when it fell behind: reload what is on screen.
pub const RESYNC: &str = r#"{"type":"resync"}"#;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_users_connections_stop_at_the_limit_and_free_up_on_unsubscribe() {
        let hub = Hub::new();
        let first = hub.subscribe_within("a", 2).unwrap();
        let _second = hub.subscribe_within("a", 2).unwrap();
        assert!(hub.subscribe_within("a", 2).is_none());
        assert!(
            hub.subscribe_within("b", 2).is_some(),
            "the limit is per user"
        );
        hub.unsubscribe("a", first.id);
        assert!(hub.subscribe_within("a", 2).is_some());
    }

    #[test]
    fn only_the_audience_receives() {
        let hub = Hub::new();
        let mut a = hub.subscribe_within("a", usize::MAX).unwrap();
        let mut b = hub.subscribe_within("b", usize::MAX).unwrap();
        hub.dispatch(&Envelope::new(
            "message.created",
            json!({"x": 1}),
            vec!["a".into()],
        ));
        let got = a.rx.try_recv().unwrap();
        assert!(got.contains("\"type\":\"message.created\""));
        assert!(b.rx.try_recv().is_err());
        hub.unsubscribe("a", a.id);
        hub.dispatch(&Envelope::new("x", json!({}), vec!["a".into()]));
        assert!(a.rx.try_recv().is_err());
        assert_eq!(hub.connections(), 1);
    }

    #[test]
    fn a_full_queue_marks_the_connection_behind_and_others_keep_receiving() {
        let hub = Hub::new();
        let slow = hub.subscribe_within("slow", usize::MAX).unwrap();
        let mut fast = hub.subscribe_within("fast", usize::MAX).unwrap();
        for i in 0..(CONNECTION_QUEUE + 10) {
            hub.dispatch(&Envelope::new(
                "e",
                json!({"i": i}),
                vec!["slow".into(), "fast".into()],
            ));
            assert!(
                fast.rx.try_recv().is_ok(),
                "the fast client gets every event"
            );
        }
        assert!(slow.lagged.load(Ordering::Relaxed));
    }
}

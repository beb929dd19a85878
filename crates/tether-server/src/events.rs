//! Live events: the event bus every change is published on, and the hub that hands each event
//! to exactly the connections of the users in its audience.
//!
//! An [`Envelope`] carries its audience (user ids), computed from the database right after the
//! change committed, so a member removed a moment ago is not in the next event's audience on any
//! node. The payload is serialized once and shared by every recipient (reference-counted bytes
//! that go into each socket's frame without a copy).
//!
//! Each connection has a bounded queue. When a slow client's queue is full, the hub drops
//! further events for that connection and marks it; the connection then discards what is
//! queued and sends `{"type":"resync"}`, so a client that fell behind is told so, never silently
//! skipped, and never slows anyone else down.

pub use axum::extract::ws::Utf8Bytes;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::{Notify, mpsc};

/// Events queued per connection before it is considered behind.
pub const CONNECTION_QUEUE: usize = 256;

/// What travels on the bus: an event for clients with who may receive it, or an event for
/// every node itself.
#[derive(Clone, Debug)]
pub enum Envelope {
    /// A client event (an [`crate::app::outbox::Event`], serialized once and shared by every
    /// recipient), for `audience`'s connections and, with `record_watchers`, every connection
    /// watching that record (a record page that is open). Only events that carry nothing but the
    /// record's id go to watchers; access was checked when the connection started watching,
    /// and the client re-reads through the API.
    Clients {
        audience: Vec<String>,
        record_watchers: Option<String>,
        payload: Utf8Bytes,
    },
    /// An event for every node, never forwarded to a client.
    Nodes(Control),
}

impl Envelope {
    /// A client event for `audience`.
    pub fn to_users(payload: String, audience: Vec<String>) -> Envelope {
        Envelope::Clients {
            audience,
            record_watchers: None,
            payload: payload.into(),
        }
    }

    /// A client event for every connection watching `record_id`.
    pub fn to_watchers(payload: String, record_id: &str) -> Envelope {
        Envelope::Clients {
            audience: Vec::new(),
            record_watchers: Some(record_id.to_owned()),
            payload: payload.into(),
        }
    }
}

/// What one node tells every node (NATS between nodes), applied in order with client events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Control {
    /// Read `user_id`'s sessions afresh (everyone's with `None`): sign-out, deactivation, roles,
    /// teams.
    #[serde(rename = "callers.changed")]
    CallersChanged { user_id: Option<String> },
    /// Read the global settings afresh.
    #[serde(rename = "settings.changed")]
    SettingsChanged,
    /// Read the record types and their settings afresh.
    #[serde(rename = "record_types.changed")]
    RecordTypesChanged,
    /// A node dropped live events (NATS was unreachable or too slow): tell every client to
    /// resync.
    #[serde(rename = "events.lost")]
    EventsLost,
    /// Close `user_id`'s live-event sockets that [`SessionEnded::ends`] names.
    #[serde(rename = "session.ended")]
    SessionEnded(SessionEnded),
}

/// Which of a user's sockets a [`Control::SessionEnded`] closes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEnded {
    pub user_id: String,
    /// One session only (its token hash); `None`: every session of the user…
    pub session: Option<String>,
    /// …but this one.
    pub except: Option<String>,
}

impl SessionEnded {
    /// Whether the socket of session `token_hash` closes.
    pub fn ends(&self, token_hash: &str) -> bool {
        match &self.session {
            Some(s) => s == token_hash,
            None => self.except.as_deref() != Some(token_hash),
        }
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
    pub rx: mpsc::Receiver<Utf8Bytes>,
    pub lagged: Arc<AtomicBool>,
    /// Notified when the socket's session ended: it closes. Apart from the queue, so an end
    /// reaches a connection that fell behind too.
    pub ended: Arc<Notify>,
}

struct Conn {
    id: u64,
    /// The session's token hash.
    session: String,
    tx: mpsc::Sender<Utf8Bytes>,
    lagged: Arc<AtomicBool>,
    ended: Arc<Notify>,
}

/// How long a node trusts what it read into a [`Latest`] (the global settings, the record
/// types); a change clears them on every node through the bus ([`Control::SettingsChanged`],
/// [`Control::RecordTypesChanged`]), this bounds anything else.
const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// One value as read last, for at most [`SETTINGS_TTL`]: the global settings (R1's switch), or
/// the record types with their settings (read on every request about a record).
pub struct Latest<T: Clone + Send + Sync + 'static> {
    value: moka::sync::Cache<(), T>,
}

impl<T: Clone + Send + Sync + 'static> Default for Latest<T> {
    fn default() -> Self {
        Latest {
            value: moka::sync::Cache::builder()
                .max_capacity(1)
                .time_to_live(SETTINGS_TTL)
                .build(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Latest<T> {
    pub fn get(&self) -> Option<T> {
        self.value.get(&())
    }

    pub fn put(&self, value: T) {
        self.value.insert((), value);
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
    pub settings: Latest<tether_domain::settings::GlobalSettings>,
    /// The record types read recently.
    pub record_types: Latest<Arc<Vec<tether_store::record_types::RecordType>>>,
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
            settings: Latest::default(),
            record_types: Latest::default(),
            conns: RwLock::new(HashMap::new()),
            watchers: RwLock::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            queue: queue.max(1),
        }
    }

    /// Registers a connection of `user_id`'s session `session` (its token hash) unless the
    /// user already has `max` on this node; the check and the registration happen under one
    /// lock, so simultaneous connects cannot both pass a full limit.
    pub fn subscribe_within(
        &self,
        user_id: &str,
        session: &str,
        max: usize,
    ) -> Option<Subscription> {
        let (tx, rx) = mpsc::channel(self.queue);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let lagged = Arc::new(AtomicBool::new(false));
        let ended = Arc::new(Notify::new());
        let conn = Conn {
            id,
            session: session.to_owned(),
            tx,
            lagged: lagged.clone(),
            ended: ended.clone(),
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
            ended,
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
        let (audience, record_watchers, payload) = match envelope {
            Envelope::Clients {
                audience,
                record_watchers,
                payload,
            } => (audience, record_watchers, payload),
            Envelope::Nodes(control) => return self.control(control),
        };
        let Ok(conns) = self.conns.read() else { return };
        let send = |c: &Conn| {
            if c.lagged.load(Ordering::Relaxed) {
                return;
            }
            if let Err(mpsc::error::TrySendError::Full(_)) = c.tx.try_send(payload.clone()) {
                c.lagged.store(true, Ordering::Relaxed);
            }
        };
        for user in audience {
            for c in conns.get(user).into_iter().flatten() {
                send(c);
            }
        }
        if let Some(record) = record_watchers
            && let Ok(watchers) = self.watchers.read()
        {
            for (user, conn_id) in watchers.get(record).into_iter().flatten() {
                if audience.contains(user) {
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

    /// Applies an event for this node itself.
    fn control(&self, control: &Control) {
        match control {
            Control::CallersChanged { user_id } => self.callers.forget(user_id.as_deref()),
            Control::SettingsChanged => self.settings.forget(),
            Control::RecordTypesChanged => self.record_types.forget(),
            Control::EventsLost => self.resync_all(),
            Control::SessionEnded(end) => {
                if let Ok(conns) = self.conns.read() {
                    for c in conns.get(&end.user_id).into_iter().flatten() {
                        if end.ends(&c.session) {
                            c.ended.notify_one();
                        }
                    }
                }
            }
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
                let _ = c.tx.try_send(Utf8Bytes::from_static(RESYNC));
            }
        }
    }

    /// Tells every connection on this node to resync (after events may have been lost, such
    /// as a broken connection to the other nodes).
    pub fn resync_all(&self) {
        if let Ok(conns) = self.conns.read() {
            for c in conns.values().flatten() {
                c.lagged.store(true, Ordering::Relaxed);
                let _ = c.tx.try_send(Utf8Bytes::from_static(RESYNC));
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
        let first = hub.subscribe_within("a", "s1", 2).unwrap();
        let _second = hub.subscribe_within("a", "s2", 2).unwrap();
        assert!(hub.subscribe_within("a", "s3", 2).is_none());
        assert!(
            hub.subscribe_within("b", "s4", 2).is_some(),
            "the limit is per user"
        );
        hub.unsubscribe("a", first.id);
        assert!(hub.subscribe_within("a", "s5", 2).is_some());
    }

    #[test]
    fn only_the_audience_receives() {
        let hub = Hub::new();
        let mut a = hub.subscribe_within("a", "sa", usize::MAX).unwrap();
        let mut b = hub.subscribe_within("b", "sb", usize::MAX).unwrap();
        hub.dispatch(&Envelope::to_users(
            json!({"type": "message.created", "x": 1}).to_string(),
            vec!["a".into()],
        ));
        let got = a.rx.try_recv().unwrap();
        assert!(got.contains("\"type\":\"message.created\""));
        assert!(b.rx.try_recv().is_err());
        hub.unsubscribe("a", a.id);
        hub.dispatch(&Envelope::to_users("{}".into(), vec!["a".into()]));
        assert!(a.rx.try_recv().is_err());
        assert_eq!(hub.connections(), 1);
    }

    #[test]
    fn a_full_queue_marks_the_connection_behind_and_others_keep_receiving() {
        let hub = Hub::new();
        let slow = hub.subscribe_within("slow", "s1", usize::MAX).unwrap();
        let mut fast = hub.subscribe_within("fast", "s2", usize::MAX).unwrap();
        for i in 0..(CONNECTION_QUEUE + 10) {
            hub.dispatch(&Envelope::to_users(
                json!({"i": i}).to_string(),
                vec!["slow".into(), "fast".into()],
            ));
            assert!(
                fast.rx.try_recv().is_ok(),
                "the fast client gets every event"
            );
        }
        assert!(slow.lagged.load(Ordering::Relaxed));
    }

    #[test]
    fn an_ended_session_closes_its_sockets_even_behind_a_full_queue() {
        let hub = Hub::with_queue(1);
        let one = hub.subscribe_within("u", "one", usize::MAX).unwrap();
        let two = hub.subscribe_within("u", "two", usize::MAX).unwrap();
        for _ in 0..3 {
            hub.dispatch(&Envelope::to_users("{}".into(), vec!["u".into()]));
        }
        assert!(one.lagged.load(Ordering::Relaxed), "the queue is full");
        let end = |session: Option<&str>, except: Option<&str>| {
            Envelope::Nodes(Control::SessionEnded(SessionEnded {
                user_id: "u".into(),
                session: session.map(str::to_owned),
                except: except.map(str::to_owned),
            }))
        };
        // After a password change from session "one": every other session ends.
        hub.dispatch(&end(None, Some("one")));
        let ended =
            |s: &Subscription| futures_util::FutureExt::now_or_never(s.ended.notified()).is_some();
        assert!(!ended(&one) && ended(&two));
        hub.dispatch(&end(Some("one"), None));
        assert!(ended(&one));
    }

    #[test]
    fn control_events_travel_as_tagged_json() {
        let c = Control::SessionEnded(SessionEnded {
            user_id: "u".into(),
            session: None,
            except: Some("a".into()),
        });
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(
            text,
            r#"{"type":"session.ended","user_id":"u","session":null,"except":"a"}"#
        );
        assert_eq!(serde_json::from_str::<Control>(&text).unwrap(), c);
        let gone = Control::CallersChanged { user_id: None };
        let back: Control = serde_json::from_str(&serde_json::to_string(&gone).unwrap()).unwrap();
        assert_eq!(back, gone);
    }
}

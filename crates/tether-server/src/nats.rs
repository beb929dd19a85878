//! The NATS event bus: several server nodes on one PostgreSQL database share live events.
//!
//! Every node publishes each [`Envelope`] (its audience already computed from the database) on
//! one subject and subscribes to it; whatever arrives — including its own publications — goes to
//! the local [`Hub`], which hands it to exactly the audience's connections on this node. One
//! publisher task per node keeps a node's events in order. When the connection to NATS comes back
//! after a loss, every local client is told to `resync`, since events may have been missed.
//!
//! Memory stays bounded when NATS is away or slow: while the node is not connected it drops
//! events instead of buffering them, and it queues at most `Config::nats_queue` for the
//! publisher. A node that dropped events publishes [`Control::EventsLost`] once NATS takes events
//! again, and every node tells its clients to `resync` (the data is in the database; only the
//! live events are gone). A send never waits on NATS longer than [`FLUSH_TIMEOUT`], and not at
//! all while the node is cut off.

use crate::events::{Control, Envelope, EventBus, Hub};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// An envelope as it travels between nodes.
#[derive(Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
enum Wire {
    Clients {
        audience: Vec<String>,
        record_watchers: Option<String>,
        payload: String,
    },
    Nodes {
        control: Control,
    },
}

impl From<Envelope> for Wire {
    fn from(e: Envelope) -> Wire {
        match e {
            Envelope::Clients {
                audience,
                record_watchers,
                payload,
            } => Wire::Clients {
                audience,
                record_watchers,
                payload: payload.as_str().to_owned(),
            },
            Envelope::Nodes(control) => Wire::Nodes { control },
        }
    }
}

impl From<Wire> for Envelope {
    fn from(w: Wire) -> Envelope {
        match w {
            Wire::Clients {
                audience,
                record_watchers,
                payload,
            } => Envelope::Clients {
                audience,
                record_watchers,
                payload: payload.into(),
            },
            Wire::Nodes { control } => Envelope::Nodes(control),
        }
    }
}

/// What the publisher task is asked to do, in order.
enum Outgoing {
    Event(Envelope),
    /// Flush what was published before, then answer.
    Flush(oneshot::Sender<()>),
    /// The connection is (back) up: report events dropped meanwhile.
    Connected,
}

/// Longest wait for NATS to take the events of an accepted message; past it the request is
/// answered anyway (the message is stored, and clients resync when NATS is back).
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// Publishes to NATS; a background task delivers what arrives to this node's hub.
pub struct NatsBus {
    tx: mpsc::Sender<Outgoing>,
    client: async_nats::Client,
    /// Events were dropped since [`Control::EventsLost`] was last published.
    lost: Arc<AtomicBool>,
    /// NATS has confirmed the subscription: events published from now on reach this node.
    subscribed: Arc<AtomicBool>,
}

impl EventBus for NatsBus {
    fn publish(&self, envelope: Envelope) {
        // The publisher task owns ordering; if it is gone the node is shutting down.
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(Outgoing::Event(envelope))
        {
            mark_lost(&self.lost, "the queue of events for NATS is full");
        }
    }

    fn flushed(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        let connected = self.client.connection_state() == async_nats::connection::State::Connected;
        let (done, wait) = oneshot::channel();
        let sent = connected && self.tx.try_send(Outgoing::Flush(done)).is_ok();
        Box::pin(async move {
            if sent {
                let _ = tokio::time::timeout(FLUSH_TIMEOUT, wait).await;
            }
        })
    }

    fn down(&self) -> Option<String> {
        match self.client.connection_state() {
            async_nats::connection::State::Connected
                if !self.subscribed.load(Ordering::Acquire) =>
            {
                Some(
                    "NATS has not yet confirmed this node's subscription; live events from other nodes may not arrive"
                        .into(),
                )
            }
            async_nats::connection::State::Connected => None,
            state => Some(format!(
                "the event bus is not connected to NATS ({state}); live events do not reach other nodes"
            )),
        }
    }
}

/// Notes that events were dropped (logged once until they are reported).
fn mark_lost(lost: &AtomicBool, why: &str) {
    if !lost.swap(true, Ordering::AcqRel) {
        tracing::warn!(
            "{why}: dropping live events; every node's clients will resync when NATS takes events again"
        );
    }
}

impl NatsBus {
    /// Connects to `url`, subscribes to `subject` and starts the publisher and the receiver.
    pub async fn connect(
        url: &str,
        subject: &str,
        queue: usize,
        hub: Arc<Hub>,
    ) -> anyhow::Result<NatsBus> {
        let resync_hub = hub.clone();
        let (tx, mut rx) = mpsc::channel::<Outgoing>(queue.max(1));
        let reconnected = tx.clone();
        let client = async_nats::ConnectOptions::new()
            .name("tether")
            .retry_on_initial_connect()
            .event_callback(move |event| {
                let hub = resync_hub.clone();
                let reconnected = reconnected.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => {
                            tracing::info!(
                                "NATS connection (re)established; telling clients to resync"
                            );
                            hub.resync_all();
                            let _ = reconnected.try_send(Outgoing::Connected);
                        }
                        async_nats::Event::Disconnected => {
                            tracing::warn!("lost the NATS connection; reconnecting")
                        }
                        other => tracing::debug!(event = %other, "NATS event"),
                    }
                }
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect to NATS at {url}: {e}"))?;
        let mut sub = client
            .subscribe(subject.to_owned())
            .await
            .map_err(|e| anyhow::anyhow!("cannot subscribe to {subject}: {e}"))?;
        // `subscribe` only queues the request. A round trip (flush waits for NATS's answer to a
        // ping sent after it) proves NATS has it; until then the node is not ready (`down`), and
        // startup does not wait for it, so a node comes up — answering 503 — while NATS is away.
        let subscribed = Arc::new(AtomicBool::new(false));
        let (confirm, confirmed) = (client.clone(), subscribed.clone());
        tokio::spawn(async move {
            while let Err(err) = confirm.flush().await {
                tracing::debug!(error = %err, "waiting for NATS to confirm the subscription");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            confirmed.store(true, Ordering::Release);
        });
        tokio::spawn(async move {
            while let Some(msg) = sub.next().await {
                match serde_json::from_slice::<Wire>(&msg.payload) {
                    Ok(w) => hub.dispatch(&Envelope::from(w)),
                    Err(e) => tracing::warn!(error = %e, "ignoring a malformed event from NATS"),
                }
            }
        });
        let subject = subject.to_owned();
        let lost = Arc::new(AtomicBool::new(false));
        let (publisher, lost_events) = (client.clone(), lost.clone());
        tokio::spawn(async move {
            let client = publisher;
            let lost = lost_events;
            while let Some(first) = rx.recv().await {
                // Everything already queued goes out before one flush answers all who wait.
                let mut waiting = Vec::new();
                let mut next = Some(first);
                while let Some(out) = next {
                    let connected =
                        client.connection_state() == async_nats::connection::State::Connected;
                    match out {
                        Outgoing::Event(e) if connected => publish(&client, &subject, e).await,
                        Outgoing::Event(_) => mark_lost(&lost, "NATS is unreachable"),
                        Outgoing::Flush(done) => waiting.push(done),
                        Outgoing::Connected => {}
                    }
                    next = rx.try_recv().ok();
                }
                if client.connection_state() == async_nats::connection::State::Connected
                    && lost.swap(false, Ordering::AcqRel)
                {
                    tracing::info!("telling every node's clients to resync for the events dropped");
                    publish(&client, &subject, Envelope::Nodes(Control::EventsLost)).await;
                }
                if !waiting.is_empty() {
                    match tokio::time::timeout(FLUSH_TIMEOUT, client.flush()).await {
                        Ok(Ok(())) => {}
                        Ok(Err(err)) => {
                            tracing::warn!(error = %err, "flushing events to NATS failed")
                        }
                        Err(_) => tracing::warn!("NATS did not take the events within 2 s"),
                    }
                    for done in waiting {
                        let _ = done.send(());
                    }
                }
            }
        });
        Ok(NatsBus {
            tx,
            client,
            lost,
            subscribed,
        })
    }
}

async fn publish(client: &async_nats::Client, subject: &str, e: Envelope) {
    match serde_json::to_vec(&Wire::from(e)) {
        Ok(bytes) => {
            if let Err(err) = client.publish(subject.to_owned(), bytes.into()).await {
                tracing::warn!(error = %err, "publishing an event to NATS failed");
            }
        }
        Err(err) => tracing::warn!(error = %err, "serializing an event failed"),
    }
}

//! The NATS event bus: several server nodes on one PostgreSQL database share live events.
//!
//! Every node publishes each [`Envelope`] (its audience already computed from the database) on
//! one subject and subscribes to it; whatever arrives — including its own publications — goes to
//! the local [`Hub`], which hands it to exactly the audience's connections on this node. One
//! publisher task per node keeps a node's events in order. When the connection to NATS comes back
//! after a loss, every local client is told to `resync`, since events may have been missed.

use crate::events::{Envelope, EventBus, Hub};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// An envelope as it travels between nodes.
#[derive(Serialize, Deserialize)]
struct Wire {
    audience: Vec<String>,
    record_watchers: Option<String>,
    payload: String,
}

/// What the publisher task is asked to do, in order.
enum Outgoing {
    Event(Envelope),
    /// Flush what was published before, then answer.
    Flush(oneshot::Sender<()>),
}

/// Longest wait for NATS to take the events of an accepted message; past it the request is
/// answered anyway (the message is stored, and clients resync when NATS is back).
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// Publishes to NATS; a background task delivers what arrives to this node's hub.
pub struct NatsBus {
    tx: mpsc::UnboundedSender<Outgoing>,
}

impl EventBus for NatsBus {
    fn publish(&self, envelope: Envelope) {
        // The publisher task owns ordering; if it is gone the node is shutting down.
        let _ = self.tx.send(Outgoing::Event(envelope));
    }

    fn flushed(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        let (done, wait) = oneshot::channel();
        let sent = self.tx.send(Outgoing::Flush(done)).is_ok();
        Box::pin(async move {
            if sent {
                let _ = wait.await;
            }
        })
    }
}

impl NatsBus {
    /// Connects to `url`, subscribes to `subject` and starts the publisher and the receiver.
    pub async fn connect(url: &str, subject: &str, hub: Arc<Hub>) -> anyhow::Result<NatsBus> {
        let resync_hub = hub.clone();
        let client = async_nats::ConnectOptions::new()
            .name("tether")
            .retry_on_initial_connect()
            .event_callback(move |event| {
                let hub = resync_hub.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => {
                            tracing::info!(
                                "NATS connection (re)established; telling clients to resync"
                            );
                            hub.resync_all();
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
        tokio::spawn(async move {
            while let Some(msg) = sub.next().await {
                match serde_json::from_slice::<Wire>(&msg.payload) {
                    Ok(w) => hub.dispatch(&Envelope {
                        audience: w.audience,
                        record_watchers: w.record_watchers,
                        payload: w.payload.into(),
                    }),
                    Err(e) => tracing::warn!(error = %e, "ignoring a malformed event from NATS"),
                }
            }
        });
        let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
        let subject = subject.to_owned();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                // Everything already queued goes out before one flush answers all who wait.
                let mut waiting = Vec::new();
                let mut next = Some(first);
                while let Some(out) = next {
                    match out {
                        Outgoing::Event(e) => publish(&client, &subject, e).await,
                        Outgoing::Flush(done) => waiting.push(done),
                    }
                    next = rx.try_recv().ok();
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
        Ok(NatsBus { tx })
    }
}

async fn publish(client: &async_nats::Client, subject: &str, e: Envelope) {
    let wire = Wire {
        audience: e.audience,
        record_watchers: e.record_watchers,
        payload: e.payload.to_string(),
    };
    match serde_json::to_vec(&wire) {
        Ok(bytes) => {
            if let Err(err) = client.publish(subject.to_owned(), bytes.into()).await {
                tracing::warn!(error = %err, "publishing an event to NATS failed");
            }
        }
        Err(err) => tracing::warn!(error = %err, "serializing an event failed"),
    }
}

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
use tokio::sync::mpsc;

/// An envelope as it travels between nodes.
#[derive(Serialize, Deserialize)]
struct Wire {
    audience: Vec<String>,
    record_watchers: Option<String>,
    payload: String,
}

/// Publishes to NATS; a background task delivers what arrives to this node's hub.
pub struct NatsBus {
    tx: mpsc::UnboundedSender<Envelope>,
}

impl EventBus for NatsBus {
    fn publish(&self, envelope: Envelope) {
        // The publisher task owns ordering; if it is gone the node is shutting down.
        let _ = self.tx.send(envelope);
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
        let (tx, mut rx) = mpsc::unbounded_channel::<Envelope>();
        let subject = subject.to_owned();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                let wire = Wire {
                    audience: e.audience,
                    record_watchers: e.record_watchers,
                    payload: e.payload.to_string(),
                };
                match serde_json::to_vec(&wire) {
                    Ok(bytes) => {
                        if let Err(err) = client.publish(subject.clone(), bytes.into()).await {
                            tracing::warn!(error = %err, "publishing an event to NATS failed");
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "serializing an event failed"),
                }
            }
        });
        Ok(NatsBus { tx })
    }
}

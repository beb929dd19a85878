//! Outgoing messages: what a send carries ([`NewMessage`], with the uploaded files it may
//! attach, [`Attachment`]), what writing it gives ([`Written`]), and the queue in which plain
//! sends wait for group commit ([`SendQueue`]).
//!
//! A leaf: the `Store` handle holds a [`SendQueue`], `chats` sends through it and `sends` (the
//! batcher, which implements `SendQueue::start` and `SendQueue::write`) empties it. Keeping these
//! types here, below all three, is what keeps their modules from forming a circle.

use crate::Result;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// A message to send.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub chat_id: tether_domain::ChatId,
    pub sender_id: tether_domain::UserId,
    /// The sender's name as the caller knows it (the sent message is built from what was
    /// written, not read back).
    pub sender_name: String,
    pub body: String,
    pub html: String,
    pub importance: tether_domain::chat::Importance,
    pub data: Option<Value>,
    pub mentions: Vec<String>,
    pub attachment_ids: Vec<String>,
    pub idempotency_key: Option<String>,
    /// A digest of the request the key came with (body, importance, attachments, cards
    /// removed): a retry must match it, or the key is refused.
    pub idempotency_fingerprint: Option<String>,
    /// When set, unread members are reminded until this time (urgent messages).
    pub remind_until: Option<i64>,
    pub remind_every_ms: i64,
}

/// An uploaded file.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Attachment {
    #[sqlx(try_from = "String")]
    pub id: tether_domain::AttachmentId,
    pub uploader_id: tether_domain::UserId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub inline: bool,
    pub storage_key: String,
    pub message_id: Option<String>,
    pub created_at: i64,
}

/// What writing a send gives.
#[derive(Debug)]
pub(crate) struct Written {
    pub(crate) id: String,
    pub(crate) seq: i64,
    pub(crate) attachments: Vec<Attachment>,
    /// The chat's member-list version as the write saw it (`chats.members_version`).
    pub(crate) members_version: i64,
}

/// A send waiting to be written, and where its answer goes.
pub(crate) struct Pending {
    pub(crate) message: NewMessage,
    pub(crate) at: i64,
    pub(crate) reply: oneshot::Sender<Result<Written>>,
}

impl Pending {
    pub(crate) fn bytes(&self) -> usize {
        self.message.body.len() + self.message.html.len()
    }
}

/// The way into a store's batcher task.
#[derive(Clone, Debug)]
pub(crate) struct SendQueue {
    pub(crate) queue: mpsc::Sender<Pending>,
    /// One permit per batch that may be written at once (inline writes take one too).
    pub(crate) in_flight: Arc<Semaphore>,
    pub(crate) stats: Arc<Stats>,
}

/// Batches written and the sends in them, since start.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    batches: AtomicU64,
    sends: AtomicU64,
}

impl Stats {
    pub(crate) fn count(&self, sends: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.sends.fetch_add(sends as u64, Ordering::Relaxed);
    }
}

impl SendQueue {
    /// Batches written and the sends in them, since start.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.stats.batches.load(Ordering::Relaxed),
            self.stats.sends.load(Ordering::Relaxed),
        )
    }
}

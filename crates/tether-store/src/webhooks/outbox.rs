//! The first step of the webhook outbox: an event row written in the transaction of the change
//! that causes it (see the module above).

use crate::tx::tx_write;
use crate::{Result, Tx};
use tether_domain::webhook::EventType;
use tether_domain::{ChatId, RecordId, UserId};

/// A webhook event a change causes, written with [`webhook_event_insert!`] (or
/// [`Tx::webhook_event`]) on the change's own transaction.
#[derive(Clone, Copy, Debug)]
pub struct WebhookEvent<'a> {
    pub kind: EventType,
    pub chat_id: &'a ChatId,
    /// The record the event is about; `None`: every record the chat is connected to when the
    /// change commits (a message, a join). A chat connected to nothing writes no event.
    pub record_id: Option<&'a RecordId>,
    /// The message written (`message.created`).
    pub message_id: Option<&'a str>,
    /// Who made the change (`by`, or the message's sender); `None` for an API key.
    pub actor_id: Option<&'a UserId>,
    /// The note a transcript was saved as (`transcript.saved`).
    pub note_id: Option<&'a str>,
    pub at: i64,
}

/// One row per record the chat is connected to, while an endpoint subscribes to the type.
pub(crate) const EVENT_FOR_CHAT: &str = "INSERT INTO webhook_events (event_type, chat_id, record_id, message_id, actor_id, note_id, created_at) \
     SELECT $1, cc.chat_id, cc.record_id, $3, $4, $5, $6 FROM chat_connections cc \
     WHERE cc.chat_id = $2 AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.event_type = $1) \
     ORDER BY cc.record_id";

/// One row for the record named (`$7`), while an endpoint subscribes to the type: the record
/// need not be connected any more (a disconnection writes its event after the connection is
/// gone).
pub(crate) const EVENT_FOR_RECORD: &str = "INSERT INTO webhook_events (event_type, chat_id, record_id, message_id, actor_id, note_id, created_at) \
     SELECT $1, $2, $7, $3, $4, $5, $6 \
     WHERE EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.event_type = $1)";

/// Writes a [`WebhookEvent`] on `$conn` (an open transaction's connection); evaluates to the
/// `sqlx` result of the insert.
macro_rules! webhook_event_insert {
    ($conn:expr, $event:expr) => {{
        let e: &$crate::webhooks::WebhookEvent = $event;
        let sql = match e.record_id {
            Some(_) => $crate::webhooks::outbox::EVENT_FOR_RECORD,
            None => $crate::webhooks::outbox::EVENT_FOR_CHAT,
        };
        let q = sqlx::query(sql)
            .bind(e.kind.as_str())
            .bind(e.chat_id.as_str())
            .bind(e.message_id)
            .bind(e.actor_id.map(tether_domain::UserId::as_str))
            .bind(e.note_id)
            .bind(e.at);
        let q = match e.record_id {
            Some(r) => q.bind(r.as_str()),
            None => q,
        };
        q.execute($conn).await.map(|r| r.rows_affected())
    }};
}
pub(crate) use webhook_event_insert;

/// `message.created` for each message of a group commit (`crate::sends`), on SQLite: the
/// batch's message rows (`$1`, as `json_each` reads them) joined with their chats'
/// connections, in the order they were written.
pub(crate) fn sqlite_batch_events(rows: &str) -> String {
    format!(
        "INSERT INTO webhook_events (event_type, chat_id, record_id, message_id, actor_id, note_id, created_at) \
         SELECT 'message.created', v.chat_id, cc.record_id, v.id, v.sender_id, NULL, v.created_at \
         FROM {rows} JOIN chat_connections cc ON cc.chat_id = v.chat_id \
         WHERE EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.event_type = 'message.created') \
         ORDER BY v.created_at, v.seq, cc.record_id"
    )
}

impl Tx {
    /// Writes a webhook event inside this transaction (see [`WebhookEvent`]).
    pub async fn webhook_event(&mut self, event: &WebhookEvent<'_>) -> Result<()> {
        tx_write!(self, c => webhook_event_insert!(&mut *c, event))?;
        Ok(())
    }
}

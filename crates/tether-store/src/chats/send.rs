//! Sending a message: an Idempotency-Key's retry answered with the first message, plain
//! sends through the group commit (`crate::sends`), the others written on their own.

use super::in_tx::insert_message;
use super::{Attachment, Message, NewMessage, Sent};
use crate::outgoing::Written;
use crate::{Result, Store, StoreError, now_ms};
use serde_json::Value;
use tether_domain::MessageId;
use tether_domain::UserId;

/// A message found by its sender's Idempotency-Key, with the fingerprint of its request.
struct KeyedMessage {
    message: Message,
    fingerprint: Option<String>,
}

/// The answer to a retried send: the first message, when the key was used in the same chat
/// for the same request (a message stored without a fingerprint matches any).
fn replay(existing: KeyedMessage, m: &NewMessage) -> Result<Sent> {
    let KeyedMessage {
        message: existing,
        fingerprint,
    } = existing;
    if existing.chat_id != m.chat_id {
        return Err(StoreError::Conflict(
            "this Idempotency-Key was already used for a message in another chat; use a new key for each new message".into(),
        ));
    }
    if let (Some(stored), Some(sent)) = (&fingerprint, &m.idempotency_fingerprint)
        && stored != sent
    {
        return Err(StoreError::KeyReused(
            "this Idempotency-Key was already used for a different message; a retry must send the same message, and a new message needs a new key".into(),
        ));
    }
    Ok(Sent {
        message: existing,
        replayed: true,
        members_version: None,
    })
}

impl Store {
    /// Sends a message: next sequence number, mentions, attachments (which must be the
    /// sender's and unused), urgent reminder, all in one transaction that first reads whether
    /// the sender is a member of the chat (`NotFound("chat")` when not). With an idempotency key
    /// that was used before by the same sender in this chat, returns the first message instead;
    /// a key already used in another chat is refused ([`StoreError::Conflict`]).
    pub async fn send_message(&self, m: &NewMessage) -> Result<Sent> {
        if let Some(key) = &m.idempotency_key
            && let Some(existing) = self.message_by_key(&m.sender_id, key).await?
        {
            return replay(existing, m);
        }
        let now = now_ms();
        let result = match &self.sends {
            Some(queue) if m.attachment_ids.is_empty() && m.remind_until.is_none() => {
                queue.write(self, m.clone(), now).await
            }
            _ => self.write_message(m, now).await,
        };
        let Written {
            id,
            seq,
            attachments,
            members_version,
        } = match result {
            Ok(written) => written,
            // A concurrent retry with the same key committed first.
            Err(StoreError::Database(e)) if m.idempotency_key.is_some() => match self
                .message_by_key(
                    &m.sender_id,
                    m.idempotency_key.as_deref().unwrap_or_default(),
                )
                .await?
            {
                Some(existing) => return replay(existing, m),
                None => return Err(e.into()),
            },
            Err(e) => return Err(e),
        };
        // What was written, without reading it back: a new message has no reactions yet.
        let message = Message {
            id: MessageId::new(id),
            chat_id: m.chat_id.clone(),
            seq,
            kind: "text".into(),
            sender_id: Some(m.sender_id.clone()),
            sender_name: Some(m.sender_name.clone()),
            body: m.body.clone(),
            html: m.html.clone(),
            importance: m.importance,
            data: m.data.clone(),
            created_at: now,
            edited_at: None,
            deleted_at: None,
            reactions: Vec::new(),
            attachments,
        };
        Ok(Sent {
            message,
            replayed: false,
            members_version: Some(members_version),
        })
    }

    /// Writes one message in its own transaction: sends with attachments or a reminder, and
    /// sends of a failed batch (`crate::sends`).
    pub(crate) async fn write_message(&self, m: &NewMessage, now: i64) -> Result<Written> {
        let data = m.data.as_ref().map(Value::to_string);
        let text_sql = crate::dialect::insert_message_text(self.backend());
        let member_now = crate::dialect::member_now(self.backend());
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            // A sender removed after the server's check is refused, not written.
            crate::member_check::require_member!(&mut *tx, member_now, m.chat_id, m.sender_id);
            let (id, seq, members_version) = insert_message!(tx, chat = &m.chat_id, kind = "text", sender = Some(m.sender_id.as_str()), body = &m.body,
                html = &m.html, importance = m.importance.as_str(), data = data.clone(), key = m.idempotency_key.as_deref(), fingerprint = m.idempotency_fingerprint.as_deref(), at = now);
            for u in &m.mentions {
                sqlx::query("INSERT INTO message_mentions (message_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(&id).bind(u).execute(&mut *tx).await?;
            }
            for a in &m.attachment_ids {
                let n = sqlx::query("UPDATE attachments SET message_id = $1 WHERE id = $2 AND uploader_id = $3 AND message_id IS NULL AND discarded_at IS NULL")
                    .bind(&id).bind(a).bind(&m.sender_id).execute(&mut *tx).await?.rows_affected();
                if n == 0 {
                    return Err(StoreError::Invalid(format!("attachment {a} is not an unsent upload of yours")));
                }
            }
            let attachments: Vec<Attachment> = if m.attachment_ids.is_empty() {
                Vec::new()
            } else {
                sqlx::query_as("SELECT id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at FROM attachments WHERE message_id = $1 ORDER BY created_at, id")
                    .bind(&id).fetch_all(&mut *tx).await?
            };
            let mut text = m.body.clone();
            for a in &attachments {
                text.push(' ');
                text.push_str(&a.name);
            }
            sqlx::query(text_sql).bind(&id).bind(m.chat_id.as_str()).bind(tether_domain::search::index_terms(&text)).execute(&mut *tx).await?;
            let event = crate::webhooks::WebhookEvent { kind: tether_domain::webhook::EventType::MessageCreated, chat_id: &m.chat_id, record_id: None,
                message_id: Some(id.as_str()), actor_id: Some(&m.sender_id), note_id: None, at: now };
            crate::webhooks::outbox::webhook_event_insert!(&mut *tx, &event)?;
            if let Some(until) = m.remind_until {
                sqlx::query("INSERT INTO urgent_reminders (message_id, chat_id, next_at, until_at) VALUES ($1, $2, $3, $4)")
                    .bind(&id).bind(m.chat_id.as_str()).bind(now + m.remind_every_ms).bind(until).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(Written { id, seq, attachments, members_version })
        })
    }

    async fn message_by_key(&self, sender: &UserId, key: &str) -> Result<Option<KeyedMessage>> {
        let row: Option<(String, Option<String>)> = with_pool!(self, p => sqlx::query_as("SELECT id, idempotency_fingerprint FROM messages WHERE sender_id = $1 AND idempotency_key = $2")
            .bind(sender).bind(key).fetch_optional(p).await)?;
        let Some((id, fingerprint)) = row else {
            return Ok(None);
        };
        Ok(self
            .message(&MessageId::new(id))
            .await?
            .map(|message| KeyedMessage {
                message,
                fingerprint,
            }))
    }
}

//! Reading messages with their reactions and attachments: one, a page, by ids, a range.

use super::{Attachment, Message};
use crate::{Result, Store};
use std::collections::BTreeMap;
use tether_domain::UserId;
use tether_domain::{ChatId, MessageId};

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    chat_id: String,
    seq: i64,
    kind: String,
    sender_id: Option<String>,
    sender_name: Option<String>,
    body: String,
    html: String,
    #[sqlx(try_from = "String")]
    importance: tether_domain::chat::Importance,
    data: Option<String>,
    created_at: i64,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
}

const MESSAGE_SELECT: &str = "SELECT m.id, m.chat_id, m.seq, m.kind, m.sender_id, u.name AS sender_name, m.body, m.html, m.importance, m.data, \
     m.created_at, m.edited_at, m.deleted_at FROM messages m LEFT JOIN users u ON u.id = m.sender_id";

impl MessageRow {
    fn into_message(self) -> Result<Message> {
        Ok(Message {
            id: MessageId::new(self.id),
            chat_id: ChatId::new(self.chat_id),
            seq: self.seq,
            kind: self.kind,
            sender_id: self.sender_id.map(UserId::new),
            sender_name: self.sender_name,
            body: self.body,
            html: self.html,
            importance: self.importance,
            data: self.data.map(|d| serde_json::from_str(&d)).transpose()?,
            created_at: self.created_at,
            edited_at: self.edited_at,
            deleted_at: self.deleted_at,
            reactions: Vec::new(),
            attachments: Vec::new(),
        })
    }
}

impl Store {
    /// One message with its reactions and attachments.
    pub async fn message(&self, id: &MessageId) -> Result<Option<Message>> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1");
        let row: Option<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(p).await)?;
        let Some(row) = row else { return Ok(None) };
        let mut list = vec![row.into_message()?];
        self.fill_details(&mut list).await?;
        Ok(list.pop())
    }

    /// A chat's first `limit` messages, oldest first: what a new chat opened with (its opening
    /// system message is always the first, written with the chat).
    pub async fn first_messages(&self, chat_id: &ChatId, limit: i64) -> Result<Vec<Message>> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.chat_id = $1 ORDER BY m.seq LIMIT $2");
        let rows: Vec<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id.as_str()).bind(limit.clamp(1, 100)).fetch_all(p).await)?;
        let mut list = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>>>()?;
        self.fill_details(&mut list).await?;
        Ok(list)
    }

    /// A page of a chat's messages, newest first: only those at or after `visible_from`, and
    /// with `seq` below `before_seq` when paging back. Three queries per page.
    pub async fn messages(
        &self,
        chat_id: &ChatId,
        visible_from: i64,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.chat_id = $1 AND m.created_at >= $2 AND ($3 IS NULL OR m.seq < $3) ORDER BY m.seq DESC LIMIT $4"
        );
        let rows: Vec<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id.as_str()).bind(visible_from).bind(before_seq).bind(limit.clamp(1, 200)).fetch_all(p).await)?;
        let mut list = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>>>()?;
        self.fill_details(&mut list).await?;
        Ok(list)
    }

    /// Messages by id with their reactions and attachments, in one batch (search results).
    pub async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<Message>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<MessageRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(MESSAGE_SELECT);
            qb.push(" WHERE m.id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id.as_str());
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        let mut list = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>>>()?;
        self.fill_details(&mut list).await?;
        Ok(list)
    }

    /// A chat's messages created in `[from, to]` and at or after `visible_from`, oldest first, at
    /// most `limit` (transcripts, R26).
    pub async fn messages_in_range(
        &self,
        chat_id: &ChatId,
        visible_from: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.chat_id = $1 AND m.created_at >= $2 AND m.created_at >= $3 AND m.created_at <= $4 ORDER BY m.seq LIMIT $5"
        );
        let rows: Vec<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id.as_str()).bind(visible_from).bind(from).bind(to).bind(limit.clamp(1, 10_000)).fetch_all(p).await)?;
        let mut list = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>>>()?;
        self.fill_details(&mut list).await?;
        Ok(list)
    }

    /// A message's reactions now, as [`Message::reactions`] holds them: one query (what a
    /// reaction answers with, without reading the whole message again).
    pub async fn reactions(&self, message_id: &MessageId) -> Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT emoji, user_id FROM reactions WHERE message_id = $1 ORDER BY created_at, emoji, user_id")
            .bind(message_id.as_str()).fetch_all(p).await)?;
        let mut reactions = Vec::new();
        for (emoji, user) in rows {
            add_reaction_to(&mut reactions, emoji, user);
        }
        Ok(reactions)
    }

    /// Loads reactions and attachments of a page of messages (two queries).
    async fn fill_details(&self, list: &mut [Message]) -> Result<()> {
        if list.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = list.iter().map(|m| m.id.as_str()).collect();
        let (reactions, attachments): (Vec<(String, String, String)>, Vec<Attachment>) = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY created_at, emoji, user_id");
            let reactions = qb.build_query_as().fetch_all(p).await?;
            let mut qb = sqlx::QueryBuilder::new("SELECT id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at FROM attachments WHERE discarded_at IS NULL AND message_id IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY created_at, id");
            let attachments = qb.build_query_as().fetch_all(p).await?;
            Ok::<_, sqlx::Error>((reactions, attachments))
        })?;
        let mut by_id: BTreeMap<String, &mut Message> = list
            .iter_mut()
            .map(|m| (m.id.as_str().to_owned(), m))
            .collect();
        for (mid, emoji, user) in reactions {
            if let Some(m) = by_id.get_mut(&mid) {
                add_reaction_to(&mut m.reactions, emoji, user);
            }
        }
        for a in attachments {
            if let Some(m) = a
                .message_id
                .clone()
                .and_then(|mid| by_id.get_mut(&mid).map(|m| &mut **m))
            {
                m.attachments.push(a);
            }
        }
        Ok(())
    }
}

/// Adds `user`'s `emoji` to reactions grouped by emoji, in order of first appearance.
fn add_reaction_to(reactions: &mut Vec<(String, Vec<String>)>, emoji: String, user: String) {
    match reactions.iter_mut().find(|(e, _)| *e == emoji) {
        Some((_, users)) => users.push(user),
        None => reactions.push((emoji, vec![user])),
    }
}

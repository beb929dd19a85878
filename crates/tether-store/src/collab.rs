//! Record-connected collaboration: connections between chats (or channels) and records, joins,
//! the panel's chat sections, timeline chat entries, and team channels.
//!
//! Every change writes its system message, its timeline entry (R15) and its audit entry (R22)
//! in the same transaction as the change.

use crate::audit::{NewAudit, audit_insert};
use crate::chats::{Chat, SystemMessage};
use crate::dialect::contains_pattern;
use crate::tx::{Db, on_db};
use crate::webhooks::WebhookEvent;
use crate::webhooks::outbox::webhook_event_insert;
use crate::{Result, Store, StoreError, Tx, new_id, now_ms};
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::RecordId;
use tether_domain::TeamId;
use tether_domain::UserId;
use tether_domain::webhook::EventType;
use tether_domain::{ChatId, MessageId};

/// A chat connected to a record, as one viewer sees the connection.
#[derive(Clone, Debug)]
pub struct ConnectedChat {
    pub chat: Chat,
    pub connected_by: Option<String>,
    pub connected_by_name: Option<String>,
    pub connected_at: i64,
    pub is_member: bool,
}

#[derive(sqlx::FromRow)]
struct ConnectedRow {
    #[sqlx(flatten)]
    chat: Chat,
    connected_by: Option<String>,
    connected_by_name: Option<String>,
    connected_at: i64,
    is_member: bool,
}

/// The latest disconnection of a chat from a record (R15).
#[derive(Clone, Debug)]
pub struct Disconnection {
    pub by: Option<String>,
    pub by_name: Option<String>,
    pub at: i64,
}

/// What a connection change records besides the connection itself.
#[derive(Clone, Debug)]
pub struct ConnectionChange<'a> {
    pub chat_id: &'a ChatId,
    pub record_type: &'a str,
    pub record_id: &'a RecordId,
    pub actor_id: &'a UserId,
    pub system: &'a SystemMessage,
    /// Subject of the timeline entry ("Chat connected").
    pub timeline_subject: &'a str,
}

/// Writes a connection of `$chat` to a record with its system message, its timeline entry
/// (`kind`: `chat_connection`), audit entry and `chat.connected` webhook event, inside a
/// transaction; evaluates to the system message's id, or `None` when the chat was connected
/// already.
macro_rules! insert_connection {
    ($tx:expr, $chat:expr, $record_type:expr, $record_id:expr, $actor:expr, $system:expr, $subject:expr, $at:expr) => {{
        let at: i64 = $at;
        let chat: &ChatId = $chat;
        let n = sqlx::query("INSERT INTO chat_connections (chat_id, record_id, connected_by, connected_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(chat.as_str()).bind($record_id).bind($actor).bind(at).execute(&mut *$tx).await?.rows_affected();
        let mut written = None;
        if n > 0 {
            written = Some(crate::chats::insert_system_in_tx!($tx, chat, $system, at));
            sqlx::query("INSERT INTO activities (id, record_id, kind, subject, body, author_id, at, chat_id, data) VALUES ($1, $2, 'chat_connection', $3, NULL, $4, $5, $6, NULL)")
                .bind(new_id()).bind($record_id).bind($subject).bind($actor).bind(at).bind(chat.as_str()).execute(&mut *$tx).await?;
            let entry = NewAudit::new(Some($actor), "chat.connected", json!({})).record($record_type, $record_id.as_str()).chat(chat.as_str());
            audit_insert!(&mut *$tx, &entry)?;
            let event = WebhookEvent { kind: EventType::ChatConnected, chat_id: chat, record_id: Some($record_id), message_id: None, actor_id: Some($actor), note_id: None, at };
            webhook_event_insert!(&mut *$tx, &event)?;
        }
        written
    }};
}

/// A new group chat connected to a record from the start (R9, R10).
pub struct NewConnectedChat<'a> {
    pub chat: &'a crate::chats::NewChat,
    pub record_type: &'a str,
    pub record_id: &'a RecordId,
    /// "Olga started this chat from Case CAS-00042".
    pub started: &'a SystemMessage,
    /// The intro card (R10), when the type enables it and the starter asked for it.
    pub intro: Option<&'a SystemMessage>,
    /// Subject of the timeline entry ("Chat connected").
    pub timeline_subject: &'a str,
}

const CHAT_COLUMNS: &str = "c.id, c.kind, c.name, c.team_id, c.created_by, c.created_at, c.last_seq, c.last_message_at, c.last_message_by, c.last_activity_at";

impl Store {
    /// Connects a chat to a record (R11, R13). Connecting twice changes nothing and returns
    /// `false`; otherwise writes the connection, the system message, a `chat_connection`
    /// timeline entry, an audit entry and the `chat.connected` webhook event, and returns the
    /// system message's id. Only a member
    /// connects a chat: the actor's membership is read inside the write (`NotFound("chat")`
    /// when not).
    pub async fn connect_chat(&self, c: &ConnectionChange<'_>) -> Result<Option<MessageId>> {
        let now = now_ms();
        let member_now = crate::dialect::member_now(self.backend());
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            crate::member_check::require_member!(&mut *tx, member_now, c.chat_id, c.actor_id);
            let written = insert_connection!(tx, c.chat_id, c.record_type, c.record_id, c.actor_id, c.system, c.timeline_subject, now);
            tx.commit().await?;
            Ok::<_, StoreError>(written)
        })
    }

    /// Creates a group chat connected to a record, in one transaction: the chat and its
    /// members, the connection with its system message, timeline entry and audit entry, and the
    /// intro card when given. Returns the chat and its opening messages' ids, oldest first.
    pub async fn create_connected_chat(
        &self,
        c: &NewConnectedChat<'_>,
    ) -> Result<(crate::chats::Chat, Vec<MessageId>)> {
        if c.chat.kind != tether_domain::chat::ChatKind::Group {
            return Err(StoreError::Invalid(
                "only a group chat starts connected to a record".into(),
            ));
        }
        let id = ChatId::new(new_id());
        let now = now_ms();
        let opening = with_write!(self, p => {
            let mut tx = p.begin().await?;
            crate::chats::insert_chat_in_tx!(tx, &id, c.chat, None::<&str>, now);
            let mut opening = Vec::new();
            if let Some(started) = insert_connection!(tx, &id, c.record_type, c.record_id, &c.chat.created_by, c.started, c.timeline_subject, now) {
                opening.push(started);
            }
            if let Some(intro) = c.intro {
                opening.push(crate::chats::insert_system_in_tx!(tx, &id, intro, now));
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(opening)
        })?;
        let chat = self.chat(&id).await?.ok_or(StoreError::NotFound("chat"))?;
        Ok((chat, opening))
    }

    /// Removes a connection (R11a), recording a `chat_disconnection` timeline entry, the system
    /// message, an audit entry and the `chat.disconnected` webhook event; returns the system message's id (`None`: it was not
    /// connected). Never touches the chat or its messages.
    pub async fn disconnect_chat(&self, c: &ConnectionChange<'_>) -> Result<Option<MessageId>> {
        let now = now_ms();
        Ok(with_write!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("DELETE FROM chat_connections WHERE chat_id = $1 AND record_id = $2")
                .bind(c.chat_id.as_str()).bind(c.record_id.as_str()).execute(&mut *tx).await?.rows_affected();
            let mut written = None;
            if n > 0 {
                written = Some(crate::chats::insert_system_in_tx!(tx, c.chat_id, c.system, now));
                sqlx::query("INSERT INTO activities (id, record_id, kind, subject, body, author_id, at, chat_id, data) VALUES ($1, $2, 'chat_disconnection', $3, NULL, $4, $5, $6, NULL)")
                    .bind(new_id()).bind(c.record_id.as_str()).bind(c.timeline_subject).bind(c.actor_id).bind(now).bind(c.chat_id.as_str()).execute(&mut *tx).await?;
                let entry = NewAudit::new(Some(c.actor_id), "chat.disconnected", json!({})).record(c.record_type, c.record_id.as_str()).chat(c.chat_id.as_str());
                audit_insert!(&mut *tx, &entry)?;
                let event = WebhookEvent { kind: EventType::ChatDisconnected, chat_id: c.chat_id, record_id: Some(c.record_id), message_id: None, actor_id: Some(c.actor_id), note_id: None, at: now };
                webhook_event_insert!(&mut *tx, &event)?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(written)
        })?)
    }

    /// The latest disconnection of each of `chat_ids` from `record_id` (R15): who disconnected
    /// it (id and name) and when. One query; chats never disconnected are absent.
    pub async fn last_disconnections(
        &self,
        record_id: &RecordId,
        chat_ids: &[ChatId],
    ) -> Result<BTreeMap<ChatId, Disconnection>> {
        let record_id = record_id.as_str();
        let mut out = BTreeMap::new();
        if chat_ids.is_empty() {
            return Ok(out);
        }
        let rows: Vec<(String, Option<String>, Option<String>, i64)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT a.chat_id, a.author_id, u.name, a.at FROM activities a LEFT JOIN users u ON u.id = a.author_id \
                 WHERE a.kind = 'chat_disconnection' AND a.record_id = ");
            qb.push_bind(record_id);
            qb.push(" AND a.chat_id IN (");
            let mut sep = qb.separated(", ");
            for id in chat_ids {
                sep.push_bind(id.as_str());
            }
            qb.push(") ORDER BY a.at, a.id");
            qb.build_query_as().fetch_all(p).await
        })?;
        // Oldest first, so the latest of each chat wins.
        for (chat_id, by, by_name, at) in rows {
            out.insert(ChatId::new(chat_id), Disconnection { by, by_name, at });
        }
        Ok(out)
    }

    /// Who connected `chat_id` to `record_id` last, and when; `None` when not connected.
    pub async fn connection(
        &self,
        chat_id: &ChatId,
        record_id: &RecordId,
    ) -> Result<Option<(Option<String>, i64)>> {
        let record_id = record_id.as_str();
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT connected_by, connected_at FROM chat_connections WHERE chat_id = $1 AND record_id = $2")
            .bind(chat_id.as_str()).bind(record_id).fetch_optional(p).await)?,
        )
    }

    /// Adds `user_id` to a connected chat with the full history (R14), with the system message,
    /// an audit entry and the `chat.joined` webhook event, in one transaction; returns the system message's id (`None`: already
    /// a member).
    pub async fn join_chat(
        &self,
        chat_id: &ChatId,
        user_id: &UserId,
        record_type: &str,
        record_id: &RecordId,
        sys: &SystemMessage,
    ) -> Result<Option<MessageId>> {
        let record_id = record_id.as_str();
        let now = now_ms();
        Ok(with_write!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) VALUES ($1, $2, $3, 0, 0, $2) ON CONFLICT DO NOTHING")
                .bind(chat_id.as_str()).bind(user_id).bind(now).execute(&mut *tx).await?.rows_affected();
            let mut written = None;
            if n > 0 {
                crate::chats::refresh_search_in_tx!(tx, chat_id);
                written = Some(crate::chats::insert_system_in_tx!(tx, chat_id, sys, now));
                let entry = NewAudit::new(Some(user_id), "chat.joined", json!({"history": "all"})).record(record_type, record_id).chat(chat_id.as_str());
                audit_insert!(&mut *tx, &entry)?;
                // Every record the chat is connected to hears of it, not only the one joined from.
                let event = WebhookEvent { kind: EventType::ChatJoined, chat_id, record_id: None, message_id: None, actor_id: Some(user_id), note_id: None, at: now };
                webhook_event_insert!(&mut *tx, &event)?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(written)
        })?)
    }

    /// Every chat and channel connected to a record, with whether `viewer` is a member, newest
    /// connection first. One query.
    pub async fn record_connections(
        &self,
        record_id: &RecordId,
        viewer: &UserId,
    ) -> Result<Vec<ConnectedChat>> {
        let record_id = record_id.as_str();
        let sql = format!(
            "SELECT {CHAT_COLUMNS}, cc.connected_by, u.name AS connected_by_name, cc.connected_at, (cm.user_id IS NOT NULL) AS is_member \
             FROM chat_connections cc JOIN chats c ON c.id = cc.chat_id LEFT JOIN users u ON u.id = cc.connected_by \
             LEFT JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = $2 WHERE cc.record_id = $1 ORDER BY c.last_activity_at DESC, c.id"
        );
        let rows: Vec<ConnectedRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).bind(viewer).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|r| ConnectedChat {
                chat: r.chat,
                connected_by: r.connected_by,
                connected_by_name: r.connected_by_name,
                connected_at: r.connected_at,
                is_member: r.is_member,
            })
            .collect())
    }

    /// The viewer's chats (not channels) that are connected to some record (`connected`) or to
    /// none, excluding those connected to `except_record`, most recent first, optionally
    /// filtered by name. One query.
    pub async fn member_chats_by_connection(
        &self,
        viewer: &UserId,
        connected: bool,
        except_record: &RecordId,
        filter: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Chat>> {
        let except_record = except_record.as_str();
        let pattern = filter
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(contains_pattern);
        Ok(with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(format!("SELECT {CHAT_COLUMNS} FROM chat_members cm JOIN chats c ON c.id = cm.chat_id WHERE cm.user_id = "));
            qb.push_bind(viewer);
            qb.push(" AND c.kind <> 'channel' AND ");
            qb.push(if connected { "EXISTS" } else { "NOT EXISTS" });
            qb.push(" (SELECT 1 FROM chat_connections x WHERE x.chat_id = c.id) AND NOT EXISTS (SELECT 1 FROM chat_connections y WHERE y.chat_id = c.id AND y.record_id = ");
            qb.push_bind(except_record);
            qb.push(")");
            if let Some(pattern) = &pattern {
                qb.push(" AND c.search_folded LIKE ");
                qb.push_bind(pattern);
                qb.push(" ESCAPE '\\'");
            }
            qb.push(" ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ");
            qb.push_bind(limit.clamp(1, 1000));
            qb.build_query_as().fetch_all(p).await
        })?)
    }

    /// The records each chat is connected to: chat id → record ids. One query.
    pub async fn connected_records_of(
        &self,
        chat_ids: &[ChatId],
    ) -> Result<BTreeMap<ChatId, Vec<String>>> {
        let mut out: BTreeMap<ChatId, Vec<String>> = BTreeMap::new();
        if chat_ids.is_empty() {
            return Ok(out);
        }
        let rows: Vec<(String, String)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT chat_id, record_id FROM chat_connections WHERE chat_id IN (");
            let mut sep = qb.separated(", ");
            for id in chat_ids {
                sep.push_bind(id.as_str());
            }
            qb.push(") ORDER BY connected_at");
            qb.build_query_as().fetch_all(p).await
        })?;
        for (chat, record) in rows {
            out.entry(ChatId::new(chat)).or_default().push(record);
        }
        Ok(out)
    }

    /// Chats by id, with whether `viewer` is a member of each (timeline entries). One query.
    pub async fn chats_with_membership(
        &self,
        chat_ids: &[ChatId],
        viewer: &UserId,
    ) -> Result<Vec<(Chat, bool, Option<String>)>> {
        if chat_ids.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            chat: Chat,
            is_member: bool,
            last_message_by_name: Option<String>,
        }
        let rows: Vec<Row> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {CHAT_COLUMNS}, (cm.user_id IS NOT NULL) AS is_member, lu.name AS last_message_by_name FROM chats c \
                 LEFT JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = "));
            qb.push_bind(viewer);
            qb.push(" LEFT JOIN users lu ON lu.id = c.last_message_by WHERE c.id IN (");
            let mut sep = qb.separated(", ");
            for id in chat_ids {
                sep.push_bind(id.as_str());
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| (r.chat, r.is_member, r.last_message_by_name))
            .collect())
    }

    /// The ids of the chats connected to a record (field-change notices, R23).
    pub async fn connected_chat_ids(&self, record_id: &RecordId) -> Result<Vec<ChatId>> {
        let record_id = record_id.as_str();
        connected_chat_ids_on(self.db(), record_id).await
    }

    /// Creates a team channel whose members are the team's members (kept in step as the team
    /// changes), with an opening system message.
    pub async fn create_channel(
        &self,
        team_id: &TeamId,
        name: &str,
        created_by: &UserId,
        opening: &SystemMessage,
    ) -> Result<Chat> {
        let team_id = team_id.as_str();
        let team = self
            .team_by_id(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        let members: Vec<(UserId, i64)> = team
            .members
            .iter()
            .map(|m| (m.user_id.clone(), 0))
            .collect();
        let (chat, _) = self
            .create_chat(
                &crate::chats::NewChat {
                    kind: tether_domain::chat::ChatKind::Channel,
                    name: Some(name.to_owned()),
                    team_id: Some(team_id.to_owned()),
                    created_by: created_by.to_owned(),
                    members,
                },
                Some(opening),
            )
            .await?;
        Ok(chat)
    }
}

impl Tx {
    /// The ids of the chats connected to a record, as this transaction sees them.
    pub async fn connected_chat_ids(&mut self, record_id: &RecordId) -> Result<Vec<ChatId>> {
        let record_id = record_id.as_str();
        connected_chat_ids_on(self.db(), record_id).await
    }
}

async fn connected_chat_ids_on(db: Db<'_>, record_id: &str) -> Result<Vec<ChatId>> {
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as("SELECT chat_id FROM chat_connections WHERE record_id = $1 ORDER BY chat_id").bind(record_id).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|r| ChatId::new(r.0)).collect())
}

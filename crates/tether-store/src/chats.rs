//! Chats, members (with the point from which each sees history), messages, reactions,
//! mentions, read markers and urgent reminders.
//!
//! Membership changes and the system message that announces them are written in one
//! transaction, so no member ever sees one without the other. Every message takes the next
//! per-chat sequence number (`chats.last_seq`), which orders pages and read markers.

use crate::dialect::{contains_pattern, fold};
use crate::outgoing::Written;
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use tether_domain::chat::ChatKind;

/// What [`Store::add_reaction`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReactionAdded {
    Added,
    /// The user had already given this reaction: nothing changed.
    AlreadyThere,
    /// The message has as many different reactions as allowed: nothing changed.
    TooMany,
}

/// A chat as stored.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Chat {
    pub id: String,
    /// Decoded when read: a row with a kind this code never wrote is an error, not a group.
    #[sqlx(try_from = "String")]
    pub kind: ChatKind,
    pub name: Option<String>,
    pub team_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub last_seq: i64,
    pub last_message_at: Option<i64>,
    pub last_message_by: Option<String>,
    pub last_activity_at: i64,
}

const CHAT_COLUMNS: &str = "c.id, c.kind, c.name, c.team_id, c.created_by, c.created_at, c.last_seq, c.last_message_at, c.last_message_by, c.last_activity_at";

/// One member of a chat.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Member {
    pub chat_id: String,
    pub user_id: String,
    pub name: String,
    pub active: bool,
    pub joined_at: i64,
    pub visible_from: i64,
    pub last_read_seq: i64,
}

/// A chat in someone's list, with what that person needs to show it.
#[derive(Clone, Debug)]
pub struct ChatListItem {
    pub chat: Chat,
    pub visible_from: i64,
    pub last_read_seq: i64,
    pub unread: i64,
    pub members: Vec<Member>,
}

#[derive(sqlx::FromRow)]
struct ChatListRow {
    #[sqlx(flatten)]
    chat: Chat,
    visible_from: i64,
    last_read_seq: i64,
}

/// A system message to write with a change (kind `system`, or `intro` for R10 cards).
#[derive(Clone, Debug)]
pub struct SystemMessage {
    pub kind: &'static str,
    pub actor_id: Option<String>,
    /// Plain text shown to members ("Olga Berg added Bo Lind").
    pub text: String,
    pub html: String,
    /// Structured details for clients (`{"event": "member.added", …}`).
    pub data: Value,
}

/// What [`Store::add_members`] wrote.
#[derive(Clone, Debug, Default)]
pub struct MembersAdded {
    /// Who was added (people already in the chat are not).
    pub users: Vec<String>,
    /// The system message, when someone was added.
    pub message_id: Option<String>,
}

/// What [`Store::remove_member`] wrote.
#[derive(Clone, Debug)]
pub struct MemberRemoved {
    /// The system message.
    pub message_id: String,
    /// Who were members just before, the removed person among them.
    pub members_before: Vec<String>,
}

/// A chat to create.
#[derive(Clone, Debug)]
pub struct NewChat {
    pub kind: ChatKind,
    pub name: Option<String>,
    pub team_id: Option<String>,
    pub created_by: String,
    /// (user id, visible_from)
    pub members: Vec<(String, i64)>,
}

// What a send carries: defined with the send queue (`crate::outgoing`), which the store
// handle holds.
pub use crate::outgoing::{Attachment, NewMessage};

/// A stored message with its reactions and attachments.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub id: String,
    pub chat_id: String,
    pub seq: i64,
    pub kind: String,
    pub sender_id: Option<String>,
    pub sender_name: Option<String>,
    pub body: String,
    pub html: String,
    pub importance: String,
    pub data: Option<Value>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    /// emoji → user ids, in the order first reacted.
    pub reactions: Vec<(String, Vec<String>)>,
    pub attachments: Vec<Attachment>,
}

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
    importance: String,
    data: Option<String>,
    created_at: i64,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
}

const MESSAGE_SELECT: &str = "SELECT m.id, m.chat_id, m.seq, m.kind, m.sender_id, u.name AS sender_name, m.body, m.html, m.importance, m.data, \
     m.created_at, m.edited_at, m.deleted_at FROM messages m LEFT JOIN users u ON u.id = m.sender_id";

/// Outcome of a send: the message, and whether it already existed (an idempotent retry).
#[derive(Clone, Debug)]
pub struct Sent {
    pub message: Message,
    pub replayed: bool,
}

/// A due reminder of an urgent message: who has not read it yet.
#[derive(Clone, Debug)]
pub struct DueReminder {
    pub message_id: String,
    pub chat_id: String,
    pub unread_user_ids: Vec<String>,
}

/// Writes a message on `$tx` with the chat's next sequence number; evaluates to the message id
/// and its seq.
macro_rules! insert_message {
    ($tx:expr, chat = $chat:expr, kind = $kind:expr, sender = $sender:expr, body = $body:expr, html = $html:expr,
     importance = $imp:expr, data = $data:expr, key = $key:expr, fingerprint = $fp:expr, at = $at:expr) => {{
        let at: i64 = $at;
        let sender: Option<&str> = $sender;
        let (seq,): (i64,) = sqlx::query_as(
            "UPDATE chats SET last_seq = last_seq + 1, last_activity_at = $2, \
             last_message_at = CASE WHEN $3 = 'system' THEN last_message_at ELSE $2 END, \
             last_message_by = CASE WHEN $3 = 'system' THEN last_message_by ELSE $4 END \
             WHERE id = $1 RETURNING last_seq",
        )
        .bind($chat)
        .bind(at)
        .bind($kind)
        .bind(sender)
        .fetch_one(&mut *$tx)
        .await?;
        let id = $crate::new_id();
        let data: Option<String> = $data;
        sqlx::query(
            "INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, idempotency_key, idempotency_fingerprint) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind($chat)
        .bind(seq)
        .bind($kind)
        .bind(sender)
        .bind($body)
        .bind($html)
        .bind($imp)
        .bind(data)
        .bind(at)
        .bind($key)
        .bind($fp)
        .execute(&mut *$tx)
        .await?;
        (id, seq)
    }};
}

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
    })
}

/// Writes a [`SystemMessage`] on `$tx`; evaluates to its id.
macro_rules! insert_system {
    ($tx:expr, $chat:expr, $sys:expr, $at:expr) => {{
        let sys: &$crate::chats::SystemMessage = $sys;
        let (id, _) = $crate::chats::insert_message!(
            $tx,
            chat = $chat,
            kind = sys.kind,
            sender = sys.actor_id.as_deref(),
            body = &sys.text,
            html = &sys.html,
            importance = "normal",
            data = Some(sys.data.to_string()),
            key = None::<&str>,
            fingerprint = None::<&str>,
            at = $at
        );
        id
    }};
}

/// Inserts chat `id` as `new` describes it (`pair`: a one-on-one chat's pair key) with its
/// members, inside a transaction.
macro_rules! insert_chat {
    ($tx:expr, $id:expr, $new:expr, $pair:expr, $at:expr) => {{
        let new: &$crate::chats::NewChat = $new;
        let at: i64 = $at;
        sqlx::query("INSERT INTO chats (id, kind, name, search_folded, pair_key, team_id, created_by, created_at, last_seq, last_activity_at) \
             VALUES ($1, $2, $3, '', $4, $5, $6, $7, 0, $7)")
            .bind($id).bind(new.kind.as_str()).bind(new.name.as_deref()).bind($pair).bind(new.team_id.as_deref())
            .bind(&new.created_by).bind(at)
            .execute(&mut *$tx).await?;
        for (user, visible_from) in &new.members {
            sqlx::query("INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING")
                .bind($id).bind(user).bind(at).bind(*visible_from).bind(&new.created_by)
                .execute(&mut *$tx).await?;
        }
        $crate::chats::refresh_search_in_tx!($tx, $id);
    }};
}

/// Recomputes the text a chat filter matches: its name and its members' names, folded.
macro_rules! refresh_search {
    ($tx:expr, $chat:expr) => {{
        let names: Vec<(String,)> = sqlx::query_as("SELECT u.name FROM chat_members cm JOIN users u ON u.id = cm.user_id WHERE cm.chat_id = $1 ORDER BY u.name")
            .bind($chat)
            .fetch_all(&mut *$tx)
            .await?;
        let (name,): (Option<String>,) = sqlx::query_as("SELECT name FROM chats WHERE id = $1").bind($chat).fetch_one(&mut *$tx).await?;
        let text = $crate::chats::search_text(name.as_deref(), names.iter().map(|n| n.0.as_str()));
        sqlx::query("UPDATE chats SET search_folded = $1 WHERE id = $2").bind(text).bind($chat).execute(&mut *$tx).await?;
    }};
}

pub(crate) use insert_chat as insert_chat_in_tx;
pub(crate) use insert_message;
pub(crate) use insert_system as insert_system_in_tx;
pub(crate) use refresh_search as refresh_search_in_tx;

pub(crate) fn search_text<'a>(
    name: Option<&str>,
    members: impl Iterator<Item = &'a str>,
) -> String {
    let mut text = fold(name.unwrap_or(""));
    for m in members {
        text.push('\n');
        text.push_str(&fold(m));
    }
    text
}

impl MessageRow {
    fn into_message(self) -> Result<Message> {
        Ok(Message {
            id: self.id,
            chat_id: self.chat_id,
            seq: self.seq,
            kind: self.kind,
            sender_id: self.sender_id,
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
    /// Creates a chat with its members and an opening system message, in one transaction.
    /// A one-on-one chat is unique per pair: asking again returns the existing one
    /// (`Ok((chat, false))`).
    pub async fn create_chat(
        &self,
        new: &NewChat,
        opening: Option<&SystemMessage>,
    ) -> Result<(Chat, bool)> {
        let pair = match new.kind {
            ChatKind::OneOnOne => match new.members.as_slice() {
                [(a, _), (b, _)] => Some(tether_domain::chat::pair_key(a, b)),
                _ => {
                    return Err(StoreError::Invalid(
                        "a one-on-one chat has exactly two members".into(),
                    ));
                }
            },
            _ => None,
        };
        if let Some(pair) = &pair {
            let existing: Option<(String,)> = with_pool!(self, p => sqlx::query_as("SELECT id FROM chats WHERE pair_key = $1").bind(pair).fetch_optional(p).await)?;
            if let Some((id,)) = existing {
                return Ok((
                    self.chat(&id).await?.ok_or(StoreError::NotFound("chat"))?,
                    false,
                ));
            }
        }
        let id = new_id();
        let now = now_ms();
        let result = with_write!(self, p => {
            let mut tx = p.begin().await?;
            insert_chat!(tx, &id, new, pair.as_deref(), now);
            if let Some(sys) = opening {
                insert_system!(tx, &id, sys, now);
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        });
        match result {
            Ok(()) => Ok((
                self.chat(&id).await?.ok_or(StoreError::NotFound("chat"))?,
                true,
            )),
            // Two people opening the same one-on-one at once: the other request won.
            Err(e) if pair.is_some() => match self
                .chat_by_pair(pair.as_deref().unwrap_or_default())
                .await?
            {
                Some(chat) => Ok((chat, false)),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn chat_by_pair(&self, pair: &str) -> Result<Option<Chat>> {
        let sql = format!("SELECT {CHAT_COLUMNS} FROM chats c WHERE c.pair_key = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(pair).fetch_optional(p).await)?,
        )
    }

    pub async fn chat(&self, id: &str) -> Result<Option<Chat>> {
        let sql = format!("SELECT {CHAT_COLUMNS} FROM chats c WHERE c.id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
        )
    }

    /// A chat and the caller's membership in it, in one query; `None` when either is missing.
    pub async fn chat_for_member(
        &self,
        chat_id: &str,
        user_id: &str,
    ) -> Result<Option<(Chat, Member)>> {
        let chat = self.chat(chat_id).await?;
        let Some(chat) = chat else { return Ok(None) };
        Ok(self.member(chat_id, user_id).await?.map(|m| (chat, m)))
    }

    pub async fn member(&self, chat_id: &str, user_id: &str) -> Result<Option<Member>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT cm.chat_id, cm.user_id, u.name, u.active, cm.joined_at, cm.visible_from, cm.last_read_seq FROM chat_members cm \
             JOIN users u ON u.id = cm.user_id WHERE cm.chat_id = $1 AND cm.user_id = $2")
            .bind(chat_id).bind(user_id).fetch_optional(p).await)?)
    }

    /// Members of a chat, by name.
    pub async fn members(&self, chat_id: &str) -> Result<Vec<Member>> {
        Ok(self
            .members_of(&[chat_id.to_owned()])
            .await?
            .remove(chat_id)
            .unwrap_or_default())
    }

    /// Members of many chats in one query, keyed by chat id.
    pub async fn members_of(&self, chat_ids: &[String]) -> Result<BTreeMap<String, Vec<Member>>> {
        let mut out: BTreeMap<String, Vec<Member>> = BTreeMap::new();
        if chat_ids.is_empty() {
            return Ok(out);
        }
        let rows: Vec<Member> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT cm.chat_id, cm.user_id, u.name, u.active, cm.joined_at, cm.visible_from, cm.last_read_seq FROM chat_members cm \
                 JOIN users u ON u.id = cm.user_id WHERE cm.chat_id IN (");
            let mut sep = qb.separated(", ");
            for id in chat_ids {
                sep.push_bind(id);
            }
            qb.push(") ORDER BY u.name, u.id");
            qb.build_query_as().fetch_all(p).await
        })?;
        for m in rows {
            out.entry(m.chat_id.clone()).or_default().push(m);
        }
        Ok(out)
    }

    /// The user's chats, most recent activity first: optionally only those whose name or
    /// members' names contain `filter`, and only those active before `before` (paging). Three
    /// queries whatever the page size: chats, their members, unread counts.
    pub async fn list_chats(
        &self,
        user_id: &str,
        filter: Option<&str>,
        kinds: &[ChatKind],
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ChatListItem>> {
        let pattern = filter
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(contains_pattern);
        let rows: Vec<ChatListRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {CHAT_COLUMNS}, cm.visible_from, cm.last_read_seq FROM chat_members cm JOIN chats c ON c.id = cm.chat_id WHERE cm.user_id = "));
            qb.push_bind(user_id);
            if let Some(pattern) = &pattern {
                qb.push(" AND c.search_folded LIKE ");
                qb.push_bind(pattern);
                qb.push(" ESCAPE '\\'");
            }
            if !kinds.is_empty() {
                qb.push(" AND c.kind IN (");
                let mut sep = qb.separated(", ");
                for k in kinds {
                    sep.push_bind(k.as_str());
                }
                qb.push(")");
            }
            if let Some(before) = before {
                qb.push(" AND c.last_activity_at < ");
                qb.push_bind(before);
            }
            qb.push(" ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ");
            qb.push_bind(limit.clamp(1, 500));
            qb.build_query_as().fetch_all(p).await
        })?;
        let ids: Vec<String> = rows.iter().map(|r| r.chat.id.clone()).collect();
        let mut members = self.members_of(&ids).await?;
        let unread = self.unread_counts(user_id, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| ChatListItem {
                unread: unread.get(&r.chat.id).copied().unwrap_or(0),
                members: members.remove(&r.chat.id).unwrap_or_default(),
                visible_from: r.visible_from,
                last_read_seq: r.last_read_seq,
                chat: r.chat,
            })
            .collect())
    }

    /// Unread messages per chat for a user: others' text messages after the read marker and
    /// inside the user's history window, not deleted. One grouped query.
    pub async fn unread_counts(
        &self,
        user_id: &str,
        chat_ids: &[String],
    ) -> Result<BTreeMap<String, i64>> {
        if chat_ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows: Vec<(String, i64)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT m.chat_id, COUNT(*) FROM messages m JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ");
            qb.push_bind(user_id);
            qb.push(" WHERE m.seq > cm.last_read_seq AND m.created_at >= cm.visible_from AND m.kind <> 'system' AND m.deleted_at IS NULL AND (m.sender_id IS NULL OR m.sender_id <> ");
            qb.push_bind(user_id);
            qb.push(") AND m.chat_id IN (");
            let mut sep = qb.separated(", ");
            for id in chat_ids {
                sep.push_bind(id);
            }
            qb.push(") GROUP BY m.chat_id");
            qb.build_query_as().fetch_all(p).await
        })?;
        Ok(rows.into_iter().collect())
    }

    /// Adds members (each with their history window) and the system message, in one
    /// transaction. People already in the chat are left as they are; returns who was added and
    /// the system message (written only when someone was).
    pub async fn add_members(
        &self,
        chat_id: &str,
        users: &[(String, i64)],
        added_by: &str,
        sys: &SystemMessage,
    ) -> Result<MembersAdded> {
        let now = now_ms();
        let added = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let mut added = Vec::new();
            for (user, visible_from) in users {
                let n = sqlx::query("INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING")
                    .bind(chat_id).bind(user).bind(now).bind(*visible_from).bind(added_by)
                    .execute(&mut *tx).await?.rows_affected();
                if n > 0 {
                    added.push(user.clone());
                }
            }
            let mut message_id = None;
            if !added.is_empty() {
                refresh_search!(tx, chat_id);
                message_id = Some(insert_system!(tx, chat_id, sys, now));
                let entry = crate::audit::NewAudit::new(Some(added_by), "chat.members_added", serde_json::json!({"user_ids": added})).chat(chat_id);
                crate::audit::audit_insert!(&mut *tx, &entry)?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(MembersAdded { users: added, message_id })
        })?;
        Ok(added)
    }

    /// Removes a member and writes the system message, in one transaction; returns what it
    /// wrote and who were members just before (`None`: not a member).
    pub async fn remove_member(
        &self,
        chat_id: &str,
        user_id: &str,
        sys: &SystemMessage,
    ) -> Result<Option<MemberRemoved>> {
        let now = now_ms();
        let removed = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let before: Vec<(String,)> = sqlx::query_as("SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY user_id")
                .bind(chat_id).fetch_all(&mut *tx).await?;
            let n = sqlx::query("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2").bind(chat_id).bind(user_id).execute(&mut *tx).await?.rows_affected();
            let mut written = None;
            if n > 0 {
                refresh_search!(tx, chat_id);
                written = Some(MemberRemoved {
                    message_id: insert_system!(tx, chat_id, sys, now),
                    members_before: before.into_iter().map(|(u,)| u).collect(),
                });
                let entry = crate::audit::NewAudit::new(sys.actor_id.as_deref(), "chat.member_removed", serde_json::json!({"user_id": user_id})).chat(chat_id);
                crate::audit::audit_insert!(&mut *tx, &entry)?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(written)
        })?;
        Ok(removed)
    }

    /// Renames a chat and writes the system message, in one transaction; returns the system
    /// message's id.
    pub async fn rename_chat(
        &self,
        chat_id: &str,
        name: &str,
        sys: &SystemMessage,
    ) -> Result<String> {
        let now = now_ms();
        Ok(with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE chats SET name = $1 WHERE id = $2").bind(name).bind(chat_id).execute(&mut *tx).await?;
            refresh_search!(tx, chat_id);
            let id = insert_system!(tx, chat_id, sys, now);
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        })?)
    }

    /// Writes a system message on its own.
    pub async fn post_system(&self, chat_id: &str, sys: &SystemMessage) -> Result<Message> {
        let now = now_ms();
        let id = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let id = insert_system!(tx, chat_id, sys, now);
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        })?;
        self.message(&id)
            .await?
            .ok_or(StoreError::NotFound("message"))
    }

    /// Sends a message: next sequence number, mentions, attachments (which must be the
    /// sender's and unused), urgent reminder, all in one transaction. With an idempotency key
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
        let (id, seq, attachments) = match result {
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
            id,
            chat_id: m.chat_id.clone(),
            seq,
            kind: "text".into(),
            sender_id: Some(m.sender_id.clone()),
            sender_name: Some(m.sender_name.clone()),
            body: m.body.clone(),
            html: m.html.clone(),
            importance: m.importance.clone(),
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
        })
    }

    /// Writes one message in its own transaction: sends with attachments or a reminder, and
    /// sends of a failed batch (`crate::sends`).
    pub(crate) async fn write_message(&self, m: &NewMessage, now: i64) -> Result<Written> {
        let data = m.data.as_ref().map(Value::to_string);
        let text_sql = crate::dialect::insert_message_text(self.backend());
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let (id, seq) = insert_message!(tx, chat = &m.chat_id, kind = "text", sender = Some(m.sender_id.as_str()), body = &m.body,
                html = &m.html, importance = &m.importance, data = data.clone(), key = m.idempotency_key.as_deref(), fingerprint = m.idempotency_fingerprint.as_deref(), at = now);
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
            sqlx::query(text_sql).bind(&id).bind(&m.chat_id).bind(tether_domain::search::index_terms(&text)).execute(&mut *tx).await?;
            if let Some(until) = m.remind_until {
                sqlx::query("INSERT INTO urgent_reminders (message_id, chat_id, next_at, until_at) VALUES ($1, $2, $3, $4)")
                    .bind(&id).bind(&m.chat_id).bind(now + m.remind_every_ms).bind(until).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>((id, seq, attachments))
        })
    }

    async fn message_by_key(&self, sender: &str, key: &str) -> Result<Option<KeyedMessage>> {
        let row: Option<(String, Option<String>)> = with_pool!(self, p => sqlx::query_as("SELECT id, idempotency_fingerprint FROM messages WHERE sender_id = $1 AND idempotency_key = $2")
            .bind(sender).bind(key).fetch_optional(p).await)?;
        let Some((id, fingerprint)) = row else {
            return Ok(None);
        };
        Ok(self.message(&id).await?.map(|message| KeyedMessage {
            message,
            fingerprint,
        }))
    }

    /// One message with its reactions and attachments.
    pub async fn message(&self, id: &str) -> Result<Option<Message>> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1");
        let row: Option<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?;
        let Some(row) = row else { return Ok(None) };
        let mut list = vec![row.into_message()?];
        self.fill_details(&mut list).await?;
        Ok(list.pop())
    }

    /// A chat's first `limit` messages, oldest first: what a new chat opened with (its opening
    /// system message is always the first, written with the chat).
    pub async fn first_messages(&self, chat_id: &str, limit: i64) -> Result<Vec<Message>> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.chat_id = $1 ORDER BY m.seq LIMIT $2");
        let rows: Vec<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id).bind(limit.clamp(1, 100)).fetch_all(p).await)?;
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
        chat_id: &str,
        visible_from: i64,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.chat_id = $1 AND m.created_at >= $2 AND ($3 IS NULL OR m.seq < $3) ORDER BY m.seq DESC LIMIT $4"
        );
        let rows: Vec<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id).bind(visible_from).bind(before_seq).bind(limit.clamp(1, 200)).fetch_all(p).await)?;
        let mut list = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>>>()?;
        self.fill_details(&mut list).await?;
        Ok(list)
    }

    /// Messages by id with their reactions and attachments, in one batch (search results).
    pub async fn messages_by_ids(&self, ids: &[String]) -> Result<Vec<Message>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<MessageRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(MESSAGE_SELECT);
            qb.push(" WHERE m.id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id);
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
        chat_id: &str,
        visible_from: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.chat_id = $1 AND m.created_at >= $2 AND m.created_at >= $3 AND m.created_at <= $4 ORDER BY m.seq LIMIT $5"
        );
        let rows: Vec<MessageRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id).bind(visible_from).bind(from).bind(to).bind(limit.clamp(1, 10_000)).fetch_all(p).await)?;
        let mut list = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>>>()?;
        self.fill_details(&mut list).await?;
        Ok(list)
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
        let mut by_id: BTreeMap<String, &mut Message> =
            list.iter_mut().map(|m| (m.id.clone(), m)).collect();
        for (mid, emoji, user) in reactions {
            if let Some(m) = by_id.get_mut(&mid) {
                match m.reactions.iter_mut().find(|(e, _)| *e == emoji) {
                    Some((_, users)) => users.push(user),
                    None => m.reactions.push((emoji, vec![user])),
                }
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

    /// Replaces a message's text (the caller checked it is the sender's).
    pub async fn edit_message(
        &self,
        id: &str,
        body: &str,
        html: &str,
        mentions: &[String],
    ) -> Result<Message> {
        let now = now_ms();
        let text_sql = crate::dialect::insert_message_text(self.backend());
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE messages SET body = $1, html = $2, edited_at = $3 WHERE id = $4 AND deleted_at IS NULL")
                .bind(body).bind(html).bind(now).bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM message_mentions WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
            let chat: Option<(String,)> = sqlx::query_as("SELECT chat_id FROM message_text WHERE message_id = $1").bind(id).fetch_optional(&mut *tx).await?;
            if let Some((chat_id,)) = chat {
                let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM attachments WHERE message_id = $1").bind(id).fetch_all(&mut *tx).await?;
                let mut text = body.to_owned();
                for (n,) in &names {
                    text.push(' ');
                    text.push_str(n);
                }
                sqlx::query("DELETE FROM message_text WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
                sqlx::query(text_sql).bind(id).bind(&chat_id).bind(tether_domain::search::index_terms(&text)).execute(&mut *tx).await?;
            }
            for u in mentions {
                sqlx::query("INSERT INTO message_mentions (message_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(id).bind(u).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        self.message(id)
            .await?
            .ok_or(StoreError::NotFound("message"))
    }

    /// Deletes a message's content, leaving a tombstone (kind and time stay, text goes). Its
    /// files are discarded: no one can download them, and their bytes are to be removed.
    pub async fn delete_message(&self, id: &str) -> Result<Message> {
        let now = now_ms();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE messages SET body = '', html = '', data = NULL, deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL")
                .bind(now).bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM message_mentions WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM reactions WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM urgent_reminders WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM message_text WHERE message_id = $1").bind(id).execute(&mut *tx).await?;
            // Its files can no longer be downloaded; their bytes go next (`discarded_attachments`).
            sqlx::query("UPDATE attachments SET discarded_at = $1 WHERE message_id = $2 AND discarded_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        self.message(id)
            .await?
            .ok_or(StoreError::NotFound("message"))
    }

    /// Adds `user_id`'s reaction `emoji` to the message, unless the message already carries
    /// `max_distinct` different reactions and `emoji` is not one of them.
    ///
    /// The message row is locked first (a write to it that changes nothing), so two people
    /// adding new reactions at once cannot both take the last place.
    pub async fn add_reaction(
        &self,
        message_id: &str,
        user_id: &str,
        emoji: &str,
        max_distinct: usize,
    ) -> Result<ReactionAdded> {
        let max = i64::try_from(max_distinct).unwrap_or(i64::MAX);
        let outcome = with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE messages SET id = id WHERE id = $1").bind(message_id).execute(&mut *tx).await?;
            let inserted = sqlx::query(
                "INSERT INTO reactions (message_id, user_id, emoji, created_at) SELECT $1, $2, $3, $4 \
                 WHERE EXISTS (SELECT 1 FROM reactions WHERE message_id = $1 AND emoji = $3) \
                    OR (SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = $1) < $5 \
                 ON CONFLICT DO NOTHING")
                .bind(message_id).bind(user_id).bind(emoji).bind(now_ms()).bind(max)
                .execute(&mut *tx).await?.rows_affected();
            let outcome = if inserted > 0 {
                ReactionAdded::Added
            } else {
                let mine: Option<String> = sqlx::query_scalar("SELECT emoji FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
                    .bind(message_id).bind(user_id).bind(emoji).fetch_optional(&mut *tx).await?;
                if mine.is_some() { ReactionAdded::AlreadyThere } else { ReactionAdded::TooMany }
            };
            tx.commit().await?;
            Ok::<_, sqlx::Error>(outcome)
        })?;
        Ok(outcome)
    }

    /// Adds (`add`) or removes a reaction; returns whether anything changed. Adding is not
    /// bounded here: the server adds with [`Store::add_reaction`].
    pub async fn set_reaction(
        &self,
        message_id: &str,
        user_id: &str,
        emoji: &str,
        add: bool,
    ) -> Result<bool> {
        let n = with_write!(self, p => if add {
            sqlx::query("INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(message_id).bind(user_id).bind(emoji).bind(now_ms()).execute(p).await.map(|r| r.rows_affected())
        } else {
            sqlx::query("DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
                .bind(message_id).bind(user_id).bind(emoji).execute(p).await.map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Moves the read marker forward (never back) to `seq`.
    pub async fn mark_read(&self, chat_id: &str, user_id: &str, seq: i64) -> Result<()> {
        with_write!(self, p => sqlx::query("UPDATE chat_members SET last_read_seq = $1 WHERE chat_id = $2 AND user_id = $3 AND last_read_seq < $1")
            .bind(seq).bind(chat_id).bind(user_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Stores an uploaded file's metadata (the bytes are in the object store).
    pub async fn create_attachment(&self, a: &Attachment) -> Result<()> {
        with_write!(self, p => sqlx::query("INSERT INTO attachments (id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)")
            .bind(&a.id).bind(&a.uploader_id).bind(&a.name).bind(&a.content_type).bind(a.size).bind(a.inline).bind(&a.storage_key).bind(a.created_at)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The attachment, if `user_id` may download it: its uploader before it is sent, or a member
    /// of the chat that carries it whose history window includes the message.
    pub async fn attachment_for(&self, id: &str, user_id: &str) -> Result<Option<Attachment>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.uploader_id, a.name, a.content_type, a.size, a.inline, a.storage_key, a.message_id, a.created_at FROM attachments a \
             LEFT JOIN messages m ON m.id = a.message_id LEFT JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = $2 \
             WHERE a.id = $1 AND a.discarded_at IS NULL AND ((a.message_id IS NULL AND a.uploader_id = $2) OR (cm.user_id IS NOT NULL AND m.created_at >= cm.visible_from AND m.deleted_at IS NULL))")
            .bind(id).bind(user_id).fetch_optional(p).await)?)
    }

    /// Stores an uploaded file's metadata (the bytes are in the object store) unless the
    /// uploader's unsent uploads, this one included, would then pass `max_unsent_bytes`; whether
    /// it was stored. One user's concurrent uploads are checked one after the other: SQLite has
    /// one writer, and on PostgreSQL the check holds a lock on the user's row.
    pub async fn create_attachment_within(
        &self,
        a: &Attachment,
        max_unsent_bytes: i64,
    ) -> Result<bool> {
        let postgres = self.backend() == crate::Backend::Postgres;
        Ok(with_write!(self, p => {
            let mut tx = p.begin().await?;
            if postgres {
                sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE").bind(&a.uploader_id).execute(&mut *tx).await?;
            }
            let n = sqlx::query("INSERT INTO attachments (id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, NULL, $8 \
                 WHERE $5 + (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments WHERE uploader_id = $2 AND message_id IS NULL AND discarded_at IS NULL) <= $9")
                .bind(&a.id).bind(&a.uploader_id).bind(&a.name).bind(&a.content_type).bind(a.size).bind(a.inline).bind(&a.storage_key).bind(a.created_at)
                .bind(max_unsent_bytes).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n > 0)
        })?)
    }

    /// Bytes of `user_id`'s uploads not sent in a message (nor discarded) yet.
    pub async fn unsent_attachment_bytes(&self, user_id: &str) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, p => sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments WHERE uploader_id = $1 AND message_id IS NULL AND discarded_at IS NULL")
            .bind(user_id).fetch_one(p).await)?;
        Ok(n)
    }

    /// Discards the uploads not sent in a message that were made before `created_before`: no
    /// one can download or send them from now on. How many.
    pub async fn discard_unsent_attachments(&self, created_before: i64) -> Result<u64> {
        Ok(with_write!(self, p => sqlx::query(
            "UPDATE attachments SET discarded_at = $1 WHERE message_id IS NULL AND discarded_at IS NULL AND created_at < $2")
            .bind(now_ms()).bind(created_before).execute(p).await.map(|r| r.rows_affected()))?)
    }

    /// Up to `limit` discarded files (of deleted messages, or unsent too long), oldest first:
    /// their bytes are to be removed, then their rows ([`Store::forget_attachment`]).
    pub async fn discarded_attachments(&self, limit: i64) -> Result<Vec<Attachment>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at FROM attachments \
             WHERE discarded_at IS NOT NULL ORDER BY discarded_at, id LIMIT $1")
            .bind(limit.clamp(1, 10_000)).fetch_all(p).await)?)
    }

    /// Every file of a message, discarded or not.
    pub async fn message_attachments(&self, message_id: &str) -> Result<Vec<Attachment>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at FROM attachments \
             WHERE message_id = $1 ORDER BY created_at, id")
            .bind(message_id).fetch_all(p).await)?)
    }

    /// Removes a discarded file's row (after its bytes); whether there was one. A file that is
    /// not discarded stays.
    pub async fn forget_attachment(&self, id: &str) -> Result<bool> {
        let n = with_write!(self, p => sqlx::query("DELETE FROM attachments WHERE id = $1 AND discarded_at IS NOT NULL")
            .bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Claims the urgent reminders due at `now` (moving each to its next time, or removing it
    /// when its time is up) and returns who has not read each. Safe with several nodes: a
    /// reminder is claimed by the one update that moves it.
    pub async fn claim_due_reminders(&self, now: i64, every_ms: i64) -> Result<Vec<DueReminder>> {
        let due: Vec<(String, String, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT message_id, chat_id, next_at FROM urgent_reminders WHERE next_at <= $1 ORDER BY next_at LIMIT 200")
            .bind(now).fetch_all(p).await)?;
        let mut out = Vec::new();
        for (message_id, chat_id, next_at) in due {
            let claimed = with_write!(self, p => sqlx::query("UPDATE urgent_reminders SET next_at = $1 WHERE message_id = $2 AND next_at = $3")
                .bind(next_at + every_ms).bind(&message_id).bind(next_at).execute(p).await.map(|r| r.rows_affected()))?;
            if claimed == 0 {
                continue;
            }
            with_write!(self, p => sqlx::query("DELETE FROM urgent_reminders WHERE message_id = $1 AND until_at < $2")
                .bind(&message_id).bind(next_at + every_ms).execute(p).await.map(|r| r.rows_affected()))?;
            let unread: Vec<(String,)> = with_pool!(self, p => sqlx::query_as(
                "SELECT cm.user_id FROM chat_members cm JOIN messages m ON m.chat_id = cm.chat_id AND m.id = $1 \
                 WHERE cm.last_read_seq < m.seq AND cm.visible_from <= m.created_at AND (m.sender_id IS NULL OR cm.user_id <> m.sender_id)")
                .bind(&message_id).fetch_all(p).await)?;
            if !unread.is_empty() {
                out.push(DueReminder {
                    message_id,
                    chat_id,
                    unread_user_ids: unread.into_iter().map(|u| u.0).collect(),
                });
            }
        }
        Ok(out)
    }

    /// The user ids of a chat's members (for event audiences).
    pub async fn member_ids(&self, chat_id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = with_pool!(self, p => sqlx::query_as("SELECT user_id FROM chat_members WHERE chat_id = $1").bind(chat_id).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

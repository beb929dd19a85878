//! Reading chats and their members: one chat, a user's list of chats with unread counts, the
//! members of one chat or of many at once.

use super::{Chat, ChatListItem, Member};
use crate::dialect::contains_pattern;
use crate::tx::{Db, on_db};
use crate::{Result, Store, Tx};
use std::collections::BTreeMap;
use tether_domain::ChatId;
use tether_domain::UserId;
use tether_domain::chat::ChatKind;

const CHAT_COLUMNS: &str = "c.id, c.kind, c.name, c.team_id, c.created_by, c.created_at, c.last_seq, c.last_message_at, c.last_message_by, c.last_activity_at";

/// A chat's members with the version of the list (`chats.members_version`), read in one
/// statement so that the two agree.
#[derive(Clone, Debug)]
pub struct MemberList {
    pub version: i64,
    pub members: Vec<Member>,
}

#[derive(sqlx::FromRow)]
struct VersionedMember {
    members_version: i64,
    #[sqlx(flatten)]
    member: Member,
}

/// A chat with one member's row ([`Store::chat_for_member`]); the member's columns are
/// prefixed, as the chat has a `name` of its own.
#[derive(sqlx::FromRow)]
struct ChatMemberRow {
    #[sqlx(flatten)]
    chat: Chat,
    member_name: String,
    member_active: bool,
    member_joined_at: i64,
    member_visible_from: i64,
    member_last_read_seq: i64,
}

#[derive(sqlx::FromRow)]
struct ChatListRow {
    #[sqlx(flatten)]
    chat: Chat,
    visible_from: i64,
    last_read_seq: i64,
}

impl Store {
    pub(super) async fn chat_by_pair(&self, pair: &str) -> Result<Option<Chat>> {
        let sql = format!("SELECT {CHAT_COLUMNS} FROM chats c WHERE c.pair_key = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(pair).fetch_optional(p).await)?,
        )
    }

    pub async fn chat(&self, id: &ChatId) -> Result<Option<Chat>> {
        chat_on(self.db(), id).await
    }

    /// A chat and the caller's membership in it, in one query; `None` when either is missing.
    pub async fn chat_for_member(
        &self,
        chat_id: &ChatId,
        user_id: &UserId,
    ) -> Result<Option<(Chat, Member)>> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS}, u.name AS member_name, u.active AS member_active, \
             cm.joined_at AS member_joined_at, cm.visible_from AS member_visible_from, \
             cm.last_read_seq AS member_last_read_seq FROM chats c \
             JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = $2 \
             JOIN users u ON u.id = cm.user_id WHERE c.id = $1"
        );
        let row: Option<ChatMemberRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(chat_id.as_str()).bind(user_id).fetch_optional(p).await)?;
        Ok(row.map(|r| {
            let member = Member {
                chat_id: r.chat.id.clone(),
                user_id: user_id.clone(),
                name: r.member_name,
                active: r.member_active,
                joined_at: r.member_joined_at,
                visible_from: r.member_visible_from,
                last_read_seq: r.member_last_read_seq,
            };
            (r.chat, member)
        }))
    }

    pub async fn member(&self, chat_id: &ChatId, user_id: &UserId) -> Result<Option<Member>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT cm.chat_id, cm.user_id, u.name, u.active, cm.joined_at, cm.visible_from, cm.last_read_seq FROM chat_members cm \
             JOIN users u ON u.id = cm.user_id WHERE cm.chat_id = $1 AND cm.user_id = $2")
            .bind(chat_id.as_str()).bind(user_id).fetch_optional(p).await)?)
    }

    /// Members of a chat, by name.
    pub async fn members(&self, chat_id: &ChatId) -> Result<Vec<Member>> {
        members_on(self.db(), chat_id).await
    }

    /// Members of a chat, by name, with the list's version; `None` when the chat has no
    /// members (or does not exist). A write that sees the same version (a send's
    /// `members_version`) saw this list.
    pub async fn member_list(&self, chat_id: &ChatId) -> Result<Option<MemberList>> {
        let rows: Vec<VersionedMember> = with_pool!(self, p => sqlx::query_as(
            "SELECT (SELECT c.members_version FROM chats c WHERE c.id = $1) AS members_version, \
             cm.chat_id, cm.user_id, u.name, u.active, cm.joined_at, cm.visible_from, cm.last_read_seq \
             FROM chat_members cm JOIN users u ON u.id = cm.user_id WHERE cm.chat_id = $1 ORDER BY u.name, u.id")
            .bind(chat_id.as_str()).fetch_all(p).await)?;
        let version = match rows.first() {
            Some(r) => r.members_version,
            None => return Ok(None),
        };
        Ok(Some(MemberList {
            version,
            members: rows.into_iter().map(|r| r.member).collect(),
        }))
    }

    /// Members of many chats in one query, keyed by chat id.
    pub async fn members_of(&self, chat_ids: &[ChatId]) -> Result<BTreeMap<ChatId, Vec<Member>>> {
        members_of_on(self.db(), chat_ids).await
    }

    /// The user's chats, most recent activity first: optionally only those whose name or
    /// members' names contain `filter`, and only those active before `before` (paging). Three
    /// queries whatever the page size: chats, their members, unread counts.
    pub async fn list_chats(
        &self,
        user_id: &UserId,
        filter: Option<&str>,
        kinds: &[ChatKind],
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ChatListItem>> {
        let user = user_id;
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
        let ids: Vec<ChatId> = rows.iter().map(|r| r.chat.id.clone()).collect();
        let mut members = self.members_of(&ids).await?;
        let unread = self.unread_counts(user, &ids).await?;
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
        user_id: &UserId,
        chat_ids: &[ChatId],
    ) -> Result<BTreeMap<ChatId, i64>> {
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
                sep.push_bind(id.as_str());
            }
            qb.push(") GROUP BY m.chat_id");
            qb.build_query_as().fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(chat, n)| (ChatId::new(chat), n))
            .collect())
    }

    /// The user ids of a chat's members (for event audiences).
    pub async fn member_ids(&self, chat_id: &ChatId) -> Result<Vec<UserId>> {
        let rows: Vec<(String,)> = with_pool!(self, p => sqlx::query_as("SELECT user_id FROM chat_members WHERE chat_id = $1").bind(chat_id.as_str()).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|r| UserId::new(r.0)).collect())
    }
}

impl Tx {
    /// A chat, as this transaction sees it.
    pub async fn chat(&mut self, id: &ChatId) -> Result<Option<Chat>> {
        chat_on(self.db(), id).await
    }

    /// Members of a chat, by name, as this transaction sees them.
    pub async fn members(&mut self, chat_id: &ChatId) -> Result<Vec<Member>> {
        members_on(self.db(), chat_id).await
    }
}

async fn chat_on(db: Db<'_>, id: &ChatId) -> Result<Option<Chat>> {
    let sql = format!("SELECT {CHAT_COLUMNS} FROM chats c WHERE c.id = $1");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(&mut *c).await)?,
    )
}

async fn members_on(db: Db<'_>, chat_id: &ChatId) -> Result<Vec<Member>> {
    Ok(members_of_on(db, std::slice::from_ref(chat_id))
        .await?
        .remove(chat_id)
        .unwrap_or_default())
}

async fn members_of_on(db: Db<'_>, chat_ids: &[ChatId]) -> Result<BTreeMap<ChatId, Vec<Member>>> {
    let mut out: BTreeMap<ChatId, Vec<Member>> = BTreeMap::new();
    if chat_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<Member> = on_db!(db, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "SELECT cm.chat_id, cm.user_id, u.name, u.active, cm.joined_at, cm.visible_from, cm.last_read_seq FROM chat_members cm \
             JOIN users u ON u.id = cm.user_id WHERE cm.chat_id IN (");
        let mut sep = qb.separated(", ");
        for id in chat_ids {
            sep.push_bind(id.as_str());
        }
        qb.push(") ORDER BY u.name, u.id");
        qb.build_query_as().fetch_all(&mut *c).await
    })?;
    for m in rows {
        out.entry(m.chat_id.clone()).or_default().push(m);
    }
    Ok(out)
}

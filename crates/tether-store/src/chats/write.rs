//! Changes to a chat, each with the system message that announces it in the same
//! transaction: creating a chat, adding and removing members, renaming, a system message on
//! its own.

use super::in_tx::{insert_chat, insert_system, refresh_search};
use super::{Chat, MemberRemoved, MembersAdded, Message, NewChat, SystemMessage};
use crate::member_check::require_member;
use crate::tx::tx_write;
use crate::{Result, Store, StoreError, Tx, new_id, now_ms};
use tether_domain::UserId;
use tether_domain::chat::ChatKind;
use tether_domain::{ChatId, MessageId};

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
                [(a, _), (b, _)] => Some(tether_domain::chat::pair_key(a.as_str(), b.as_str())),
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
                    self.chat(&ChatId::new(id))
                        .await?
                        .ok_or(StoreError::NotFound("chat"))?,
                    false,
                ));
            }
        }
        let id = ChatId::new(new_id());
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

    /// Adds members (each with their history window) and the system message, in one
    /// transaction (see [`Tx::add_members`]).
    pub async fn add_members(
        &self,
        chat_id: &ChatId,
        users: &[(UserId, i64)],
        added_by: &UserId,
        sys: &SystemMessage,
    ) -> Result<MembersAdded> {
        self.in_tx(async |tx| tx.add_members(chat_id, users, Some(added_by), sys).await)
            .await
    }

    /// Removes a member (`by` them or another member) and writes the system message, in one
    /// transaction; returns what it wrote and who were members just before (`None`: not a
    /// member). Whether `by` is a member is read inside it: `NotFound("chat")` when not.
    pub async fn remove_member(
        &self,
        chat_id: &ChatId,
        user_id: &UserId,
        by: &UserId,
        sys: &SystemMessage,
    ) -> Result<Option<MemberRemoved>> {
        let now = now_ms();
        let member_now = crate::dialect::member_now(self.backend());
        let removed = with_write!(self, p => {
            let mut tx = p.begin().await?;
            require_member!(&mut *tx, member_now, chat_id, by);
            let before: Vec<(String,)> = sqlx::query_as("SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY user_id")
                .bind(chat_id.as_str()).fetch_all(&mut *tx).await?;
            let n = sqlx::query("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2").bind(chat_id.as_str()).bind(user_id).execute(&mut *tx).await?.rows_affected();
            let mut written = None;
            if n > 0 {
                refresh_search!(tx, chat_id);
                written = Some(MemberRemoved {
                    message_id: insert_system!(tx, chat_id, sys, now),
                    members_before: before.into_iter().map(|(u,)| UserId::new(u)).collect(),
                });
                let entry = crate::audit::NewAudit::new(sys.actor_id.as_ref(), "chat.member_removed", serde_json::json!({"user_id": user_id})).chat(chat_id.as_str());
                crate::audit::audit_insert!(&mut *tx, &entry)?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(written)
        })?;
        Ok(removed)
    }

    /// Renames a chat (`by` a member) and writes the system message, in one transaction;
    /// returns the system message's id. Checked inside it as [`Store::remove_member`] is.
    pub async fn rename_chat(
        &self,
        chat_id: &ChatId,
        name: &str,
        by: &UserId,
        sys: &SystemMessage,
    ) -> Result<MessageId> {
        let now = now_ms();
        let member_now = crate::dialect::member_now(self.backend());
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            require_member!(&mut *tx, member_now, chat_id, by);
            sqlx::query("UPDATE chats SET name = $1 WHERE id = $2").bind(name).bind(chat_id.as_str()).execute(&mut *tx).await?;
            refresh_search!(tx, chat_id);
            let id = insert_system!(tx, chat_id, sys, now);
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Writes a system message on its own.
    pub async fn post_system(&self, chat_id: &ChatId, sys: &SystemMessage) -> Result<Message> {
        let id = self
            .in_tx(async |tx| tx.post_system(chat_id, sys).await)
            .await?;
        self.message(&id)
            .await?
            .ok_or(StoreError::NotFound("message"))
    }
}

impl Tx {
    /// Whether `user` is a member of the chat now; on PostgreSQL their member row stays
    /// share-locked until the transaction ends, so they cannot be removed before it does.
    pub async fn member_now(&mut self, chat_id: &ChatId, user: &UserId) -> Result<bool> {
        let member_now = crate::dialect::member_now(self.backend());
        tx_write!(self, c => sqlx::query(member_now).bind(chat_id.as_str()).bind(user.as_str()).fetch_optional(&mut *c).await.map(|r| r.is_some()))
    }

    /// Adds members (each with their history window) and, when someone was added, the system
    /// message and the audit entry. People already in the chat are left as they are; returns
    /// who was added and the system message. `added_by` is `None` when no person added them (a
    /// record handed over by a host system's sync).
    pub async fn add_members(
        &mut self,
        chat_id: &ChatId,
        users: &[(UserId, i64)],
        added_by: Option<&UserId>,
        sys: &SystemMessage,
    ) -> Result<MembersAdded> {
        let now = now_ms();
        tx_write!(self, c => {
            let mut added = Vec::new();
            for (user, visible_from) in users {
                let n = sqlx::query("INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING")
                    .bind(chat_id.as_str()).bind(user.as_str()).bind(now).bind(*visible_from).bind(added_by)
                    .execute(&mut *c).await?.rows_affected();
                if n > 0 {
                    added.push(user.clone());
                }
            }
            let mut message_id = None;
            if !added.is_empty() {
                refresh_search!(c, chat_id);
                message_id = Some(insert_system!(c, chat_id, sys, now));
                let entry = crate::audit::NewAudit::new(added_by, "chat.members_added", serde_json::json!({"user_ids": added})).chat(chat_id.as_str());
                crate::audit::audit_insert!(&mut *c, &entry)?;
            }
            Ok::<_, sqlx::Error>(MembersAdded { users: added, message_id })
        })
    }

    /// Writes a system message; answers its id.
    pub async fn post_system(
        &mut self,
        chat_id: &ChatId,
        sys: &SystemMessage,
    ) -> Result<MessageId> {
        let now = now_ms();
        tx_write!(self, c => {
            let id = insert_system!(c, chat_id, sys, now);
            Ok::<_, sqlx::Error>(id)
        })
    }
}

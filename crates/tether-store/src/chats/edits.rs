//! Changes to sent messages: edits, deletions (tombstones), reactions, read markers, and the
//! urgent reminders due.

use super::{DueReminder, Message, ReactionAdded};
use crate::{Result, Store, StoreError, now_ms};
use tether_domain::UserId;
use tether_domain::{ChatId, MessageId};

/// A new reaction's time (`$1` the message, `$4` now): now, or just after the message's latest
/// reaction when that is not earlier, so reactions given one after another keep their order
/// even within one millisecond (a message's reactions are listed by when each was first given).
const REACTION_AT: &str = "CASE WHEN COALESCE((SELECT MAX(created_at) FROM reactions WHERE message_id = $1), 0) >= $4 \
     THEN (SELECT MAX(created_at) FROM reactions WHERE message_id = $1) + 1 ELSE $4 END";

impl Store {
    /// Replaces the text of a message `by` sent. Whether `by` sent it, it is not deleted and
    /// `by` is a member of its chat is read inside the write: `NotFound("message")` when not.
    pub async fn edit_message(
        &self,
        id: &MessageId,
        by: &UserId,
        body: &str,
        html: &str,
        mentions: &[String],
    ) -> Result<Message> {
        let now = now_ms();
        let text_sql = crate::dialect::insert_message_text(self.backend());
        let guard = crate::dialect::may_act_on_message(self.backend(), true);
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            if sqlx::query(guard).bind(id.as_str()).bind(by).fetch_optional(&mut *tx).await?.is_none() {
                return Err(StoreError::NotFound("message"));
            }
            sqlx::query("UPDATE messages SET body = $1, html = $2, edited_at = $3 WHERE id = $4 AND deleted_at IS NULL")
                .bind(body).bind(html).bind(now).bind(id.as_str()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM message_mentions WHERE message_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            let chat: Option<(String,)> = sqlx::query_as("SELECT chat_id FROM message_text WHERE message_id = $1").bind(id.as_str()).fetch_optional(&mut *tx).await?;
            if let Some((chat_id,)) = chat {
                let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM attachments WHERE message_id = $1").bind(id.as_str()).fetch_all(&mut *tx).await?;
                let mut text = body.to_owned();
                for (n,) in &names {
                    text.push(' ');
                    text.push_str(n);
                }
                sqlx::query("DELETE FROM message_text WHERE message_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
                sqlx::query(text_sql).bind(id.as_str()).bind(&chat_id).bind(tether_domain::search::index_terms(&text)).execute(&mut *tx).await?;
            }
            for u in mentions {
                sqlx::query("INSERT INTO message_mentions (message_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(id.as_str()).bind(u).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.message(id)
            .await?
            .ok_or(StoreError::NotFound("message"))
    }

    /// Deletes the content of a message `by` sent, leaving a tombstone (kind and time stay,
    /// text goes). Its files are discarded: no one can download them, and their bytes are to
    /// be removed. Checked inside the write as [`Store::edit_message`] is.
    pub async fn delete_message(&self, id: &MessageId, by: &UserId) -> Result<Message> {
        let now = now_ms();
        let guard = crate::dialect::may_act_on_message(self.backend(), true);
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            if sqlx::query(guard).bind(id.as_str()).bind(by).fetch_optional(&mut *tx).await?.is_none() {
                return Err(StoreError::NotFound("message"));
            }
            sqlx::query("UPDATE messages SET body = '', html = '', data = NULL, deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL")
                .bind(now).bind(id.as_str()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM message_mentions WHERE message_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM reactions WHERE message_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM urgent_reminders WHERE message_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM message_text WHERE message_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            // Its files can no longer be downloaded; their bytes go next (`discarded_attachments`).
            sqlx::query("UPDATE attachments SET discarded_at = $1 WHERE message_id = $2 AND discarded_at IS NULL").bind(now).bind(id.as_str()).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.message(id)
            .await?
            .ok_or(StoreError::NotFound("message"))
    }

    /// Adds `user_id`'s reaction `emoji` to the message, unless the message already carries
    /// `max_distinct` different reactions and `emoji` is not one of them.
    ///
    /// The message row is locked first (a write to it that changes nothing), so two people
    /// adding new reactions at once cannot both take the last place. Whether `user_id` is a
    /// member of the message's chat, and whether the message is still there (not deleted), is
    /// read inside the write: `NotFound("message")` when not.
    pub async fn add_reaction(
        &self,
        message_id: &MessageId,
        user_id: &UserId,
        emoji: &str,
        max_distinct: usize,
    ) -> Result<ReactionAdded> {
        let max = i64::try_from(max_distinct).unwrap_or(i64::MAX);
        let guard = crate::dialect::may_act_on_message(self.backend(), false);
        let outcome = with_write!(self, p => {
            let mut tx = p.begin().await?;
            if sqlx::query(guard).bind(message_id.as_str()).bind(user_id).fetch_optional(&mut *tx).await?.is_none() {
                return Err(StoreError::NotFound("message"));
            }
            // The lock waits for a delete under way; on PostgreSQL the row is then read anew, so a
            // message deleted meanwhile locks nothing and takes no reaction.
            if sqlx::query("UPDATE messages SET id = id WHERE id = $1 AND deleted_at IS NULL").bind(message_id.as_str()).execute(&mut *tx).await?.rows_affected() == 0 {
                return Err(StoreError::NotFound("message"));
            }
            let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO reactions (message_id, user_id, emoji, created_at) SELECT $1, $2, $3, {REACTION_AT} \
                 WHERE EXISTS (SELECT 1 FROM reactions WHERE message_id = $1 AND emoji = $3) \
                    OR (SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = $1) < $5 \
                 ON CONFLICT DO NOTHING")))
                .bind(message_id.as_str()).bind(user_id).bind(emoji).bind(now_ms()).bind(max)
                .execute(&mut *tx).await?.rows_affected();
            let outcome = if inserted > 0 {
                ReactionAdded::Added
            } else {
                let mine: Option<String> = sqlx::query_scalar("SELECT emoji FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
                    .bind(message_id.as_str()).bind(user_id).bind(emoji).fetch_optional(&mut *tx).await?;
                if mine.is_some() { ReactionAdded::AlreadyThere } else { ReactionAdded::TooMany }
            };
            tx.commit().await?;
            Ok::<_, StoreError>(outcome)
        })?;
        Ok(outcome)
    }

    /// Adds (`add`) or removes a reaction; returns whether anything changed. Adding is not
    /// bounded here: the server adds with [`Store::add_reaction`]. Checked inside the write as
    /// [`Store::add_reaction`] is.
    pub async fn set_reaction(
        &self,
        message_id: &MessageId,
        user_id: &UserId,
        emoji: &str,
        add: bool,
    ) -> Result<bool> {
        let guard = crate::dialect::may_act_on_message(self.backend(), false);
        let n = with_write!(self, p => {
            let mut tx = p.begin().await?;
            if sqlx::query(guard).bind(message_id.as_str()).bind(user_id).fetch_optional(&mut *tx).await?.is_none() {
                return Err(StoreError::NotFound("message"));
            }
            let n = if add {
                sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES ($1, $2, $3, {REACTION_AT}) ON CONFLICT DO NOTHING")))
                    .bind(message_id.as_str()).bind(user_id).bind(emoji).bind(now_ms()).execute(&mut *tx).await?.rows_affected()
            } else {
                sqlx::query("DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3")
                    .bind(message_id.as_str()).bind(user_id).bind(emoji).execute(&mut *tx).await?.rows_affected()
            };
            tx.commit().await?;
            Ok::<_, StoreError>(n)
        })?;
        Ok(n > 0)
    }

    /// Moves the read marker forward (never back) to `seq`.
    pub async fn mark_read(&self, chat_id: &ChatId, user_id: &UserId, seq: i64) -> Result<()> {
        with_write!(self, p => sqlx::query("UPDATE chat_members SET last_read_seq = $1 WHERE chat_id = $2 AND user_id = $3 AND last_read_seq < $1")
            .bind(seq).bind(chat_id.as_str()).bind(user_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Claims the urgent reminders due at `now` (moving each to its next time, or removing it
    /// when its time is up) and returns who has not read each: three statements however many
    /// are due (at most 200 a call). Safe with several nodes: a reminder is claimed by the one
    /// update that moves it (the update re-checks that it is still due).
    pub async fn claim_due_reminders(&self, now: i64, every_ms: i64) -> Result<Vec<DueReminder>> {
        let claimed: Vec<(String, String)> = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let claimed: Vec<(String, String)> = sqlx::query_as(
                "UPDATE urgent_reminders SET next_at = next_at + $2 WHERE next_at <= $1 AND message_id IN \
                 (SELECT message_id FROM urgent_reminders WHERE next_at <= $1 ORDER BY next_at LIMIT 200) \
                 RETURNING message_id, chat_id")
                .bind(now).bind(every_ms).fetch_all(&mut *tx).await?;
            if !claimed.is_empty() {
                // Those whose time is up after this reminder.
                let mut qb = sqlx::QueryBuilder::new("DELETE FROM urgent_reminders WHERE until_at < next_at AND message_id IN (");
                let mut sep = qb.separated(", ");
                for (id, _) in &claimed {
                    sep.push_bind(id);
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(claimed)
        })?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let unread: Vec<(String, String)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT m.id, cm.user_id FROM messages m JOIN chat_members cm ON cm.chat_id = m.chat_id \
                 WHERE cm.last_read_seq < m.seq AND cm.visible_from <= m.created_at AND (m.sender_id IS NULL OR cm.user_id <> m.sender_id) \
                 AND m.id IN (",
            );
            let mut sep = qb.separated(", ");
            for (id, _) in &claimed {
                sep.push_bind(id);
            }
            qb.push(") ORDER BY m.id, cm.user_id");
            qb.build_query_as().fetch_all(p).await
        })?;
        let mut by_message: std::collections::BTreeMap<String, Vec<UserId>> =
            std::collections::BTreeMap::new();
        for (message_id, user_id) in unread {
            by_message
                .entry(message_id)
                .or_default()
                .push(UserId::new(user_id));
        }
        Ok(claimed
            .into_iter()
            .filter_map(|(message_id, chat_id)| {
                let unread_user_ids = by_message.remove(&message_id)?;
                Some(DueReminder {
                    message_id: MessageId::new(message_id),
                    chat_id: ChatId::new(chat_id),
                    unread_user_ids,
                })
            })
            .collect())
    }
}

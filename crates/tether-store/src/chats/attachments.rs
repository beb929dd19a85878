//! Uploaded files: stored before they are sent (each user's unsent bytes bounded), downloaded
//! by those who may see their message, discarded and then forgotten.

use super::Attachment;
use crate::{Result, Store, now_ms};
use tether_domain::AttachmentId;
use tether_domain::UserId;

impl Store {
    /// Stores an uploaded file's metadata (the bytes are in the object store).
    pub async fn create_attachment(&self, a: &Attachment) -> Result<()> {
        with_write!(self, p => sqlx::query("INSERT INTO attachments (id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)")
            .bind(a.id.as_str()).bind(&a.uploader_id).bind(&a.name).bind(&a.content_type).bind(a.size).bind(a.inline).bind(&a.storage_key).bind(a.created_at)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The attachment, if `user_id` may download it: its uploader before it is sent, or a member
    /// of the chat that carries it whose history window includes the message.
    pub async fn attachment_for(
        &self,
        id: &AttachmentId,
        user_id: &UserId,
    ) -> Result<Option<Attachment>> {
        let id = id.as_str();
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
                .bind(a.id.as_str()).bind(&a.uploader_id).bind(&a.name).bind(&a.content_type).bind(a.size).bind(a.inline).bind(&a.storage_key).bind(a.created_at)
                .bind(max_unsent_bytes).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n > 0)
        })?)
    }

    /// Bytes of `user_id`'s uploads not sent in a message (nor discarded) yet.
    pub async fn unsent_attachment_bytes(&self, user_id: &UserId) -> Result<i64> {
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
    pub async fn message_attachments(
        &self,
        message_id: &tether_domain::MessageId,
    ) -> Result<Vec<Attachment>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at FROM attachments \
             WHERE message_id = $1 ORDER BY created_at, id")
            .bind(message_id.as_str()).fetch_all(p).await)?)
    }

    /// Removes a discarded file's row (after its bytes); whether there was one. A file that is
    /// not discarded stays.
    pub async fn forget_attachment(&self, id: &AttachmentId) -> Result<bool> {
        let id = id.as_str();
        let n = with_write!(self, p => sqlx::query("DELETE FROM attachments WHERE id = $1 AND discarded_at IS NOT NULL")
            .bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }
}

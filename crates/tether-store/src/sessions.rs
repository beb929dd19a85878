//! Sign-in sessions and login throttling, kept in the database so that any node can answer
//! (nothing about a session lives in one process's memory).

use crate::audit::{NewAudit, audit_insert};
use crate::people::UserSummary;
use crate::{Result, Store, StoreError, now_ms};
use tether_domain::UserId;

/// A live session, joined with its user.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(try_from = "String")]
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    /// The integration whose launch started it: an embed session (issue 19).
    pub integration_id: Option<String>,
}

impl SessionRow {
    pub fn user(&self) -> UserSummary {
        UserSummary {
            id: self.user_id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            active: self.active,
        }
    }
}

impl Store {
    /// Stores a session under the hash of its token (the token itself is never stored).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: &UserId,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        with_write!(self, p => sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash).bind(user_id).bind(csrf_token).bind(now_ms()).bind(expires_at).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Starts a session after a successful sign-in, in one transaction: stores it (under the
    /// hash of its token), forgets the failed sign-ins under `clear_key`, and writes `audit`.
    pub async fn start_session(
        &self,
        token_hash: &str,
        user_id: &UserId,
        csrf_token: &str,
        expires_at: i64,
        clear_key: &str,
        audit: &NewAudit,
    ) -> Result<()> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash).bind(user_id).bind(csrf_token).bind(now_ms()).bind(expires_at).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(clear_key).execute(&mut *tx).await?;
            audit_insert!(&mut *tx, audit)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    /// The unexpired session with this token hash, with its user.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT s.user_id, s.csrf_token, s.expires_at, u.name, u.email, u.active, s.integration_id FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2")
            .bind(token_hash).bind(now_ms()).fetch_optional(p).await)?)
    }

    /// Ends one session (logout).
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_write!(self, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends one session (sign-out) and writes `audit`, in one transaction.
    pub async fn end_session(&self, token_hash: &str, audit: &NewAudit) -> Result<()> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
            audit_insert!(&mut *tx, audit)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    /// Removes expired sessions and old login failures; returns how many rows went.
    pub async fn purge_expired(&self, failures_older_than: i64) -> Result<u64> {
        let now = now_ms();
        let n = with_write!(self, p => {
            let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(p).await?.rows_affected();
            let b = sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(failures_older_than).execute(p).await?.rows_affected();
            let c = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(failures_older_than).execute(p).await?.rows_affected();
            Ok::<_, sqlx::Error>(a + b + c)
        })?;
        Ok(n)
    }

    /// Records a failed sign-in under each key (`account:<email>`, `addr:<ip>`,
    /// `pair:<ip> <email>`), with its audit entry when one is given, in one transaction.
    pub async fn record_login_failure(
        &self,
        keys: &[String],
        audit: Option<&NewAudit>,
    ) -> Result<()> {
        let now = now_ms();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            for k in keys {
                sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)").bind(k).bind(now).execute(&mut *tx).await?;
            }
            if let Some(entry) = audit {
                audit_insert!(&mut *tx, entry)?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    /// Failed sign-ins under `key` since `since` (epoch ms), and the oldest of them.
    pub async fn login_failures_since(&self, key: &str, since: i64) -> Result<(i64, Option<i64>)> {
        let row: (i64, Option<i64>) = with_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at >= $2")
            .bind(key).bind(since).fetch_one(p).await)?;
        Ok(row)
    }

    /// Counts one request under `key` in the fixed window that starts at `window_start` (epoch
    /// ms); returns the requests counted in that window, this one included. A new window starts
    /// the count afresh. One statement, so concurrent requests on any node count exactly.
    pub async fn count_hit(&self, key: &str, window_start: i64) -> Result<i64> {
        let (hits,): (i64,) = with_write!(self, p => sqlx::query_as(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END, \
             window_start = excluded.window_start \
             RETURNING hits")
            .bind(key).bind(window_start).fetch_one(p).await)?;
        Ok(hits)
    }

    /// Forgets failures under `key` (after a successful sign-in of that account).
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        with_write!(self, p => sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}

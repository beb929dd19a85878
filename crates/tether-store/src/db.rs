//! The `Store` handle: the pool enum that lets one query text run on either backend, the
//! store's write health (every write passes [`Store::observe_write`]) and its queue of sends.
//! The real read and the real write `/healthz` probes with live here too. Opening a store is
//! `connect`'s.

use crate::health::{WriteFailure, WriteHealth};
use crate::outgoing::SendQueue;
use crate::{Result, StoreError, now_ms};
use sqlx::{PgPool, SqlitePool};
use std::sync::Arc;

/// Which database is behind a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The storage interface: every read and write the server needs, on SQLite or PostgreSQL.
#[derive(Clone, Debug)]
pub struct Store {
    /// Where reads run.
    pub(crate) pool: Pool,
    /// Where writes run (`with_write!`): on SQLite a pool of one connection, on PostgreSQL
    /// the same pool as reads.
    pub(crate) writer: Pool,
    /// Plain message sends queue here for group commit (`crate::sends`); `None` in the store
    /// the batcher task itself holds.
    pub(crate) sends: Option<SendQueue>,
    /// Whether writes commit (`crate::health`), shared by every clone.
    pub(crate) health: Arc<WriteHealth>,
}

/// A write's result as the store's own: `with_write!` bodies answer `sqlx::Error` or
/// [`StoreError`].
pub(crate) fn into_store<T, E: Into<StoreError>>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(Into::into)
}

impl Store {
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs a write and notes its outcome in the store's write health (see `crate::health`).
    pub(crate) async fn observe_write<T>(
        &self,
        write: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = write.await;
        self.health.observe(&result, now_ms());
        result
    }

    /// Why writes are failing: from the first failure of the storage until a write has
    /// committed after the latest failure and a few seconds have passed; `None` while writes
    /// commit.
    pub fn write_failure(&self) -> Option<WriteFailure> {
        self.health.current(now_ms())
    }

    /// A real write (one row of `health_probe`, rewritten): ends a recorded failure when it
    /// commits, and records one when the storage refuses it.
    pub async fn probe_write(&self) -> Result<()> {
        with_write!(self, p => sqlx::query(
            "INSERT INTO health_probe (id, checked_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))
    }

    /// A real read: the schema and the first row of the tables every request needs, read from
    /// the tables themselves (each picks a column no index holds, so no index can answer in
    /// its place), so a damaged file or an unreadable disk fails here rather than only on
    /// some request.
    pub async fn probe_read(&self) -> Result<()> {
        const SQL: &str = "SELECT (SELECT CAST(length(value) AS BIGINT) FROM settings LIMIT 1), \
             (SELECT CAST(length(password_hash) AS BIGINT) FROM users LIMIT 1), \
             (SELECT CAST(length(csrf_token) AS BIGINT) FROM sessions LIMIT 1), \
             (SELECT CAST(length(kind) AS BIGINT) FROM chats LIMIT 1), \
             (SELECT CAST(length(html) AS BIGINT) FROM messages LIMIT 1), \
             (SELECT CAST(length(fields) AS BIGINT) FROM records LIMIT 1)";
        type Row = (
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let _: Row = with_pool!(self, p => sqlx::query_as(SQL).fetch_one(p).await)?;
        Ok(())
    }
}

//! Tether's storage interface and its two implementations.
//!
//! [`Store`] is the one interface the server talks to. Behind it a connection pool for SQLite
//! (the embedded default) or PostgreSQL (the scale-out store), chosen at run time from the
//! database URL. Each query is written once with `$n` placeholders and runs on whichever pool is
//! in use: the [`with_pool!`] macro expands the same code for both drivers. Dialect differences
//! (full-text search, locking) live in [`dialect`] and nowhere else.
//!
//! Conventions that keep one SQL text valid on both backends: ids are `TEXT`, times are epoch
//! milliseconds in `BIGINT`, JSON documents are `TEXT`, flags are `BOOLEAN`.
//!
//! Modules form layers, each using only those before it: `error`, `health`, `outgoing` (the
//! leaves) → `db` (the `Store` handle holding them) → `dialect`, `audit`, `sends`, `connect` →
//! `chats`, `people` → `records`, `collab`, `sessions`, `team_admin`, `api_keys` → `record_search`,
//! `bulk`, `webhooks` (whose `outbox` statements `sends`, `chats` and `collab` write with their
//! changes), `digest` (the e-mail digest's queue, which reads what `chats` wrote).

/// The test a webhook delivery `d` passes when a claim would take it at `$1`: pending, due, not
/// held, and the oldest pending delivery of its record to its endpoint (order per record). One
/// text for the claim (`dialect::claim_webhook_deliveries`), the idle poll's read and the
/// endpoints with work, so the three cannot drift apart.
macro_rules! webhook_claimable {
    () => {
        "d.status = 'pending' AND d.next_attempt_at <= $1 \
         AND (d.claimed_until IS NULL OR d.claimed_until <= $1) \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id \
         AND e.record_id = d.record_id AND e.status = 'pending' AND e.seq < d.seq)"
    };
}

/// Runs the same code on whichever pool the store holds: inside, `$p` is `&SqlitePool` or
/// `&PgPool`, and sqlx infers the database from it. This is how each query is written once.
macro_rules! with_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}

/// Like `with_pool!`, for statements that write: on SQLite they run on the one writer
/// connection, so writers queue in the pool (first come, first served) instead of racing for
/// the database lock and sleeping in SQLite's busy handler; readers keep their own connections
/// (WAL lets them read while the writer writes). On PostgreSQL it is the same pool.
///
/// The body runs in its own async block (a `?` or `return` inside ends the body, not the
/// caller) and its outcome passes through `Store::observe_write`, which keeps the store's
/// write health: a storage failure (disk full, I/O error, lost connection) marks writes as
/// failing until a write commits again. The result is a `Result<_, StoreError>`.
macro_rules! with_write {
    ($store:expr, $p:ident => $body:expr) => {
        $store
            .observe_write(async {
                match &$store.writer {
                    $crate::db::Pool::Sqlite($p) => $crate::db::into_store($body),
                    $crate::db::Pool::Postgres($p) => $crate::db::into_store($body),
                }
            })
            .await
    };
}

pub mod api_keys;
pub mod audit;
pub mod bulk;
pub mod chats;
pub mod collab;
mod connect;
mod db;
pub mod dialect;
pub mod digest;
mod error;
mod health;
pub mod integrations;
mod member_check;
mod outgoing;
pub mod people;
pub mod preferences;
pub mod record_search;
pub mod record_types;
pub mod records;
mod seed;
mod sends;
pub mod sessions;
pub mod similar;
pub mod team_admin;
#[cfg(feature = "test-support")]
pub mod test_support;
mod tx;
pub mod webhooks;

pub use connect::{ConnectOptions, SQLITE_CACHE_KIB, SQLITE_MMAP_BYTES};
pub use db::{Backend, Store};
pub use error::{StorageFailure, StoreError};
pub use health::WriteFailure;
pub use tx::Tx;

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Milliseconds since the Unix epoch, the store's clock.
pub fn now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A fresh time-ordered id (UUID v7 in its 32-hex-digit form).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

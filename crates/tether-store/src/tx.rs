//! One write transaction as a handle, and the pool-or-transaction handle reads run on.
//!
//! [`Store::begin`] opens a [`Tx`] on the writer (on SQLite the one writer connection, so the
//! transaction sees every committed write and no other writer runs until it ends); its methods
//! read and write inside it; [`Tx::commit`] ends it. Dropped without a commit, it rolls back.
//! A use case whose changes must stand or fall together (a record change with the
//! announcements and the hand-over it causes) writes them all on one `Tx`; the store's methods
//! that make one change (`Store::update_record`, `Store::post_system`, `Store::add_members`)
//! are a `Tx` each, running the same statements.
//!
//! Reads that both a `Tx` and the store's pool answer are written once over a [`Db`]: the pool
//! (a connection acquired for the statement) or the open transaction, with the `on_db!` macro
//! expanding the same code for both drivers as `with_pool!` does.
//!
//! The store's write health (`crate::health`) sees every failure inside a transaction, and a
//! success only when the commit succeeds: a statement that ran is not yet a write that
//! committed.

use crate::db::{Pool, into_store};
use crate::health::WriteHealth;
use crate::{Backend, Result, Store, now_ms};
use std::sync::Arc;

/// A write transaction on either backend.
pub(crate) enum TxConn {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Where a read runs: the store's read pool, or an open transaction (which sees its own
/// uncommitted writes).
pub(crate) enum Db<'a> {
    Pool(&'a Pool),
    Tx(&'a mut TxConn),
}

/// Runs the same code on whichever connection a [`Db`] gives: inside, `$c` is
/// `&mut SqliteConnection` or `&mut PgConnection` (a statement takes `&mut *$c`). On the pool a
/// connection is acquired for the body and given back after it.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::tx::Db::Pool($crate::db::Pool::Sqlite(p)) => {
                let mut conn = p.acquire().await?;
                let $c = &mut *conn;
                $body
            }
            $crate::tx::Db::Pool($crate::db::Pool::Postgres(p)) => {
                let mut conn = p.acquire().await?;
                let $c = &mut *conn;
                $body
            }
            $crate::tx::Db::Tx($crate::tx::TxConn::Sqlite(t)) => {
                let $c = &mut **t;
                $body
            }
            $crate::tx::Db::Tx($crate::tx::TxConn::Postgres(t)) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Runs a write inside the transaction `$tx` (a `&mut Tx`): `$c` is its connection, as in
/// `on_db!`. The body runs in its own async block and answers a `Result<_, StoreError>` (a `?`
/// converts); a storage failure is noted in the store's write health.
macro_rules! tx_write {
    ($tx:expr, $c:ident => $body:expr) => {{
        let tx: &mut $crate::tx::Tx = $tx;
        let result = async {
            match &mut tx.conn {
                $crate::tx::TxConn::Sqlite(t) => {
                    let $c = &mut **t;
                    $crate::db::into_store($body)
                }
                $crate::tx::TxConn::Postgres(t) => {
                    let $c = &mut **t;
                    $crate::db::into_store($body)
                }
            }
        }
        .await;
        tx.failed(&result);
        result
    }};
}

pub(crate) use {on_db, tx_write};

/// An open write transaction (see the module documentation).
pub struct Tx {
    pub(crate) conn: TxConn,
    health: Arc<WriteHealth>,
}

impl Store {
    /// Opens a write transaction. Keep it short: on SQLite every other write waits for it. While
    /// it is open, write only through it: on SQLite it holds the one writer connection, so a
    /// write through the `Store` from the same task would wait for it until the pool's acquire
    /// timeout. Reads through the `Store` are fine (they see what is committed).
    pub async fn begin(&self) -> Result<Tx> {
        let conn = match &self.writer {
            Pool::Sqlite(p) => into_store(p.begin().await).map(TxConn::Sqlite),
            Pool::Postgres(p) => into_store(p.begin().await).map(TxConn::Postgres),
        };
        let tx = conn.map(|conn| Tx {
            conn,
            health: self.health.clone(),
        });
        // A failure to begin is a storage failure like any other; a transaction begun is not
        // yet a write that committed, so it does not end a recorded failure.
        if tx.is_err() {
            self.health.observe(&tx, now_ms());
        }
        tx
    }

    /// Runs `write` on a transaction of its own and commits it: a store method that makes one
    /// change runs the same statements a use case composes on its own [`Tx`].
    pub(crate) async fn in_tx<T>(
        &self,
        write: impl AsyncFnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.begin().await?;
        let value = write(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// The read pool as a [`Db`].
    pub(crate) fn db(&self) -> Db<'_> {
        Db::Pool(&self.pool)
    }
}

impl Tx {
    /// Commits everything written on this transaction; the store's write health notes it.
    pub async fn commit(self) -> Result<()> {
        let result = match self.conn {
            TxConn::Sqlite(t) => into_store(t.commit().await),
            TxConn::Postgres(t) => into_store(t.commit().await),
        };
        self.health.observe(&result, now_ms());
        result
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            TxConn::Sqlite(_) => Backend::Sqlite,
            TxConn::Postgres(_) => Backend::Postgres,
        }
    }

    /// The transaction as a [`Db`], for the reads written once for both.
    pub(crate) fn db(&mut self) -> Db<'_> {
        Db::Tx(&mut self.conn)
    }

    /// Takes `row`'s lock (`key`: its id or name) for the rest of the transaction, where the
    /// backend needs one (`crate::dialect::lock_row`).
    pub(crate) async fn lock(&mut self, row: crate::dialect::Locked, key: &str) -> Result<()> {
        match crate::dialect::lock_row(self.backend(), row) {
            Some(sql) => {
                tx_write!(self, c => sqlx::query(sql).bind(key).execute(&mut *c).await.map(|_| ()))
            }
            None => Ok(()),
        }
    }

    /// Notes a storage failure inside the transaction (a success waits for the commit).
    pub(crate) fn failed<T>(&self, result: &Result<T>) {
        if result.is_err() {
            self.health.observe(result, now_ms());
        }
    }
}

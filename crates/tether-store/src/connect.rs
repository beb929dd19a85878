//! Opening a store: connecting (which starts the store's send batcher, `sends`), migrating
//! and seeding; the operations on the database as a whole (backup, raw statements, a ping);
//! closing.

use crate::db::Pool;
use crate::health::WriteHealth;
use crate::outgoing::SendQueue;
use crate::{Result, Store, StoreError};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Connection settings beyond the URL.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// How long to wait for the database before giving up at start.
    pub connect_timeout: Duration,
    /// SQLite: `synchronous=FULL`, so an accepted write survives power loss, not only a killed
    /// process (`synchronous=NORMAL`, the default). PostgreSQL is durable by its own settings.
    pub durable: bool,
    /// SQLite: the page cache of each connection, in KiB (the writer and up to eight readers:
    /// nine times this at most).
    pub sqlite_cache_kib: u32,
    /// SQLite: how much of the database file reads map into memory instead of copying it
    /// through each connection's cache, in bytes (shared by all connections; pages the kernel
    /// may drop under pressure). 0 turns the map off.
    pub sqlite_mmap_bytes: u64,
}

/// Default page cache per SQLite connection (KiB).
pub const SQLITE_CACHE_KIB: u32 = 32 * 1024;
/// Default SQLite memory map (bytes).
pub const SQLITE_MMAP_BYTES: u64 = 256 * 1024 * 1024;

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 16,
            connect_timeout: Duration::from_secs(5),
            durable: false,
            sqlite_cache_kib: SQLITE_CACHE_KIB,
            sqlite_mmap_bytes: SQLITE_MMAP_BYTES,
        }
    }
}

/// Most SQLite reader connections: reads are short and CPU-bound, and each connection's page
/// cache is invalidated by every write, so a few connections serve better than many.
const SQLITE_READERS: u32 = 8;

/// Longest wait for SQLite's writer connection before a write fails.
const WRITE_QUEUE_TIMEOUT: Duration = Duration::from_secs(30);

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `url` (`sqlite://path`, `sqlite::memory:`, `postgres://…`). A SQLite file
    /// and its directory are created when missing; SQLite runs in WAL mode with
    /// `synchronous=NORMAL` (an accepted write survives a killed process) and a busy timeout.
    pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Store> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(if opts.durable {
                    SqliteSynchronous::Full
                } else {
                    SqliteSynchronous::Normal
                })
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("temp_store", "memory")
                // A negative cache size is in KiB.
                .pragma("cache_size", format!("-{}", opts.sqlite_cache_kib))
                // Reads map the file instead of copying pages through `pread` into each
                // connection's cache (which every write invalidates).
                .pragma("mmap_size", opts.sqlite_mmap_bytes.to_string());
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Invalid(format!(
                        "cannot create database directory {}: {e}",
                        dir.display()
                    ))
                })?;
            }
            let in_memory = url.contains(":memory:");
            let path = options.get_filename().to_path_buf();
            let pool = SqlitePoolOptions::new()
                .max_connections(if in_memory {
                    1
                } else {
                    opts.max_connections.min(SQLITE_READERS)
                })
                .min_connections(1)
                .acquire_timeout(opts.connect_timeout)
                // An in-process connection cannot be lost as a network one can, and sqlx's
                // check before lending it out is a trip to the connection's thread and back.
                .test_before_acquire(false)
                .connect_with(options.clone())
                .await
                .map_err(|e| sqlite_open_error(e, &path))?;
            let health = Arc::new(WriteHealth::default());
            // SQLite lets one writer in at a time: writes queue for this one connection. The
            // wait is bounded by the requests' own timeout, not by the start-up timeout.
            let writer = if in_memory {
                pool.clone()
            } else {
                let replace = health.clone();
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .acquire_timeout(WRITE_QUEUE_TIMEOUT)
                    // No check trip per batch (see above): a storage failure replaces the
                    // connection through `replace_writer` instead.
                    .test_before_acquire(false)
                    // After a storage failure the connection is closed and opened afresh.
                    .before_acquire(move |_, _| {
                        let replace = replace.clone();
                        Box::pin(async move {
                            Ok(!replace.replace_writer.swap(false, Ordering::AcqRel))
                        })
                    })
                    .after_release(|conn, _| Box::pin(sqlite_writer_is_clean(conn)))
                    .connect_with(options)
                    .await
                    .map_err(|e| sqlite_open_error(e, &path))?;
                // Another process holding the database's write lock shows here, at start,
                // rather than as a timeout on the first write.
                sqlx::raw_sql("BEGIN IMMEDIATE; ROLLBACK")
                    .execute(&writer)
                    .await
                    .map_err(|e| sqlite_open_error(e, &path))?;
                writer
            };
            Ok(Store::with_send_queue(
                Pool::Sqlite(pool),
                Pool::Sqlite(writer),
                health,
            ))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?.application_name("tether");
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.connect_timeout)
                // A connection goes back to the pool only outside any transaction.
                .after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
                .connect_with(options)
                .await?;
            Ok(Store::with_send_queue(
                Pool::Postgres(pool.clone()),
                Pool::Postgres(pool),
                Arc::new(WriteHealth::default()),
            ))
        } else {
            Err(StoreError::Invalid(format!(
                "unsupported database URL '{url}': use sqlite://<path> or postgres://<host>/<db>"
            )))
        }
    }

    /// A store whose plain sends go through a batcher task started on this runtime.
    fn with_send_queue(pool: Pool, writer: Pool, health: Arc<WriteHealth>) -> Store {
        let inner = Store {
            pool,
            writer,
            sends: None,
            health,
        };
        Store {
            sends: Some(SendQueue::start(inner.clone())),
            ..inner
        }
    }

    /// Applies pending migrations of this backend's folder.
    pub async fn migrate(&self) -> Result<()> {
        match &self.writer {
            Pool::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    /// Migrates, then creates the standard record types, roles and settings on an empty
    /// database. Safe to call on every start.
    pub async fn prepare(&self) -> Result<()> {
        self.migrate().await?;
        self.seed_if_empty().await
    }

    /// SQLite's `synchronous` setting of a pooled connection (1 normal, 2 full); `None` on
    /// PostgreSQL.
    pub async fn sqlite_synchronous(&self) -> Result<Option<i64>> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let (n,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(p).await?;
                Ok(Some(n))
            }
            Pool::Postgres(_) => Ok(None),
        }
    }

    /// Writes a consistent copy of a SQLite database to `to` while it is in use (`VACUUM INTO`,
    /// a transactional snapshot). The target must not exist. PostgreSQL has `pg_dump` for this.
    pub async fn backup_sqlite(&self, to: &std::path::Path) -> Result<()> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(StoreError::Invalid(
                "backups of PostgreSQL are made with pg_dump (see docs/deploy.md)".into(),
            ));
        };
        if to.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; choose a new file",
                to.display()
            )));
        }
        let target = to.to_string_lossy().replace('\'', "''");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))
            .execute(p)
            .await?;
        Ok(())
    }

    /// A trivial round trip.
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Runs one statement that takes no parameters (administration: `CREATE DATABASE`).
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        let sql = sql.to_owned();
        with_write!(self, p => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone())).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes every pooled connection (on shutdown).
    pub async fn close(&self) {
        for pool in [&self.writer, &self.pool] {
            match pool {
                Pool::Sqlite(p) => p.close().await,
                Pool::Postgres(p) => p.close().await,
            }
        }
    }
}

/// Whether the SQLite writer connection may go back to the pool: it must have left no
/// transaction open. sqlx counts transactions itself, and after a failed `COMMIT` or
/// `ROLLBACK` (a full disk makes SQLite roll back on its own) its count and SQLite's state can
/// disagree; the next "transaction" would then be a savepoint inside one that never commits,
/// and every later write would be acknowledged and lost. So the check asks SQLite itself: a
/// `BEGIN` fails inside an open transaction. (A rollback queued by a dropped transaction runs
/// first: a connection's commands run in order.) A connection that fails is closed, which
/// rolls back whatever it held, and the pool opens a new one.
async fn sqlite_writer_is_clean(
    conn: &mut SqliteConnection,
) -> std::result::Result<bool, sqlx::Error> {
    if sqlx::raw_sql("BEGIN").execute(&mut *conn).await.is_err() {
        tracing::warn!("the SQLite writer connection was left inside a transaction; replacing it");
        return Ok(false);
    }
    sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
    if conn.is_in_transaction() {
        tracing::warn!("the SQLite writer connection's transaction count is off; replacing it");
        return Ok(false);
    }
    Ok(true)
}

/// An error opening a SQLite database, in words that name the file: "pool timed out" after a
/// busy wait means another process holds the database's lock.
fn sqlite_open_error(e: sqlx::Error, path: &std::path::Path) -> StoreError {
    let busy = matches!(&e, sqlx::Error::PoolTimedOut)
        || matches!(&e, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.parse::<i32>().is_ok_and(|c| c & 0xff == 5)));
    if busy {
        StoreError::Invalid(format!(
            "the database file {} is locked by another process (another tether, a backup or a \
             sqlite3 shell holding a transaction); stop it or choose another --database",
            path.display()
        ))
    } else {
        StoreError::Database(e)
    }
}

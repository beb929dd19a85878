//! The store's error type. Callers match on meaning (not found, conflict), never on SQL text.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule was broken: the message says which, in words.
    #[error("{0}")]
    Conflict(String),
    /// Input named something that does not exist or is not allowed (unknown role name, ...).
    #[error("{0}")]
    Invalid(String),
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored document could not be read back (should never happen).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// An Idempotency-Key came back with a different request than the one it was first used
    /// for.
    #[error("{0}")]
    KeyReused(String),
    /// A rule of the domain refused the change, as read inside its transaction (the last
    /// administrator keeps `admin`; an API key changes no administrator).
    #[error("{0}")]
    Refused(tether_domain::roles::RoleRuleError),
    /// The storage failed (the same failure as another error, told to one more caller).
    #[error("{reason}")]
    Storage {
        failure: StorageFailure,
        reason: String,
    },
}

impl StoreError {
    /// Turns a unique-constraint violation into a [`StoreError::Conflict`] with `message`.
    pub(crate) fn conflict_on_unique(err: sqlx::Error, message: impl Into<String>) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(message.into())
            }
            _ => StoreError::Database(err),
        }
    }

    /// True when the database could not be reached at all (for `/healthz` and the CLI).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            )
        )
    }

    /// The storage failure behind this error, if the cause is the database or its disk rather
    /// than the request: nothing of the operation was stored, and the same request may succeed
    /// later. `None` for errors the request caused (not found, conflict, invalid).
    pub fn storage_failure(&self) -> Option<StorageFailure> {
        match self {
            StoreError::Database(e) => storage_failure_of(e),
            StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => storage_failure_of(e),
            StoreError::Storage { failure, .. } => Some(*failure),
            _ => None,
        }
    }
}

/// Why the storage could not do what it was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageFailure {
    /// The disk (or the database's tablespace, or its quota) is full.
    Full,
    /// The database is unreachable, failed to read or write its files, is damaged or is busy
    /// with another process.
    Unavailable,
}

/// `errno` of "no space left on device".
const ENOSPC: i32 = 28;
/// `errno` of "disk quota exceeded".
const EDQUOT: i32 = 122;

fn storage_failure_of(e: &sqlx::Error) -> Option<StorageFailure> {
    match e {
        sqlx::Error::Io(io) => Some(
            if matches!(io.raw_os_error(), Some(ENOSPC | EDQUOT))
                || io.kind() == std::io::ErrorKind::StorageFull
            {
                StorageFailure::Full
            } else {
                StorageFailure::Unavailable
            },
        ),
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_)
        | sqlx::Error::Tls(_) => Some(StorageFailure::Unavailable),
        sqlx::Error::Database(db) => {
            let code = db.code()?;
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                sqlite_failure(code.parse().ok()?)
            } else {
                postgres_failure(&code)
            }
        }
        _ => None,
    }
}

/// SQLite's primary result codes (<https://www.sqlite.org/rescode.html>) that name the storage,
/// not the statement: the extended code's low byte is the primary code.
fn sqlite_failure(extended: i32) -> Option<StorageFailure> {
    const BUSY: i32 = 5;
    const LOCKED: i32 = 6;
    const NOMEM: i32 = 7;
    const READONLY: i32 = 8;
    const IOERR: i32 = 10;
    const CORRUPT: i32 = 11;
    const FULL: i32 = 13;
    const CANTOPEN: i32 = 14;
    const PROTOCOL: i32 = 15;
    const NOTADB: i32 = 26;
    match extended & 0xff {
        FULL => Some(StorageFailure::Full),
        BUSY | LOCKED | NOMEM | READONLY | IOERR | CORRUPT | CANTOPEN | PROTOCOL | NOTADB => {
            Some(StorageFailure::Unavailable)
        }
        _ => None,
    }
}

/// PostgreSQL's SQLSTATEs that name the server or its storage, not the statement.
fn postgres_failure(sqlstate: &str) -> Option<StorageFailure> {
    match sqlstate {
        // disk_full
        "53100" => Some(StorageFailure::Full),
        // insufficient resources, system errors (I/O), operator intervention (shutdown),
        // connection exceptions, data or index corruption, a read-only standby
        s if s.starts_with("53")
            || s.starts_with("58")
            || s.starts_with("57P")
            || s.starts_with("08")
            || s.starts_with("XX")
            || s == "25006" =>
        {
            Some(StorageFailure::Unavailable)
        }
        _ => None,
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_are_told_from_the_requests_own_errors() {
        // SQLite: the extended code's low byte is the primary code.
        assert_eq!(sqlite_failure(13), Some(StorageFailure::Full));
        assert_eq!(
            sqlite_failure(10 | (4 << 8)),
            Some(StorageFailure::Unavailable)
        ); // IOERR_WRITE
        assert_eq!(sqlite_failure(11), Some(StorageFailure::Unavailable)); // CORRUPT
        assert_eq!(sqlite_failure(5), Some(StorageFailure::Unavailable)); // BUSY
        assert_eq!(sqlite_failure(19 | (8 << 8)), None); // CONSTRAINT_PRIMARYKEY
        assert_eq!(sqlite_failure(1), None); // a bad statement
        assert_eq!(postgres_failure("53100"), Some(StorageFailure::Full));
        assert_eq!(postgres_failure("58030"), Some(StorageFailure::Unavailable));
        assert_eq!(postgres_failure("57P01"), Some(StorageFailure::Unavailable));
        assert_eq!(postgres_failure("08006"), Some(StorageFailure::Unavailable));
        assert_eq!(postgres_failure("XX001"), Some(StorageFailure::Unavailable));
        assert_eq!(postgres_failure("23505"), None);
        assert_eq!(postgres_failure("22001"), None);
        let full = StoreError::Database(sqlx::Error::Io(std::io::Error::from_raw_os_error(ENOSPC)));
        assert_eq!(full.storage_failure(), Some(StorageFailure::Full));
        assert_eq!(StoreError::NotFound("chat").storage_failure(), None);
        assert_eq!(StoreError::Conflict("x".into()).storage_failure(), None);
        assert_eq!(StoreError::KeyReused("x".into()).storage_failure(), None);
    }
}

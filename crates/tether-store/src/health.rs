//! Whether the store's writes commit: the state behind `Store::observe_write` and
//! `Store::write_failure` (in `db`, with the real read and the real write for `/healthz`).
//!
//! Every write runs through `Store::observe_write` (the `with_write!` macro and the group
//! commit of sends). A write that fails because of the storage itself — a full disk, an I/O
//! error, a lost connection, a damaged file ([`StoreError::storage_failure`]) — marks writes as
//! failing, with the database's own reason, until a write commits again. `/healthz` reports it
//! (and probes with a write of its own, so a node that a load balancer took out of rotation
//! still finds out when the disk has room again), and the SQLite writer connection is closed
//! and opened afresh before its next use: a connection that saw an I/O error is never trusted
//! again (`crate::connect` also checks at every release that it left no transaction open).

use crate::{Result, StorageFailure, StoreError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Writes are failing: since when, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteFailure {
    pub failure: StorageFailure,
    /// The database's own words (`database or disk is full`).
    pub reason: String,
    /// When writes began to fail (epoch milliseconds).
    pub since_ms: i64,
    /// The latest failure.
    pub last_ms: i64,
}

/// How long after its latest failure the storage counts as failing even though some write
/// committed since: a full disk can take small writes (a row that fits a page with room) while
/// it refuses most, and health must not flicker with each.
const SETTLE_MS: i64 = 5_000;

/// The write health a store and its clones share.
#[derive(Debug, Default)]
pub(crate) struct WriteHealth {
    /// Fast path for the common case: nothing is failing.
    failing: AtomicBool,
    state: Mutex<State>,
    /// A storage failure was seen: the SQLite writer connection is closed instead of being
    /// handed out again (`crate::connect`).
    pub(crate) replace_writer: AtomicBool,
}

#[derive(Debug, Default)]
struct State {
    failure: Option<WriteFailure>,
    last_commit_ms: i64,
}

impl WriteHealth {
    /// Notes the outcome of a write: a storage failure marks writes as failing; once a write
    /// has committed after the latest failure, and [`SETTLE_MS`] have passed since it, writes
    /// are healthy again.
    pub(crate) fn observe<T>(&self, result: &Result<T>, now: i64) {
        match result {
            Ok(_) if self.failing.load(Ordering::Acquire) => {
                let mut state = self.lock();
                state.last_commit_ms = state.last_commit_ms.max(now);
                self.settle(&mut state, now);
            }
            Ok(_) => {}
            Err(e) => {
                if let Some(kind) = e.storage_failure() {
                    self.failed(kind, e, now);
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn failed(&self, failure: StorageFailure, e: &StoreError, now: i64) {
        self.replace_writer.store(true, Ordering::Release);
        let reason = e.to_string();
        let mut state = self.lock();
        match state.failure.as_mut() {
            Some(f) => {
                f.failure = failure;
                f.reason = reason;
                f.last_ms = f.last_ms.max(now);
            }
            None => {
                tracing::error!(error = %reason, "writes are failing; they are answered 5xx until writes commit again");
                state.failure = Some(WriteFailure {
                    failure,
                    reason,
                    since_ms: now,
                    last_ms: now,
                });
            }
        }
        self.failing.store(true, Ordering::Release);
    }

    /// Ends the failure once a write committed after it and it has settled.
    fn settle(&self, state: &mut State, now: i64) {
        if let Some(f) = &state.failure
            && state.last_commit_ms > f.last_ms
            && now - f.last_ms >= SETTLE_MS
        {
            tracing::warn!(
                failed_for_ms = f.last_ms - f.since_ms,
                "writes commit again"
            );
            state.failure = None;
            self.failing.store(false, Ordering::Release);
        }
    }

    pub(crate) fn current(&self, now: i64) -> Option<WriteFailure> {
        if !self.failing.load(Ordering::Acquire) {
            return None;
        }
        let mut state = self.lock();
        self.settle(&mut state, now);
        state.failure.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> StoreError {
        StoreError::Database(sqlx::Error::Io(std::io::Error::from_raw_os_error(28)))
    }

    #[test]
    fn a_storage_failure_marks_writes_failing_until_one_commits_and_it_settles() {
        let h = WriteHealth::default();
        assert_eq!(h.current(1_000), None);
        h.observe::<()>(&Err(StoreError::NotFound("chat")), 1_000);
        assert_eq!(
            h.current(1_000),
            None,
            "a request's own error is no storage failure"
        );
        h.observe::<()>(&Err(full()), 1_000);
        let f = h.current(1_000).expect("failing");
        assert_eq!((f.failure, f.since_ms), (StorageFailure::Full, 1_000));
        assert!(h.replace_writer.load(Ordering::Acquire));
        h.observe::<()>(&Err(StoreError::Database(sqlx::Error::PoolTimedOut)), 2_000);
        let g = h.current(2_000).expect("still failing");
        assert_eq!(
            (g.failure, g.since_ms, g.last_ms),
            (StorageFailure::Unavailable, 1_000, 2_000)
        );
        h.observe(&Ok(()), 3_000);
        assert!(
            h.current(3_000).is_some(),
            "a commit right after a failure does not end it: most writes may still fail"
        );
        assert!(h.current(6_999).is_some());
        assert_eq!(
            h.current(7_000),
            None,
            "a commit after the failure, and it settled"
        );
        h.observe::<()>(&Err(full()), 8_000);
        assert!(
            h.current(20_000).is_some(),
            "no commit since the failure: still failing"
        );
        h.observe(&Ok(()), 20_000);
        assert_eq!(h.current(20_000), None);
    }
}

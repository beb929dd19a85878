//! Per-user rate limits (issue 10): message sends and edits, reactions, uploads, downloads and
//! the expensive reads (search, suggested contacts) are counted per user in fixed one-minute
//! windows; past the limit the answer is 429 with `Retry-After` (the seconds until the window
//! ends).
//!
//! Counts must be right whichever node answers (issue 9). A SQLite store has exactly one node,
//! so its counts live in this process's memory and cost no write; on PostgreSQL every node
//! counts in the shared `rate_limits` table with one upsert per request.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use std::collections::HashMap;
use std::sync::Mutex;
use tether_store::Backend;

/// Length of a counting window.
const WINDOW_MS: i64 = 60_000;
/// Local counters kept before the stale ones are dropped.
const LOCAL_ENTRIES: usize = 100_000;

/// Requests per user per minute; 0 turns a limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Messages sent and edited (chats and channels).
    pub sends: u32,
    /// Searches and suggested-contact lists.
    pub searches: u32,
    /// File uploads.
    pub uploads: u32,
    /// Reactions added or removed.
    pub reactions: u32,
    /// File downloads.
    pub downloads: u32,
}

impl Default for Limits {
    /// Far above what a person does (a message every half second for a minute), low enough
    /// to stop a runaway script.
    fn default() -> Self {
        Limits {
            sends: 120,
            searches: 120,
            uploads: 60,
            reactions: 120,
            downloads: 300,
        }
    }
}

/// The kinds of request that are limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Send,
    Search,
    Upload,
    React,
    Download,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Send => "send",
            Kind::Search => "search",
            Kind::Upload => "upload",
            Kind::React => "react",
            Kind::Download => "download",
        }
    }

    fn per_minute(self, limits: &Limits) -> u32 {
        match self {
            Kind::Send => limits.sends,
            Kind::Search => limits.searches,
            Kind::Upload => limits.uploads,
            Kind::React => limits.reactions,
            Kind::Download => limits.downloads,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Send => "messages",
            Kind::Search => "searches",
            Kind::Upload => "uploads",
            Kind::React => "reactions",
            Kind::Download => "downloads",
        }
    }
}

/// Where hits are counted.
pub enum Counter {
    /// This process (single-node SQLite): `key → (window start, hits)`.
    Local(Mutex<HashMap<String, (i64, i64)>>),
    /// The database, shared by every node.
    Shared,
}

impl Counter {
    pub fn for_backend(backend: Backend) -> Counter {
        match backend {
            Backend::Sqlite => Counter::Local(Mutex::new(HashMap::new())),
            Backend::Postgres => Counter::Shared,
        }
    }
}

/// The window that holds `now`: its start, and whole seconds until it ends (at least 1).
pub fn window(now_ms: i64) -> (i64, u64) {
    let start = now_ms - now_ms.rem_euclid(WINDOW_MS);
    let left_ms = start + WINDOW_MS - now_ms;
    (
        start,
        u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1),
    )
}

/// Counts one hit in the local map; the hits of the window, this one included.
fn count_local(map: &Mutex<HashMap<String, (i64, i64)>>, key: String, start: i64) -> i64 {
    let mut map = map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() >= LOCAL_ENTRIES {
        map.retain(|_, (s, _)| *s >= start);
    }
    let entry = map.entry(key).or_insert((start, 0));
    if entry.0 != start {
        *entry = (start, 0);
    }
    entry.1 += 1;
    entry.1
}

impl AppState {
    /// Counts this request of `caller` against the limit of `kind`; 429 past it.
    pub async fn limit(&self, caller: &Caller, kind: Kind) -> ApiResult<()> {
        let per_minute = kind.per_minute(&self.config.limits);
        if per_minute == 0 {
            return Ok(());
        }
        let (start, retry_after_secs) = window(tether_store::now_ms());
        let key = format!("{}:{}", kind.name(), caller.id());
        let hits = match self.counter.as_ref() {
            Counter::Local(map) => count_local(map, key, start),
            Counter::Shared => self.store.count_hit(&key, start).await?,
        };
        if hits > i64::from(per_minute) {
            return Err(ApiError::TooManyRequests {
                detail: format!(
                    "you have reached the limit of {per_minute} {} a minute; try again in {retry_after_secs} s",
                    kind.what()
                ),
                retry_after_secs,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_whole_minutes_and_retry_after_is_never_zero() {
        assert_eq!(window(120_000), (120_000, 60));
        assert_eq!(window(179_999), (120_000, 1));
        assert_eq!(window(150_500), (120_000, 30));
    }

    #[test]
    fn local_counts_restart_with_each_window() {
        let map = Mutex::new(HashMap::new());
        assert_eq!(count_local(&map, "send:a".into(), 0), 1);
        assert_eq!(count_local(&map, "send:a".into(), 0), 2);
        assert_eq!(count_local(&map, "send:b".into(), 0), 1);
        assert_eq!(count_local(&map, "send:a".into(), 60_000), 1);
    }
}

//! Who is asking: bearer tokens and session cookies, CSRF for cookie-authenticated writes,
//! password hashing, and the extractors that put "who may call this" in a handler's signature:
//! [`Caller`] (any signed-in, active user), [`Admin`] (holder of the `admin` privilege) and
//! [`Integrator`] (an administrator or an API key, on the integration endpoints only).

mod cookie;
mod key;
mod password;
mod request;
#[cfg(test)]
mod tests;

pub use cookie::{
    SESSION_HEADER, embed_cookie, embed_token, ended_session_cookie, session_cookie, session_token,
    sign_in_token,
};
pub use key::{Integrator, KeyCaller, key_from_token, new_api_key};
pub use password::{Hasher, hash_password, hash_with_memory, verify_password, verify_with_memory};
pub use request::{Admin, caller_from_token};

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tether_domain::Subject;
use tether_store::people::UserSummary;

/// Name of the session cookie set by login.
pub const SESSION_COOKIE: &str = "tether_session";

/// The embed session's cookie, set by a signed launch (issue 19): `SameSite=None; Secure;
/// Partitioned`, read by the API, the event socket and the embedded panel's pages.
pub const EMBED_COOKIE: &str = "tether_embed";
/// Header that cookie-authenticated writes must carry, holding the login's `csrf_token`.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A new random token (256 bits, URL-safe).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: its SHA-256, so a leaked table grants no sessions.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal-time comparison, so a CSRF check does not leak how many characters matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The signed-in user making the request, with everything access decisions need: a shared
/// handle to what the session cache holds, so a request copies a pointer, not the user's
/// privileges and teams.
#[derive(Clone, Debug)]
pub struct Caller(Arc<CallerData>);

impl std::ops::Deref for Caller {
    type Target = CallerData;

    fn deref(&self) -> &CallerData {
        &self.0
    }
}

impl From<CallerData> for Caller {
    fn from(data: CallerData) -> Caller {
        Caller(Arc::new(data))
    }
}

/// What is known about a signed-in session.
#[derive(Debug)]
pub struct CallerData {
    pub user: UserSummary,
    pub subject: Subject,
    pub token_hash: String,
    /// When the session ends by itself (epoch ms).
    pub expires_at: i64,
    /// The session's CSRF token (cookie-authenticated writes must send it).
    csrf_token: Redacted,
}

/// A secret that never shows in `Debug` output (logs).
struct Redacted(String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How long a node trusts what it read about a session before reading it again. Changes that
/// must apply at once (sign-out, deactivation, roles, teams) clear the entries on every node
/// through the event bus ([`AppState::forget_callers`]); this bounds anything else.
const CALLER_TTL: Duration = Duration::from_secs(10);
/// Sessions a node keeps at most; past it the least used make room (docs/deploy.md).
pub const CALLER_ENTRIES: u64 = 50_000;

/// Sessions this node has read recently, by token hash: one cache lookup instead of the four
/// queries that build a [`Caller`] on every request.
pub struct CallerCache {
    cache: moka::sync::Cache<String, Caller>,
}

impl Default for CallerCache {
    fn default() -> Self {
        CallerCache {
            cache: moka::sync::Cache::builder()
                .max_capacity(CALLER_ENTRIES)
                .time_to_live(CALLER_TTL)
                .build(),
        }
    }
}

impl CallerCache {
    fn get(&self, hash: &str) -> Option<Caller> {
        self.cache
            .get(hash)
            .filter(|caller| caller.expires_at > tether_store::now_ms())
    }

    fn put(&self, caller: &Caller) {
        self.cache.insert(caller.token_hash.clone(), caller.clone());
    }

    /// Drops what is known about `user_id`'s sessions, or about everyone's (`None`).
    pub fn forget(&self, user_id: Option<&str>) {
        match user_id {
            Some(id) => {
                for (hash, caller) in &self.cache {
                    if caller.user.id == id {
                        self.cache.invalidate(hash.as_str());
                    }
                }
            }
            None => self.cache.invalidate_all(),
        }
    }
}

impl Caller {
    pub fn id(&self) -> &tether_domain::UserId {
        &self.user.id
    }

    /// 403 unless the caller holds `admin`.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.subject.privileges.admin {
            Ok(())
        } else {
            Err(
                ApiError::Forbidden("this needs the admin privilege; ask an administrator".into())
                    .with_code("admin.required"),
            )
        }
    }
}

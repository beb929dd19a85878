//! Who is asking: bearer tokens and session cookies, CSRF for cookie-authenticated writes,
//! password hashing, and the extractors that put "who may call this" in a handler's signature:
//! [`Caller`] (any signed-in, active user) and [`Admin`] (holder of the `admin` privilege).

use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tether_domain::Subject;
use tether_store::people::UserSummary;

/// Name of the session cookie set by login.
pub const SESSION_COOKIE: &str = "tether_session";
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

/// Argon2id hash (PHC string) of a password. CPU-heavy: call from a blocking task.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// Checks a password against a stored hash. CPU-heavy: call from a blocking task.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Equal-time comparison, so a CSRF check does not leak how many characters matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The signed-in user making the request, with everything access decisions need.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: UserSummary,
    pub subject: Subject,
    pub token_hash: String,
    /// When the session ends by itself (epoch ms).
    pub expires_at: i64,
    /// The session's CSRF token (cookie-authenticated writes must send it).
    csrf_token: Redacted,
}

/// A secret that never shows in `Debug` output (logs).
#[derive(Clone)]
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
/// Entries kept before the stale ones are dropped.
const CALLER_ENTRIES: usize = 50_000;

/// Sessions this node has read recently, by token hash: one map lookup instead of the four
/// queries that build a [`Caller`] on every request.
#[derive(Default)]
pub struct CallerCache {
    map: Mutex<HashMap<String, (Caller, Instant)>>,
}

impl CallerCache {
    fn get(&self, hash: &str) -> Option<Caller> {
        let map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (caller, at) = map.get(hash)?;
        (at.elapsed() < CALLER_TTL && caller.expires_at > tether_store::now_ms())
            .then(|| caller.clone())
    }

    fn put(&self, caller: &Caller) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= CALLER_ENTRIES {
            map.retain(|_, (_, at)| at.elapsed() < CALLER_TTL);
        }
        map.insert(caller.token_hash.clone(), (caller.clone(), Instant::now()));
    }

    /// Drops what is known about `user_id`'s sessions, or about everyone's (`None`).
    pub fn forget(&self, user_id: Option<&str>) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match user_id {
            Some(id) => map.retain(|_, (c, _)| c.user.id != id),
            None => map.clear(),
        }
    }
}

impl Caller {
    pub fn id(&self) -> &str {
        &self.user.id
    }

    /// 403 unless the caller holds `admin`.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.subject.privileges.admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this needs the admin privilege; ask an administrator".into(),
            ))
        }
    }
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_owned())
        })
}

fn bearer_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::Unauthorized("the Authorization header is not readable text".into())
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::Unauthorized(
            "use the header Authorization: Bearer <token> from POST /api/v1/auth/login".into(),
        )),
    }
}

/// Resolves a token to a caller: unexpired session, active user, their access subject.
pub async fn caller_from_token(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let hash = token_hash(token);
    if let Some(caller) = state.hub.callers.get(&hash) {
        return Ok(caller);
    }
    let session = state.store.session(&hash).await?.ok_or_else(|| {
        ApiError::Unauthorized("your session has expired or was ended; sign in again".into())
    })?;
    if !session.active {
        return Err(ApiError::Unauthorized("your account is deactivated".into()));
    }
    let subject = state
        .store
        .subject(&session.user_id)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("your account no longer exists".into()))?;
    let caller = Caller {
        user: session.user(),
        subject,
        token_hash: hash,
        expires_at: session.expires_at,
        csrf_token: Redacted(session.csrf_token),
    };
    state.hub.callers.put(&caller);
    Ok(caller)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer_token(parts)? {
            return caller_from_token(state, &token).await;
        }
        let Some(token) = cookie_token(parts) else {
            return Err(ApiError::Unauthorized("sign in first: POST /api/v1/auth/login, then send the token as Authorization: Bearer <token>".into()));
        };
        let caller = caller_from_token(state, &token).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            if !constant_time_eq(sent, caller.csrf_token.0.as_bytes()) {
                return Err(ApiError::Forbidden(format!(
                    "cookie-authenticated writes need the {CSRF_HEADER} header with the csrf_token from login"
                )));
            }
        }
        Ok(caller)
    }
}

/// A caller who holds the `admin` privilege.
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_admin()?;
        Ok(Admin(caller))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash("abc").len(), 64);
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}

//! Who is asking: bearer tokens and session cookies, CSRF for cookie-authenticated writes,
//! password hashing, and the extractors that put "who may call this" in a handler's signature:
//! [`Caller`] (any signed-in, active user) and [`Admin`] (holder of the `admin` privilege).

use crate::AppState;
use crate::error::ApiError;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;
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

/// Argon2id hash (PHC string) of a password, with the argon2 crate's default parameters
/// (19 MiB, 2 passes, 1 lane). CPU-heavy and allocates its 19 MiB: the server hashes through
/// [`Hasher`] instead; this is for the command line and tests.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    hash_with_memory(password, &mut Vec::new())
}

/// Checks a password against a stored hash. CPU-heavy and allocates: see [`hash_password`].
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_with_memory(password, hash, &mut Vec::new())
}

/// Argon2's working memory for `params`: `memory` itself, grown to the default size when it is
/// smaller, or a buffer of its own for a hash made with more memory than the default (none is
/// made by this code; such a buffer is freed after the one check).
fn with_blocks<T>(
    memory: &mut Vec<Block>,
    params: &Params,
    run: impl FnOnce(&mut [Block]) -> T,
) -> T {
    let needed = params.block_count();
    let default = Params::DEFAULT.block_count();
    if needed > default {
        return run(&mut vec![Block::new(); needed]);
    }
    if memory.len() < default {
        memory.resize(default, Block::new());
    }
    run(&mut memory[..needed])
}

/// [`hash_password`] with Argon2's 19 MiB of working memory passed in, so that a caller that
/// hashes often reuses one buffer instead of allocating one per password.
pub fn hash_with_memory(password: &str, memory: &mut Vec<Block>) -> anyhow::Result<String> {
    let params = Params::DEFAULT;
    let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
    rand::fill(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_blocks(memory, &params, |blocks| {
        argon2.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
    })
    .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?),
    };
    Ok(phc.to_string())
}

/// [`verify_password`] with the working memory passed in (see [`hash_with_memory`]). Any
/// Argon2 PHC string verifies, whatever its parameters.
pub fn verify_with_memory(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut out = vec![0u8; expected.as_bytes().len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let done = with_blocks(memory, &params, |blocks| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
    });
    done.is_ok() && constant_time_eq(&out, expected.as_bytes())
}

/// Password hashing for the server: at most one check per slot at a time (the number of
/// cores by default), each slot reusing one 19 MiB Argon2 buffer. Without it every sign-in
/// allocated 19 MiB on some thread of the blocking pool, and the C allocator kept those
/// buffers in its per-thread arenas: 200 sign-ins left a server at 867 MB for good. Now the
/// memory for hashing is at most `slots × 19 MiB`, allocated on first use. A check that waits
/// longer than `wait` for a slot is answered 503 with `Retry-After`.
pub struct Hasher {
    slots: Arc<tokio::sync::Semaphore>,
    /// Buffers not in use right now (never more than the slots).
    memory: Mutex<Vec<Vec<Block>>>,
    wait: Duration,
}

impl Hasher {
    /// Seconds a client is told to wait when every slot stayed busy.
    const RETRY_AFTER_SECS: u64 = 5;

    pub fn new(slots: usize, wait: Duration) -> Hasher {
        Hasher {
            slots: Arc::new(tokio::sync::Semaphore::new(slots.max(1))),
            memory: Mutex::new(Vec::new()),
            wait,
        }
    }

    /// The number of cores this process may use (the default number of slots).
    pub fn default_slots() -> usize {
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| hash_with_memory(&password, memory))
            .await?
            .map_err(ApiError::Internal)
    }

    /// Checks a password against a stored hash.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.run(move |memory| verify_with_memory(&password, &hash, memory))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let busy = || ApiError::Busy {
            detail: "the server is busy checking passwords; try again in a few seconds".into(),
            retry_after_secs: Self::RETRY_AFTER_SECS,
        };
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let mut memory = self
            .memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        let (out, memory) = tokio::task::spawn_blocking(move || {
            let out = job(&mut memory);
            (out, memory)
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
        self.memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(memory);
        drop(permit);
        Ok(out)
    }
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
    pub fn id(&self) -> &str {
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

/// The session token a request's `Cookie` headers carry: the first non-empty
/// [`SESSION_COOKIE`], as the browser sent it (API, event socket and pages read it here).
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// The `Set-Cookie` of a sign-in: the session token for `ttl`, never readable by scripts,
/// sent by the browser on same-site navigations only, `Secure` when `secure`.
pub fn session_cookie(token: &str, ttl: Duration, secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie_with(
        token.to_owned(),
        i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
    );
    cookie.set_secure(secure);
    cookie
}

/// The `Set-Cookie` of a sign-out: an empty session cookie that expires at once.
pub fn ended_session_cookie() -> Cookie<'static> {
    session_cookie_with(String::new(), 0)
}

/// The session cookie's attributes: the whole site, never readable by scripts, sent by the
/// browser on same-site navigations only.
fn session_cookie_with(value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

fn bearer_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::Unauthorized("the Authorization header is not readable text".into())
            .with_code("auth.malformed_header")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::Unauthorized(
            "use the header Authorization: Bearer <token> from POST /api/v1/auth/login".into(),
        )
        .with_code("auth.malformed_header")),
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
            .with_code("auth.session_expired")
    })?;
    if !session.active {
        return Err(ApiError::Unauthorized("your account is deactivated".into())
            .with_code("auth.deactivated"));
    }
    let subject = state
        .store
        .subject(&session.user_id)
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized("your account no longer exists".into())
                .with_code("auth.account_gone")
        })?;
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
        let Some(token) = session_token(&parts.headers) else {
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
                )).with_code("auth.csrf"));
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

    fn caller(user: &str, hash: &str, expires_at: i64) -> Caller {
        Caller {
            user: UserSummary {
                id: user.into(),
                name: user.into(),
                email: format!("{user}@example.com"),
                active: true,
            },
            subject: Subject {
                user_id: tether_domain::ids::UserId::new(user),
                active: true,
                privileges: Default::default(),
                team_ids: Default::default(),
                teammate_ids: Default::default(),
            },
            token_hash: hash.into(),
            expires_at,
            csrf_token: Redacted(String::new()),
        }
    }

    #[test]
    fn cached_sessions_are_forgotten_by_user_or_all_and_never_past_their_end() {
        let cache = CallerCache::default();
        let later = tether_store::now_ms() + 60_000;
        for (user, hash) in [("ann", "a1"), ("ann", "a2"), ("bo", "b1")] {
            cache.put(&caller(user, hash, later));
        }
        cache.put(&caller("cy", "c1", tether_store::now_ms() - 1));
        assert!(cache.get("a1").is_some() && cache.get("b1").is_some());
        assert!(cache.get("c1").is_none(), "an ended session is not served");
        cache.forget(Some("ann"));
        assert!(cache.get("a1").is_none() && cache.get("a2").is_none());
        assert_eq!(cache.get("b1").map(|c| c.user.id), Some("bo".into()));
        cache.put(&caller("ann", "a3", later));
        assert!(
            cache.get("a3").is_some(),
            "a session read afresh is kept again"
        );
        cache.forget(None);
        assert!(cache.get("a3").is_none() && cache.get("b1").is_none());
    }

    #[test]
    fn the_session_token_is_the_first_non_empty_session_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(session_token(&h), None);
        h.append(
            header::COOKIE,
            "theme=dark; tether_session=".parse().unwrap(),
        );
        assert_eq!(session_token(&h), None, "an empty value is no session");
        h.append(
            header::COOKIE,
            "x ; tether_session=abc-_1; tether_session=later"
                .parse()
                .unwrap(),
        );
        assert_eq!(session_token(&h).as_deref(), Some("abc-_1"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "other_tether_session=no;tether_sessionx=no"
                .parse()
                .unwrap(),
        );
        assert_eq!(session_token(&h), None);
    }

    #[test]
    fn session_cookies_keep_their_attributes() {
        let ttl = Duration::from_secs(43_200);
        let plain = session_cookie("tok", ttl, false).to_string();
        let mut parts: Vec<&str> = plain.split("; ").collect();
        parts.sort_unstable();
        assert_eq!(
            parts,
            [
                "HttpOnly",
                "Max-Age=43200",
                "Path=/",
                "SameSite=Lax",
                "tether_session=tok"
            ]
        );
        let secure = session_cookie("tok", ttl, true).to_string();
        assert!(secure.split("; ").any(|p| p == "Secure"), "{secure}");
        let ended = ended_session_cookie().to_string();
        let mut parts: Vec<&str> = ended.split("; ").collect();
        parts.sort_unstable();
        assert_eq!(
            parts,
            [
                "HttpOnly",
                "Max-Age=0",
                "Path=/",
                "SameSite=Lax",
                "tether_session="
            ]
        );
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn hashes_made_with_reused_memory_agree_with_the_argon2_crate() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut memory = Vec::new();
        let ours = hash_with_memory("correct horse battery", &mut memory).unwrap();
        assert_eq!(memory.len(), Params::DEFAULT.block_count());
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        assert!(verify_with_memory(
            "correct horse battery",
            &theirs,
            &mut memory
        ));
        assert!(!verify_with_memory(
            "correct horse batterY",
            &theirs,
            &mut memory
        ));
        // A hash made with other parameters (less memory, more passes) still verifies.
        let params = Params::new(64, 3, 1, None).unwrap();
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        assert!(verify_with_memory(
            "correct horse battery",
            &other,
            &mut memory
        ));
        assert!(!verify_with_memory(
            "wrong horse battery",
            &other,
            &mut memory
        ));
        assert_eq!(memory.len(), Params::DEFAULT.block_count());
    }

    #[tokio::test]
    async fn hashing_waits_for_a_slot_and_answers_busy_past_the_wait() {
        let hasher = Arc::new(Hasher::new(1, Duration::from_millis(50)));
        let permit = hasher.slots.clone().acquire_owned().await.unwrap();
        match hasher.verify("x".into(), "not a hash".into()).await {
            Err(ApiError::Busy {
                retry_after_secs, ..
            }) => assert!(retry_after_secs > 0),
            other => panic!("expected busy, got {other:?}"),
        }
        drop(permit);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(
            hasher
                .verify("correct horse battery".into(), hash)
                .await
                .unwrap()
        );
        // One slot, one buffer, reused.
        assert_eq!(hasher.memory.lock().unwrap().len(), 1);
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

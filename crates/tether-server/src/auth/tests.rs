use super::*;
use crate::error::ApiError;
use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::{HeaderMap, header};
use std::sync::Arc;
use std::time::Duration;
use tether_domain::Subject;
use tether_store::people::UserSummary;

fn caller(user: &str, hash: &str, expires_at: i64) -> Caller {
    Caller::from(CallerData {
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
    })
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
    assert_eq!(
        cache.get("b1").map(|c| c.user.id.clone()),
        Some("bo".into())
    );
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
    assert_eq!(session_token(&h, false), None);
    h.append(
        header::COOKIE,
        "theme=dark; tether_session=".parse().unwrap(),
    );
    assert_eq!(
        session_token(&h, false),
        None,
        "an empty value is no session"
    );
    h.append(
        header::COOKIE,
        "x ; tether_session=abc-_1; tether_session=later"
            .parse()
            .unwrap(),
    );
    assert_eq!(session_token(&h, false).as_deref(), Some("abc-_1"));
    let mut h = HeaderMap::new();
    h.insert(
        header::COOKIE,
        "other_tether_session=no;tether_sessionx=no"
            .parse()
            .unwrap(),
    );
    assert_eq!(session_token(&h, false), None);
}

#[test]
fn i19_the_embedded_panels_requests_read_the_embed_session_only() {
    let mut h = HeaderMap::new();
    h.insert(
        header::COOKIE,
        "tether_session=signed-in; tether_embed=launched"
            .parse()
            .unwrap(),
    );
    // Same site: both cookies come; a page of Tether's own acts as the sign-in...
    assert_eq!(session_token(&h, false).as_deref(), Some("signed-in"));
    // ...the embedded panel as the launched agent, by header or (the socket) by its query.
    assert_eq!(session_token(&h, true).as_deref(), Some("launched"));
    h.insert(super::SESSION_HEADER, "embed".parse().unwrap());
    assert_eq!(session_token(&h, false).as_deref(), Some("launched"));
    // Asking for the embed session never falls back to the sign-in.
    h.insert(header::COOKIE, "tether_session=signed-in".parse().unwrap());
    assert_eq!(session_token(&h, false), None);
    // Another site: only the embed cookie comes, and any request reads it.
    let mut h = HeaderMap::new();
    h.insert(header::COOKIE, "tether_embed=launched".parse().unwrap());
    assert_eq!(session_token(&h, false).as_deref(), Some("launched"));
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

//! Sessions, sign-in failures and password changes.

use crate::user;
use tether_store::Backend;
use tether_store::audit::AuditFilter;
use tether_store::people::UserPatch;
use tether_store::test_support::TestDb;

both_backends!(
    sessions_expire_and_end_on_deactivation,
    login_failures_are_counted_per_key,
    a_new_password_ends_the_other_sessions_and_is_audited,
);

async fn sessions_expire_and_end_on_deactivation(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let later = tether_store::now_ms() + 60_000;
    s.create_session("h1", &a, "csrf1", later).await.unwrap();
    s.create_session("h2", &a, "csrf2", tether_store::now_ms() - 1)
        .await
        .unwrap();
    let live = s.session("h1").await.unwrap().unwrap();
    assert_eq!(
        (
            live.user_id.as_str(),
            live.csrf_token.as_str(),
            live.name.as_str()
        ),
        (a.as_str(), "csrf1", "Anna")
    );
    assert!(s.session("h2").await.unwrap().is_none(), "expired");
    s.delete_session("h1").await.unwrap();
    assert!(s.session("h1").await.unwrap().is_none(), "logged out");
    s.create_session("h3", &a, "csrf3", later).await.unwrap();
    s.update_user(
        &a.as_str().into(),
        &UserPatch {
            active: Some(false),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    assert!(
        s.session("h3").await.unwrap().is_none(),
        "deactivation ends sessions"
    );
    assert!(!s.user(&a).await.unwrap().unwrap().active);
    s.create_session("h4", &a, "csrf4", tether_store::now_ms() - 1)
        .await
        .unwrap();
    assert_eq!(
        s.purge_expired(0).await.unwrap(),
        1,
        "only the expired session is purged"
    );
}

async fn login_failures_are_counted_per_key(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let keys = vec![
        "account:a@example.com".to_owned(),
        "addr:127.0.0.1".to_owned(),
    ];
    for _ in 0..3 {
        s.record_login_failure(&keys, None).await.unwrap();
    }
    assert_eq!(
        s.login_failures_since("account:a@example.com", 0)
            .await
            .unwrap()
            .0,
        3
    );
    assert_eq!(
        s.login_failures_since("addr:127.0.0.1", tether_store::now_ms() + 1000)
            .await
            .unwrap()
            .0,
        0
    );
    s.clear_login_failures("account:a@example.com")
        .await
        .unwrap();
    assert_eq!(
        s.login_failures_since("account:a@example.com", 0)
            .await
            .unwrap()
            .0,
        0
    );
    assert_eq!(
        s.login_failures_since("addr:127.0.0.1", 0).await.unwrap().0,
        3
    );
}

async fn a_new_password_ends_the_other_sessions_and_is_audited(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let b_id = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let later = tether_store::now_ms() + 60_000;
    for (h, u) in [("a1", &a), ("a2", &a), ("a3", &a), ("b1", &b_id)] {
        s.create_session(h, u, "csrf", later).await.unwrap();
    }
    // The user's own change keeps the session that made it.
    let ended = s
        .set_password(&a.as_str().into(), "new-hash", Some("a1"), Some(&a), "self")
        .await
        .unwrap();
    assert_eq!(ended, 2);
    assert!(s.session("a1").await.unwrap().is_some());
    assert!(s.session("a2").await.unwrap().is_none());
    assert!(s.session("a3").await.unwrap().is_none());
    assert!(
        s.session("b1").await.unwrap().is_some(),
        "others keep theirs"
    );
    let creds = s.user_credentials("a@example.com").await.unwrap().unwrap();
    assert_eq!(creds.password_hash, "new-hash");
    // An administrator's reset ends them all.
    let ended = s
        .set_password(
            &a.as_str().into(),
            "newer-hash",
            None,
            Some(&b_id),
            "administrator",
        )
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert!(s.session("a1").await.unwrap().is_none());
    assert!(matches!(
        s.set_password(&"nobody".into(), "x", None, None, "command line")
            .await,
        Err(tether_store::StoreError::NotFound("user"))
    ));
    let entries = s
        .list_audit(&AuditFilter {
            action: Some("user.password_changed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    let by = |via: &str| entries.iter().find(|e| e.details["via"] == via).unwrap();
    assert_eq!(by("administrator").details["sessions_ended"], 1);
    assert_eq!(by("administrator").actor.as_ref().unwrap().id, b_id);
    let own = by("self");
    assert_eq!(own.details["sessions_ended"], 2);
    assert_eq!(own.details["user_id"], a.as_str());
    assert_eq!(own.actor.as_ref().unwrap().id, a);
    assert!(!own.details.to_string().contains("hash"));
}

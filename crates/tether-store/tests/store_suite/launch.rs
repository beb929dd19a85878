//! Issue 19, signed launch: integrations (stored with their key, listed without it, audited),
//! each launch token's jti accepted once, and embed sessions that name their integration and
//! end with it.

use crate::user;
use tether_store::Backend;
use tether_store::audit::AuditFilter;
use tether_store::integrations::NewIntegration;
use tether_store::test_support::TestDb;

both_backends!(
    i19_integrations_are_kept_listed_without_keys_and_audited,
    i19_a_launch_jti_is_used_once,
    i19_an_embed_session_names_its_integration_and_ends_with_it,
);

fn zendesk() -> NewIntegration {
    NewIntegration {
        name: "Zendesk".into(),
        source: "zendesk".into(),
        allowed_origins: vec!["https://acme.zendesk.com".into()],
        algorithm: "HS256".into(),
        key_material: "s".repeat(40),
        audience: "tether".into(),
        provision_users: true,
        default_role: Some("agent".into()),
    }
}

async fn i19_integrations_are_kept_listed_without_keys_and_audited(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let made = s.create_integration(&zendesk(), &admin).await.unwrap();
    assert_eq!(made.allowed_origins, ["https://acme.zendesk.com"]);
    assert!(made.provision_users);
    assert_eq!(s.integrations().await.unwrap().len(), 1);
    let key = s.integration_key(&made.id).await.unwrap().unwrap();
    assert_eq!(key.key_material, "s".repeat(40));
    assert!(s.integration_key("nope").await.unwrap().is_none());
    s.delete_integration(&made.id, &admin).await.unwrap();
    assert!(s.integrations().await.unwrap().is_empty());
    assert!(s.delete_integration(&made.id, &admin).await.is_err());
    let actions: Vec<String> = s
        .list_audit(&AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"integration.created".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"integration.deleted".to_owned()),
        "{actions:?}"
    );
}

async fn i19_a_launch_jti_is_used_once(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let later = tether_store::now_ms() + 300_000;
    assert!(s.use_launch_jti("i1", "j1", later).await.unwrap());
    assert!(
        !s.use_launch_jti("i1", "j1", later).await.unwrap(),
        "replayed"
    );
    assert!(
        s.use_launch_jti("i2", "j1", later).await.unwrap(),
        "per issuer"
    );
    // An expired one is pruned by the next use, so its row does not stay forever (its token
    // is refused as expired before the jti is looked at).
    assert!(s.use_launch_jti("i1", "old", 1).await.unwrap());
    assert!(s.use_launch_jti("i1", "old", later).await.unwrap());
    // Two at once: exactly one wins.
    let (x, y) = tokio::join!(
        s.use_launch_jti("i1", "race", later),
        s.use_launch_jti("i1", "race", later)
    );
    assert_eq!([x.unwrap(), y.unwrap()].iter().filter(|w| **w).count(), 1);
}

async fn i19_an_embed_session_names_its_integration_and_ends_with_it(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let agent = user(&s, "olga@example.com", "Olga", &["agent"]).await;
    let made = s.create_integration(&zendesk(), &admin).await.unwrap();
    let audit = tether_store::audit::NewAudit::new(
        Some(&agent),
        "session.launched",
        serde_json::json!({"integration_id": made.id}),
    );
    let expires = tether_store::now_ms() + 3_600_000;
    assert_eq!(
        s.start_embed_session("h-first", &agent, "csrf", expires, &made.id, None, &audit)
            .await
            .unwrap(),
        None
    );
    s.create_session("h-login", &agent, "csrf", expires)
        .await
        .unwrap();
    // A relaunch in the same browser ends the embed session it replaces...
    assert_eq!(
        s.start_embed_session(
            "h-embed",
            &agent,
            "csrf",
            expires,
            &made.id,
            Some("h-first"),
            &audit
        )
        .await
        .unwrap(),
        Some(agent.clone())
    );
    assert!(s.session("h-first").await.unwrap().is_none());
    // ...but never a sign-in session, whatever cookie came along.
    assert_eq!(
        s.start_embed_session(
            "h-other",
            &agent,
            "csrf",
            expires,
            &made.id,
            Some("h-login"),
            &audit
        )
        .await
        .unwrap(),
        None
    );
    assert!(s.session("h-login").await.unwrap().is_some());
    assert_eq!(
        s.session_integration("h-embed")
            .await
            .unwrap()
            .map(|i| i.id),
        Some(made.id.clone())
    );
    assert!(s.session_integration("h-login").await.unwrap().is_none());
    s.delete_integration(&made.id, &admin).await.unwrap();
    assert!(
        s.session("h-embed").await.unwrap().is_none(),
        "ended with it"
    );
    assert!(s.session("h-login").await.unwrap().is_some());
}

//! Cached sessions are cleared on every node over NATS.

use super::*;

/// Each node keeps the sessions and the global settings it read for a few seconds (one lookup
/// instead of five queries per request). A change made through one node clears them on every
/// node over NATS, at once.
#[tokio::test]
async fn cached_sessions_are_cleared_on_every_node_over_nats() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, admin) = user(&store, "ada@example.com", "Ada Admin", &["administrator"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let (cilla_id, cilla) = user(&store, "cilla@example.com", "Cilla Ek", &["agent"]).await;
    let a = node(&db.url, &subject).await;
    let b = node(&db.url, &subject).await;
    // Node B reads and keeps both sessions.
    for token in [&bo, &cilla] {
        assert_eq!(
            call(reqwest::Method::GET, b.url("/chats"), token, None)
                .await
                .0,
            200
        );
    }

    // Roles changed through node A: node B stops letting Bo use chats at once.
    let (status, _) = call(
        reqwest::Method::PATCH,
        a.url(&format!("/users/{bo_id}")),
        &admin,
        Some(json!({"roles": ["viewer"]})),
    )
    .await;
    assert_eq!(status, 200);
    let refused = eventually(|| async {
        call(reqwest::Method::GET, b.url("/chats"), &bo, None)
            .await
            .0
            == 403
    })
    .await;
    assert!(refused, "node B still used Bo's old roles");

    // Deactivated through node A: node B refuses Cilla's token at once.
    let (status, _) = call(
        reqwest::Method::PATCH,
        a.url(&format!("/users/{cilla_id}")),
        &admin,
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(status, 200);
    let refused = eventually(|| async {
        call(reqwest::Method::GET, b.url("/chats"), &cilla, None)
            .await
            .0
            == 401
    })
    .await;
    assert!(refused, "node B still accepted a deactivated user's token");

    // The global switch (R1), turned off through node A, holds on node B at once.
    let (_, dana) = user(&store, "dana@example.com", "Dana Ek", &["agent"]).await;
    assert_eq!(
        call(reqwest::Method::GET, b.url("/chats"), &dana, None)
            .await
            .0,
        200
    );
    let (status, _) = call(
        reqwest::Method::PUT,
        a.url("/settings"),
        &admin,
        Some(json!({"collaboration_enabled": false})),
    )
    .await;
    assert_eq!(status, 200);
    let refused = eventually(|| async {
        call(reqwest::Method::GET, b.url("/chats"), &dana, None)
            .await
            .0
            == 403
    })
    .await;
    assert!(refused, "node B still had collaboration on");
}

/// Polls `check` for up to 2 s (well under the 10 s a cached session is trusted), so the test
/// proves the change travelled over NATS rather than waiting for the entry to expire.
async fn eventually<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

//! Cached sessions are cleared, and ended sessions' sockets closed, on every node over NATS.

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

    // A record type's settings, changed through node A, hold on node B at once (each node
    // keeps the record types it read).
    let chats_enabled = |node: &str| {
        let url = format!("{node}/record-types/case/settings");
        let admin = admin.clone();
        async move {
            let (status, body) = call(reqwest::Method::GET, url, &admin, None).await;
            assert_eq!(status, 200);
            body["chats_enabled"].as_bool()
        }
    };
    let b_types = b.url("");
    assert_eq!(chats_enabled(&b_types).await, Some(true));
    let (status, _) = call(
        reqwest::Method::PUT,
        a.url("/record-types/case/settings"),
        &admin,
        Some(json!({"chats_enabled": false})),
    )
    .await;
    assert_eq!(status, 200);
    let changed = eventually(|| async { chats_enabled(&b_types).await == Some(false) }).await;
    assert!(changed, "node B still had the old record type settings");

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

/// A session ended through one node closes its event sockets on every node: Bo changes his
/// password through node A, which ends his other session; that session's socket on node B
/// closes with 4001 at once, while the socket of the session that made the change stays open
/// and still gets events. Signing out through node A closes that one too.
#[tokio::test]
async fn ended_sessions_close_their_sockets_on_every_node_over_nats() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (bo_id, here) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let (_, cilla) = user(&store, "cilla@example.com", "Cilla Ek", &["agent"]).await;
    let elsewhere = auth::new_token();
    store
        .create_session(
            &auth::token_hash(&elsewhere),
            &bo_id.as_str().into(),
            "csrf",
            tether_store::now_ms() + 3_600_000,
        )
        .await
        .unwrap();
    let a = node(&db.url, &subject).await;
    let b = node(&db.url, &subject).await;
    let mut here_on_b = events(&b, &here).await;
    let mut elsewhere_on_b = events(&b, &elsewhere).await;

    let (status, body) = call(
        reqwest::Method::POST,
        a.url("/me/password"),
        &here,
        Some(json!({"current_password": "correct horse battery", "new_password": "a new and long passphrase"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(closed_within(&mut elsewhere_on_b, 2).await, Some(4001));
    assert_eq!(
        call(reqwest::Method::GET, b.url("/chats"), &elsewhere, None)
            .await
            .0,
        401,
        "node B still accepted the ended session"
    );

    // The session that made the change keeps its socket on node B, and it still delivers.
    let (status, chat) = call(
        reqwest::Method::POST,
        a.url("/chats"),
        &cilla,
        Some(json!({"member_ids": [bo_id]})),
    )
    .await;
    assert!(status == 201 || status == 200, "{status} {chat}");
    let chat_id = chat["id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        reqwest::Method::POST,
        a.url(&format!("/chats/{chat_id}/messages")),
        &cilla,
        Some(json!({"body": "still there?"})),
    )
    .await;
    assert_eq!(status, 201);
    let event = expect(&mut here_on_b, "message.created").await;
    assert_eq!(event["message"]["body"], "still there?");

    // Signing out through node A closes this session's socket on node B too.
    let (status, _) = call(reqwest::Method::POST, a.url("/auth/logout"), &here, None).await;
    assert_eq!(status, 204);
    assert_eq!(closed_within(&mut here_on_b, 2).await, Some(4001));
}

/// The close code of `ws` if the server closes it within `seconds` (events before are skipped).
async fn closed_within(ws: &mut Ws, seconds: u64) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame)))) => {
                return frame.map(|f| u16::from(f.code));
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) | Err(_) => return None,
        }
    }
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

//! Limits and fairness (issue 10): per-user rate limits on sending and on expensive reads, on
//! both backends (in memory on single-node SQLite, in the shared database on PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::spawn_app_with;
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(rate_limits_answer_429_with_retry_after_per_user_and_kind);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn rate_limits_answer_429_with_retry_after_per_user_and_kind(b: Backend) {
    let app = spawn_app_with(b, |c| {
        c.limits.sends = 5;
        c.limits.searches = 3;
    })
    .await;
    let admin = app.enable_collaboration().await;
    let (_, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let chat = id(&app
        .post("/chats", &alice, json!({"member_ids": [bo_id]}))
        .await
        .expect(201)
        .body);
    let path = format!("/chats/{chat}/messages");
    for i in 0..5 {
        app.post(&path, &alice, json!({"body": format!("message {i}")}))
            .await
            .expect(201);
    }
    let refused = app
        .post(&path, &alice, json!({"body": "one too many"}))
        .await
        .problem(429, "limit of 5 messages a minute");
    let retry: u64 = refused
        .headers
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Nothing of the refused message was stored.
    let page = app.get(&path, &bo).await.expect(200).body;
    let texts: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert!(!texts.contains(&"one too many"));
    assert_eq!(
        texts.iter().filter(|t| t.starts_with("message ")).count(),
        5
    );
    // The limit is Alice's: Bo still sends. Reads are not sends: Alice still reads.
    app.post(&path, &bo, json!({"body": "my turn"}))
        .await
        .expect(201);
    app.get(&path, &alice).await.expect(200);

    // Searches have their own count.
    for _ in 0..3 {
        app.get("/search?q=message", &alice).await.expect(200);
    }
    app.get("/search?q=message", &alice)
        .await
        .problem(429, "searches");
    app.get("/search?q=message", &bo).await.expect(200);
}

/// A request that outlives the timeout gets a problem document a person can act on, and the
/// server keeps serving. With a zero timeout every request that waits for the database is cut.
#[tokio::test]
async fn a_request_past_its_timeout_gets_a_503_problem() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.request_timeout = std::time::Duration::ZERO;
    })
    .await;
    let user = app
        .store
        .user_credentials(common::ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let token = tether_server::auth::new_token();
    app.store
        .create_session(
            &tether_server::auth::token_hash(&token),
            &user.id,
            "csrf",
            tether_store::now_ms() + 60_000,
        )
        .await
        .unwrap();
    for _ in 0..3 {
        app.get("/me", &token)
            .await
            .problem(503, "took longer than 0 s");
    }
}

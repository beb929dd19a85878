//! Hostile content (issue 15): message bodies that would amplify into huge HTML are refused on
//! send and edit alike, edits count against the send limit, reactions are single real emoji,
//! bounded per message and rate limited, and names and passwords cannot hide behind invisible
//! or text-direction characters. Every test runs on both backends.

mod bodies;
mod names;
mod reactions;

use crate::common;
use crate::common::{TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tether_store::Backend;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

struct Pair {
    app: TestApp,
    admin: String,
    alice: String,
    bo_id: String,
    bo: String,
    /// Alice and Bo's one-on-one chat.
    chat: String,
}

async fn pair(b: Backend, tweak: impl FnOnce(&mut tether_server::Config)) -> Pair {
    let app = spawn_app_with(b, tweak).await;
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
    Pair {
        app,
        admin,
        alice,
        bo_id,
        bo,
        chat,
    }
}

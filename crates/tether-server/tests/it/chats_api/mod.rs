//! Chats and live messaging against the real server, over HTTP and WebSocket (SPEC R1, R2,
//! R8, R11b, R17).

mod list;
mod members;
mod messages;
mod sockets;

use crate::common;
use crate::common::{PASSWORD, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::time::Duration;
use tether_store::Backend;

struct People {
    app: TestApp,
    admin: String,
    alice_id: String,
    alice: String,
    bo_id: String,
    bo: String,
    cilla_id: String,
    cilla: String,
}

async fn people(app: TestApp) -> People {
    let admin = app.enable_collaboration().await;
    let (alice_id, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Ek", &["agent"], &[])
        .await;
    People {
        app,
        admin,
        alice_id,
        alice,
        bo_id,
        bo,
        cilla_id,
        cilla,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

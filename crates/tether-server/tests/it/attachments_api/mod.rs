//! Attachments under abuse (issue 15): downloads are streamed (memory stays flat however many
//! run at once) and rate limited; an upload declared too large is refused before its body is
//! read; each user's unsent uploads are bounded; uploads left unsent are purged after the TTL
//! and a deleted message's files go with it, from the database and from the disk. Both
//! backends.

mod cleanup;
mod downloads;
mod uploads;

use crate::common;
use crate::common::{TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::time::Duration;
use tether_store::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MIB: usize = 1024 * 1024;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Uploads `bytes` as `name`; the response.
async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> common::Res {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    common::read(
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Where the server keeps an attachment's bytes.
fn on_disk(app: &TestApp, attachment_id: &str) -> std::path::PathBuf {
    app.data_dir.join("attachments").join(attachment_id)
}

/// `len` bytes that differ from place to place, so a misplaced chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// Alice and Bo (agents) in a chat, collaboration on: (app, alice, bo, chat id).
async fn two_in_a_chat(app: &TestApp) -> (String, String, String) {
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
    (alice, bo, chat)
}

async fn user_id(app: &TestApp, token: &str) -> String {
    id(&app.get("/me", token).await.expect(200).body)
}

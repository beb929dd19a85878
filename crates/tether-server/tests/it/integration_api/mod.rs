//! Issue 19, part 1 over HTTP — records and people from elsewhere: API keys (shown once,
//! scoped, revoked at once, audited, no session), records upserted and read by external id one
//! at a time and in bulk, people upserted by external id, and every way each is refused.
//! Runs on SQLite and on PostgreSQL.

mod bulk;
mod keys;
mod people;
mod records;

use crate::common::TestApp;
use serde_json::{Value, json};

/// Makes an API key as `admin`; answers (id, key).
async fn key(app: &TestApp, admin: &str, name: &str, scopes: &[&str]) -> (String, String) {
    let made = app
        .post(
            "/api/v1/api-keys",
            admin,
            json!({"name": name, "scopes": scopes}),
        )
        .await
        .expect(201)
        .body;
    (
        made["id"].as_str().unwrap().to_owned(),
        made["key"].as_str().unwrap().to_owned(),
    )
}

/// The audit log's entries of `action`, newest first, as the administrator reads them.
async fn audited(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    app.get(&format!("/audit?action={action}&limit=200"), admin)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

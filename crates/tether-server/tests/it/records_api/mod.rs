//! Records over HTTP: creation and validation, access by depth and sharing, owner changes,
//! timeline, custom types. Runs on SQLite and on PostgreSQL.

mod custom_types;
mod lookups;
mod owners;
mod validation;

use crate::common;
use crate::common::{TestApp, spawn_app};
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    anna_id: String,
    anna: String,
    bo_id: String,
    bo: String,
    cilla: String,
    team_id: String,
}

/// Anna and Bo are in one team; Cilla is in none. Anna has a role that can write cases only
/// at `own` depth and read at `team`; Bo is a standard agent; Cilla a viewer.
async fn world(b: Backend) -> World {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    app.post("/roles", &admin, json!({"name": "junior", "privileges": ["collab.use", "case.read:team", "case.write:own", "account.read:all"]})).await.expect(201);
    let team = app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body;
    let team_id = team["id"].as_str().unwrap().to_owned();
    let (anna_id, anna) = app
        .user(
            &admin,
            "anna@example.com",
            "Anna Ek",
            &["junior"],
            &[&team_id],
        )
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&team_id])
        .await;
    let (_, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Berg", &["viewer"], &[])
        .await;
    World {
        app,
        admin,
        anna_id,
        anna,
        bo_id,
        bo,
        cilla,
        team_id,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

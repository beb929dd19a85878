//! Every record a user may read is reachable, and owners and shares are managed from the
//! record (issue 16, items 1 and 2): the search over all types, the filtered list of one type,
//! shares listed and removed, the owner picker's options, the hand-over report, and the states
//! each type has. Runs on SQLite and on PostgreSQL.

mod lists;
mod owners;
mod search;

use crate::common::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    anna_id: String,
    anna: String,
    bo_id: String,
    bo: String,
    vera_id: String,
    vera: String,
    dora_id: String,
    dora: String,
    cilla_id: String,
    cilla: String,
    team_a: String,
    team_b: String,
}

/// Anna, Bo (agents) and Vera (viewer: reads her teams' records) are in team A; Dora (agent)
/// is in team B; Cilla has only `case.read:own`/`case.write:own` and no team.
async fn world(b: Backend) -> World {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "solo", "privileges": ["case.read:own", "case.write:own"]}),
    )
    .await
    .expect(201);
    let team_a = id(&app
        .post("/teams", &admin, json!({"name": "Alpha"}))
        .await
        .expect(201)
        .body);
    let team_b = id(&app
        .post("/teams", &admin, json!({"name": "Beta"}))
        .await
        .expect(201)
        .body);
    let (anna_id, anna) = app
        .user(
            &admin,
            "anna@example.com",
            "Anna Ek",
            &["agent"],
            &[&team_a],
        )
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&team_a])
        .await;
    let (vera_id, vera) = app
        .user(
            &admin,
            "vera@example.com",
            "Vera Holm",
            &["viewer"],
            &[&team_a],
        )
        .await;
    let (dora_id, dora) = app
        .user(
            &admin,
            "dora@example.com",
            "Dora Nyström",
            &["agent"],
            &[&team_b],
        )
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Berg", &["solo"], &[])
        .await;
    World {
        app,
        admin,
        anna_id,
        anna,
        bo_id,
        bo,
        vera_id,
        vera,
        dora_id,
        dora,
        cilla_id,
        cilla,
        team_a,
        team_b,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn case(app: &TestApp, token: &str, title: &str, extra: Value) -> Value {
    let mut body = json!({"fields": {"title": title}});
    if let Value::Object(m) = extra {
        for (k, v) in m {
            if k == "fields" {
                for (fk, fv) in v.as_object().unwrap() {
                    body["fields"][fk] = fv.clone();
                }
            } else {
                body[k] = v;
            }
        }
    }
    app.post("/records/case", token, body)
        .await
        .expect(201)
        .body
}

//! Records over HTTP: creation and validation, access by depth and sharing, owner changes,
//! timeline, custom types. Runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(
    records_are_validated_and_access_checked,
    custom_types_and_timeline
);

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

async fn records_are_validated_and_access_checked(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let account = app
        .post(
            "/records/account",
            &w.bo,
            json!({"fields": {"name": "Contoso"}}),
        )
        .await
        .expect(201)
        .body;
    let created = app
        .post("/records/case", &w.anna, json!({"fields": {"title": "Printer jams on tray 2", "priority": "high"}, "related": {"account": id(&account)}}))
        .await
        .expect(201)
        .body;
    assert_eq!(created["number"], "CAS-00001");
    assert_eq!(created["fields"]["ticket_number"], "CAS-00001");
    assert_eq!(created["name"], "Printer jams on tray 2");
    assert_eq!(
        created["owner"],
        json!({"user_id": w.anna_id, "name": "Anna Ek"})
    );
    assert_eq!(created["state"], "active");
    assert_eq!(created["fields"]["account"], json!(id(&account)));
    assert_eq!(
        created["url"],
        json!(format!("{}/records/case/{}", app.base, id(&created)))
    );
    let case_id = id(&created);

    // 422s name the field.
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"priority": "high"}}),
    )
    .await
    .problem(422, "title");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "colour": "red"}}),
    )
    .await
    .problem(422, "colour");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "priority": 3}}),
    )
    .await
    .problem(422, "priority");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "ticket_number": "CAS-9"}}),
    )
    .await
    .problem(422, "ticket_number");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "related": {"account": "nope"}}),
    )
    .await
    .problem(422, "account");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "related": {"title": "nope"}}),
    )
    .await
    .problem(422, "not a lookup");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "state": "closed"}),
    )
    .await
    .problem(422, "state");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "<script>alert(1)</script>\u{202e}"}}),
    )
    .await
    .problem(422, "title");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x".repeat(600)}}),
    )
    .await
    .problem(422, "title");
    app.post(
        "/records/work_order",
        &w.anna,
        json!({"fields": {"title": "x"}}),
    )
    .await
    .problem(404, "work_order");
    let big = json!({"fields": {"title": "x", "description": "y".repeat(2 * 1024 * 1024)}});
    app.post("/records/case", &w.anna, big)
        .await
        .problem(413, "too large");

    // 403: write depth `own` cannot create a record owned by someone else; viewer cannot write.
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "For Bo"}, "owner": {"user_id": w.bo_id}}),
    )
    .await
    .problem(403, "own");
    app.post(
        "/records/case",
        &w.cilla,
        json!({"fields": {"title": "Viewer"}}),
    )
    .await
    .problem(403, "no write privilege");
    app.post(
        "/records/case",
        &w.bo,
        json!({"fields": {"title": "x"}, "owner": {"user_id": "ghost"}}),
    )
    .await
    .problem(422, "owner");

    // Bo (team write) creates a case for the team; Anna can read it (team read) but not write (own write).
    let team_case = app
        .post(
            "/records/case",
            &w.bo,
            json!({"fields": {"title": "Team case"}, "owner": {"team_id": w.team_id}}),
        )
        .await
        .expect(201)
        .body;
    let team_case_id = id(&team_case);
    let read = app
        .get(&format!("/records/case/{team_case_id}"), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(read["can_write"], json!(false));
    app.patch(
        &format!("/records/case/{team_case_id}"),
        &w.anna,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .problem(403, "records you own");

    // Cilla (viewer, team depth, no teams) cannot read either case: 403, not the record.
    let denied = app
        .get(&format!("/records/case/{case_id}"), &w.cilla)
        .await
        .problem(403, "records of your teams");
    assert!(
        !denied.text.contains("Printer"),
        "a denial never carries the record"
    );
    app.get("/records/case/does-not-exist", &w.cilla)
        .await
        .problem(404, "no case record");
    // The right id under the wrong type is not found.
    app.get(&format!("/records/account/{case_id}"), &w.admin)
        .await
        .expect(404);

    // Lists push the scope into the query.
    let cilla_list = app.get("/records/case", &w.cilla).await.expect(200).body;
    assert!(cilla_list["items"].as_array().unwrap().is_empty());
    let anna_list = app
        .get("/records/case?q=PRINTER", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(anna_list["items"].as_array().unwrap().len(), 1);
    let mine = app
        .get("/records/case?owner=me", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);

    // Sharing grants exactly what it says.
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": "ghost", "access": "read"}),
    )
    .await
    .problem(422, "user");
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": w.bo_id, "access": "admin"}),
    )
    .await
    .problem(422, "access");
    let cilla_id = app.get("/users?q=cilla", &w.admin).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.cilla,
        json!({"user_id": cilla_id, "access": "write"}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": cilla_id, "access": "read"}),
    )
    .await
    .expect(201);
    let shared = app
        .get(&format!("/records/case/{case_id}"), &w.cilla)
        .await
        .expect(200)
        .body;
    assert_eq!(shared["can_write"], json!(false));
    assert_eq!(
        app.get("/records/case", &w.cilla).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.cilla,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": cilla_id, "access": "write"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.cilla,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .expect(200);
    let audit = app
        .get(&format!("/audit?record={case_id}"), &w.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(
        audit["items"].as_array().unwrap().len(),
        2,
        "shares are audited"
    );

    // Owner change, state change, clear a field.
    let patched = app
        .patch(&format!("/records/case/{case_id}"), &w.anna, json!({"owner": {"user_id": w.bo_id}, "state": "resolved", "fields": {"priority": null}}))
        .await
        .expect(200)
        .body;
    assert_eq!(patched["owner"]["name"], "Bo Lind");
    assert_eq!(patched["state"], "resolved");
    assert!(patched["fields"].get("priority").is_none());
    assert_eq!(
        patched["can_write"],
        json!(false),
        "Anna gave the case away"
    );
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.bo,
        json!({"fields": {"title": null}}),
    )
    .await
    .problem(422, "title");
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.bo,
        json!({"owner": {"team_id": "ghost"}}),
    )
    .await
    .problem(422, "owner");
}

async fn custom_types_and_timeline(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let def = json!({
        "name": "work_order", "display_name": "Work order", "primary_field": "summary", "number_prefix": "WO",
        "fields": [
            {"name": "summary", "label": "Summary", "kind": "text", "required": true},
            {"name": "hours", "label": "Hours", "kind": "number"},
            {"name": "due", "label": "Due", "kind": "date"},
            {"name": "status", "label": "Status", "kind": "choice", "options": ["new", "done"]},
            {"name": "case", "label": "Case", "kind": "lookup", "target": "case"}
        ]
    });
    let created = app
        .post("/record-types", &w.admin, def.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(created["settings"]["join_chat"], json!(false));
    app.post("/record-types", &w.admin, def)
        .await
        .problem(409, "already exists");
    app.post("/record-types", &w.admin, json!({"name": "Bad Name", "display_name": "X", "primary_field": "a", "fields": [{"name": "a", "label": "A", "kind": "text"}]}))
        .await
        .problem(422, "name");
    app.post("/record-types", &w.admin, json!({"name": "gadget", "display_name": "X", "primary_field": "a", "fields": [{"name": "a", "label": "A", "kind": "colour"}]}))
        .await
        .expect(422);
    let types = app.get("/record-types", &w.bo).await.expect(200).body;
    assert_eq!(types["items"].as_array().unwrap().len(), 7);

    // The agent role has `*.read:all` but no write on work orders.
    app.post(
        "/records/work_order",
        &w.bo,
        json!({"fields": {"summary": "Fix"}}),
    )
    .await
    .problem(403, "work_order.write");
    let wo = app.post("/records/work_order", &w.admin, json!({"fields": {"summary": "Replace pump", "hours": 2.5, "due": "2026-12-01", "status": "new"}})).await.expect(201).body;
    assert_eq!(wo["number"], "WO-00001");
    app.post(
        "/records/work_order",
        &w.admin,
        json!({"fields": {"summary": "x", "due": "2026-02-30"}}),
    )
    .await
    .problem(422, "due");
    app.post(
        "/records/work_order",
        &w.admin,
        json!({"fields": {"summary": "x", "hours": "two"}}),
    )
    .await
    .problem(422, "hours");
    app.get(&format!("/records/work_order/{}", id(&wo)), &w.bo)
        .await
        .expect(200);

    // Timeline.
    let case = app
        .post(
            "/records/case",
            &w.bo,
            json!({"fields": {"title": "VPN drops"}}),
        )
        .await
        .expect(201)
        .body;
    let case_path = format!("/records/case/{}", id(&case));
    app.post(
        &format!("{case_path}/activities"),
        &w.bo,
        json!({"kind": "phone_call", "subject": "Called the customer", "body": "No answer"}),
    )
    .await
    .expect(201);
    let note = app
        .post(
            &format!("{case_path}/activities"),
            &w.bo,
            json!({"kind": "note", "subject": "Router firmware is old"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(note["author"]["name"], "Bo Lind");
    app.post(
        &format!("{case_path}/activities"),
        &w.bo,
        json!({"kind": "chat_connection", "subject": "x"}),
    )
    .await
    .problem(422, "kind");
    app.post(
        &format!("{case_path}/activities"),
        &w.bo,
        json!({"kind": "note", "subject": ""}),
    )
    .await
    .problem(422, "subject");
    app.post(
        &format!("{case_path}/activities"),
        &w.cilla,
        json!({"kind": "note", "subject": "x"}),
    )
    .await
    .expect(403);
    let timeline = app
        .get(&format!("{case_path}/timeline"), &w.anna)
        .await
        .expect(200)
        .body;
    let items = timeline["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["subject"], "Router firmware is old",
        "newest first"
    );
    assert_eq!(items[1]["kind"], "phone_call");
    app.get(&format!("{case_path}/timeline"), &w.cilla)
        .await
        .expect(403);
    app.get(&format!("{case_path}/timeline?before=yesterday"), &w.bo)
        .await
        .problem(422, "before");
}

//! Records over HTTP: creation and validation, access by depth and sharing, owner changes,
//! timeline, custom types. Runs on SQLite and on PostgreSQL.

use crate::common;
use crate::common::{TestApp, spawn_app};
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(
    records_are_validated_and_access_checked,
    custom_types_and_timeline,
    owner_changes_are_checked_like_creation_and_shares_never_give_a_record_away,
    a_lookup_to_an_unreadable_record_answers_as_a_missing_one
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

    // 422s name the field, and say why with a code (and what its words need).
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"priority": "high"}}),
    )
    .await
    .problem(422, "title")
    .field_error("value.missing");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "colour": "red"}}),
    )
    .await
    .problem(422, "colour")
    .field_error("value.unknown_field");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "priority": 3}}),
    )
    .await
    .problem(422, "priority")
    .field_error("value.option");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "ticket_number": "CAS-9"}}),
    )
    .await
    .problem(422, "ticket_number")
    .field_error("value.read_only");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "related": {"account": "nope"}}),
    )
    .await
    .problem(422, "account")
    .field_error("value.not_found");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "related": {"title": "nope"}}),
    )
    .await
    .problem(422, "not a lookup")
    .field_error("value.unknown_field");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "state": "closed"}),
    )
    .await
    .problem(422, "state")
    .field_error("value.option");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "<script>alert(1)</script>\u{202e}"}}),
    )
    .await
    .problem(422, "title")
    .field_error("value.characters");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x".repeat(600)}}),
    )
    .await
    .problem(422, "title")
    .field_error("value.too_long")
    .param("max", json!(500));
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

    // Owner changes are checked like creation: Anna's `own` depth cannot give her case to Bo,
    // and Cilla's write share lets her edit it, never take it.
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.anna,
        json!({"owner": {"user_id": w.bo_id}}),
    )
    .await
    .problem(403, "records you own");
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.cilla,
        json!({"owner": {"user_id": cilla_id}}),
    )
    .await
    .problem(403, "change this record's owner");
    // Bo (team depth covers his teammate's case and himself): owner change, state change,
    // clear a field.
    let patched = app
        .patch(&format!("/records/case/{case_id}"), &w.bo, json!({"owner": {"user_id": w.bo_id}, "state": "resolved", "fields": {"priority": null}}))
        .await
        .expect(200)
        .body;
    assert_eq!(patched["owner"]["name"], "Bo Lind");
    assert_eq!(patched["state"], "resolved");
    assert!(patched["fields"].get("priority").is_none());
    let anna_view = app
        .get(&format!("/records/case/{case_id}"), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(
        anna_view["can_write"],
        json!(false),
        "Bo took the case from Anna"
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

/// Issue 15: an owner change needs a write privilege whose depth covers the record and the new
/// owner (as creation does), never a share; a share never allows a delete either. The attack
/// it closes: a write-share holder made themselves owner and, with *hand over chats* on, was
/// added to every connected chat with its full history.
async fn owner_changes_are_checked_like_creation_and_shares_never_give_a_record_away(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "chatter", "privileges": ["collab.use"]}),
    )
    .await
    .expect(201);
    let support = id(&app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body);
    let escalations = id(&app
        .post("/teams", &admin, json!({"name": "Escalations"}))
        .await
        .expect(201)
        .body);
    let (olga_id, olga) = app
        .user(
            &admin,
            "olga@example.com",
            "Olga Berg",
            &["agent"],
            &[&support],
        )
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&support])
        .await;
    let (dag_id, dag) = app
        .user(
            &admin,
            "dag@example.com",
            "Dag Ek",
            &["supervisor"],
            &[&escalations],
        )
        .await;
    let (mallory_id, mallory) = app
        .user(
            &admin,
            "mallory@example.com",
            "Mallory Mask",
            &["chatter"],
            &[],
        )
        .await;
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);

    // Olga's case with a connected chat and its history; Mallory gets a write share.
    let case = id(&app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Printer jams"}}),
        )
        .await
        .expect(201)
        .body);
    let path = format!("/records/case/{case}");
    let chat = id(&app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [bo_id], "record": {"type": "case", "id": case}}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/chats/{chat}/messages"),
        &olga,
        json!({"body": "Internal: the customer's PIN is 4711"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("{path}/shares"),
        &olga,
        json!({"user_id": mallory_id, "access": "write"}),
    )
    .await
    .expect(201);

    // The share lets Mallory edit fields...
    app.patch(&path, &mallory, json!({"fields": {"priority": "high"}}))
        .await
        .expect(200);
    // ...and sending the owner it already has is no owner change.
    app.patch(
        &path,
        &mallory,
        json!({"owner": {"user_id": olga_id}, "fields": {"priority": "urgent"}}),
    )
    .await
    .expect(200);
    // ...but not take the case, nor hand it to anyone, nor delete it.
    let refused = app
        .patch(&path, &mallory, json!({"owner": {"user_id": mallory_id}}))
        .await
        .problem(403, "change this record's owner");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("no write privilege for case records"),
        "{}",
        refused.text
    );
    app.patch(&path, &mallory, json!({"owner": {"user_id": bo_id}}))
        .await
        .problem(403, "change this record's owner");
    app.send(reqwest::Method::DELETE, &path, Some(&mallory), None)
        .await
        .problem(403, "share");
    let now = app.get(&path, &olga).await.expect(200).body;
    assert_eq!(now["owner"]["user_id"], json!(olga_id), "still Olga's");
    // Nothing was handed over: the chat stays as unknown to Mallory as a missing one.
    app.get(&format!("/chats/{chat}"), &mallory)
        .await
        .expect(404);
    app.get(&format!("/chats/{chat}/messages"), &mallory)
        .await
        .expect(404);
    let mine = app.get("/chats", &mallory).await.expect(200);
    assert!(!mine.text.contains("4711"), "{}", mine.text);

    // A supervisor of Escalations with a write share on Support's case: edits, never takes.
    app.post(
        &format!("{path}/shares"),
        &olga,
        json!({"user_id": dag_id, "access": "write"}),
    )
    .await
    .expect(201);
    app.patch(&path, &dag, json!({"fields": {"priority": "low"}}))
        .await
        .expect(200);
    app.patch(&path, &dag, json!({"owner": {"user_id": dag_id}}))
        .await
        .problem(403, "never change its owner");
    app.patch(&path, &dag, json!({"owner": {"team_id": escalations}}))
        .await
        .problem(403, "never change its owner");

    // Olga (team depth) may hand it to her teammate Bo, not to Dag, whom her depth does not
    // cover.
    app.patch(&path, &olga, json!({"owner": {"user_id": dag_id}}))
        .await
        .problem(403, "owner you chose");
    app.patch(&path, &olga, json!({"owner": {"user_id": bo_id}}))
        .await
        .expect(200);

    // A team's case: its writers by privilege may hand it within the team and delete it; not
    // hand it to another team. A write share on it allows neither.
    let team_case = id(&app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Team queue case"}, "owner": {"team_id": support}}),
        )
        .await
        .expect(201)
        .body);
    let team_path = format!("/records/case/{team_case}");
    let to_escalations = json!({"owner": {"team_id": escalations}});
    app.patch(&team_path, &bo, to_escalations.clone())
        .await
        .problem(403, "case.write:team");
    for holder in [&mallory_id, &dag_id] {
        app.post(
            &format!("{team_path}/shares"),
            &olga,
            json!({"user_id": holder, "access": "write"}),
        )
        .await
        .expect(201);
    }
    for holder in [&mallory, &dag] {
        app.patch(&team_path, holder, to_escalations.clone())
            .await
            .expect(403);
        app.send(reqwest::Method::DELETE, &team_path, Some(holder), None)
            .await
            .problem(403, "share");
    }
    let still = app.get(&team_path, &olga).await.expect(200).body;
    assert_eq!(still["owner"]["team_id"], json!(support));
    // The administrator (case.write:all) may hand it anywhere; Bo may then no longer delete it.
    app.patch(&team_path, &admin, to_escalations)
        .await
        .expect(200);
    app.send(reqwest::Method::DELETE, &team_path, Some(&bo), None)
        .await
        .expect(403);
    // Creating for another team is refused the same way.
    app.post(
        "/records/case",
        &bo,
        json!({"fields": {"title": "For them"}, "owner": {"team_id": escalations}}),
    )
    .await
    .problem(403, "owner you chose");
}

/// Issue 15: a lookup to a record the caller cannot read is answered exactly as a lookup to a
/// missing record (same status, same detail), on creation and on change — no existence
/// oracle, and no link that would block its owner's delete.
async fn a_lookup_to_an_unreadable_record_answers_as_a_missing_one(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "case_only", "privileges": ["case.read:own", "case.write:own"]}),
    )
    .await
    .expect(201);
    let (_, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let (carl_id, carl) = app
        .user(&admin, "carl@example.com", "Carl Case", &["case_only"], &[])
        .await;
    let hidden = id(&app
        .post(
            "/records/account",
            &bo,
            json!({"fields": {"name": "Hidden Corp"}}),
        )
        .await
        .expect(201)
        .body);
    let missing = "no-such-account-0000".to_owned();
    app.get(&format!("/records/account/{hidden}"), &carl)
        .await
        .expect(403);

    // The two answers, with the id each names replaced, must be identical.
    let same = |a: common::Res, a_id: &str, b: common::Res, b_id: &str| {
        assert_eq!(a.status, b.status, "{} / {}", a.text, b.text);
        assert_eq!(a.status.as_u16(), 422, "{}", a.text);
        assert_eq!(
            a.text.replace(a_id, "<id>"),
            b.text.replace(b_id, "<id>"),
            "an unreadable record answers as a missing one"
        );
        assert!(!a.text.contains("Hidden Corp"), "{}", a.text);
    };
    let create = |account: &str, related: bool| {
        let body = if related {
            json!({"fields": {"title": "Lookup probe"}, "related": {"account": account}})
        } else {
            json!({"fields": {"title": "Lookup probe", "account": account}})
        };
        app.post("/records/case", &carl, body)
    };
    for related in [true, false] {
        same(
            create(&hidden, related).await,
            &hidden,
            create(&missing, related).await,
            &missing,
        );
    }
    let case = id(&app
        .post(
            "/records/case",
            &carl,
            json!({"fields": {"title": "Carl's case"}}),
        )
        .await
        .expect(201)
        .body);
    let path = format!("/records/case/{case}");
    same(
        app.patch(&path, &carl, json!({"fields": {"account": hidden}}))
            .await,
        &hidden,
        app.patch(&path, &carl, json!({"fields": {"account": missing}}))
            .await,
        &missing,
    );
    let after = app.get(&path, &carl).await.expect(200).body;
    assert!(after["fields"].get("account").is_none(), "{after}");
    // Nothing points to the account, so its owner can still delete it.
    app.send(
        reqwest::Method::DELETE,
        &format!("/records/account/{hidden}"),
        Some(&bo),
        None,
    )
    .await
    .expect(204);

    // What Carl may read he may link — a read share counts.
    let shared = id(&app
        .post(
            "/records/account",
            &bo,
            json!({"fields": {"name": "Shared Corp"}}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/records/account/{shared}/shares"),
        &bo,
        json!({"user_id": carl_id, "access": "read"}),
    )
    .await
    .expect(201);
    app.patch(&path, &carl, json!({"fields": {"account": shared}}))
        .await
        .expect(200);
    app.post(
        "/records/case",
        &carl,
        json!({"fields": {"title": "Linked"}, "related": {"account": shared}}),
    )
    .await
    .expect(201);
}

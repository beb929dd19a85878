//! Administration that is whole (issue 16, item 3), against the real server on both storage
//! backends: the Users list with roles and teams for administrators only, team members and
//! admins added and removed (audited, refused with problems where they must be), and the audit
//! log with names, a person filter and a CSV export.

use crate::common::{PASSWORD, TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn user(app: &TestApp, admin: &str, email: &str, name: &str, roles: &[&str]) -> String {
    id(&app
        .post(
            "/users",
            admin,
            json!({"name": name, "email": email, "password": PASSWORD, "roles": roles}),
        )
        .await
        .expect(201)
        .body)
}

async fn users_list_shows_roles_and_teams_to_administrators_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let (ann_id, ann) = app
        .user(
            &admin,
            "ann@example.com",
            "Ann Agent",
            &["agent", "supervisor"],
            &[],
        )
        .await;
    let team = id(&app
        .post(
            "/teams",
            &admin,
            json!({"name": "Billing", "admin_ids": [ann_id], "member_ids": []}),
        )
        .await
        .expect(201)
        .body);
    for n in 0..4 {
        user(
            &app,
            &admin,
            &format!("p{n}@example.com"),
            &format!("Person {n}"),
            &["viewer"],
        )
        .await;
    }

    // The administrator sees roles and teams, page by page.
    let page = app
        .get("/users?q=example.com&limit=2", &admin)
        .await
        .expect(200);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(page.body["next_offset"], json!(2));
    let ann_row = app.get("/users?q=ann@", &admin).await.expect(200).body["items"][0].clone();
    assert_eq!(ann_row["roles"], json!(["agent", "supervisor"]));
    assert_eq!(ann_row["teams"], json!([{"id": team, "name": "Billing"}]));
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let res = app
            .get(
                &format!("/users?q=example.com&limit=2&offset={offset}"),
                &admin,
            )
            .await
            .expect(200);
        seen.extend(res.body["items"].as_array().unwrap().iter().map(id));
        match res.body["next_offset"].as_i64() {
            Some(n) => offset = n,
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    // Ann, four others and the first administrator.
    assert_eq!(seen.len(), 6, "paging visits every user once");
    app.get("/users?offset=-1", &admin)
        .await
        .problem(422, "offset");

    // The people picker gives others no more than names, e-mail addresses and the active flag.
    let picker = app.get("/users?q=ann@", &ann).await.expect(200);
    let row = picker.body["items"][0].as_object().unwrap();
    let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["active", "email", "id", "name"]);
    assert!(picker.body.get("next_offset").is_none());
    app.get("/users?offset=20", &ann)
        .await
        .problem(403, "admin privilege");
}

#[tokio::test]
async fn users_list_shows_roles_and_teams_to_administrators_only_sqlite() {
    users_list_shows_roles_and_teams_to_administrators_only(Backend::Sqlite).await;
}

#[tokio::test]
async fn users_list_shows_roles_and_teams_to_administrators_only_postgres() {
    users_list_shows_roles_and_teams_to_administrators_only(Backend::Postgres).await;
}

async fn teams_gain_and_lose_members_and_admins(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.enable_collaboration().await;
    let (ann_id, ann) = app
        .user(&admin, "ann@example.com", "Ann Agent", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Berg", &["agent"], &[])
        .await;
    let cid = user(&app, &admin, "cid@example.com", "Cid Carr", &["agent"]).await;
    let team = id(&app
        .post(
            "/teams",
            &admin,
            json!({"name": "Billing", "admin_ids": [ann_id], "member_ids": [bo_id]}),
        )
        .await
        .expect(201)
        .body);
    let channel = id(&app
        .post(
            &format!("/teams/{team}/channels"),
            &ann,
            json!({"name": "billing-general"}),
        )
        .await
        .expect(201)
        .body);
    app.get(&format!("/channels/{channel}/messages"), &bo)
        .await
        .expect(200);

    // R13: the administrator, who is not in the team, reads that a channel was connected but
    // not the channel's name, in the log and in its CSV.
    let case = id(&app
        .post(
            "/records/case",
            &ann,
            json!({"fields": {"title": "Invoice twice"}}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/records/case/{case}/channels"),
        &ann,
        json!({"channel_id": channel}),
    )
    .await
    .expect(200);
    let log = app
        .get(
            &format!("/audit?record={case}&action=chat.connected"),
            &admin,
        )
        .await
        .expect(200);
    let entry = &log.body["items"][0];
    assert_eq!(entry["chat"]["id"], json!(channel));
    assert_eq!(entry["chat"]["name"], Value::Null);
    assert_eq!(entry["record"]["name"], "Invoice twice");
    assert!(!log.text.contains("billing-general"), "{}", log.text);
    let csv = app
        .get(&format!("/audit.csv?record={case}"), &admin)
        .await
        .expect(200);
    assert!(!csv.text.contains("billing-general"), "{}", csv.text);

    // Only administrators manage teams.
    app.patch(&format!("/teams/{team}"), &ann, json!({"name": "Mine"}))
        .await
        .expect(403);
    app.send(
        Method::DELETE,
        &format!("/teams/{team}/members/{bo_id}"),
        Some(&ann),
        None,
    )
    .await
    .expect(403);

    // Rename and make Cid (not yet a member) the second admin: Cid joins the team.
    let out = app
        .patch(
            &format!("/teams/{team}"),
            &admin,
            json!({"name": "Billing & invoices", "admin_ids": [ann_id, cid]}),
        )
        .await
        .expect(200);
    assert_eq!(out.body["name"], "Billing & invoices");
    let admins: Vec<&str> = out.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["is_admin"] == json!(true))
        .map(|m| m["user"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(admins.len(), 2);
    assert!(admins.contains(&cid.as_str()) && admins.contains(&ann_id.as_str()));

    // Ann stops being an admin but stays a member.
    let out = app
        .patch(
            &format!("/teams/{team}"),
            &admin,
            json!({"admin_ids": [cid]}),
        )
        .await
        .expect(200);
    let ann_m = out.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["id"] == json!(ann_id))
        .unwrap()
        .clone();
    assert_eq!(ann_m["is_admin"], json!(false));

    // Bad input: no admins, unknown people, unknown team, nothing to change.
    app.patch(&format!("/teams/{team}"), &admin, json!({"admin_ids": []}))
        .await
        .problem(422, "at least one team admin");
    app.patch(
        &format!("/teams/{team}"),
        &admin,
        json!({"admin_ids": ["nobody"]}),
    )
    .await
    .problem(422, "unknown user");
    app.patch(&format!("/teams/{team}"), &admin, json!({}))
        .await
        .problem(422, "send a new name");
    app.patch("/teams/no-such-team", &admin, json!({"name": "X"}))
        .await
        .problem(404, "no team");

    // Remove Bo: he leaves the team and its channel, and his open client and the channel's
    // members are told at once.
    let mut bo_events = app.events(&bo).await;
    let mut ann_events = app.events(&ann).await;
    let out = app
        .send(
            Method::DELETE,
            &format!("/teams/{team}/members/{bo_id}"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert!(!out.text.contains(&bo_id));
    for events in [&mut bo_events, &mut ann_events] {
        let e = events.expect("member.removed").await;
        assert_eq!(e["chat_id"], json!(channel));
        assert_eq!(e["user"]["id"], json!(bo_id));
        assert_eq!(e["user"]["name"], "Bo Berg");
    }
    let res = app.get(&format!("/channels/{channel}/messages"), &bo).await;
    assert!(
        matches!(res.status.as_u16(), 403 | 404),
        "a former member cannot read the team's channel: {}",
        res.text
    );
    // Removing him again, from no team, or the last admin: problems with a reason.
    app.send(
        Method::DELETE,
        &format!("/teams/{team}/members/{bo_id}"),
        Some(&admin),
        None,
    )
    .await
    .problem(404, "not a member");
    app.send(
        Method::DELETE,
        &format!("/teams/nope/members/{bo_id}"),
        Some(&admin),
        None,
    )
    .await
    .problem(404, "no team");
    app.send(
        Method::DELETE,
        &format!("/teams/{team}/members/{cid}"),
        Some(&admin),
        None,
    )
    .await
    .problem(409, "only team admin");

    // Adding Eva to the team puts the channel in her open client and tells its members.
    let (eva_id, eva) = app
        .user(&admin, "eva@example.com", "Eva Ek", &["agent"], &[])
        .await;
    let mut eva_events = app.events(&eva).await;
    app.post(
        &format!("/teams/{team}/members"),
        &admin,
        json!({"user_ids": [eva_id]}),
    )
    .await
    .expect(200);
    let created = eva_events.expect("chat.created").await;
    assert_eq!(created["chat"]["id"], json!(channel));
    let added = ann_events.expect("member.added").await;
    assert_eq!(added["chat_id"], json!(channel));
    assert_eq!(added["users"][0]["name"], "Eva Ek");
    // Bo, gone, hears nothing of the channel any more.
    bo_events.expect_silence(300).await;

    // Every change is in the audit log, with names.
    let log = app
        .get("/audit?action=team.member_removed", &admin)
        .await
        .expect(200);
    let entry = &log.body["items"][0];
    assert_eq!(entry["details"]["user_id"], json!(bo_id));
    assert_eq!(entry["names"][&bo_id], "Bo Berg");
    assert_eq!(entry["names"][&team], "Billing & invoices");
    // A new user's teams are named too.
    let dee = id(&app
        .post("/users", &admin, json!({"name": "Dee Dahl", "email": "dee@example.com", "password": PASSWORD, "roles": ["agent"], "team_ids": [team]}))
        .await
        .expect(201)
        .body);
    // …and a user created into a team is in its channels, like one added to it later, and
    // the channel's members are told.
    let joined = ann_events.expect("member.added").await;
    assert_eq!(joined["chat_id"], json!(channel));
    assert_eq!(joined["users"][0]["id"], json!(dee));
    let dee_token = app.login("dee@example.com", PASSWORD).await;
    app.get(&format!("/channels/{channel}/messages"), &dee_token)
        .await
        .expect(200);
    let log = app
        .get("/audit?action=user.created&limit=500", &admin)
        .await
        .expect(200);
    let created = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["details"]["user_id"] == json!(dee))
        .unwrap();
    assert_eq!(created["names"][&team], "Billing & invoices");
    assert_eq!(created["names"][&dee], "Dee Dahl");
    let log = app
        .get("/audit?action=team.updated", &admin)
        .await
        .expect(200);
    assert_eq!(log.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn teams_gain_and_lose_members_and_admins_sqlite() {
    teams_gain_and_lose_members_and_admins(Backend::Sqlite).await;
}

#[tokio::test]
async fn teams_gain_and_lose_members_and_admins_postgres() {
    teams_gain_and_lose_members_and_admins(Backend::Postgres).await;
}

async fn audit_names_filters_and_csv(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.enable_collaboration().await;
    let (ann_id, ann) = app
        .user(
            &admin,
            "ann@example.com",
            "=Ann, \"the\" Agent",
            &["agent"],
            &[],
        )
        .await;
    let (bo_id, _bo) = app
        .user(&admin, "bo@example.com", "Bo Berg", &["agent"], &[])
        .await;
    let case = app
        .post(
            "/records/case",
            &ann,
            json!({"fields": {"title": "+Printer on fire"}}),
        )
        .await
        .expect(201);
    let case_id = id(&case.body);
    let chat = id(&app
        .post("/chats", &ann, json!({"member_ids": [bo_id], "name": "Fire crew", "record": {"type": "case", "id": case_id}}))
        .await
        .expect(201)
        .body);

    // Names of the actor, record and chat come with the entry; the person filter works.
    let log = app
        .get(&format!("/audit?actor={ann_id}"), &admin)
        .await
        .expect(200);
    let items = log.body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["actor"]["id"] == json!(ann_id)));
    let connected = items
        .iter()
        .find(|e| e["action"] == "chat.connected")
        .expect("the connection is audited");
    assert_eq!(connected["record"]["name"], "+Printer on fire");
    assert_eq!(connected["record"]["type"], "case");
    assert_eq!(connected["chat"]["name"], "Fire crew");
    assert_eq!(connected["chat"]["id"], json!(chat));
    let by_bo = app
        .get(
            &format!("/audit?actor={bo_id}&action=chat.connected"),
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(by_bo.body["items"], json!([]));
    let by_record = app
        .get(
            &format!("/audit?record={case_id}&action=chat.connected"),
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(by_record.body["items"].as_array().unwrap().len(), 1);

    // CSV: same filters, same check, quoted, formulas defused.
    let res = app
        .get(
            &format!("/audit.csv?actor={ann_id}&action=chat.connected"),
            &admin,
        )
        .await
        .expect(200);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{:?}",
        res.headers
    );
    assert!(
        res.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let lines: Vec<&str> = res.text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{}", res.text);
    assert!(lines[0].starts_with("time,actor,actor_id,action,"));
    assert!(
        lines[1].contains("\"'=Ann, \"\"the\"\" Agent\""),
        "the actor's name is quoted and defused: {}",
        lines[1]
    );
    assert!(lines[1].contains(",'+Printer on fire,"), "{}", lines[1]);
    assert!(lines[1].contains(",Fire crew,"), "{}", lines[1]);
    app.get("/audit.csv", &ann)
        .await
        .problem(403, "admin privilege");
    app.get("/audit", &ann)
        .await
        .problem(403, "admin privilege");
    app.send(Method::GET, "/audit.csv", None, None)
        .await
        .expect(401);
    app.get("/audit.csv?before=yesterday", &admin)
        .await
        .expect(422);
    app.get("/audit.csv?limit=20000", &admin).await.expect(200);
}

#[tokio::test]
async fn audit_names_filters_and_csv_sqlite() {
    audit_names_filters_and_csv(Backend::Sqlite).await;
}

#[tokio::test]
async fn audit_names_filters_and_csv_postgres() {
    audit_names_filters_and_csv(Backend::Postgres).await;
}

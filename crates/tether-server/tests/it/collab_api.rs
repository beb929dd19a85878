//! Record-connected collaboration against the real server (SPEC R1, R3–R11a, R13–R15, R22,
//! R23): the panel's sections and locks, new connected chats, connect and disconnect rights,
//! join, timeline entries, channels and field-change notices.

use crate::common::desk::Desk;
use crate::common::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    olga_id: String,
    olga: String,
    bo_id: String,
    bo: String,
    eve_id: String,
    eve: String,
    cilla_id: String,
    cilla: String,
    sam: String,
    team_id: String,
    case_id: String,
    other_case_id: String,
}

/// Olga owns the case. Bo and Eve are her teammates (agents: team write). Cilla may only read
/// cases. Sam is a supervisor in another team (read all, `collab.disconnect`). `other_case` is
/// owned by Sam's team, so Cilla… can read it, but a second private type shows unreadable links.
async fn world(b: Backend) -> World {
    let d = Desk::open(
        spawn_app(b).await,
        json!({"title": "Printer jams on tray 2", "priority": "normal"}),
    )
    .await;
    let other_case_id = d
        .app
        .create(
            "/records/case",
            &d.sam.token,
            json!({"fields": {"title": "VPN drops"}, "owner": {"team_id": d.other_team_id}}),
        )
        .await;
    World {
        case_id: d.case_id,
        other_case_id,
        app: d.app,
        admin: d.admin,
        olga_id: d.olga.id,
        olga: d.olga.token,
        bo_id: d.bo.id,
        bo: d.bo.token,
        eve_id: d.eve.id,
        eve: d.eve.token,
        cilla_id: d.cilla.id,
        cilla: d.cilla.token,
        sam: d.sam.token,
        team_id: d.team_id,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn section<'a>(panel: &'a Value, name: &str) -> Vec<&'a Value> {
    panel[name].as_array().unwrap().iter().collect()
}

fn find<'a>(panel: &'a Value, name: &str, chat: &str) -> Option<&'a Value> {
    section(panel, name)
        .into_iter()
        .find(|c| c["id"] == json!(chat))
}

impl World {
    fn case(&self) -> String {
        format!("/records/case/{}", self.case_id)
    }
    async fn panel(&self, token: &str) -> Value {
        self.app
            .get(&format!("{}/collaboration", self.case()), token)
            .await
            .expect(200)
            .body
    }
    async fn connected_chat(&self, token: &str, members: &[&str], intro: bool) -> Value {
        self.app
            .post("/chats", token, json!({"member_ids": members, "record": {"type": "case", "id": self.case_id}, "send_intro": intro}))
            .await
            .expect(201)
            .body
    }
    async fn texts(&self, chat: &str, token: &str) -> Vec<String> {
        let page = self
            .app
            .get(&format!("/chats/{chat}/messages?limit=100"), token)
            .await
            .expect(200)
            .body;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}

#[tokio::test]
async fn r1_the_panel_is_gated_with_reasons() {
    let w = world(Backend::Sqlite).await;
    let app = &w.app;
    let (_, viewer) = app
        .user(
            &w.admin,
            "v@example.com",
            "Vera Viewer",
            &["viewer"],
            &[&w.team_id],
        )
        .await;
    app.get(&format!("{}/collaboration", w.case()), &viewer)
        .await
        .problem(403, "collab.use");
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"chats_enabled": false}),
    )
    .await
    .expect(200);
    app.get(&format!("{}/collaboration", w.case()), &w.olga)
        .await
        .problem(403, "turned off for case records");
    app.post(
        "/chats",
        &w.olga,
        json!({"member_ids": [w.bo_id], "record": {"type": "case", "id": w.case_id}}),
    )
    .await
    .problem(403, "turned off for case records");
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"chats_enabled": true}),
    )
    .await
    .expect(200);
    app.put(
        "/settings",
        &w.admin,
        json!({"collaboration_enabled": false}),
    )
    .await
    .expect(200);
    app.get(&format!("{}/collaboration", w.case()), &w.olga)
        .await
        .problem(403, "collaboration is turned off");
    app.put(
        "/settings",
        &w.admin,
        json!({"collaboration_enabled": true}),
    )
    .await
    .expect(200);
    app.get(&format!("{}/collaboration", w.case()), &w.olga)
        .await
        .expect(200);
    app.get("/records/case/missing/collaboration", &w.olga)
        .await
        .expect(404);
}

#[tokio::test]
async fn r9_r10_r15_new_connected_chat_is_named_introduced_and_on_the_timeline() {
    let w = world(Backend::Sqlite).await;
    let app = &w.app;
    let chat = w.connected_chat(&w.olga, &[&w.bo_id], true).await;
    assert_eq!(chat["kind"], "group", "R9: always a group chat");
    assert_eq!(
        chat["name"], "Printer jams on tray 2",
        "auto-named after the record"
    );
    assert_eq!(chat["records"][0]["id"], json!(w.case_id));
    let page = app
        .get(&format!("/chats/{}/messages", id(&chat)), &w.bo)
        .await
        .body;
    let intro = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "intro")
        .expect("intro card")
        .clone();
    let fields = intro["data"]["card"]["fields"].as_array().unwrap();
    let settings = app.get("/record-types/case/settings", &w.admin).await.body;
    let expected: Vec<&str> = settings["intro_message"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let got: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(got, expected, "R10: the configured fields");
    assert!(
        intro["data"]["card"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/records/case/{}", w.case_id))
    );
    assert!(intro["html"].as_str().unwrap().contains("CAS-00001"));
    let system: Vec<String> = w.texts(&id(&chat), &w.olga).await;
    assert!(
        system
            .iter()
            .any(|t| t == "Olga Berg started this chat from Case CAS-00001"),
        "{system:?}"
    );

    // Intro fields follow the settings; off → no intro; auto-name off → members' names.
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"auto_name_chats": false, "intro_message": {"fields": ["priority", "state"]}}),
    )
    .await
    .expect(200);
    let second = w
        .connected_chat(&w.olga, &[&w.bo_id, &w.eve_id], true)
        .await;
    assert_eq!(second["name"], "Bo Lind, Eve Ny, Olga Berg");
    let page = app
        .get(&format!("/chats/{}/messages", id(&second)), &w.olga)
        .await
        .body;
    let intro = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "intro")
        .unwrap()
        .clone();
    assert_eq!(
        intro["data"]["card"]["fields"],
        json!([{"name": "priority", "label": "Priority", "value": "Normal"}, {"name": "state", "label": "State", "value": "Active"}])
    );
    let third = w.connected_chat(&w.olga, &[&w.bo_id], false).await;
    let page = app
        .get(&format!("/chats/{}/messages", id(&third)), &w.olga)
        .await
        .body;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["kind"] != "intro"),
        "not asked for"
    );

    // R15: the timeline shows each connection with who, when, last message, membership.
    app.post(
        &format!("/chats/{}/messages", id(&chat)),
        &w.bo,
        json!({"body": "On it"}),
    )
    .await
    .expect(201);
    let timeline = app
        .get(&format!("{}/timeline", w.case()), &w.olga)
        .await
        .expect(200)
        .body;
    let entry = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "chat_connection" && i["chat"]["id"] == chat["id"])
        .unwrap()
        .clone();
    assert_eq!(entry["chat"]["name"], "Printer jams on tray 2");
    assert_eq!(entry["chat"]["connected_by"]["name"], "Olga Berg");
    assert_eq!(
        entry["chat"]["last_message_by"]["name"], "Bo Lind",
        "kept current as messages arrive"
    );
    assert_eq!(entry["chat"]["is_member"], json!(true));
    // Writers who are not members see it joinable; readers see no name at all.
    let eve_view = app
        .get(&format!("{}/timeline", w.case()), &w.eve)
        .await
        .body;
    let e = eve_view["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["chat"]["id"] == chat["id"])
        .unwrap()
        .clone();
    assert_eq!(
        (
            e["chat"]["is_member"].clone(),
            e["chat"]["can_join"].clone()
        ),
        (json!(false), json!(true))
    );
    let cilla_view = app
        .get(&format!("{}/timeline", w.case()), &w.cilla)
        .await
        .expect(200)
        .body;
    let c = cilla_view["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["chat"]["id"] == chat["id"])
        .unwrap()
        .clone();
    assert_eq!(
        c["chat"]["name"],
        Value::Null,
        "a non-member who cannot join never sees the chat's name"
    );
    assert!(!cilla_view.to_string().contains("On it"));
    // Setting off: no chat entries at all.
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"show_on_timeline": false}),
    )
    .await
    .expect(200);
    let none = app
        .get(&format!("{}/timeline", w.case()), &w.olga)
        .await
        .body;
    assert!(
        none["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "chat_connection")
    );
}

#[tokio::test]
async fn r3_r14_locked_entries_and_join() {
    let w = world(Backend::Sqlite).await;
    let app = &w.app;
    let chat = w.connected_chat(&w.olga, &[&w.bo_id], false).await;
    let cid = id(&chat);
    app.post(
        &format!("/chats/{cid}/messages"),
        &w.olga,
        json!({"body": "secret diagnosis"}),
    )
    .await
    .expect(201);

    let mine = w.panel(&w.olga).await;
    let entry = find(&mine, "connected", &cid).unwrap();
    assert_eq!(
        (entry["is_member"].clone(), entry["locked"].clone()),
        (json!(true), json!(false))
    );

    // Eve may write the case: she sees it locked, with name and member count, no content.
    let eve_panel = w.panel(&w.eve).await;
    let locked = find(&eve_panel, "connected", &cid).expect("locked entry for a writer");
    assert_eq!(locked["locked"], json!(true));
    assert_eq!(locked["can_join"], json!(true));
    assert_eq!(locked["member_count"], json!(2));
    assert!(!eve_panel.to_string().contains("secret"));
    app.get(&format!("/chats/{cid}/messages"), &w.eve)
        .await
        .expect(404);

    // Cilla can only read the case: no entry at all, and the reason.
    let cilla_panel = w.panel(&w.cilla).await;
    assert!(find(&cilla_panel, "connected", &cid).is_none());
    assert_eq!(cilla_panel["join_denied"], "read_only");
    assert!(
        !cilla_panel
            .to_string()
            .contains("Printer jams on tray 2\",\"kind\"")
    );
    app.post(
        &format!("/chats/{cid}/join"),
        &w.cilla,
        json!({"record": {"type": "case", "id": w.case_id}}),
    )
    .await
    .problem(403, "only read this record");

    // Eve joins with the full history; the system message names her and the record.
    let mut bo_events = app.events(&w.bo).await;
    let joined = app
        .post(
            &format!("/chats/{cid}/join"),
            &w.eve,
            json!({"record": {"type": "case", "id": w.case_id}}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(joined["member_count"], json!(3));
    let texts = w.texts(&cid, &w.eve).await;
    assert!(
        texts.contains(&"secret diagnosis".to_owned()),
        "full history"
    );
    assert!(
        texts
            .contains(&"Eve Ny joined from Case CAS-00001 and can see the full history".to_owned()),
        "{texts:?}"
    );
    let live = bo_events.expect("member.added").await;
    assert_eq!(live["users"][0]["name"], "Eve Ny");
    app.post(
        &format!("/chats/{cid}/join"),
        &w.eve,
        json!({"record": {"type": "case", "id": w.case_id}}),
    )
    .await
    .expect(409);
    let audit = app.get(&format!("/audit?chat={cid}"), &w.admin).await.body;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "chat.joined" && e["actor"]["name"] == "Eve Ny")
    );

    // Setting off: no lock, no join, and the reason says so.
    let (_, dan) = app
        .user(
            &w.admin,
            "dan@example.com",
            "Dan Ek",
            &["agent"],
            &[&w.team_id],
        )
        .await;
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"join_chat": false}),
    )
    .await
    .expect(200);
    let dan_panel = w.panel(&dan).await;
    assert!(
        find(&dan_panel, "connected", &cid).is_none(),
        "the lock disappears"
    );
    assert_eq!(dan_panel["join_denied"], "setting_off");
    app.post(
        &format!("/chats/{cid}/join"),
        &dan,
        json!({"record": {"type": "case", "id": w.case_id}}),
    )
    .await
    .problem(403, "turned off");
    // A chat not connected to that record cannot be joined through it.
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"join_chat": true}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/chats/{cid}/join"),
        &dan,
        json!({"record": {"type": "case", "id": w.other_case_id}}),
    )
    .await
    .expect(404);
}

#[tokio::test]
async fn r4_r5_r11_connect_existing_chats_and_sections() {
    let w = world(Backend::Sqlite).await;
    let app = &w.app;
    let group = id(&app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.olga_id, w.cilla_id], "name": "Toner questions"}),
        )
        .await
        .expect(201)
        .body);
    let one = id(&app
        .post("/chats", &w.bo, json!({"member_ids": [w.olga_id]}))
        .await
        .expect(201)
        .body);

    let panel = w.panel(&w.bo).await;
    assert!(
        find(&panel, "other_chats", &group).is_some(),
        "R5: unconnected chats"
    );
    assert!(find(&panel, "other_chats", &one).is_some());
    assert!(
        section(&panel, "suggested_contacts")
            .iter()
            .any(|s| s["user"]["name"] == "Olga Berg" && s["reasons"][0] == "Owns this case"),
        "R6: suggested contacts"
    );

    let res = app
        .post(
            &format!("{}/chats", w.case()),
            &w.bo,
            json!({"chat_id": one}),
        )
        .await
        .problem(409, "one-on-one");
    assert_eq!(res.body["offer"], "new_connected_chat");
    assert_eq!(res.body["with"]["id"], json!(w.olga_id));
    app.post(
        &format!("{}/chats", w.case()),
        &w.eve,
        json!({"chat_id": group}),
    )
    .await
    .problem(404, "member");
    app.post(
        &format!("{}/chats", w.case()),
        &w.cilla,
        json!({"chat_id": group}),
    )
    .await
    .problem(403, "write access");

    app.post(
        &format!("{}/chats", w.case()),
        &w.bo,
        json!({"chat_id": group}),
    )
    .await
    .expect(200);
    app.post(
        &format!("{}/chats", w.case()),
        &w.bo,
        json!({"chat_id": group}),
    )
    .await
    .expect(200);
    let connects = w
        .texts(&group, &w.bo)
        .await
        .into_iter()
        .filter(|t| t.contains("connected this chat"))
        .count();
    assert_eq!(connects, 1, "connecting twice is a no-op");
    let panel = w.panel(&w.bo).await;
    assert!(find(&panel, "connected", &group).is_some());
    assert!(find(&panel, "other_chats", &group).is_none());

    // Many records per chat; a record the viewer cannot read is never named (R4).
    app.post("/record-types", &w.admin, json!({"name": "secret_file", "display_name": "Secret file", "primary_field": "title", "fields": [{"name": "title", "label": "Title", "kind": "text"}]})).await.expect(201);
    app.post(
        "/roles",
        &w.admin,
        json!({"name": "secret_keeper", "privileges": ["collab.use", "*.read:all", "*.write:all"]}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/users/{}", w.bo_id),
        &w.admin,
        json!({"roles": ["agent", "secret_keeper"]}),
    )
    .await
    .expect(200);
    let secret = app
        .post(
            "/records/secret_file",
            &w.bo,
            json!({"fields": {"title": "Merger plans"}}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("/records/secret_file/{}/chats", id(&secret)),
        &w.bo,
        json!({"chat_id": group}),
    )
    .await
    .expect(200);
    let cilla_panel = w.panel(&w.cilla).await;
    let entry = find(&cilla_panel, "connected", &group).unwrap();
    let refs = entry["records"].as_array().unwrap();
    let hidden = refs.iter().find(|r| r["id"] == secret["id"]).unwrap();
    assert_eq!(
        (hidden["readable"].clone(), hidden["name"].clone()),
        (json!(false), Value::Null)
    );
    assert!(
        !cilla_panel.to_string().contains("Merger"),
        "the unreadable record's name never appears"
    );
    let cilla_chat = app.get(&format!("/chats/{group}"), &w.cilla).await.body;
    assert!(!cilla_chat.to_string().contains("Merger"));
    // R4: from another record, the chat is under "Connected to other records".
    let other = app
        .get(
            &format!("/records/case/{}/collaboration", w.other_case_id),
            &w.cilla,
        )
        .await
        .expect(200)
        .body;
    let e = find(&other, "other_records", &group).expect("R4 section");
    assert_eq!(e["records"].as_array().unwrap().len(), 2);
    // R7: the filter narrows every chat section by name, case-insensitively.
    let filtered = app
        .get(&format!("{}/collaboration?filter=TONER", w.case()), &w.bo)
        .await
        .body;
    assert_eq!(section(&filtered, "connected").len(), 1);
    let filtered = app
        .get(
            &format!("{}/collaboration?filter=nothing-like-this", w.case()),
            &w.bo,
        )
        .await
        .body;
    assert!(
        section(&filtered, "connected").is_empty() && section(&filtered, "other_chats").is_empty()
    );
}

#[tokio::test]
async fn r11a_disconnect_by_exactly_three_rights() {
    let w = world(Backend::Postgres).await;
    let app = &w.app;
    // Bo connects a group chat with Olga, Eve and Sam in it.
    let (sam_id, _) = (
        app.get("/users?q=sam", &w.admin).await.body["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        (),
    );
    let group = id(&app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.olga_id, w.eve_id, sam_id], "name": "Tray 2"}),
        )
        .await
        .expect(201)
        .body);
    let connect_path = format!("{}/chats", w.case());
    let disconnect_path = format!("{}/chats/{group}", w.case());
    let connect = |token: &str| {
        let token = token.to_owned();
        let (app, path, group) = (app, connect_path.clone(), group.clone());
        async move { app.post(&path, &token, json!({"chat_id": group})).await }
    };
    let disconnect = |token: &str| {
        let token = token.to_owned();
        let (app, path) = (app, disconnect_path.clone());
        async move { app.send(Method::DELETE, &path, Some(&token), None).await }
    };
    connect(&w.bo).await.expect(200);

    // Anyone else: 403 naming the three ways.
    let res = disconnect(&w.eve).await.problem(403, "owner");
    assert!(
        res.body["detail"]
            .as_str()
            .unwrap()
            .contains("collab.disconnect")
    );
    // (b) the last connector, only with the setting on (default off).
    disconnect(&w.bo).await.problem(403, "last person");
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"last_connector_may_disconnect": true}),
    )
    .await
    .expect(200);
    disconnect(&w.bo).await.expect(204);
    // (a) the owner, with the setting on (default on), and not with it off.
    connect(&w.bo).await.expect(200);
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"owner_may_disconnect": false, "last_connector_may_disconnect": false}),
    )
    .await
    .expect(200);
    disconnect(&w.olga).await.expect(403);
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"owner_may_disconnect": true}),
    )
    .await
    .expect(200);
    let panel = w.panel(&w.olga).await;
    assert_eq!(
        find(&panel, "connected", &group).unwrap()["can_disconnect"],
        json!(true)
    );
    let eve_panel = w.panel(&w.eve).await;
    assert_eq!(
        find(&eve_panel, "connected", &group).unwrap()["can_disconnect"],
        json!(false),
        "the UI hides the option"
    );
    disconnect(&w.olga).await.expect(204);
    // (c) the privilege holder.
    connect(&w.bo).await.expect(200);
    disconnect(&w.sam).await.expect(204);
    disconnect(&w.sam).await.expect(404);

    // The chat and its messages stay; system messages, timeline and audit record everything.
    let texts = w.texts(&group, &w.bo).await;
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.contains("disconnected this chat from Case CAS-00001"))
            .count(),
        3
    );
    let timeline = app
        .get(&format!("{}/timeline", w.case()), &w.olga)
        .await
        .body;
    assert_eq!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "chat_disconnection")
            .count(),
        3
    );
    let audit = app
        .get(&format!("/audit?record={}", w.case_id), &w.admin)
        .await
        .body;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "chat.connected").count(),
        3
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "chat.disconnected")
            .count(),
        3
    );
    let _ = &w.cilla_id;
}

#[tokio::test]
async fn r13_channels_and_r23_field_notices_and_live_timeline() {
    let w = world(Backend::Sqlite).await;
    let app = &w.app;
    // A new channel in Olga's team, connected to the case.
    let created = app
        .post(
            &format!("{}/channels", w.case()),
            &w.olga,
            json!({"team_id": w.team_id, "name": "printer-fleet"}),
        )
        .await
        .expect(201)
        .body;
    let channel = id(&created);
    app.post(
        &format!("{}/channels", w.case()),
        &w.olga,
        json!({"team_id": "nope", "name": "x"}),
    )
    .await
    .expect(404);
    app.post(
        &format!("/teams/{}/channels", w.team_id),
        &w.sam,
        json!({"name": "intruders"}),
    )
    .await
    .problem(403, "not a member");
    let existing = app
        .post(
            &format!("/teams/{}/channels", w.team_id),
            &w.bo,
            json!({"name": "general"}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("{}/channels", w.case()),
        &w.bo,
        json!({"channel_id": existing["id"]}),
    )
    .await
    .expect(200);
    let panel = w.panel(&w.bo).await;
    let names: Vec<&str> = section(&panel, "channels")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        section(&panel, "connected")
            .iter()
            .all(|c| c["kind"] != "channel")
    );
    let sam_panel = app
        .get(&format!("{}/collaboration", w.case()), &w.sam)
        .await
        .expect(200)
        .body;
    assert!(
        section(&sam_panel, "channels").is_empty(),
        "not in the team: nothing of its channels"
    );

    // Team members read and post; a new team member joins the team's channels.
    app.post(
        &format!("/channels/{channel}/messages"),
        &w.bo,
        json!({"body": "Fleet update"}),
    )
    .await
    .expect(201);
    app.get(&format!("/channels/{channel}/messages"), &w.sam)
        .await
        .expect(404);
    let channels = app.get("/channels", &w.eve).await.expect(200).body;
    let listed = channels["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == json!(channel))
        .unwrap()
        .clone();
    assert_eq!(
        listed["records"][0]["id"],
        json!(w.case_id),
        "a channel lists its records"
    );
    let (_, newbie) = app
        .user(&w.admin, "new@example.com", "New Person", &["agent"], &[])
        .await;
    let newbie_id = app.get("/me", &newbie).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/teams/{}/members", w.team_id),
        &w.admin,
        json!({"user_ids": [newbie_id]}),
    )
    .await
    .expect(200);
    let seen = app
        .get(&format!("/channels/{channel}/messages"), &newbie)
        .await
        .expect(200)
        .body;
    assert!(seen.to_string().contains("Fleet update"));

    // Live timeline for a watcher, and R23 notices into connected chats.
    let chat = w.connected_chat(&w.olga, &[&w.bo_id], false).await;
    let mut watcher = app.events(&w.cilla).await;
    watcher
        .send_json(json!({"type": "watch", "record": {"type": "case", "id": w.case_id}}))
        .await;
    assert_eq!(
        watcher.expect("watching").await["record"]["id"],
        json!(w.case_id)
    );
    app.patch(
        w.case().as_str(),
        &w.olga,
        json!({"fields": {"priority": "high"}, "state": "resolved"}),
    )
    .await
    .expect(200);
    let texts = w.texts(&id(&chat), &w.bo).await;
    assert!(
        texts.contains(&"Priority changed from Normal to High by Olga Berg".to_owned()),
        "{texts:?}"
    );
    assert!(texts.contains(&"State changed from Active to Resolved by Olga Berg".to_owned()));
    let channel_texts = w.texts(&channel, &w.bo).await;
    assert!(
        channel_texts.contains(&"Priority changed from Normal to High by Olga Berg".to_owned())
    );
    app.post(
        &format!("{}/chats", w.case()),
        &w.olga,
        json!({"chat_id": id(&chat)}),
    )
    .await
    .expect(200);
    let other = w.connected_chat(&w.olga, &[&w.eve_id], false).await;
    let changed = watcher.expect("timeline.changed").await;
    assert_eq!(changed["record"]["id"], json!(w.case_id));
    assert!(
        !changed.to_string().contains(&id(&other)),
        "watchers get only the record reference"
    );
}

/// Data lifecycle (issue 10): deleting a record keeps its chats and their messages, removes the
/// connections, says so in each chat, and leaves the deletion in the audit log. Only the owner
/// (or an administrator) may delete; a record another one points to cannot be deleted.
async fn deleting_a_record_keeps_its_chats(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let chat = id(&w.connected_chat(&w.olga, &[&w.bo_id], false).await);
    app.post(
        &format!("/chats/{chat}/messages"),
        &w.bo,
        json!({"body": "Rollers ordered"}),
    )
    .await
    .expect(201);
    let mut bo_events = app.events(&w.bo).await;

    // Bo may write Olga's case (teammate) but not delete it; Cilla only reads it.
    app.send(Method::DELETE, &w.case(), Some(&w.bo), None)
        .await
        .problem(403, "owner");
    app.send(Method::DELETE, &w.case(), Some(&w.cilla), None)
        .await
        .problem(403, "owner");
    // A contact pointing to an account blocks the account's deletion until it changes.
    let account = id(&app
        .post(
            "/records/account",
            &w.olga,
            json!({"fields": {"name": "Nordic Freight AB"}}),
        )
        .await
        .expect(201)
        .body);
    let contact = id(&app
        .post(
            "/records/contact",
            &w.olga,
            json!({"fields": {"full_name": "Kim Berg"}, "related": {"account": account}}),
        )
        .await
        .expect(201)
        .body);
    app.send(
        Method::DELETE,
        &format!("/records/account/{account}"),
        Some(&w.olga),
        None,
    )
    .await
    .problem(409, "point to this record");
    app.send(
        Method::DELETE,
        &format!("/records/contact/{contact}"),
        Some(&w.olga),
        None,
    )
    .await
    .expect(204);
    app.send(
        Method::DELETE,
        &format!("/records/account/{account}"),
        Some(&w.olga),
        None,
    )
    .await
    .expect(204);

    // The owner deletes the case: gone for everyone, the chat stays with its history.
    app.send(Method::DELETE, &w.case(), Some(&w.olga), None)
        .await
        .expect(204);
    app.get(&w.case(), &w.olga).await.expect(404);
    app.get(&format!("{}/timeline", w.case()), &w.olga)
        .await
        .expect(404);
    let removed = bo_events.expect("connection.removed").await;
    assert_eq!(removed["chat_id"], json!(chat));
    let texts = w.texts(&chat, &w.bo).await;
    assert!(texts.contains(&"Rollers ordered".to_owned()), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("Olga Berg deleted Case")
            && t.ends_with("this chat and its messages stay")),
        "{texts:?}"
    );
    let detail = app
        .get(&format!("/chats/{chat}"), &w.bo)
        .await
        .expect(200)
        .body;
    assert_eq!(detail["records"], json!([]), "no connection is left");
    let audit = app
        .get("/audit?action=record.deleted", &w.admin)
        .await
        .expect(200)
        .body;
    let entries = audit["items"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["record_id"] == json!(w.case_id) && e["details"]["chats"] == json!([chat])),
        "{audit}"
    );
    // An administrator may delete anyone's record.
    app.send(
        Method::DELETE,
        &format!("/records/case/{}", w.other_case_id),
        Some(&w.admin),
        None,
    )
    .await
    .expect(204);
}

#[tokio::test]
async fn deleting_a_record_keeps_its_chats_sqlite() {
    deleting_a_record_keeps_its_chats(Backend::Sqlite).await;
}

#[tokio::test]
async fn deleting_a_record_keeps_its_chats_postgres() {
    deleting_a_record_keeps_its_chats(Backend::Postgres).await;
}

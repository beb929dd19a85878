//! Issue 16 items 5–7 against the real server, on both backends: disconnecting a chat one is
//! not a member of (R11a) from where the record shows it, the timeline naming who disconnected
//! and when (R15), the introduction card computed per viewer (R10 like R16), mentions as names
//! in search snippets, and the upload limit a client can read before sending.

use crate::common;
use crate::common::desk::Desk;
use crate::common::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    olga: String,
    bo_id: String,
    bo: String,
    eve_id: String,
    eve: String,
    dan_id: String,
    dan: String,
    cilla: String,
    sam: String,
    case_id: String,
}

/// Olga owns the case; Bo and Eve are her teammates (agents). Dan, of another team, reads only
/// his own cases. Cilla may only read cases. Sam is a supervisor of another team
/// (reads all, holds `collab.disconnect`).
async fn world(b: Backend) -> World {
    let d = Desk::open(
        spawn_app(b).await,
        json!({"title": "Printer jams on tray 2", "priority": "high"}),
    )
    .await;
    d.app
        .post(
            "/roles",
            &d.admin,
            json!({"name": "own_cases", "privileges": ["collab.use", "case.read:own", "case.write:own"]}),
        )
        .await
        .expect(201);
    let (dan_id, dan) = d
        .app
        .user(
            &d.admin,
            "dan@example.com",
            "Dan Ek",
            &["own_cases"],
            &[&d.other_team_id],
        )
        .await;
    World {
        case_id: d.case_id,
        app: d.app,
        admin: d.admin,
        olga: d.olga.token,
        bo_id: d.bo.id,
        bo: d.bo.token,
        eve_id: d.eve.id,
        eve: d.eve.token,
        dan_id,
        dan,
        cilla: d.cilla.token,
        sam: d.sam.token,
    }
}

impl World {
    fn case(&self) -> String {
        format!("/records/case/{}", self.case_id)
    }
    async fn settings(&self, body: Value) {
        self.app
            .put("/record-types/case/settings", &self.admin, body)
            .await
            .expect(200);
    }
    async fn disconnect(&self, token: &str, chat: &str) -> common::Res {
        self.app
            .send(
                Method::DELETE,
                &format!("{}/chats/{chat}", self.case()),
                Some(token),
                None,
            )
            .await
    }
    async fn connect(&self, token: &str, chat: &str) {
        self.app
            .post(
                &format!("{}/chats", self.case()),
                token,
                json!({"chat_id": chat}),
            )
            .await
            .expect(200);
    }
    /// The case's collaboration panel as `token` sees it.
    async fn panel(&self, token: &str) -> Value {
        self.app
            .get(&format!("{}/collaboration", self.case()), token)
            .await
            .expect(200)
            .body
    }
    async fn timeline(&self, token: &str) -> Vec<Value> {
        self.app
            .get(&format!("{}/timeline", self.case()), token)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// The panel's entry for `chat` among the chats connected to the case, if it shows one.
fn connected_entry<'a>(panel: &'a Value, chat: &str) -> Option<&'a Value> {
    panel["connected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == chat)
}

fn chat_entry<'a>(items: &'a [Value], kind: &str, chat: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["kind"] == kind && i["chat"]["id"] == chat)
        .unwrap_or_else(|| panic!("no {kind} entry for {chat}"))
}

async fn r11a_owner_and_privilege_disconnect_chats_they_are_not_in(b: Backend) {
    let w = world(b).await;
    // Bo and Eve talk about Olga's case; Olga is not in the chat.
    let group = w
        .app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.eve_id], "name": "Tray 2 hunt"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.connect(&w.bo, &group).await;

    // The owner sees it (locked in the panel, on the timeline) with the right to disconnect.
    let panel = w.panel(&w.olga).await;
    let entry = connected_entry(&panel, &group).expect("the owner sees the connected chat locked");
    assert_eq!(entry["is_member"], json!(false));
    assert_eq!(entry["can_disconnect"], json!(true));
    let tl = w.timeline(&w.olga).await;
    assert_eq!(
        chat_entry(&tl, "chat_connection", &group)["chat"]["can_disconnect"],
        json!(true)
    );
    // A teammate who is a member but holds none of the three rights: 403, and told so.
    assert_eq!(
        chat_entry(&w.timeline(&w.eve).await, "chat_connection", &group)["chat"]["can_disconnect"],
        json!(false)
    );
    w.disconnect(&w.eve, &group).await.problem(403, "owner");
    // A reader who is not a member sees the timeline entry: 403 naming the ways, not 404.
    w.disconnect(&w.cilla, &group).await.problem(403, "owner");
    // Someone who cannot read the record is refused for the record, learning nothing of the chat.
    let refused = w.disconnect(&w.dan, &group).await.problem(403, "read");
    assert!(!refused.body.to_string().contains("chat"));

    // (a) the owner, not a member, disconnects: 204, and it is attributed to her.
    w.disconnect(&w.olga, &group).await.expect(204);
    let bodies: Vec<String> = w
        .app
        .get(&format!("/chats/{group}/messages"), &w.bo)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        bodies
            .iter()
            .any(|t| t.starts_with("Olga Berg disconnected this chat")),
        "{bodies:?}"
    );
    // The timeline names who disconnected and when — not the person who connected it.
    let tl = w.timeline(&w.bo).await;
    let conn = &chat_entry(&tl, "chat_connection", &group)["chat"];
    assert_eq!(conn["connected"], json!(false));
    assert_eq!(conn["connected_by"]["name"], "Bo Lind");
    assert_eq!(conn["disconnected_by"]["name"], "Olga Berg");
    assert!(conn["disconnected_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(conn["can_disconnect"], json!(false));
    let disc = &chat_entry(&tl, "chat_disconnection", &group)["chat"];
    assert_eq!(disc["disconnected_by"]["name"], "Olga Berg");
    assert_eq!(disc["disconnected_at"], conn["disconnected_at"]);
    // Disconnecting what is no longer connected: 404.
    w.disconnect(&w.olga, &group).await.expect(404);

    // (c) the privilege holder, not a member and not of the team, disconnects too.
    w.connect(&w.bo, &group).await;
    w.disconnect(&w.sam, &group).await.expect(204);
    let tl = w.timeline(&w.bo).await;
    assert_eq!(
        chat_entry(&tl, "chat_connection", &group)["chat"]["disconnected_by"]["name"],
        "Sam Sup"
    );

    // The owner without *owner may disconnect*: 403, and the entry says she cannot.
    w.connect(&w.bo, &group).await;
    w.settings(json!({"owner_may_disconnect": false})).await;
    w.disconnect(&w.olga, &group).await.problem(403, "owner");
    w.settings(json!({"owner_may_disconnect": true})).await;

    // Where the record shows the connection nowhere (no timeline entries, no joining), a
    // non-member learns nothing: 404 even for the owner, while a member still may.
    w.settings(json!({"show_on_timeline": false, "join_chat": false}))
        .await;
    w.disconnect(&w.olga, &group).await.expect(404);
    w.disconnect(&w.cilla, &group).await.expect(404);
    // …with either one on, she sees it and may act again.
    w.settings(json!({"join_chat": true})).await;
    w.disconnect(&w.olga, &group).await.expect(204);

    // A channel belongs to its team: Sam (collab.disconnect, another team) is offered nothing
    // on the timeline and learns nothing (404), as before.
    w.settings(json!({"show_on_timeline": true})).await;
    let team_id = w.app.get("/teams", &w.admin).await.expect(200).body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Support")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = w
        .app
        .post(
            &format!("{}/channels", w.case()),
            &w.bo,
            json!({"team_id": team_id, "name": "tray-2"}),
        )
        .await
        .body;
    let channel = out["id"]
        .as_str()
        .or(out["channel"]["id"].as_str())
        .expect("the new channel's id")
        .to_owned();
    let sam_tl = w.timeline(&w.sam).await;
    assert_eq!(
        chat_entry(&sam_tl, "chat_connection", &channel)["chat"]["can_disconnect"],
        json!(false)
    );
    w.app
        .send(
            Method::DELETE,
            &format!("{}/channels/{channel}", w.case()),
            Some(&w.sam),
            None,
        )
        .await
        .expect(404);
    let _ = (&w.bo_id, &w.dan_id);
}

#[tokio::test]
async fn r11a_owner_and_privilege_disconnect_chats_they_are_not_in_sqlite() {
    r11a_owner_and_privilege_disconnect_chats_they_are_not_in(Backend::Sqlite).await;
}

#[tokio::test]
async fn r11a_owner_and_privilege_disconnect_chats_they_are_not_in_postgres() {
    r11a_owner_and_privilege_disconnect_chats_they_are_not_in(Backend::Postgres).await;
}

/// R14, R3, R15: only group chats are joinable. A one-on-one chat connected to the record (the
/// API refuses to connect one, R11, but the data may hold such a connection) is neither locked
/// nor offered to join to a non-member — in the panel as on the timeline — and its members' names
/// stay with its members (R2). Where the timeline shows its entry, the owner may still
/// disconnect it (R11a), as the timeline says.
async fn r14_a_connected_one_on_one_is_offered_to_no_one(b: Backend) {
    let w = world(b).await;
    let pair = w
        .app
        .post("/chats", &w.bo, json!({"member_ids": [w.eve_id]}))
        .await
        .expect(201)
        .body;
    assert_eq!(pair["kind"], "one_on_one");
    let pair = pair["id"].as_str().unwrap().to_owned();
    let sys = tether_store::chats::SystemMessage {
        kind: "system",
        actor_id: Some(w.bo_id.clone()),
        text: "Bo Lind connected this chat".into(),
        html: "<p>Bo Lind connected this chat</p>".into(),
        data: json!({"event": "connection.added"}),
    };
    let connected = w
        .app
        .store
        .connect_chat(&tether_store::collab::ConnectionChange {
            chat_id: &pair,
            record_type: "case",
            record_id: &w.case_id,
            actor_id: &w.bo_id,
            system: &sys,
            timeline_subject: "Chat connected",
        })
        .await
        .unwrap();
    assert!(connected.is_some());

    // Olga owns the case and may join its chats, but there is no joining a one-on-one chat.
    let panel = w.panel(&w.olga).await;
    assert_eq!(panel["join_denied"], Value::Null);
    assert!(
        connected_entry(&panel, &pair).is_none(),
        "a one-on-one chat is offered as locked: {panel}"
    );
    let tl = w.timeline(&w.olga).await;
    let entry = &chat_entry(&tl, "chat_connection", &pair)["chat"];
    assert_eq!(entry["can_join"], json!(false));
    assert_eq!(entry["name"], Value::Null);
    assert_eq!(entry["last_message_by"], Value::Null);
    assert_eq!(entry["can_disconnect"], json!(true));
    assert!(!tl.iter().any(|i| i.to_string().contains("Eve Ny")));
    w.app
        .post(
            &format!("/chats/{pair}/join"),
            &w.olga,
            json!({"record": {"type": "case", "id": w.case_id}}),
        )
        .await
        .expect(404);

    // A member sees it with its display name (the other person), and may not join it again.
    let panel = w.panel(&w.eve).await;
    let mine = connected_entry(&panel, &pair).expect("a member sees the connected chat");
    assert_eq!(mine["name"], "Bo Lind");
    assert_eq!(mine["is_member"], json!(true));
    assert_eq!(mine["can_join"], json!(false));
    assert_eq!(mine["locked"], json!(false));

    // Without a timeline entry the owner sees the connection nowhere: 404, not a lock.
    w.settings(json!({"show_on_timeline": false})).await;
    w.disconnect(&w.olga, &pair).await.expect(404);
    w.settings(json!({"show_on_timeline": true})).await;
    w.disconnect(&w.olga, &pair).await.expect(204);
}

#[tokio::test]
async fn r14_a_connected_one_on_one_is_offered_to_no_one_sqlite() {
    r14_a_connected_one_on_one_is_offered_to_no_one(Backend::Sqlite).await;
}

#[tokio::test]
async fn r14_a_connected_one_on_one_is_offered_to_no_one_postgres() {
    r14_a_connected_one_on_one_is_offered_to_no_one(Backend::Postgres).await;
}

async fn r10_intro_card_is_computed_per_viewer(b: Backend) {
    let w = world(b).await;
    w.settings(json!({"intro_message": {"enabled": true, "fields": ["priority"]}}))
        .await;
    let mut dan_events = w.app.events(&w.dan).await;
    let mut bo_events = w.app.events(&w.bo).await;
    let chat = w
        .app
        .post(
            "/chats",
            &w.olga,
            json!({"member_ids": [w.bo_id, w.dan_id], "record": {"type": "case", "id": w.case_id}, "send_intro": true}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let intro_of = |items: &Value| -> Value {
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["kind"] == "intro")
            .cloned()
            .expect("an intro message")
    };
    // A reader of the record sees the card with its fields.
    let bo_intro = intro_of(
        &w.app
            .get(&format!("/chats/{chat}/messages"), &w.bo)
            .await
            .expect(200)
            .body,
    );
    assert!(bo_intro["html"].as_str().unwrap().contains("Printer jams"));
    assert!(bo_intro.to_string().contains("High"));
    // A member who cannot read it sees that a record was introduced, and nothing of it.
    let dan_intro = intro_of(
        &w.app
            .get(&format!("/chats/{chat}/messages"), &w.dan)
            .await
            .expect(200)
            .body,
    );
    let all = dan_intro.to_string();
    assert!(!all.contains("Printer"), "{all}");
    assert!(!all.contains("High"), "{all}");
    assert!(!all.contains("Priority"), "{all}");
    assert!(
        dan_intro["body"]
            .as_str()
            .unwrap()
            .contains("A record was introduced")
    );
    assert_eq!(dan_intro["data"]["card"]["kind"], "link");
    // The same holds for the live events each of them receives.
    let live = |e: &Value| e["message"]["kind"] == "intro";
    let mut dan_live = None;
    for _ in 0..10 {
        let e = dan_events.expect("message.created").await;
        if live(&e) {
            dan_live = Some(e);
            break;
        }
    }
    let dan_live = dan_live.expect("Dan receives the intro live").to_string();
    assert!(!dan_live.contains("Printer") && !dan_live.contains("High"));
    let mut bo_live = None;
    for _ in 0..10 {
        let e = bo_events.expect("message.created").await;
        if live(&e) {
            bo_live = Some(e);
            break;
        }
    }
    assert!(
        bo_live
            .expect("Bo receives the intro live")
            .to_string()
            .contains("Printer jams")
    );
    // Once Dan may read the case (shared with him), he sees the card in full.
    w.app
        .post(
            &format!("{}/shares", w.case()),
            &w.olga,
            json!({"user_id": w.dan_id, "access": "read"}),
        )
        .await
        .expect(201);
    let dan_intro = intro_of(
        &w.app
            .get(&format!("/chats/{chat}/messages"), &w.dan)
            .await
            .expect(200)
            .body,
    );
    assert!(dan_intro["html"].as_str().unwrap().contains("Printer jams"));
}

#[tokio::test]
async fn r10_intro_card_is_computed_per_viewer_sqlite() {
    r10_intro_card_is_computed_per_viewer(Backend::Sqlite).await;
}

#[tokio::test]
async fn r10_intro_card_is_computed_per_viewer_postgres() {
    r10_intro_card_is_computed_per_viewer(Backend::Postgres).await;
}

async fn search_snippets_and_mention_toasts_show_names(b: Backend) {
    let w = world(b).await;
    let chat = w
        .app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.eve_id], "name": "Tray"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut eve_events = w.app.events(&w.eve).await;
    w.app
        .post(
            &format!("/chats/{chat}/messages"),
            &w.bo,
            json!({"body": format!("<@{}> the **printer** jams again", w.eve_id)}),
        )
        .await
        .expect(201);
    // The mention toast reads the name, without markdown.
    let toast = eve_events.expect("notification").await;
    assert_eq!(toast["kind"], "mention");
    assert_eq!(toast["text"], "@Eve Ny the printer jams again");
    let hits = w
        .app
        .get("/search?q=printer", &w.eve)
        .await
        .expect(200)
        .body;
    let snippet = hits["items"][0]["snippet"].as_str().unwrap().to_owned();
    assert!(snippet.contains("@Eve Ny"), "{snippet}");
    assert!(!snippet.contains(&w.eve_id), "{snippet}");
    assert!(!snippet.contains("**"), "{snippet}");
}

#[tokio::test]
async fn search_snippets_and_mention_toasts_show_names_sqlite() {
    search_snippets_and_mention_toasts_show_names(Backend::Sqlite).await;
}

#[tokio::test]
async fn search_snippets_and_mention_toasts_show_names_postgres() {
    search_snippets_and_mention_toasts_show_names(Backend::Postgres).await;
}

async fn r26_transcripts_read_names_and_the_savers_time(b: Backend) {
    let w = world(b).await;
    let chat = w
        .app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.eve_id], "name": "Tray"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.connect(&w.bo, &chat).await;
    w.app
        .post(
            &format!("/chats/{chat}/messages"),
            &w.bo,
            json!({"body": format!("<@{}> **see** tray 2", w.eve_id)}),
        )
        .await
        .expect(201);
    let path = format!("/chats/{chat}/transcript");
    let record = json!({"type": "case", "id": w.case_id});
    // A zone the tz database does not know is refused with a reason.
    w.app
        .post(
            &path,
            &w.bo,
            json!({"record": record, "time_zone": "Mars/Olympus"}),
        )
        .await
        .problem(422, "IANA");
    let note = w
        .app
        .post(
            &path,
            &w.bo,
            json!({"record": record, "time_zone": "Europe/Stockholm"}),
        )
        .await
        .expect(201)
        .body;
    let body = note["body"].as_str().unwrap();
    assert!(body.contains("Bo Lind: @Eve Ny **see** tray 2"), "{body}");
    assert!(!body.contains(&w.eve_id), "{body}");
    // Stockholm is CET or CEST, never UTC.
    assert!(
        body.lines()
            .all(|l| l.contains(" CET] ") || l.contains(" CEST] ")),
        "{body}"
    );
    // Without a zone, UTC.
    let note = w
        .app
        .post(&path, &w.bo, json!({"record": record}))
        .await
        .expect(201)
        .body;
    assert!(
        note["body"]
            .as_str()
            .unwrap()
            .contains(" UTC] Bo Lind: @Eve Ny")
    );
    // Without a zone in the request, the zone the saver chose in their settings.
    w.app
        .patch("/me", &w.bo, json!({"time_zone": "Asia/Tokyo"}))
        .await
        .expect(200);
    let note = w
        .app
        .post(&path, &w.bo, json!({"record": record}))
        .await
        .expect(201)
        .body;
    let body = note["body"].as_str().unwrap();
    assert!(body.contains(" JST] Bo Lind: @Eve Ny"), "{body}");
}

#[tokio::test]
async fn r26_transcripts_read_names_and_the_savers_time_sqlite() {
    r26_transcripts_read_names_and_the_savers_time(Backend::Sqlite).await;
}

#[tokio::test]
async fn r26_transcripts_read_names_and_the_savers_time_postgres() {
    r26_transcripts_read_names_and_the_savers_time(Backend::Postgres).await;
}

/// The upload limit a client checks before sending is the server's own (not a copy).
#[tokio::test]
async fn me_names_the_servers_upload_limit() {
    let app = common::spawn_app_with(Backend::Sqlite, |c| c.max_attachment_bytes = 1234).await;
    let admin = app.admin().await;
    let me = app.get("/me", &admin).await.expect(200).body;
    assert_eq!(me["max_attachment_bytes"], json!(1234));
}

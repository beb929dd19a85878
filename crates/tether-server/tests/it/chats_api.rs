//! Chats and live messaging against the real server, over HTTP and WebSocket (SPEC R1, R2,
//! R8, R11b, R17).

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

#[tokio::test]
async fn r1_chats_need_the_feature_and_collab_use() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let (bo_id, _) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let (_, viewer) = app
        .user(&admin, "v@example.com", "Vera Viewer", &["viewer"], &[])
        .await;
    app.post("/chats", &admin, json!({"member_ids": [bo_id]}))
        .await
        .problem(403, "collaboration is turned off");
    app.get("/chats", &admin)
        .await
        .problem(403, "collaboration is turned off");
    app.put("/settings", &admin, json!({"collaboration_enabled": true}))
        .await
        .expect(200);
    app.get("/chats", &viewer).await.problem(403, "collab.use");
    app.post("/chats", &viewer, json!({"member_ids": [bo_id]}))
        .await
        .problem(403, "collab.use");
    app.get("/chats", &admin).await.expect(200);
}

#[tokio::test]
async fn r2_two_users_chat_live_and_a_third_sees_nothing() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let mut bo_events = app.events(&p.bo).await;
    let mut cilla_events = app.events(&p.cilla).await;

    let chat = app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body;
    assert_eq!(chat["kind"], "one_on_one");
    assert_eq!(
        chat["name"], "Bo Lind",
        "a one-on-one is named after the other person"
    );
    let chat_id = id(&chat);
    let again = app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(200)
        .body;
    assert_eq!(id(&again), chat_id, "one one-on-one chat per pair");
    let from_bo = app
        .post("/chats", &p.bo, json!({"member_ids": [p.alice_id]}))
        .await
        .expect(200)
        .body;
    assert_eq!(id(&from_bo), chat_id);
    let created = bo_events.expect("chat.created").await;
    assert_eq!(created["chat"]["name"], "Alice Berg");

    let sent = app
        .post(
            &format!("/chats/{chat_id}/messages"),
            &p.alice,
            json!({"body": "Hi **Bo** :wave:"}),
        )
        .await
        .expect(201)
        .body;
    assert!(
        sent["html"]
            .as_str()
            .unwrap()
            .contains("<strong>Bo</strong>")
    );
    assert!(sent["html"].as_str().unwrap().contains('👋'));
    let live = bo_events.expect("message.created").await;
    assert_eq!(live["message"]["id"], sent["id"]);
    assert_eq!(live["message"]["sender"]["name"], "Alice Berg");

    // Cilla: nothing live, and 404 for everything about the chat (R2).
    cilla_events.expect_silence(300).await;
    for path in [
        format!("/chats/{chat_id}"),
        format!("/chats/{chat_id}/messages"),
    ] {
        let res = app.get(&path, &p.cilla).await.problem(404, "no chat");
        assert!(
            !res.text.contains("Alice") && !res.text.contains("Hi"),
            "{}",
            res.text
        );
    }
    app.post(
        &format!("/chats/{chat_id}/messages"),
        &p.cilla,
        json!({"body": "let me in"}),
    )
    .await
    .expect(404);
    app.patch(&format!("/chats/{chat_id}"), &p.cilla, json!({"name": "x"}))
        .await
        .expect(404);
    app.post(
        &format!("/chats/{chat_id}/members"),
        &p.cilla,
        json!({"user_ids": [p.cilla_id], "history": "all"}),
    )
    .await
    .expect(404);
    assert!(
        app.get("/chats", &p.cilla).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A one-on-one never changes members or name.
    app.post(
        &format!("/chats/{chat_id}/members"),
        &p.alice,
        json!({"user_ids": [p.cilla_id], "history": "all"}),
    )
    .await
    .problem(409, "never changes members");
    app.patch(
        &format!("/chats/{chat_id}"),
        &p.alice,
        json!({"name": "Ours"}),
    )
    .await
    .expect(409);
    app.send(
        reqwest::Method::DELETE,
        &format!("/chats/{chat_id}/members/{}", p.bo_id),
        Some(&p.alice),
        None,
    )
    .await
    .expect(409);

    // Unread counts and read markers.
    let bo_list = app.get("/chats", &p.bo).await.body;
    assert_eq!(bo_list["items"][0]["unread"], 1);
    app.post(
        &format!("/chats/{chat_id}/read"),
        &p.bo,
        json!({"message_id": sent["id"]}),
    )
    .await
    .expect(200);
    assert_eq!(app.get("/chats", &p.bo).await.body["items"][0]["unread"], 0);
    assert_eq!(
        app.get(&format!("/chats/{chat_id}"), &p.alice).await.body["unread"],
        0,
        "one's own messages are read"
    );
}

#[tokio::test]
async fn r11b_group_members_history_windows_and_system_messages() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let group = app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id], "name": "Escalation"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(group["kind"], "group");
    let gid = id(&group);
    let first = app
        .post(
            &format!("/chats/{gid}/messages"),
            &p.alice,
            json!({"body": "old news"}),
        )
        .await
        .expect(201)
        .body;
    // Make the first message three days old.
    app.store
        .execute_raw(&format!(
            "UPDATE messages SET created_at = created_at - 259200000 WHERE id = '{}'",
            id(&first)
        ))
        .await
        .unwrap();
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "recent"}),
    )
    .await
    .expect(201);

    // Cilla with no history sees nothing from before; with two days, the recent one only.
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": [p.cilla_id], "history": "none"}),
    )
    .await
    .expect(200);
    let seen = app
        .get(&format!("/chats/{gid}/messages"), &p.cilla)
        .await
        .expect(200)
        .body;
    let bodies: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "text")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(bodies.is_empty(), "history none: {bodies:?}");
    let (dana_id, dana) = app
        .user(&p.admin, "dana@example.com", "Dana Ek", &["agent"], &[])
        .await;
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": [dana_id], "history": {"days": 2}}),
    )
    .await
    .expect(200);
    let seen = app
        .get(&format!("/chats/{gid}/messages"), &dana)
        .await
        .expect(200)
        .body;
    let bodies: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "text")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["recent"]);
    // The old message's id is not found for her either.
    app.post(
        &format!("/chats/{gid}/read"),
        &dana,
        json!({"message_id": id(&first)}),
    )
    .await
    .expect(404);
    let (eve_id, eve) = app
        .user(&p.admin, "eve@example.com", "Eve Ny", &["agent"], &[])
        .await;
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": [eve_id], "history": "all"}),
    )
    .await
    .expect(200);
    let seen = app.get(&format!("/chats/{gid}/messages"), &eve).await.body;
    assert_eq!(
        seen["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "text")
            .count(),
        2
    );
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": [eve_id], "history": {"days": 0}}),
    )
    .await
    .problem(422, "history");
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": [eve_id], "history": "some"}),
    )
    .await
    .problem(422, "history");
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": [eve_id], "history": "all"}),
    )
    .await
    .problem(422, "already a member");
    app.post(
        &format!("/chats/{gid}/members"),
        &p.bo,
        json!({"user_ids": ["ghost"], "history": "all"}),
    )
    .await
    .problem(422, "unknown user");

    // Rename, remove, leave: each a system message naming who did what.
    app.patch(
        &format!("/chats/{gid}"),
        &p.cilla,
        json!({"name": "Escalation – printers"}),
    )
    .await
    .expect(200);
    app.send(
        reqwest::Method::DELETE,
        &format!("/chats/{gid}/members/{dana_id}"),
        Some(&p.alice),
        None,
    )
    .await
    .expect(204);
    app.send(
        reqwest::Method::DELETE,
        &format!("/chats/{gid}/members/{eve_id}"),
        Some(&eve),
        None,
    )
    .await
    .expect(204);
    app.get(&format!("/chats/{gid}"), &dana).await.expect(404);
    let all = app
        .get(&format!("/chats/{gid}/messages?limit=50"), &p.alice)
        .await
        .body;
    let system: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "system")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    for expected in [
        "Alice Berg started the chat with Bo Lind",
        "Bo Lind added Cilla Ek (they can see new messages only)",
        "Bo Lind added Dana Ek (they can see the last 2 days)",
        "Bo Lind added Eve Ny (they can see the full history)",
        "Cilla Ek renamed the chat to “Escalation – printers”",
        "Alice Berg removed Dana Ek",
        "Eve Ny left the chat",
    ] {
        assert!(
            system.contains(&expected),
            "missing system message {expected:?} in {system:?}"
        );
    }
    let chat = app.get(&format!("/chats/{gid}"), &p.alice).await.body;
    assert_eq!(chat["name"], "Escalation – printers");
    assert_eq!(chat["member_count"], 3);
}

#[tokio::test]
async fn removed_member_stops_receiving_at_once() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let gid = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id, p.cilla_id]}),
        )
        .await
        .expect(201)
        .body);
    let mut cilla = app.events(&p.cilla).await;
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "before"}),
    )
    .await
    .expect(201);
    assert_eq!(
        cilla.expect("message.created").await["message"]["body"],
        "before"
    );
    app.send(
        reqwest::Method::DELETE,
        &format!("/chats/{gid}/members/{}", p.cilla_id),
        Some(&p.alice),
        None,
    )
    .await
    .expect(204);
    let removed = cilla.expect("member.removed").await;
    assert_eq!(removed["user"]["id"], json!(p.cilla_id));
    // Drain whatever was published with the removal, then nothing more may come.
    while cilla.next(Duration::from_millis(200)).await.is_some() {}
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "after"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/chats/{gid}"),
        &p.bo,
        json!({"name": "Secret plans"}),
    )
    .await
    .expect(200);
    cilla.expect_silence(500).await;
    assert!(
        app.get("/chats", &p.cilla).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn slow_client_gets_resync_while_others_keep_receiving() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.event_queue = 8;
        c.limits.sends = 0;
    })
    .await;
    let p = people(app).await;
    let app = &p.app;
    let gid = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id, p.cilla_id]}),
        )
        .await
        .expect(201)
        .body);
    // Bo's socket reads nothing while the messages flow; Cilla reads everything.
    let stream = {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_recv_buffer_size(2048).unwrap();
        sock.connect(app.addr).await.unwrap()
    };
    let (mut bo_ws, _) = tokio_tungstenite::client_async(
        format!("ws://{}/api/v1/events?token={}", app.addr, p.bo),
        stream,
    )
    .await
    .unwrap();
    let mut cilla = app.events(&p.cilla).await;
    let padding = "x".repeat(13_000);
    for i in 0..200 {
        app.post(
            &format!("/chats/{gid}/messages"),
            &p.alice,
            json!({"body": format!("message {i} {padding}")}),
        )
        .await
        .expect(201);
        let e = cilla.expect("message.created").await;
        assert!(
            e["message"]["body"]
                .as_str()
                .unwrap()
                .starts_with(&format!("message {i} ")),
            "the reading client gets every message in order"
        );
    }
    // Now Bo reads: somewhere in his stream is a resync, and he is not stuck.
    use futures_util::StreamExt;
    let mut saw_resync = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, bo_ws.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg
            && t.contains("\"type\":\"resync\"")
        {
            saw_resync = true;
            break;
        }
    }
    assert!(saw_resync, "the slow client was told to resync");
}

#[tokio::test]
async fn messages_edit_delete_react_mention_and_urgent() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let gid = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id, p.cilla_id]}),
        )
        .await
        .expect(201)
        .body);
    let mut bo = app.events(&p.bo).await;
    let mut cilla = app.events(&p.cilla).await;
    let path = format!("/chats/{gid}/messages");

    let m = app
        .post(
            &path,
            &p.alice,
            json!({"body": format!("Can you look, <@{}>?", p.bo_id)}),
        )
        .await
        .expect(201)
        .body;
    assert!(
        m["html"].as_str().unwrap().contains("class=\"mention\""),
        "{}",
        m["html"]
    );
    assert!(m["html"].as_str().unwrap().contains("@Bo Lind"));
    let note = bo.expect("notification").await;
    assert_eq!(note["kind"], "mention");
    assert_eq!(note["message_id"], m["id"]);
    while let Some(e) = cilla.next(Duration::from_millis(300)).await {
        assert_ne!(
            e["type"], "notification",
            "only the mentioned member is notified"
        );
    }

    let urgent = app
        .post(
            &path,
            &p.alice,
            json!({"body": "Server down!", "importance": "urgent"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(urgent["importance"], "urgent");
    assert_eq!(cilla.expect("notification").await["kind"], "urgent");
    app.post(
        &path,
        &p.alice,
        json!({"body": "x", "importance": "critical"}),
    )
    .await
    .problem(422, "importance");
    app.post(&path, &p.alice, json!({"body": "   "}))
        .await
        .problem(422, "empty");
    app.post(&path, &p.alice, json!({"body": "x".repeat(28 * 1024 + 1)}))
        .await
        .problem(413, "28 KiB");
    app.post(&path, &p.alice, json!({"body": "x".repeat(28 * 1024)}))
        .await
        .expect(201);
    app.post("/chats/nope/messages", &p.alice, json!({"body": "x"}))
        .await
        .expect(404);

    // Edit and delete one's own only.
    let mid = id(&m);
    app.patch(&format!("{path}/{mid}"), &p.bo, json!({"body": "hijack"}))
        .await
        .problem(403, "your own");
    let edited = app
        .patch(
            &format!("{path}/{mid}"),
            &p.alice,
            json!({"body": "Can you look, *please*?"}),
        )
        .await
        .expect(200)
        .body;
    assert!(edited["edited_at"].is_string());
    assert_eq!(
        bo.expect("message.updated").await["message"]["body"],
        "Can you look, *please*?"
    );
    app.send(
        reqwest::Method::DELETE,
        &format!("{path}/{mid}"),
        Some(&p.bo),
        None,
    )
    .await
    .expect(403);

    // Reactions.
    let reacted = app
        .post(
            &format!("{path}/{}/reactions", id(&urgent)),
            &p.bo,
            json!({"emoji": "👍"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        reacted["reactions"],
        json!([{"emoji": "👍", "count": 1, "user_ids": [p.bo_id]}])
    );
    assert_eq!(
        cilla.expect("reaction.changed").await["reactions"][0]["count"],
        1
    );
    app.post(
        &format!("{path}/{}/reactions", id(&urgent)),
        &p.bo,
        json!({"emoji": "<script>"}),
    )
    .await
    .expect(422);
    let removed = app
        .send(
            reqwest::Method::DELETE,
            &format!("{path}/{}/reactions", id(&urgent)),
            Some(&p.bo),
            Some(json!({"emoji": "👍"})),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(removed["reactions"], json!([]));

    app.send(
        reqwest::Method::DELETE,
        &format!("{path}/{mid}"),
        Some(&p.alice),
        None,
    )
    .await
    .expect(204);
    let deleted = bo.expect("message.deleted").await;
    assert_eq!(deleted["message_id"], json!(mid));
    let page = app.get(&path, &p.bo).await.body;
    let tomb = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == json!(mid))
        .unwrap()
        .clone();
    assert_eq!(tomb["deleted"], json!(true));
    assert_eq!(tomb["body"], "");
    assert_eq!(tomb["html"], "");
    app.patch(&format!("{path}/{mid}"), &p.alice, json!({"body": "again"}))
        .await
        .expect(409);

    // Idempotent sends.
    let send = |key: &'static str| {
        app.http
            .post(app.url(&path))
            .bearer_auth(&p.alice)
            .header("idempotency-key", key)
            .json(&json!({"body": "once"}))
            .send()
    };
    let a = common::read(send("k-1").await.unwrap())
        .await
        .expect(201)
        .body;
    let b = common::read(send("k-1").await.unwrap())
        .await
        .expect(201)
        .body;
    assert_eq!(a["id"], b["id"], "a retry returns the first message");
    // The same key in another chat is another request, and is refused rather than answered
    // with a message of the first chat.
    let other = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let reused = app
        .http
        .post(app.url(&format!("/chats/{other}/messages")))
        .bearer_auth(&p.alice)
        .header("idempotency-key", "k-1")
        .json(&json!({"body": "once"}))
        .send()
        .await
        .unwrap();
    common::read(reused).await.problem(409, "another chat");

    // Paging back by seq.
    let newest = app.get(&format!("{path}?limit=2"), &p.alice).await.body;
    let items = newest["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let older = app
        .get(
            &format!("{path}?limit=2&before={}", items[1]["seq"]),
            &p.alice,
        )
        .await
        .body;
    assert!(older["items"][0]["seq"].as_i64().unwrap() < items[1]["seq"].as_i64().unwrap());
}

/// The inside of every HTML tag in `html` (escaped text like `&lt;img&gt;` is not a tag).
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn hostile_markdown_is_sanitized_over_http() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let gid = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let hostile = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<div onclick=\"alert(1)\">x</div>",
        "![tracker](https://evil.example/pixel.png)",
        "[x](&#106;avascript:alert(1))",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<<script>script>alert(1)<</script>/script>",
        "<object data=\"evil.swf\"></object>",
        "<embed src=\"evil.swf\">",
        "<form action=\"https://evil.example\"><input></form>",
        "<details open ontoggle=alert(1)>",
        "<body onload=alert(1)>",
        "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">hover</a>",
        "<@x\" onclick=\"alert(1)>",
        "`<script>alert(1)</script>`",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    ];
    for body in hostile {
        let m = app
            .post(
                &format!("/chats/{gid}/messages"),
                &p.alice,
                json!({"body": body}),
            )
            .await
            .expect(201)
            .body;
        let html = m["html"].as_str().unwrap().to_lowercase();
        for tag in tags(&html) {
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("");
            assert!(
                [
                    "p",
                    "a",
                    "br",
                    "code",
                    "pre",
                    "strong",
                    "em",
                    "span",
                    "del",
                    "ul",
                    "ol",
                    "li",
                    "blockquote"
                ]
                .contains(&name),
                "{body:?} rendered tag <{tag}> in {html:?}"
            );
            for bad in ["javascript:", "vbscript:", "data:", " on", "style="] {
                assert!(
                    !tag.contains(bad),
                    "{body:?} rendered <{tag}> containing {bad:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn attachments_are_checked_and_served_safely() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.max_attachment_bytes = 64 * 1024).await;
    let p = people(app).await;
    let app = &p.app;
    let gid = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let upload = |name: &'static str, claimed: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str(claimed)
            .unwrap();
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(&p.alice)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let png = {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0u8; 64]);
        b
    };
    let img = common::read(
        upload("../../etc/screen.png", "text/plain", png.clone())
            .await
            .unwrap(),
    )
    .await
    .expect(201)
    .body;
    assert_eq!(
        img["content_type"], "image/png",
        "the type comes from the bytes, not the claim"
    );
    assert_eq!(img["inline"], json!(true));
    assert_eq!(img["name"], "screen.png", "no path tricks");
    let html = common::read(
        upload(
            "page.html",
            "image/png",
            b"<html><script>alert(1)</script></html>".to_vec(),
        )
        .await
        .unwrap(),
    )
    .await
    .expect(201)
    .body;
    assert_eq!(html["content_type"], "text/plain");
    assert_eq!(html["inline"], json!(false));
    common::read(
        upload("big.bin", "application/octet-stream", vec![7u8; 65 * 1024])
            .await
            .unwrap(),
    )
    .await
    .problem(413, "larger than");

    let m = app
        .post(
            &format!("/chats/{gid}/messages"),
            &p.alice,
            json!({"body": "", "attachment_ids": [id(&img), id(&html)]}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(m["attachments"].as_array().unwrap().len(), 2);
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "again", "attachment_ids": [id(&img)]}),
    )
    .await
    .problem(422, "attachment");
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.bo,
        json!({"body": "mine now", "attachment_ids": [id(&html)]}),
    )
    .await
    .expect(422);

    let res = app
        .http
        .get(app.url(&format!("/attachments/{}", id(&html))))
        .bearer_auth(&p.bo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        b"<html><script>alert(1)</script></html>"
    );
    let res = app
        .http
        .get(app.url(&format!("/attachments/{}", id(&img))))
        .bearer_auth(&p.bo)
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), png.as_slice());
    // A non-member cannot download, whatever the id.
    app.get(&format!("/attachments/{}", id(&img)), &p.cilla)
        .await
        .problem(404, "attachment");
    app.get("/attachments/..%2F..%2Fetc%2Fpasswd", &p.cilla)
        .await
        .expect(404);
}

#[tokio::test]
async fn chat_list_filters_and_orders_by_activity() {
    let p = people(spawn_app(Backend::Postgres).await).await;
    let app = &p.app;
    let a = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id], "name": "Printer escalation"}),
        )
        .await
        .expect(201)
        .body);
    let b = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.cilla_id], "name": "VPN outage"}),
        )
        .await
        .expect(201)
        .body);
    let c = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.cilla_id]}))
        .await
        .expect(201)
        .body);
    tokio::time::sleep(Duration::from_millis(5)).await;
    app.post(
        &format!("/chats/{a}/messages"),
        &p.alice,
        json!({"body": "bump"}),
    )
    .await
    .expect(201);
    let ids = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app.get("/chats", &p.alice).await.body),
        [a.clone(), c.clone(), b.clone()]
    );
    assert_eq!(
        ids(app.get("/chats?filter=PRINTER", &p.alice).await.body),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        ids(app.get("/chats?filter=cilla", &p.alice).await.body),
        [c.clone(), b.clone()],
        "matches members' names too"
    );
    let first = app.get("/chats?limit=2", &p.alice).await.body;
    assert_eq!(ids(first.clone()), [a, c]);
    let next = first["next_before"].as_str().unwrap();
    assert_eq!(
        ids(app
            .get(&format!("/chats?limit=2&before={next}"), &p.alice)
            .await
            .body),
        [b]
    );
    app.get("/chats?before=soon", &p.alice).await.expect(422);
    app.post("/chats", &p.alice, json!({"member_ids": []}))
        .await
        .problem(422, "at least one");
    app.post("/chats", &p.alice, json!({"member_ids": ["ghost"]}))
        .await
        .problem(422, "unknown user");
    app.post(
        "/chats",
        &p.alice,
        json!({"member_ids": [p.bo_id], "name": "  "}),
    )
    .await
    .problem(422, "name");
    let _ = &p.admin;
}

#[tokio::test]
async fn live_sockets_end_with_their_session() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let gid = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id, p.cilla_id]}),
        )
        .await
        .expect(201)
        .body);
    // Bo has two sessions (two browsers); signing one out closes that one's socket only.
    let bo_phone = app.login("bo@example.com", PASSWORD).await;
    let mut laptop = app.events(&p.bo).await;
    let mut phone = app.events(&bo_phone).await;
    app.post("/auth/logout", &p.bo, json!({})).await.expect(204);
    assert_eq!(laptop.closed().await, Some(4001));
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "still here?"}),
    )
    .await
    .expect(201);
    let e = phone.expect("message.created").await;
    assert_eq!(e["message"]["body"], "still here?");

    // Deactivation closes every socket of the account, and nothing more reaches it.
    let mut cilla = app.events(&p.cilla).await;
    app.patch(
        &format!("/users/{}", p.cilla_id),
        &p.admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    assert_eq!(cilla.closed().await, Some(4001));
    // The other account's socket is untouched.
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "and now?"}),
    )
    .await
    .expect(201);
    assert_eq!(
        phone.expect("message.created").await["message"]["body"],
        "and now?"
    );
}

#[tokio::test]
async fn an_expired_session_ends_requests_and_its_socket() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let token = tether_server::auth::new_token();
    app.store
        .create_session(
            &tether_server::auth::token_hash(&token),
            &p.bo_id,
            "csrf",
            tether_store::now_ms() + 1_500,
        )
        .await
        .unwrap();
    app.get("/me", &token).await.expect(200);
    let mut socket = app.events(&token).await;
    // The socket closes when the session ends, with no request needed.
    assert_eq!(socket.closed().await, Some(4001));
    // And the token no longer works (the node's session cache honours the expiry too).
    app.get("/me", &token).await.problem(401, "expired");
}

//! What the panel offers: disconnecting chats one is not in (R11a), and no connected one-on-one
//! chat offered to anyone (R14).

use super::*;

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
        actor_id: Some(w.bo_id.as_str().into()),
        text: "Bo Lind connected this chat".into(),
        html: "<p>Bo Lind connected this chat</p>".into(),
        data: json!({"event": "connection.added"}),
    };
    let connected = w
        .app
        .store
        .connect_chat(&tether_store::collab::ConnectionChange {
            chat_id: &tether_domain::ChatId::new(&pair),
            record_type: "case",
            record_id: &tether_domain::RecordId::from(w.case_id.as_str()),
            actor_id: &w.bo_id.as_str().into(),
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

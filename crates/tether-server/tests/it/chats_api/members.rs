//! Who reaches a chat: the gate (R1), members only (R2), history windows (R11b) and
//! removed members.

use super::*;

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

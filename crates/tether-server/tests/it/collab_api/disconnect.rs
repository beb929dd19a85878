//! Disconnecting chats (R11a), and deleting a record that has them.

use super::*;

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

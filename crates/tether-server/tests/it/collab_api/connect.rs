//! Locked entries and join (R3, R14), and connecting existing chats (R4, R5, R11).

use super::*;

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

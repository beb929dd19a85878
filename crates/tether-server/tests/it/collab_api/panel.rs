//! The panel: its gate (R1), and new connected chats named, introduced and on the timeline
//! (R9, R10, R15).

use super::*;

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

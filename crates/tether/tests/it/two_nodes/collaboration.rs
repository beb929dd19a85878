//! Collaboration across nodes: a join on one node shows on the other's panel and timeline.

use super::{bodies, cluster, events, expect_event, get, id, post};
use futures_util::SinkExt;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_on_one_node_shows_on_the_others_panel_and_timeline() {
    let c = cluster().await;
    let team = c
        .store
        .create_team("Support", &[], &[], None)
        .await
        .unwrap();
    let olga = c
        .user(
            "olga@example.com",
            "Olga Berg",
            "agent",
            &[team.id.as_str()],
        )
        .await;
    let bo = c
        .user("bo@example.com", "Bo Lind", "agent", &[team.id.as_str()])
        .await;
    let eve = c
        .user("eve@example.com", "Eve Ny", "agent", &[team.id.as_str()])
        .await;
    // An agent outside the team may read Olga's case but not write it.
    let finn = c.user("finn@example.com", "Finn Ax", "agent", &[]).await;

    let (status, case) = post(
        c.a.url("/records/case"),
        &olga,
        json!({"fields": {"title": "Printer jams on tray 2"}}),
    )
    .await;
    assert_eq!(status, 201, "{case}");
    let case_id = id(&case);
    let record = json!({"type": "case", "id": case_id});
    let (status, chat) = post(
        c.a.url("/chats"),
        &olga,
        json!({"member_ids": [bo.id], "record": record}),
    )
    .await;
    assert_eq!(status, 201, "{chat}");
    let chat_id = id(&chat);
    let (status, _) = post(
        c.a.url(&format!("/chats/{chat_id}/messages")),
        &olga,
        json!({"body": "secret diagnosis"}),
    )
    .await;
    assert_eq!(status, 201);
    let panel_url = format!("/records/case/{case_id}/collaboration");
    let timeline_url = format!("/records/case/{case_id}/timeline");
    let entry = |panel: &Value| -> Value {
        panel["connected"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == json!(chat_id))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let on_timeline = |timeline: &Value| -> Value {
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "chat_connection" && i["chat"]["id"] == json!(chat_id))
            .map(|i| i["chat"].clone())
            .unwrap_or(Value::Null)
    };

    // Before: on B, Eve sees the chat locked and joinable, and cannot read it.
    let (status, panel) = get(c.b.url(&panel_url), &eve).await;
    assert_eq!(status, 200, "{panel}");
    let e = entry(&panel);
    assert_eq!(
        (&e["is_member"], &e["locked"], &e["can_join"]),
        (&json!(false), &json!(true), &json!(true)),
        "{panel}"
    );
    assert!(!panel.to_string().contains("secret diagnosis"));
    let (_, timeline) = get(c.b.url(&timeline_url), &eve).await;
    let t = on_timeline(&timeline);
    assert_eq!(
        (&t["is_member"], &t["can_join"]),
        (&json!(false), &json!(true)),
        "{timeline}"
    );
    assert_eq!(
        get(c.b.url(&format!("/chats/{chat_id}/messages")), &eve)
            .await
            .0,
        404
    );

    // Members and a watcher of the case on B; Eve's own stream on B.
    let mut bo_on_b = events(&c.b, &bo).await;
    let mut eve_on_b = events(&c.b, &eve).await;
    let mut olga_on_b = events(&c.b, &olga).await;
    olga_on_b
        .send(tokio_tungstenite::tungstenite::Message::Text(
            json!({"type": "watch", "record": record})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    expect_event(&mut olga_on_b, "watching", |e| e["type"] == "watching").await;

    // Finn may only read the case: he may not join, on either node.
    let (status, denied) = post(
        c.a.url(&format!("/chats/{chat_id}/join")),
        &finn,
        json!({"record": record}),
    )
    .await;
    assert_eq!(status, 403, "{denied}");
    assert!(
        denied["detail"]
            .as_str()
            .unwrap_or("")
            .contains("only read"),
        "{denied}"
    );
    let (_, finn_panel) = get(c.b.url(&panel_url), &finn).await;
    assert_eq!(finn_panel["join_denied"], "read_only", "{finn_panel}");
    assert!(entry(&finn_panel).is_null(), "{finn_panel}");

    // Eve joins through A.
    let (status, joined) = post(
        c.a.url(&format!("/chats/{chat_id}/join")),
        &eve,
        json!({"record": record}),
    )
    .await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(joined["member_count"], json!(3));

    // B's clients hear of it live: the member, the joiner, the record's watcher.
    let added = expect_event(&mut bo_on_b, "member.added on B", |e| {
        e["type"] == "member.added" && e["chat_id"] == json!(chat_id)
    })
    .await;
    assert_eq!(added["users"][0]["id"], json!(eve.id));
    assert_eq!(added["users"][0]["name"], "Eve Ny");
    assert_eq!(added["joined_from"]["id"], json!(case_id));
    expect_event(&mut eve_on_b, "chat.created for the joiner on B", |e| {
        e["type"] == "chat.created" && e["chat"]["id"] == json!(chat_id)
    })
    .await;
    expect_event(
        &mut olga_on_b,
        "timeline.changed for the watcher on B",
        |e| e["type"] == "timeline.changed" && e["record"]["id"] == json!(case_id),
    )
    .await;

    // B's panel and timeline show Eve as a member; she reads the full history through B.
    let (_, panel) = get(c.b.url(&panel_url), &eve).await;
    let e = entry(&panel);
    assert_eq!(
        (&e["is_member"], &e["locked"], &e["can_join"]),
        (&json!(true), &json!(false), &json!(false)),
        "{panel}"
    );
    let (status, timeline) = get(c.b.url(&timeline_url), &eve).await;
    assert_eq!(status, 200, "{timeline}");
    let t = on_timeline(&timeline);
    assert_eq!(
        (&t["is_member"], &t["can_join"], &t["connected"]),
        (&json!(true), &json!(false), &json!(true)),
        "{timeline}"
    );
    assert_eq!(t["name"], "Printer jams on tray 2");
    let texts = bodies(&c.b, &chat_id, &eve).await;
    assert!(texts.contains(&"secret diagnosis".to_owned()), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Eve Ny joined from Case ")
                && t.ends_with(" and can see the full history")),
        "{texts:?}"
    );
    // Joining again, through B, is refused: B sees what A wrote.
    let (status, _) = post(
        c.b.url(&format!("/chats/{chat_id}/join")),
        &eve,
        json!({"record": record}),
    )
    .await;
    assert_eq!(status, 409);
    // Finn is still outside.
    assert_eq!(
        get(c.b.url(&format!("/chats/{chat_id}/messages")), &finn)
            .await
            .0,
        404
    );
}

//! Events cross nodes, and a killed node loses nothing.

use super::*;

#[tokio::test]
async fn events_cross_nodes_and_a_killed_node_loses_nothing() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, alice) = user(&store, "alice@example.com", "Alice Berg", &["agent"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let (cilla_id, cilla) = user(&store, "cilla@example.com", "Cilla Ek", &["agent"]).await;
    let (eve_id, eve) = user(&store, "eve@example.com", "Eve Ny", &["agent"]).await;
    let mut a = node(&db.url, &subject).await;
    let b = node(&db.url, &subject).await;

    // A message sent through node A arrives live at a client on node B.
    let (status, chat) = call(
        reqwest::Method::POST,
        a.url("/chats"),
        &alice,
        Some(json!({"member_ids": [bo_id, cilla_id], "name": "Ops"})),
    )
    .await;
    assert_eq!(status, 201);
    let chat_id = chat["id"].as_str().unwrap().to_owned();
    let mut bo_on_b = events(&b, &bo).await;
    let mut cilla_on_a = events(&a, &cilla).await;
    let (status, sent) = call(
        reqwest::Method::POST,
        a.url(&format!("/chats/{chat_id}/messages")),
        &alice,
        Some(json!({"body": "hello from A"})),
    )
    .await;
    assert_eq!(status, 201);
    let got = expect(&mut bo_on_b, "message.created").await;
    assert_eq!(got["message"]["id"], sent["id"]);

    // A member removed on node B stops receiving on node A.
    assert_eq!(
        expect(&mut cilla_on_a, "message.created").await["message"]["body"],
        "hello from A"
    );
    let (status, _) = call(
        reqwest::Method::DELETE,
        b.url(&format!("/chats/{chat_id}/members/{cilla_id}")),
        &bo,
        None,
    )
    .await;
    assert_eq!(status, 204);
    expect(&mut cilla_on_a, "member.removed").await;
    while next(&mut cilla_on_a, 300).await.is_some() {}
    call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/messages")),
        &bo,
        Some(json!({"body": "after removal"})),
    )
    .await;
    let mut bodies = Vec::new();
    while bodies.last().is_none_or(|b: &Value| b != "after removal") {
        bodies.push(expect(&mut bo_on_b, "message.created").await["message"]["body"].clone());
    }
    assert_eq!(
        bodies.first().unwrap(),
        "Bo Lind removed Cilla Ek",
        "the system message first, then the message: {bodies:?}"
    );
    assert!(
        next(&mut cilla_on_a, 700).await.is_none(),
        "the removed member hears nothing on any node"
    );

    // A join on one node shows on the other's panel and timeline.
    let (_, case) = call(
        reqwest::Method::POST,
        a.url("/records/case"),
        &alice,
        Some(json!({"fields": {"title": "Printer jams"}})),
    )
    .await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    call(
        reqwest::Method::POST,
        a.url(&format!("/records/case/{case_id}/chats")),
        &alice,
        Some(json!({"chat_id": chat_id})),
    )
    .await;
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/join")),
        &eve,
        Some(json!({"record": {"type": "case", "id": case_id}})),
    )
    .await;
    assert_eq!(status, 403, "Eve cannot write Alice's case");
    store
        .share_record(
            "case",
            &tether_domain::RecordId::from(case_id.as_str()),
            &eve_id.as_str().into(),
            tether_domain::Access::Write,
            &bo_id.as_str().into(),
        )
        .await
        .unwrap();
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/join")),
        &eve,
        Some(json!({"record": {"type": "case", "id": case_id}})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, panel) = call(
        reqwest::Method::GET,
        a.url(&format!("/records/case/{case_id}/collaboration")),
        &eve,
        None,
    )
    .await;
    assert!(
        panel["connected"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(chat_id) && c["is_member"] == json!(true)),
        "{panel}"
    );
    let (_, timeline) = call(
        reqwest::Method::GET,
        a.url(&format!("/records/case/{case_id}/timeline")),
        &eve,
        None,
    )
    .await;
    assert!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["chat"]["id"] == json!(chat_id) && i["chat"]["is_member"] == json!(true))
    );

    // Killing node A loses no accepted message; node B keeps serving.
    let mut accepted = Vec::new();
    for i in 0..20 {
        let (status, m) = call(
            reqwest::Method::POST,
            a.url(&format!("/chats/{chat_id}/messages")),
            &alice,
            Some(json!({"body": format!("burst {i}")})),
        )
        .await;
        if status == 201 {
            accepted.push(m["id"].as_str().unwrap().to_owned());
        }
    }
    a.kill();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, page) = call(
        reqwest::Method::GET,
        b.url(&format!("/chats/{chat_id}/messages?limit=200")),
        &bo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(
        accepted.iter().all(|id| ids.contains(&id.as_str())),
        "every 201 is there"
    );
    assert_eq!(accepted.len(), 20);
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/messages")),
        &bo,
        Some(json!({"body": "still here"})),
    )
    .await;
    assert_eq!(status, 201);
}

//! Live events across nodes: a message sent through one node arrives on the other, and a
//! member removed on one node stops receiving on the other.

use super::{
    QUIET, all_within, bodies, call, cluster, drain, events, expect_event, get, id, is_message,
    post,
};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_through_one_node_arrives_live_on_the_other() {
    let c = cluster().await;
    let alice = c
        .user("alice@example.com", "Alice Berg", "agent", &[])
        .await;
    let bo = c.user("bo@example.com", "Bo Lind", "agent", &[]).await;
    let cilla = c.user("cilla@example.com", "Cilla Ek", "agent", &[]).await;
    let mut bo_on_b = events(&c.b, &bo).await;
    let mut cilla_on_b = events(&c.b, &cilla).await;

    // A group chat started on A is announced to its member on B.
    let (status, chat) = post(
        c.a.url("/chats"),
        &alice,
        json!({"member_ids": [bo.id], "name": "Ops"}),
    )
    .await;
    assert_eq!(status, 201, "{chat}");
    assert_eq!(chat["kind"], "group");
    let chat_id = id(&chat);
    let created = expect_event(&mut bo_on_b, "chat.created on B", |e| {
        e["type"] == "chat.created" && e["chat"]["id"] == json!(chat_id)
    })
    .await;
    assert_eq!(created["chat"]["member_count"], json!(2));

    // A message sent through A arrives live on B, the very message A accepted.
    let (status, sent) = post(
        c.a.url(&format!("/chats/{chat_id}/messages")),
        &alice,
        json!({"body": "hello from A"}),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    let got = expect_event(&mut bo_on_b, "the message on B", |e| {
        is_message(e, &chat_id, "hello from A")
    })
    .await;
    assert_eq!(got["message"]["id"], sent["id"]);
    assert_eq!(got["message"]["seq"], sent["seq"]);
    assert_eq!(got["message"]["sender"]["id"], json!(alice.id));

    // Cilla, on the same node B but not a member, hears nothing of the chat.
    let heard = all_within(&mut cilla_on_b, QUIET).await;
    assert!(
        heard.iter().all(|e| !e.to_string().contains(&chat_id)),
        "a non-member heard of the chat: {heard:#?}"
    );
    assert!(heard.is_empty(), "Cilla has nothing to hear: {heard:#?}");
    // Nor may she read or post in it through B.
    let (status, page) = get(c.b.url(&format!("/chats/{chat_id}/messages")), &cilla).await;
    assert_eq!(status, 404, "{page}");
    assert!(!page.to_string().contains("hello from A"));
    let (status, _) = post(
        c.b.url(&format!("/chats/{chat_id}/messages")),
        &cilla,
        json!({"body": "let me in"}),
    )
    .await;
    assert_eq!(status, 404);
    // Bo reads the same history through B as Alice does through A.
    assert_eq!(
        bodies(&c.b, &chat_id, &bo).await,
        bodies(&c.a, &chat_id, &alice).await
    );
    assert!(
        bodies(&c.b, &chat_id, &bo)
            .await
            .contains(&"hello from A".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_removed_on_one_node_stops_receiving_on_the_other() {
    let c = cluster().await;
    let alice = c
        .user("alice@example.com", "Alice Berg", "agent", &[])
        .await;
    let bo = c.user("bo@example.com", "Bo Lind", "agent", &[]).await;
    let dana = c.user("dana@example.com", "Dana Ek", "agent", &[]).await;
    let mut bo_on_a = events(&c.a, &bo).await;
    let mut dana_on_a = events(&c.a, &dana).await;
    let (status, chat) = post(
        c.a.url("/chats"),
        &alice,
        json!({"member_ids": [bo.id, dana.id], "name": "Escalations"}),
    )
    .await;
    assert_eq!(status, 201, "{chat}");
    let chat_id = id(&chat);

    // Before: a message sent through B reaches both on A.
    let (status, _) = post(
        c.b.url(&format!("/chats/{chat_id}/messages")),
        &alice,
        json!({"body": "before removal"}),
    )
    .await;
    assert_eq!(status, 201);
    for ws in [&mut bo_on_a, &mut dana_on_a] {
        expect_event(ws, "the first message on A", |e| {
            is_message(e, &chat_id, "before removal")
        })
        .await;
    }

    // Alice removes Bo through B; Bo's and Dana's sockets on A are told.
    let (status, body) = call(
        reqwest::Method::DELETE,
        c.b.url(&format!("/chats/{chat_id}/members/{}", bo.id)),
        &alice,
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    for ws in [&mut bo_on_a, &mut dana_on_a] {
        let removed = expect_event(ws, "member.removed on A", |e| {
            e["type"] == "member.removed" && e["chat_id"] == json!(chat_id)
        })
        .await;
        assert_eq!(removed["user"]["id"], json!(bo.id));
    }
    drain(&mut bo_on_a, Duration::from_millis(300)).await;

    // After: a message sent through B reaches Dana on A, and not Bo on A.
    let (status, sent) = post(
        c.b.url(&format!("/chats/{chat_id}/messages")),
        &alice,
        json!({"body": "after removal"}),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    let got = expect_event(&mut dana_on_a, "the later message on A", |e| {
        is_message(e, &chat_id, "after removal")
    })
    .await;
    assert_eq!(got["message"]["id"], sent["id"]);
    let heard = all_within(&mut bo_on_a, QUIET).await;
    assert!(
        heard
            .iter()
            .all(|e| !e.to_string().contains("after removal")),
        "the removed member still hears the chat on the other node: {heard:#?}"
    );
    assert!(
        heard
            .iter()
            .all(|e| !(e["type"] == "message.created" && e["chat_id"] == json!(chat_id))),
        "no message of the chat reaches the removed member: {heard:#?}"
    );

    // And node A refuses Bo the chat: no reading, no posting, no removing.
    let (status, page) = get(c.a.url(&format!("/chats/{chat_id}/messages")), &bo).await;
    assert_eq!(status, 404, "{page}");
    assert!(!page.to_string().contains("after removal"));
    let (status, _) = post(
        c.a.url(&format!("/chats/{chat_id}/messages")),
        &bo,
        json!({"body": "am I still here?"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        reqwest::Method::DELETE,
        c.a.url(&format!("/chats/{chat_id}/members/{}", dana.id)),
        &bo,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let texts = bodies(&c.a, &chat_id, &dana).await;
    assert!(
        texts.ends_with(&[
            "Alice Berg removed Bo Lind".to_owned(),
            "after removal".to_owned()
        ]),
        "{texts:?}"
    );
    assert!(!texts.contains(&"am I still here?".to_owned()));
}

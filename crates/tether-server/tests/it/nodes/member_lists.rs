//! R2 across nodes without the bus: a node keeps the member lists of chats it sends to, and
//! the database's member-list version, not a bus message, tells it that a list changed.

use super::*;

/// Two nodes on one database that do not hear each other (each has its own NATS subject), as
/// when a bus message is late or lost. A member removed through node B must not hear a message
/// sent through node A, whose kept list still holds them.
#[tokio::test]
async fn a_member_removed_on_a_node_that_is_not_heard_gets_no_message_from_another() {
    let db = TestDb::postgres().await;
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, alice) = user(&store, "alice@example.com", "Alice Berg", &["agent"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let (cilla_id, cilla) = user(&store, "cilla@example.com", "Cilla Ek", &["agent"]).await;
    let a = node(&db.url, &format!("tether.test.{}", tether_store::new_id())).await;
    let b = node(&db.url, &format!("tether.test.{}", tether_store::new_id())).await;

    let (status, chat) = call(
        reqwest::Method::POST,
        a.url("/chats"),
        &alice,
        Some(json!({"member_ids": [bo_id, cilla_id], "name": "Ops"})),
    )
    .await;
    assert_eq!(status, 201);
    let chat_id = chat["id"].as_str().unwrap().to_owned();
    let mut bo_on_a = events(&a, &bo).await;
    let mut cilla_on_a = events(&a, &cilla).await;
    let send = async |body: &str| {
        let (status, sent) = call(
            reqwest::Method::POST,
            a.url(&format!("/chats/{chat_id}/messages")),
            &alice,
            Some(json!({"body": body})),
        )
        .await;
        assert_eq!(status, 201, "{sent}");
    };
    // Node A keeps the list holding Cilla.
    send("before").await;
    assert_eq!(
        expect(&mut cilla_on_a, "message.created").await["message"]["body"],
        "before"
    );
    assert_eq!(
        expect(&mut bo_on_a, "message.created").await["message"]["body"],
        "before"
    );

    let (status, _) = call(
        reqwest::Method::DELETE,
        b.url(&format!("/chats/{chat_id}/members/{cilla_id}")),
        &bo,
        None,
    )
    .await;
    assert_eq!(status, 204);
    while next(&mut cilla_on_a, 300).await.is_some() {}
    while next(&mut bo_on_a, 300).await.is_some() {}

    send("after").await;
    assert_eq!(
        expect(&mut bo_on_a, "message.created").await["message"]["body"],
        "after",
        "the members still hear it"
    );
    assert!(
        next(&mut cilla_on_a, 700).await.is_none(),
        "the removed member hears nothing, though node A never heard of the removal"
    );

    // And a member added through node B hears the next message sent through node A.
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/members")),
        &bo,
        Some(json!({"user_ids": [cilla_id], "history": "none"})),
    )
    .await;
    assert_eq!(status, 200);
    send("welcome back").await;
    assert_eq!(
        expect(&mut cilla_on_a, "message.created").await["message"]["body"],
        "welcome back"
    );
}

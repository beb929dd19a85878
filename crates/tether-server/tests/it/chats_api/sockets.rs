//! Event sockets: a slow client, and sockets that end with their session.

use super::*;

/// An event socket with a 2 KiB receive buffer, so that what its client does not read soon
/// stays queued on the server.
async fn unread_socket(
    app: &TestApp,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(2048).unwrap();
    let stream = sock.connect(app.addr).await.unwrap();
    tokio_tungstenite::client_async(
        format!("ws://{}/api/v1/events?token={token}", app.addr),
        stream,
    )
    .await
    .unwrap()
    .0
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
    let mut bo_ws = unread_socket(app, &p.bo).await;
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

/// A client that stops reading for a while has events waiting for it; the socket writes them
/// out several at a time when it can, and the client still gets each one once, in order, with
/// no resync while its queue had room.
#[tokio::test]
async fn events_waiting_for_a_socket_all_arrive_in_order() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.limits.sends = 0).await;
    let p = people(app).await;
    let app = &p.app;
    let gid = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let mut bo_ws = unread_socket(app, &p.bo).await;
    // Bo reads nothing while 250 messages of 20 KB are sent: more than the socket buffers hold
    // (up to 4 MiB), fewer than his queue (256 events) holds.
    const SENT: usize = 250;
    let padding = "y".repeat(20_000);
    for i in 0..SENT {
        app.post(
            &format!("/chats/{gid}/messages"),
            &p.alice,
            json!({"body": format!("message {i} {padding}")}),
        )
        .await
        .expect(201);
    }
    use futures_util::StreamExt;
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while got.len() < SENT {
        let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, bo_ws.next()).await else {
            break;
        };
        let tokio_tungstenite::tungstenite::Message::Text(t) = msg else {
            continue;
        };
        let e: Value = serde_json::from_str(&t).unwrap();
        assert_ne!(e["type"], "resync", "the queue had room for every event");
        if e["type"] == "message.created" {
            let body = e["message"]["body"].as_str().unwrap().to_owned();
            got.push(body.split(' ').nth(1).unwrap().parse::<usize>().unwrap());
        }
    }
    assert_eq!(
        got,
        (0..SENT).collect::<Vec<_>>(),
        "every message once, in order"
    );
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
            &p.bo_id.as_str().into(),
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

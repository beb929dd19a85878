//! Deliveries: what arrives, signed, when, in which order, how often — and what does not.

use super::*;
use crate::common::spawn_app_with;
use tether_store::Backend;

both_backends!(
    i19_messages_in_a_connected_chat_arrive_signed_retried_after_a_500_once_each_in_order,
    i19_a_delivery_survives_a_restart,
);

async fn i19_messages_in_a_connected_chat_arrive_signed_retried_after_a_500_once_each_in_order(
    b: Backend,
) {
    let (desk, ticket) = desk_with_ticket(spawn_app_with(b, quick).await).await;
    let app = &desk.app;
    let receiver = Receiver::start("127.0.0.1:0").await;
    let hooks = key(app, &desk.admin, &["webhooks"]).await;
    let hook = register(
        app,
        &hooks,
        &receiver.url(),
        &["chat.connected", "message.created"],
    )
    .await;
    // The first attempt fails: everything about the ticket waits for it (order per record).
    receiver.answer(&[500]);
    let chat = connected_chat(app, &desk.olga.token, &[&desk.bo.id], &ticket).await;
    let first = say(
        app,
        &desk.olga.token,
        &chat,
        &format!("Can you **look**, <@{}>?", desk.bo.id),
    )
    .await;
    // Bo answers with a file and no words: the host's note can still say what came.
    let part = reqwest::multipart::Part::bytes(b"roller part no. 4411".to_vec())
        .file_name("roller.txt".to_owned());
    let file = crate::common::read(
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(&desk.bo.token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap(),
    )
    .await
    .expect(201)
    .body;
    let second = app
        .create(
            &format!("/chats/{chat}/messages"),
            &desk.bo.token,
            json!({"body": "", "attachment_ids": [file["id"]]}),
        )
        .await;

    let got = receiver.wait_for(4).await;
    receiver.stays_at(4, 700).await;
    let seen: Vec<(String, u16)> = got.iter().map(|g| (g.kind(), g.status)).collect();
    assert_eq!(
        seen,
        [
            ("chat.connected".to_owned(), 500),
            ("chat.connected".to_owned(), 200),
            ("message.created".to_owned(), 200),
            ("message.created".to_owned(), 200),
        ]
    );
    for g in &got {
        assert_signed(g, SECRET);
    }
    // The retry is the same event, byte for byte; each event was delivered once.
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(
        got[0].header("tether-webhook-id"),
        got[1].header("tether-webhook-id")
    );
    let ids: std::collections::BTreeSet<&str> = got[1..]
        .iter()
        .map(|g| g.header("tether-webhook-id"))
        .collect();
    assert_eq!(ids.len(), 3);

    // The payloads, as API.md says.
    let connected = got[1].json();
    assert_eq!(
        connected["record"],
        json!({"type": "case", "id": ticket, "source": "zendesk", "external_id": "4711"})
    );
    assert_eq!(connected["data"]["chat"]["id"], json!(chat));
    assert!(
        connected["data"]["chat"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    assert_eq!(
        connected["data"]["by"],
        json!({"id": desk.olga.id, "name": "Olga Berg", "email": "olga@example.com"})
    );
    assert!(connected["created_at"].as_str().unwrap().ends_with('Z'));
    let m1 = got[2].json();
    assert_eq!(m1["type"], "message.created");
    assert_eq!(m1["record"]["external_id"], "4711");
    let message = &m1["data"]["message"];
    assert_eq!(message["id"], json!(first));
    assert_eq!(
        message["sender"],
        json!({"id": desk.olga.id, "name": "Olga Berg", "email": "olga@example.com"})
    );
    assert_eq!(
        message["body"],
        json!(format!("Can you **look**, <@{}>?", desk.bo.id))
    );
    assert_eq!(message["text"], "Can you look, @Bo Lind?");
    assert_eq!(message["attachments"], json!([]));
    assert!(m1["data"].get("by").is_none());
    let m2 = got[3].json();
    assert_eq!(m2["data"]["message"]["id"], json!(second));
    assert_eq!(m2["data"]["message"]["sender"]["name"], "Bo Lind");
    assert_eq!(m2["data"]["message"]["text"], "");
    assert_eq!(
        m2["data"]["message"]["attachments"],
        json!([{"id": file["id"], "name": "roller.txt", "content_type": "text/plain", "size": 20}])
    );

    // The deliveries as the key lists them.
    let listed = deliveries(app, &hooks, &hook).await;
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|d| d["status"] == "delivered"));
    let retried = &listed[2];
    assert_eq!(retried["type"], "chat.connected");
    assert_eq!(retried["attempts"], 2);
    assert_eq!(retried["last_status"], 200);
    assert_eq!(retried["record_id"], json!(ticket));
    assert_eq!(
        retried["event_id"],
        json!(got[0].header("tether-webhook-id"))
    );
    assert!(retried["next_attempt_at"].is_null());
    assert!(retried["delivered_at"].is_string());
}

async fn i19_a_delivery_survives_a_restart(b: Backend) {
    let (desk, ticket) = desk_with_ticket(spawn_app_with(b, quick).await).await;
    let mut desk = desk;
    let mut receiver = Receiver::start("127.0.0.1:0").await;
    let hook = register(
        &desk.app,
        &desk.admin,
        &receiver.url(),
        &["message.created"],
    )
    .await;
    let chat = connected_chat(&desk.app, &desk.olga.token, &[&desk.bo.id], &ticket).await;
    // The host is down: the first attempt is refused and the delivery waits for its retry.
    receiver.stop().await;
    let sent = say(
        &desk.app,
        &desk.olga.token,
        &chat,
        "Sent while the host was down",
    )
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let listed = deliveries(&desk.app, &desk.admin, &hook).await;
        if listed
            .first()
            .is_some_and(|d| d["attempts"].as_i64() >= Some(1))
        {
            assert_eq!(listed[0]["status"], "pending");
            assert!(listed[0]["last_status"].is_null());
            assert!(
                listed[0]["last_error"]
                    .as_str()
                    .is_some_and(|e| !e.is_empty())
            );
            assert!(listed[0]["next_attempt_at"].is_string());
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no attempt: {listed:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Tether stops with the delivery unsent; the host comes back; Tether starts again.
    desk.app.stop_server().await;
    receiver.start_again().await;
    desk.app.start_server(quick).await;
    let got = receiver.wait_for(1).await;
    assert_signed(&got[0], SECRET);
    assert_eq!(got[0].json()["data"]["message"]["id"], json!(sent));
    receiver.stays_at(1, 500).await;
    let admin = desk.app.admin().await;
    let listed = deliveries(&desk.app, &admin, &hook).await;
    assert_eq!(listed[0]["status"], "delivered");
    assert!(listed[0]["attempts"].as_i64() >= Some(2));
}

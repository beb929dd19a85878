//! Endpoints: who may register, list and remove them, what is refused, that the secret never
//! comes back; redelivery; and the events that produce nothing.

use super::*;
use crate::common::{spawn_app, spawn_app_with};
use reqwest::Method;
use tether_store::Backend;

#[tokio::test]
async fn i19_webhooks_need_an_administrator_or_the_webhooks_scope_and_never_show_the_secret() {
    let (desk, _) = desk_with_ticket(spawn_app(Backend::Sqlite).await).await;
    let app = &desk.app;
    let body = json!({"url": "https://helpdesk.example.com/hooks/tether", "secret": SECRET,
                      "events": ["message.created"]});
    let records_key = key(app, &desk.admin, &["records:write"]).await;
    let hooks_key = key(app, &desk.admin, &["webhooks"]).await;

    // No credentials: 401 everywhere; an agent and a key without the scope: 403.
    for (method, path) in [
        (Method::POST, "/webhooks"),
        (Method::GET, "/webhooks"),
        (Method::DELETE, "/webhooks/x"),
        (Method::GET, "/webhooks/x/deliveries"),
        (Method::POST, "/webhooks/x/deliveries/y/redeliver"),
    ] {
        let b = (method == Method::POST).then(|| body.clone());
        app.send(method.clone(), path, None, b.clone())
            .await
            .expect(401);
        app.send(method.clone(), path, Some(&desk.olga.token), b.clone())
            .await
            .expect(403);
        let refused = app
            .send(method.clone(), path, Some(&records_key), b.clone())
            .await
            .expect(403);
        assert_eq!(refused.body["code"], "api_key.scope_missing", "{path}");
        assert!(refused.text.contains("webhooks"), "{}", refused.text);
    }

    // Parsed at the edge: every field at fault is named.
    let bad = app
        .post(
            "/webhooks",
            &desk.admin,
            json!({"url": "ftp://example.com/x", "secret": "short", "events": ["message.sent"]}),
        )
        .await
        .expect(422);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["url", "secret", "events"]);
    assert_eq!(bad.body["errors"][1]["code"], "value.too_short");
    app.post(
        "/webhooks",
        &desk.admin,
        json!({"url": "https://example.com/x", "secret": SECRET, "events": []}),
    )
    .await
    .expect(422)
    .field_error("value.empty");
    app.post(
        "/webhooks",
        &desk.admin,
        json!({"url": "https://user:pw@example.com/x", "secret": SECRET, "events": ["chat.joined"]}),
    )
    .await
    .expect(422);

    // An administrator and a webhooks key register; the listing names them, not the secret.
    let by_admin = register(
        app,
        &desk.admin,
        "https://helpdesk.example.com/a",
        &["message.created"],
    )
    .await;
    let made = app
        .post(
            "/webhooks",
            &hooks_key,
            json!({"url": "http://10.0.0.7:8080/in", "secret": SECRET,
                   "events": ["chat.joined", "record.handed_over", "chat.joined"]}),
        )
        .await
        .expect(201);
    assert!(!made.text.contains(SECRET));
    let by_key = made.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        made.body["events"],
        json!(["chat.joined", "record.handed_over"])
    );
    for token in [&desk.admin, &hooks_key] {
        let list = app.get("/webhooks", token).await.expect(200);
        assert!(!list.text.contains(SECRET), "the secret is never listed");
        assert!(!list.text.contains("secret"), "{}", list.text);
        let items = list.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], json!(by_admin));
        assert_eq!(items[0]["created_by"]["name"], "Ada Admin");
        assert_eq!(items[1]["api_key"]["name"], "Key webhooks");
        assert_eq!(items[1]["url"], "http://10.0.0.7:8080/in");
        assert_eq!(items[1]["pending"], 0);
    }
    app.get(&format!("/webhooks/{by_key}/deliveries"), &desk.admin)
        .await
        .expect(200);
    app.get("/webhooks/nope/deliveries", &desk.admin)
        .await
        .expect(404);
    app.get(
        &format!("/webhooks/{by_key}/deliveries?status=lost"),
        &desk.admin,
    )
    .await
    .expect(422);
    app.post(
        &format!("/webhooks/{by_key}/deliveries/nope/redeliver"),
        &hooks_key,
        json!({}),
    )
    .await
    .expect(404);

    // Removed by the key; a second time is 404. Both changes are audited, without the secret.
    app.send(
        Method::DELETE,
        &format!("/webhooks/{by_key}"),
        Some(&hooks_key),
        None,
    )
    .await
    .expect(204);
    app.send(
        Method::DELETE,
        &format!("/webhooks/{by_key}"),
        Some(&desk.admin),
        None,
    )
    .await
    .expect(404);
    let audit = app.get("/audit?limit=200", &desk.admin).await.expect(200);
    assert!(!audit.text.contains(SECRET));
    let actions: Vec<(String, Value)> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap_or("").starts_with("webhook."))
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["api_key"]["name"].clone(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("webhook.deleted".to_owned(), json!("Key webhooks")),
            ("webhook.created".to_owned(), json!("Key webhooks")),
            ("webhook.created".to_owned(), Value::Null),
        ]
    );
}

#[tokio::test]
async fn i19_unconnected_chats_and_unsubscribed_events_send_nothing() {
    let (desk, ticket) = desk_with_ticket(spawn_app_with(Backend::Sqlite, quick).await).await;
    let app = &desk.app;
    let receiver = Receiver::start("127.0.0.1:0").await;
    let messages = register(app, &desk.admin, &receiver.url(), &["message.created"]).await;
    let joins = register(app, &desk.admin, &receiver.url(), &["chat.joined"]).await;
    // A chat connected to no record: nothing, whatever is subscribed.
    let loose = app
        .create(
            "/chats",
            &desk.olga.token,
            json!({"member_ids": [desk.bo.id], "name": "Lunch"}),
        )
        .await;
    say(app, &desk.olga.token, &loose, "Pizza?").await;
    // Connected, but connecting is not subscribed: nothing until the message.
    let chat = connected_chat(app, &desk.olga.token, &[&desk.bo.id], &ticket).await;
    receiver.stays_at(0, 800).await;
    say(app, &desk.olga.token, &chat, "Only this").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].kind(), "message.created");
    assert_eq!(got[0].json()["data"]["message"]["text"], "Only this");
    // Eve joins from the ticket (R14): only the endpoint that wants joins hears of it.
    app.post(
        &format!("/chats/{chat}/join"),
        &desk.eve.token,
        json!({"record": {"type": "case", "id": ticket}}),
    )
    .await
    .expect(200);
    let got = receiver.wait_for(2).await;
    receiver.stays_at(2, 500).await;
    let joined = got[1].json();
    assert_eq!(joined["type"], "chat.joined");
    assert_eq!(joined["data"]["by"]["name"], "Eve Ny");
    assert_eq!(deliveries(app, &desk.admin, &messages).await.len(), 1);
    assert_eq!(deliveries(app, &desk.admin, &joins).await.len(), 1);
}

#[tokio::test]
async fn i19_transcripts_and_disconnections_are_told_and_a_delivery_can_be_sent_again() {
    let (desk, ticket) = desk_with_ticket(spawn_app_with(Backend::Sqlite, quick).await).await;
    let app = &desk.app;
    let receiver = Receiver::start("127.0.0.1:0").await;
    let hook = register(
        app,
        &desk.admin,
        &receiver.url(),
        &["transcript.saved", "chat.disconnected"],
    )
    .await;
    let chat = connected_chat(app, &desk.olga.token, &[&desk.bo.id], &ticket).await;
    say(app, &desk.olga.token, &chat, "Restarted the spooler").await;
    let note = app
        .post(
            &format!("/chats/{chat}/transcript"),
            &desk.olga.token,
            json!({"record": {"type": "case", "id": ticket}}),
        )
        .await
        .expect(201)
        .body;
    app.send(
        Method::DELETE,
        &format!("/records/case/{ticket}/chats/{chat}"),
        Some(&desk.olga.token),
        None,
    )
    .await
    .expect(204);
    let got = receiver.wait_for(2).await;
    let saved = got[0].json();
    assert_eq!(saved["type"], "transcript.saved");
    assert_eq!(saved["data"]["note"]["id"], note["id"]);
    assert!(
        saved["data"]["note"]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Chat transcript:")
    );
    assert_eq!(saved["data"]["by"]["email"], "olga@example.com");
    let gone = got[1].json();
    assert_eq!(gone["type"], "chat.disconnected");
    assert_eq!(gone["record"]["id"], json!(ticket));
    // Disconnected: the chat's messages are no longer told to the ticket's host.
    say(app, &desk.olga.token, &chat, "After").await;

    // Sent again: the same event (same id, same body), as a new delivery.
    let listed = deliveries(app, &desk.admin, &hook).await;
    let first = listed
        .iter()
        .find(|d| d["type"] == "transcript.saved")
        .unwrap();
    let again = app
        .post(
            &format!(
                "/webhooks/{hook}/deliveries/{}/redeliver",
                first["id"].as_str().unwrap()
            ),
            &desk.admin,
            json!({}),
        )
        .await
        .expect(202)
        .body;
    let got = receiver.wait_for(3).await;
    receiver.stays_at(3, 500).await;
    assert_eq!(got[2].body, got[0].body);
    assert_eq!(
        got[2].header("tether-webhook-id"),
        got[0].header("tether-webhook-id")
    );
    assert_signed(&got[2], SECRET);
    let listed = deliveries(app, &desk.admin, &hook).await;
    assert_eq!(listed[0]["id"], again["id"]);
    assert_eq!(listed[0]["redelivery_of"], first["id"]);
    assert_eq!(listed[0]["status"], "delivered");
}

//! What a write's answer promises (issue 15): `/healthz` runs a real query and a real write
//! on either backend, and an `Idempotency-Key` is bound to the request it came with. The full
//! disk itself, with the real binary: `crates/tether/tests/it/disk_full.rs`.

use crate::common;
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::json;
use tether_store::Backend;

both_backends!(
    healthz_checks_a_real_read_and_a_real_write,
    an_idempotency_key_is_bound_to_its_request
);

async fn healthz_checks_a_real_read_and_a_real_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.store.write_failure();
    assert_eq!(before, None);
    let res = app
        .send(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert_eq!(res.body["status"], "ok");
    assert_eq!(
        res.body["checks"],
        json!({"database": "ok", "writes": "ok", "event_bus": "ok"})
    );
    // The probe row was written: health writes, it does not only read.
    app.store.probe_write().await.unwrap();
}

async fn an_idempotency_key_is_bound_to_its_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.enable_collaboration().await;
    let (bo, _) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let chat = app
        .post(
            "/chats",
            &admin,
            json!({"member_ids": [bo], "name": "Keys"}),
        )
        .await
        .expect(201);
    let chat = chat.body["id"].as_str().unwrap().to_owned();
    let send = |body: &'static str, key: &'static str, importance: &'static str| {
        let app = &app;
        let admin = admin.clone();
        let chat = chat.clone();
        async move {
            common::read(
                app.http
                    .post(app.url(&format!("/chats/{chat}/messages")))
                    .bearer_auth(admin)
                    .header("Idempotency-Key", key)
                    .json(&json!({"body": body, "importance": importance}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let first = send("hello", "k-1", "normal").await.expect(201);
    let again = send("hello", "k-1", "normal").await.expect(201);
    assert_eq!(
        first.body["id"], again.body["id"],
        "a retry gets the first message"
    );
    send("something else", "k-1", "normal").await.problem(
        422,
        "Idempotency-Key was already used for a different message",
    );
    send("hello", "k-1", "urgent")
        .await
        .problem(422, "a new message needs a new key");
    let page = app
        .get(&format!("/chats/{chat}/messages"), &admin)
        .await
        .expect(200);
    let texts: Vec<_> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "text")
        .collect();
    assert_eq!(texts.len(), 1, "nothing else was stored: {texts:?}");
}

//! Unsent uploads are purged after the TTL; a deleted message's files go with it.

use super::*;

both_backends!(
    unsent_uploads_are_purged_after_the_ttl_and_sent_ones_stay,
    deleting_a_message_deletes_its_files,
);

async fn unsent_uploads_are_purged_after_the_ttl_and_sent_ones_stay(b: Backend) {
    let app = spawn_app_with(b, |c| c.unsent_upload_ttl = Duration::from_secs(2)).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let unsent = id(&upload(&app, &alice, "draft.txt", b"never sent".to_vec())
        .await
        .expect(201)
        .body);
    let sent = id(&upload(&app, &alice, "kept.txt", b"sent and kept".to_vec())
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "here", "attachment_ids": [sent]}),
    )
    .await
    .expect(201);
    assert!(on_disk(&app, &unsent).exists());
    // Until the TTL has passed, the uploader still has it.
    app.get(&format!("/attachments/{unsent}"), &alice)
        .await
        .expect(200);

    // The purge runs every second with a 2 s TTL.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while on_disk(&app, &unsent).exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "an upload unsent for 20 s is still on disk with a TTL of 2 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.get(&format!("/attachments/{unsent}"), &alice)
        .await
        .problem(404, "attachment");
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "late", "attachment_ids": [unsent]}),
    )
    .await
    .problem(422, "attachment");
    // The row is gone too (it is not waiting for removal, nor counted as unsent).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !app
        .store
        .discarded_attachments(100)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(tokio::time::Instant::now() < deadline, "rows still waiting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let alice_id = user_id(&app, &alice).await;
    assert_eq!(
        app.store
            .unsent_attachment_bytes(&alice_id.as_str().into())
            .await
            .unwrap(),
        0
    );
    // The sent file, older than the TTL too, stays.
    assert!(on_disk(&app, &sent).exists());
    let res = app
        .get(&format!("/attachments/{sent}"), &bo)
        .await
        .expect(200);
    assert_eq!(res.text, "sent and kept");
}

async fn deleting_a_message_deletes_its_files(b: Backend) {
    let app = spawn_app_with(b, |_| {}).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let a = id(&upload(&app, &alice, "a.txt", b"first".to_vec())
        .await
        .expect(201)
        .body);
    let c = id(&upload(&app, &alice, "c.txt", b"second".to_vec())
        .await
        .expect(201)
        .body);
    let other = id(&upload(&app, &alice, "other.txt", b"other".to_vec())
        .await
        .expect(201)
        .body);
    let m = id(&app
        .post(
            &format!("/chats/{chat}/messages"),
            &alice,
            json!({"body": "two files", "attachment_ids": [a, c]}),
        )
        .await
        .expect(201)
        .body);
    let kept = id(&app
        .post(
            &format!("/chats/{chat}/messages"),
            &alice,
            json!({"body": "one file", "attachment_ids": [other]}),
        )
        .await
        .expect(201)
        .body);
    app.get(&format!("/attachments/{a}"), &bo).await.expect(200);
    app.send(
        reqwest::Method::DELETE,
        &format!("/chats/{chat}/messages/{m}"),
        Some(&alice),
        None,
    )
    .await
    .expect(204);
    for f in [&a, &c] {
        assert!(!on_disk(&app, f).exists(), "{f} is gone from disk");
        app.get(&format!("/attachments/{f}"), &bo)
            .await
            .problem(404, "attachment");
        app.get(&format!("/attachments/{f}"), &alice)
            .await
            .problem(404, "attachment");
    }
    // No row is left, and the tombstone lists no file.
    assert!(
        app.store
            .message_attachments(&tether_domain::MessageId::new(&m))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.store
            .discarded_attachments(100)
            .await
            .unwrap()
            .is_empty()
    );
    let page = app
        .get(&format!("/chats/{chat}/messages"), &bo)
        .await
        .expect(200)
        .body;
    let tomb = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == json!(m))
        .unwrap();
    assert_eq!(tomb["deleted"], json!(true));
    assert_eq!(tomb["attachments"], json!([]));
    // Another message's file stays.
    assert!(on_disk(&app, &other).exists());
    assert_eq!(
        app.store
            .message_attachments(&tether_domain::MessageId::new(&kept))
            .await
            .unwrap()
            .len(),
        1
    );
    app.get(&format!("/attachments/{other}"), &bo)
        .await
        .expect(200);
}

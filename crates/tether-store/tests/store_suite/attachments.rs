//! Uploaded files: the bound on unsent uploads, discarding and forgetting.

use crate::{group, may_download, new_message, user};
use tether_domain::UserId;
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(unsent_uploads_are_bounded_and_old_or_deleted_files_discarded);

/// Issue 15: each user's unsent uploads are bounded; uploads unsent for too long and the files
/// of a deleted message are discarded (no download, no send) and then forgotten, while sent
/// files and recent uploads stay.
async fn unsent_uploads_are_bounded_and_old_or_deleted_files_discarded(b: Backend) {
    use tether_store::chats::Attachment;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let g = group(&s, &[&a, &bo]).await;
    let now = tether_store::now_ms();
    let file = |id: &str, uploader: &UserId, size: i64, created_at: i64| Attachment {
        id: id.into(),
        uploader_id: uploader.clone(),
        name: format!("{id}.txt"),
        content_type: "text/plain".into(),
        size,
        inline: false,
        storage_key: id.into(),
        message_id: None,
        created_at,
    };
    // The bound counts only the uploader's own unsent bytes.
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 0);
    assert!(
        s.create_attachment_within(&file("old", &a, 40, now - 10_000), 100)
            .await
            .unwrap()
    );
    assert!(
        s.create_attachment_within(&file("sent", &a, 50, now - 10_000), 100)
            .await
            .unwrap()
    );
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 90);
    assert!(
        !s.create_attachment_within(&file("over", &a, 11, now), 100)
            .await
            .unwrap(),
        "90 + 11 bytes pass a bound of 100"
    );
    assert!(
        !may_download(&s, "over", &a).await,
        "a refused upload is not stored"
    );
    assert!(
        s.create_attachment_within(&file("fits", &a, 10, now), 100)
            .await
            .unwrap()
    );
    assert!(
        s.create_attachment_within(&file("bos", &bo, 100, now), 100)
            .await
            .unwrap()
    );
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 100);

    // A sent file no longer counts.
    let sent = s
        .send_message(&tether_store::chats::NewMessage {
            attachment_ids: vec!["sent".into()],
            ..new_message(&g.id, &a, "")
        })
        .await
        .unwrap()
        .message;
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 50);
    assert_eq!(
        s.message_attachments(&sent.id)
            .await
            .unwrap()
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        ["sent"]
    );

    // Unsent uploads made before the cut-off are discarded; recent and sent ones stay.
    assert_eq!(s.discard_unsent_attachments(now - 5_000).await.unwrap(), 1);
    assert_eq!(
        s.discard_unsent_attachments(now - 5_000).await.unwrap(),
        0,
        "once"
    );
    assert!(!may_download(&s, "old", &a).await, "no download");
    let resend = tether_store::chats::NewMessage {
        attachment_ids: vec!["old".into()],
        ..new_message(&g.id, &a, "late")
    };
    assert!(
        matches!(s.send_message(&resend).await, Err(StoreError::Invalid(_))),
        "a discarded upload cannot be sent"
    );
    assert!(may_download(&s, "fits", &a).await);
    assert!(may_download(&s, "sent", &bo).await);
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 10);

    // Deleting a message discards its files; the message no longer lists them.
    let gone = s.delete_message(&sent.id, &a).await.unwrap();
    assert!(gone.attachments.is_empty());
    assert!(!may_download(&s, "sent", &bo).await);
    assert!(
        !may_download(&s, "sent", &a).await,
        "not even for its uploader"
    );
    assert_eq!(s.message_attachments(&sent.id).await.unwrap().len(), 1);

    let mut discarded: Vec<String> = s
        .discarded_attachments(100)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id.into_string())
        .collect();
    discarded.sort();
    assert_eq!(discarded, ["old", "sent"]);
    assert!(
        !s.forget_attachment(&"fits".into()).await.unwrap(),
        "a live file is never forgotten"
    );
    assert!(s.forget_attachment(&"old".into()).await.unwrap());
    assert!(s.forget_attachment(&"sent".into()).await.unwrap());
    assert!(!s.forget_attachment(&"sent".into()).await.unwrap(), "once");
    assert!(s.discarded_attachments(100).await.unwrap().is_empty());
    assert!(s.message_attachments(&sent.id).await.unwrap().is_empty());
    assert!(may_download(&s, "fits", &a).await);
    assert!(may_download(&s, "bos", &bo).await);
}

//! Messages: idempotent sends, reminders, reactions, group commit.

use crate::{group, may_download, new_message, user};
use std::collections::BTreeMap;
use tether_domain::{ChatId, MessageId};
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(
    messages_idempotency_reminders_and_attachments,
    reactions_are_bounded_per_message_even_when_added_at_once,
    concurrent_sends_are_committed_together,
);

async fn messages_idempotency_reminders_and_attachments(b: Backend) {
    use tether_store::chats::Attachment;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let g = group(&s, &[&a, &bo]).await;
    let keyed = tether_store::chats::NewMessage {
        idempotency_key: Some("k1".into()),
        idempotency_fingerprint: Some("digest-of-once".into()),
        ..new_message(&g.id, &a, "once")
    };
    let first = s.send_message(&keyed).await.unwrap();
    let retry = s.send_message(&keyed).await.unwrap();
    assert!(!first.replayed && retry.replayed);
    assert_eq!(first.message.id, retry.message.id);
    let other_request = tether_store::chats::NewMessage {
        idempotency_fingerprint: Some("digest-of-something-else".into()),
        ..new_message(&g.id, &a, "something else")
    };
    let other_request = tether_store::chats::NewMessage {
        idempotency_key: Some("k1".into()),
        ..other_request
    };
    assert!(
        matches!(
            s.send_message(&other_request).await,
            Err(StoreError::KeyReused(_))
        ),
        "a key is bound to its request"
    );

    let now = tether_store::now_ms();
    let urgent = tether_store::chats::NewMessage {
        remind_until: Some(now + 1_000_000),
        remind_every_ms: 1000,
        ..new_message(&g.id, &a, "urgent!")
    };
    let u = s.send_message(&urgent).await.unwrap().message;
    let due = s.claim_due_reminders(now + 1_500, 1000).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        due[0].unread_user_ids,
        std::slice::from_ref(&bo),
        "the sender is never reminded"
    );
    assert!(
        s.claim_due_reminders(now + 1_500, 1000)
            .await
            .unwrap()
            .is_empty(),
        "claimed once"
    );
    s.mark_read(&g.id, &bo, u.seq).await.unwrap();
    assert!(
        s.claim_due_reminders(now + 2_600, 1000)
            .await
            .unwrap()
            .is_empty(),
        "read: no reminder"
    );
    // Several due at once are claimed together, each with its own unread members; one whose
    // time is up after this reminder is not claimed again.
    let g2 = group(&s, &[&a, &bo, &c]).await;
    let short = s
        .send_message(&tether_store::chats::NewMessage {
            remind_until: Some(now + 1_800),
            remind_every_ms: 1000,
            ..new_message(&g2.id, &bo, "short")
        })
        .await
        .unwrap()
        .message;
    let long = s
        .send_message(&tether_store::chats::NewMessage {
            remind_until: Some(now + 1_000_000),
            remind_every_ms: 1000,
            ..new_message(&g2.id, &a, "long")
        })
        .await
        .unwrap()
        .message;
    let mut due = s.claim_due_reminders(now + 1_500, 1000).await.unwrap();
    due.sort_by_key(|d| d.message_id.to_string());
    let mut want = vec![
        (short.id.clone(), vec![a.clone(), c.clone()]),
        (long.id.clone(), vec![bo.clone(), c.clone()]),
    ];
    want.sort_by_key(|(id, _)| id.to_string());
    for w in &mut want {
        w.1.sort();
    }
    let got: Vec<_> = due
        .iter()
        .map(|d| {
            let mut users = d.unread_user_ids.clone();
            users.sort();
            (d.message_id.clone(), users)
        })
        .collect();
    assert_eq!(got, want);
    assert!(due.iter().all(|d| d.chat_id == g2.id));
    let next = s.claim_due_reminders(now + 2_600, 1000).await.unwrap();
    assert_eq!(
        next.iter()
            .map(|d| d.message_id.clone())
            .collect::<Vec<_>>(),
        std::slice::from_ref(&long.id),
        "the short one's time is up"
    );

    let att = Attachment {
        id: "att1".into(),
        uploader_id: a.clone(),
        name: "a.png".into(),
        content_type: "image/png".into(),
        size: 3,
        inline: true,
        storage_key: "att1".into(),
        message_id: None,
        created_at: now,
    };
    s.create_attachment(&att).await.unwrap();
    assert!(
        may_download(&s, "att1", &a).await,
        "the uploader before sending"
    );
    assert!(!may_download(&s, "att1", &bo).await);
    let with = tether_store::chats::NewMessage {
        attachment_ids: vec!["att1".into()],
        ..new_message(&g.id, &a, "")
    };
    let sent = s.send_message(&with).await.unwrap().message;
    assert_eq!(sent.attachments.len(), 1);
    assert!(may_download(&s, "att1", &bo).await, "members after sending");
    assert!(!may_download(&s, "att1", &c).await, "never a non-member");
    let reuse = tether_store::chats::NewMessage {
        attachment_ids: vec!["att1".into()],
        ..new_message(&g.id, &a, "again")
    };
    assert!(matches!(
        s.send_message(&reuse).await,
        Err(StoreError::Invalid(_))
    ));

    assert!(s.set_reaction(&sent.id, &bo, "👍", true).await.unwrap());
    assert!(!s.set_reaction(&sent.id, &bo, "👍", true).await.unwrap());
    let edited = s
        .edit_message(&first.message.id, &a, "twice", "twice", &[])
        .await
        .unwrap();
    assert!(edited.edited_at.is_some());
    let gone = s.delete_message(&sent.id, &a).await.unwrap();
    assert!(gone.deleted_at.is_some() && gone.body.is_empty() && gone.reactions.is_empty());
    assert!(
        !may_download(&s, "att1", &bo).await,
        "a deleted message's file is gone for members"
    );
}

async fn reactions_are_bounded_per_message_even_when_added_at_once(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::{NewChat, ReactionAdded};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let chat = NewChat {
        kind: ChatKind::Group,
        name: None,
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let g = s.create_chat(&chat, None).await.unwrap().0.id;
    let m = s
        .send_message(&new_message(&g, &a, "hi"))
        .await
        .unwrap()
        .message
        .id;
    assert_eq!(
        s.add_reaction(&m, &a, "a", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &a, "a", 3).await.unwrap(),
        ReactionAdded::AlreadyThere
    );
    assert_eq!(
        s.add_reaction(&m, &a, "b", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &a, "c", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &a, "d", 3).await.unwrap(),
        ReactionAdded::TooMany
    );
    // Joining a reaction that is there takes no new place.
    assert_eq!(
        s.add_reaction(&m, &bo, "c", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert!(s.set_reaction(&m, &a, "b", false).await.unwrap());
    assert_eq!(
        s.add_reaction(&m, &bo, "d", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &bo, "e", 3).await.unwrap(),
        ReactionAdded::TooMany
    );
    // What a reaction answers with: the message's reactions alone, grouped by emoji in order
    // of first appearance, the same as the whole message read again.
    let reactions = s.reactions(&m).await.unwrap();
    assert_eq!(
        reactions,
        vec![
            ("a".to_owned(), vec![a.to_string()]),
            ("c".to_owned(), vec![a.to_string(), bo.to_string()]),
            ("d".to_owned(), vec![bo.to_string()]),
        ]
    );
    assert_eq!(s.message(&m).await.unwrap().unwrap().reactions, reactions);

    // Twenty different reactions at once on a fresh message: exactly three are taken.
    let m2 = s
        .send_message(&new_message(&g, &a, "again"))
        .await
        .unwrap()
        .message
        .id;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (s, m2, who) = (
            s.clone(),
            m2.clone(),
            if i % 2 == 0 { a.clone() } else { bo.clone() },
        );
        tasks.spawn(async move {
            s.add_reaction(&m2, &who, &format!("e{i}"), 3)
                .await
                .unwrap()
        });
    }
    let mut added = 0;
    while let Some(outcome) = tasks.join_next().await {
        added += usize::from(outcome.unwrap() == ReactionAdded::Added);
    }
    assert_eq!(added, 3);
    let stored = s.message(&m2).await.unwrap().unwrap().reactions;
    assert_eq!(stored.len(), 3, "{stored:?}");

    // Reactions given one after another are listed in that order, even when they land within
    // one millisecond (names chosen to sort the other way round).
    let m3 = s
        .send_message(&new_message(&g, &a, "in order"))
        .await
        .unwrap()
        .message
        .id;
    let given = ["z", "y", "x", "w", "v", "u"];
    for (i, emoji) in given.iter().enumerate() {
        if i % 2 == 0 {
            s.add_reaction(&m3, &a, emoji, 10).await.unwrap();
        } else {
            s.set_reaction(&m3, &bo, emoji, true).await.unwrap();
        }
    }
    let listed: Vec<String> = s
        .message(&m3)
        .await
        .unwrap()
        .unwrap()
        .reactions
        .into_iter()
        .map(|(emoji, _)| emoji)
        .collect();
    assert_eq!(listed, given);
}

/// Group commit: sends that arrive together are written in shared transactions, and still
/// every chat's sequence numbers are gapless, each sender's messages keep their order, a key
/// used twice at once gives one message, and a send to a missing chat fails alone.
async fn concurrent_sends_are_committed_together(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::{NewChat, NewMessage};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let mut chats = Vec::new();
    for name in ["one", "two", "three"] {
        let chat = NewChat {
            kind: ChatKind::Group,
            name: Some(name.into()),
            team_id: None,
            created_by: a.clone(),
            members: vec![(a.clone(), 0), (bo.clone(), 0)],
        };
        chats.push(s.create_chat(&chat, None).await.unwrap().0.id);
    }
    // The e-mail digest's scan reads the mentions the batches write: it starts here.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    s.scan_digest(tether_store::now_ms(), 0, 0).await.unwrap();
    let (senders, each) = (4, 10);
    let mut tasks = tokio::task::JoinSet::new();
    for (c, chat) in chats.iter().enumerate() {
        for sender in 0..senders {
            let (s, chat, who, bo) = (s.clone(), chat.clone(), a.clone(), bo.clone());
            tasks.spawn(async move {
                let mut seqs = Vec::new();
                for i in 0..each {
                    let word = if (c, sender, i) == (1, 2, 3) {
                        " zebra"
                    } else {
                        ""
                    };
                    let m = NewMessage {
                        mentions: if i % 3 == 0 {
                            vec![bo.to_string()]
                        } else {
                            vec![]
                        },
                        idempotency_key: Some(format!("{c}-{sender}-{i}")),
                        ..new_message(
                            &chat,
                            &who,
                            &format!("chat {c} sender {sender} message {i}{word}"),
                        )
                    };
                    let sent = s.send_message(&m).await.unwrap();
                    assert!(!sent.replayed);
                    assert_eq!(sent.message.body, m.body);
                    seqs.push((sent.message.seq, sent.message.id));
                }
                (chat, seqs)
            });
        }
    }
    // One key sent twice at once, and a chat that does not exist, amid the others.
    let twice = NewMessage {
        idempotency_key: Some("twice".into()),
        ..new_message(&chats[0], &a, "only once")
    };
    let lost = new_message(&ChatId::new("no-such-chat"), &a, "lost");
    let (first, second, missing) = tokio::join!(
        s.send_message(&twice),
        s.send_message(&twice),
        s.send_message(&lost)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(
        first.message.id, second.message.id,
        "one message for one key"
    );
    assert!(first.replayed != second.replayed);
    assert!(missing.is_err(), "a send to a missing chat fails");

    let mut sent: BTreeMap<ChatId, Vec<(i64, MessageId)>> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let (chat, seqs) = done.unwrap();
        assert!(
            seqs.windows(2).all(|w| w[0].0 < w[1].0),
            "one sender's messages keep their order: {seqs:?}"
        );
        sent.entry(chat).or_default().extend(seqs);
    }
    for (c, chat) in chats.iter().enumerate() {
        let mut written = sent.remove(chat).unwrap();
        if c == 0 {
            written.push((first.message.seq, first.message.id.clone()));
        }
        written.sort();
        let expected: Vec<i64> = (1..=written.len() as i64).collect();
        let seqs: Vec<i64> = written.iter().map(|w| w.0).collect();
        assert_eq!(seqs, expected, "gapless sequence numbers in chat {c}");
        let stored = s.messages(chat, 0, None, 200).await.unwrap();
        let mut stored: Vec<(i64, MessageId)> = stored.into_iter().map(|m| (m.seq, m.id)).collect();
        stored.sort();
        assert_eq!(
            stored, written,
            "what each send answered is what was stored"
        );
        let info = s.chat(chat).await.unwrap().unwrap();
        assert_eq!(info.last_seq, written.len() as i64);
        assert_eq!(info.last_message_by.as_deref(), Some(a.as_str()));
    }
    let hits = s
        .search_messages(&bo, &[vec!["zebra".into()]], None, 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "batched messages are in the search index");
    // The messages with i % 3 == 0 mentioned Bo, per sender and chat.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    s.scan_digest(tether_store::now_ms(), 0, 0).await.unwrap();
    let backlog = s.digest_backlog().await.unwrap();
    let mentioned = (chats.len() * senders * (0..each).filter(|i| i % 3 == 0).count()) as i64;
    assert_eq!(
        backlog,
        vec![(bo.to_string(), mentioned, 0)],
        "batched mentions are stored, once each"
    );
    let (batches, sends) = s.send_batches().unwrap();
    assert!(sends >= (chats.len() * senders * each) as u64);
    assert!(
        batches < sends,
        "sends were grouped: {batches} batches for {sends} sends"
    );
}

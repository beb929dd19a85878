//! Writes to a chat check, inside their own transaction, that their author still may make
//! them (R2 at the moment of writing).

use crate::{group, new_message, user};
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(only_members_messages_are_written);

/// Membership is read inside the write of a message, on every path a send takes: a member
/// removed after the server's own check, or someone who never was one, is refused with the
/// answer a non-member gets (`NotFound("chat")`) — alone, with an urgent reminder (written on
/// its own), and amid members' messages in a group-commit batch, which are written with
/// contiguous sequence numbers.
async fn only_members_messages_are_written(b: Backend) {
    use tether_store::chats::NewMessage;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let g = group(&s, &[&a, &bo]).await;
    s.remove_member(&g.id, &bo, &a, &crate::sys("Anna removed Bo"))
        .await
        .unwrap()
        .expect("Bo was a member");
    let refused = |r: Result<tether_store::chats::Sent, StoreError>| {
        matches!(r, Err(StoreError::NotFound("chat")))
    };
    assert!(
        refused(
            s.send_message(&new_message(&g.id, &bo, "after removal"))
                .await
        ),
        "a removed member's message is refused"
    );
    let urgent = NewMessage {
        remind_until: Some(tether_store::now_ms() + 60_000),
        ..new_message(&g.id, &c, "urgent from outside")
    };
    assert!(refused(s.send_message(&urgent).await), "written alone");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..30 {
        let (s, chat) = (s.clone(), g.id.clone());
        let (who, body) = if i % 3 == 0 {
            (c.clone(), format!("outsider {i}"))
        } else {
            (a.clone(), format!("member {i}"))
        };
        tasks.spawn(async move {
            let sent = s.send_message(&new_message(&chat, &who, &body)).await;
            (body, sent)
        });
    }
    let mut written = 0;
    while let Some(joined) = tasks.join_next().await {
        let (body, sent) = joined.unwrap();
        if body.starts_with("outsider") {
            assert!(refused(sent), "{body} is refused");
        } else {
            assert_eq!(sent.unwrap().message.body, body);
            written += 1;
        }
    }
    assert_eq!(written, 20);
    let stored = s.messages(&g.id, 0, None, 200).await.unwrap();
    assert!(
        stored
            .iter()
            .all(|m| m.sender_id.as_ref() != Some(&c) && m.body != "after removal"),
        "nothing from a non-member is stored"
    );
    let mut seqs: Vec<i64> = stored.iter().map(|m| m.seq).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=stored.len() as i64).collect::<Vec<_>>(),
        "refused messages take no sequence numbers"
    );

    // The sibling writes check the same inside their transaction: a removed member cannot
    // react or take a reaction back, someone else cannot edit or delete a member's message.
    let mine = stored
        .iter()
        .find(|m| m.sender_id.as_ref() == Some(&a))
        .unwrap();
    let gone = |r: Result<bool, StoreError>| matches!(r, Err(StoreError::NotFound("message")));
    assert!(gone(s.set_reaction(&mine.id, &bo, "👍", true).await));
    assert!(gone(s.set_reaction(&mine.id, &bo, "👍", false).await));
    assert!(matches!(
        s.add_reaction(&mine.id, &bo, "👍", 10).await,
        Err(StoreError::NotFound("message"))
    ));
    assert!(matches!(
        s.edit_message(&mine.id, &c, "taken over", "taken over", &[])
            .await,
        Err(StoreError::NotFound("message"))
    ));
    assert!(matches!(
        s.delete_message(&mine.id, &c).await,
        Err(StoreError::NotFound("message"))
    ));
    let after = s.message(&mine.id).await.unwrap().unwrap();
    assert!(after.reactions.is_empty() && after.body == mine.body && after.deleted_at.is_none());
    assert!(s.set_reaction(&mine.id, &a, "👍", true).await.unwrap());
    s.edit_message(&mine.id, &a, "edited", "edited", &[])
        .await
        .unwrap();

    // A deleted message takes no reaction, even from a member: the write refuses it whatever
    // a check before the write saw.
    s.delete_message(&mine.id, &a).await.unwrap();
    assert!(gone(s.set_reaction(&mine.id, &a, "🎉", true).await));
    assert!(matches!(
        s.add_reaction(&mine.id, &a, "🎉", 10).await,
        Err(StoreError::NotFound("message"))
    ));
    assert!(s.reactions(&mine.id).await.unwrap().is_empty());
}

/// On PostgreSQL a reaction that passed its check while a delete of the message was under way
/// waits for the delete's lock on the message, then sees the message deleted and adds nothing.
/// (On SQLite the writes take turns, so the check itself sees the delete.)
#[tokio::test]
async fn a_reaction_waiting_on_a_delete_adds_nothing_postgres() {
    use sqlx::Connection;
    let db = TestDb::new(Backend::Postgres).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let g = group(&s, &[&a, &bo]).await;
    let m = s
        .send_message(&new_message(&g.id, &a, "soon gone"))
        .await
        .unwrap()
        .message
        .id;
    // A delete under way: the message row is changed and locked, not yet committed.
    let mut deleting = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut deleting).await.unwrap();
    sqlx::query("UPDATE messages SET deleted_at = 1, body = '' WHERE id = $1")
        .bind(m.as_str())
        .execute(&mut deleting)
        .await
        .unwrap();
    let reacting = {
        let (s, m, bo) = (s.clone(), m.clone(), bo.clone());
        tokio::spawn(async move { s.add_reaction(&m, &bo, "👍", 10).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query("COMMIT").execute(&mut deleting).await.unwrap();
    let added = reacting.await.unwrap();
    assert!(
        matches!(added, Err(StoreError::NotFound("message"))),
        "{added:?}"
    );
    assert!(s.reactions(&m).await.unwrap().is_empty());
}

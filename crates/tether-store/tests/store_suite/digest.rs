//! Issue 19, part 5, the e-mail digest's storage: the scan queues, once and by one node, what
//! people missed — a mention, an urgent message, being added — and passes over what they read,
//! wrote themselves, may not see or opted out of; people are claimed by one node at a time,
//! retried after a failure, and freed (or due again) when done; the facts read at send time
//! show removals and reads that came after the scan.

use crate::{group, new_message, sys, user};
use tether_domain::UserId;
use tether_domain::chat::Importance;
use tether_store::digest::{DigestOutcome, ItemKey, ItemKind};
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store, now_ms};

/// Another node's handle on the same database: on PostgreSQL its own pool; SQLite serves one
/// node, whose writes queue on its one writer connection.
async fn second_node(db: &TestDb, s: &Store) -> Store {
    match s.backend() {
        Backend::Postgres => db.store().await,
        Backend::Sqlite => s.clone(),
    }
}

both_backends!(
    i19_digest_scan_queues_what_was_missed_once_and_passes_over_the_rest,
    i19_digest_claims_are_exclusive_retried_and_freed,
    i19_digest_facts_are_read_as_they_are_at_send_time,
);

/// Starts the watermark at `now` (the scan's first call only sets it), a moment after what
/// the test set up (a chat's members were added by its creator).
async fn start_scan(s: &Store) -> i64 {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let t0 = now_ms();
    let first = s.scan_digest(t0, 0, 0).await.unwrap();
    assert_eq!(first.queued, 0, "the first scan only sets the watermark");
    t0
}

/// (user, kinds) of everything waiting, from the facts of each person in `who`.
async fn waiting(s: &Store, who: &UserId) -> Vec<(String, ItemKind)> {
    let facts = s.digest_facts(who).await.unwrap();
    facts
        .items
        .iter()
        .map(|i| (i.key.message_id.clone(), i.kind.unwrap()))
        .collect()
}

async fn i19_digest_scan_queues_what_was_missed_once_and_passes_over_the_rest(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let other_node = second_node(&db, &s).await;
    let a = user(&s, "a@example.com", "Anna A", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo B", &["agent"]).await;
    let cy = user(&s, "c@example.com", "Cy C", &["agent"]).await;
    let dee = user(&s, "d@example.com", "Dee D", &["agent"]).await;
    let out = user(&s, "e@example.com", "Opted Out", &["agent"]).await;
    let reader = user(&s, "f@example.com", "Fast Reader", &["agent"]).await;
    let g = group(&s, &[&a, &bo, &cy, &out, &reader]).await;
    assert_eq!(s.set_email_digest(&out, false).await.unwrap(), Some(false));
    let t0 = start_scan(&s).await;

    let mut m = new_message(&g.id, &a, "look, all of you");
    m.mentions = vec![
        bo.to_string(),
        out.to_string(),
        reader.to_string(),
        a.to_string(),
    ];
    let mention = s.send_message(&m).await.unwrap().message;
    let mut u = new_message(&g.id, &a, "the server is down");
    u.importance = Importance::Urgent;
    let urgent = s.send_message(&u).await.unwrap().message;
    s.mark_read(&g.id, &reader, urgent.seq).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // A one-on-one chat started with Cy is no one's adding: nothing to mail.
    s.create_chat(
        &tether_store::chats::NewChat {
            kind: tether_domain::chat::ChatKind::OneOnOne,
            name: None,
            team_id: None,
            created_by: a.clone(),
            members: vec![(a.clone(), 0), (cy.clone(), 0)],
        },
        None,
    )
    .await
    .unwrap();
    s.add_members(&g.id, &[(dee.clone(), 0)], &a, &sys("Anna added Dee"))
        .await
        .unwrap();

    // Two nodes scan at once: each window is taken once.
    let now = now_ms() + 1;
    let (one, two) = tokio::join!(s.scan_digest(now, 0, 0), other_node.scan_digest(now, 0, 0));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert!(one.from >= t0 && two.from >= t0);
    // A Bo mention and urgent, Cy urgent, Dee added; nothing for Anna (her own), the
    // opted-out person or the one who read.
    assert_eq!(one.queued + two.queued, 4, "{one:?} {two:?}");
    let again = s.scan_digest(now_ms() + 2, 0, 0).await.unwrap();
    assert_eq!(again.queued, 0, "an item is queued once");

    let mut got = waiting(&s, &bo).await;
    got.sort();
    let mut want = vec![
        (mention.id.to_string(), ItemKind::Mention),
        (urgent.id.to_string(), ItemKind::Urgent),
    ];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        waiting(&s, &cy).await,
        vec![(urgent.id.to_string(), ItemKind::Urgent)]
    );
    // Dee joined after the urgent message: being added is what she missed, not that.
    assert_eq!(
        waiting(&s, &dee).await,
        vec![(String::new(), ItemKind::Added)]
    );
    for nobody in [&a, &out, &reader] {
        assert!(waiting(&s, nobody).await.is_empty(), "{nobody}");
    }
    let backlog = s.digest_backlog().await.unwrap();
    let mut due: Vec<&str> = backlog.iter().map(|(u, _, _)| u.as_str()).collect();
    due.sort_unstable();
    let mut want_due = vec![bo.as_str(), cy.as_str(), dee.as_str()];
    want_due.sort_unstable();
    assert_eq!(due, want_due);

    // What happened before the watermark, or within the delay, is not taken.
    let late = s.scan_digest(now_ms(), 60_000, 0).await.unwrap();
    assert_eq!(late.queued, 0);
}

async fn i19_digest_claims_are_exclusive_retried_and_freed(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let other_node = second_node(&db, &s).await;
    let a = user(&s, "a@example.com", "Anna A", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo B", &["agent"]).await;
    let g = group(&s, &[&a, &bo]).await;
    start_scan(&s).await;
    let mut m = new_message(&g.id, &a, "one");
    m.mentions = vec![bo.to_string()];
    s.send_message(&m).await.unwrap();
    let now = now_ms() + 1;
    // Due the delay after the item.
    assert_eq!(s.scan_digest(now, 0, 5_000).await.unwrap().queued, 1);
    assert!(
        s.claim_digests(now, now + 10_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "not before the delay"
    );
    let now = now + 5_000;

    let (x, y) = tokio::join!(
        s.claim_digests(now, now + 10_000, 10),
        other_node.claim_digests(now, now + 10_000, 10)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(
        x.len() + y.len(),
        1,
        "one node holds Bo's e-mail: {x:?} {y:?}"
    );
    let claim = x.into_iter().chain(y).next().unwrap();
    assert_eq!(claim.user_id, bo);
    assert_eq!(claim.attempts, 0);
    let keys: Vec<ItemKey> = s
        .digest_facts(&bo)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.key)
        .collect();

    // Sending failed: due again later, items kept, the failure counted.
    let retry = DigestOutcome::Retry {
        at: now + 5_000,
        error: "connection refused".into(),
    };
    assert!(
        s.finish_digest(&bo, claim.claimed_until, &keys, &retry, now, 0)
            .await
            .unwrap()
    );
    assert!(
        s.claim_digests(now + 1, now + 20_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let claim = s
        .claim_digests(now + 5_000, now + 20_000, 10)
        .await
        .unwrap();
    assert_eq!(claim.len(), 1);
    assert_eq!(
        (claim[0].attempts, claim[0].first_failed_at),
        (1, Some(now))
    );
    // A claim that ran out and was taken over cannot finish.
    assert!(
        !s.finish_digest(
            &bo,
            now + 10_000,
            &keys,
            &DigestOutcome::Done { sent: true },
            now,
            0
        )
        .await
        .unwrap()
    );

    // A new item arrives while the e-mail is being sent: it waits for the next one, the
    // delay after it.
    let mut m2 = new_message(&g.id, &a, "two");
    m2.mentions = vec![bo.to_string()];
    let two = s.send_message(&m2).await.unwrap().message;
    assert_eq!(s.scan_digest(now_ms() + 1, 0, 0).await.unwrap().queued, 1);
    assert!(
        s.finish_digest(
            &bo,
            claim[0].claimed_until,
            &keys,
            &DigestOutcome::Done { sent: true },
            now + 6_000,
            100_000
        )
        .await
        .unwrap()
    );
    assert_eq!(s.digest_facts(&bo).await.unwrap().items.len(), 1);
    let due = two.created_at + 100_000;
    assert!(
        s.claim_digests(due - 1, due + 30_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let next = s.claim_digests(due, due + 30_000, 10).await.unwrap();
    assert_eq!(
        next.len(),
        1,
        "due the delay after the item that came meanwhile"
    );
    assert_eq!(next[0].attempts, 0);
    let rest: Vec<ItemKey> = s
        .digest_facts(&bo)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.key)
        .collect();
    let gave_up = DigestOutcome::GaveUp {
        error: "550 no such mailbox".into(),
    };
    assert!(
        s.finish_digest(&bo, next[0].claimed_until, &rest, &gave_up, due, 0)
            .await
            .unwrap()
    );
    assert!(s.digest_backlog().await.unwrap().is_empty());
    assert!(
        s.claim_digests(due + 60_000, due + 90_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn i19_digest_facts_are_read_as_they_are_at_send_time(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna A", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo B", &["agent"]).await;
    let cy = user(&s, "c@example.com", "Cy C", &["agent"]).await;
    let g = group(&s, &[&a, &bo, &cy]).await;
    start_scan(&s).await;
    let mut m = new_message(&g.id, &a, "hello <@x>");
    m.mentions = vec![bo.to_string(), cy.to_string()];
    let sent = s.send_message(&m).await.unwrap().message;
    assert_eq!(s.scan_digest(now_ms() + 1, 0, 0).await.unwrap().queued, 2);

    // Bo is removed, Cy reads: the facts say so.
    s.remove_member(&g.id, &bo, &a, &sys("Anna removed Bo"))
        .await
        .unwrap();
    s.mark_read(&g.id, &cy, sent.seq).await.unwrap();
    let bo_facts = s.digest_facts(&bo).await.unwrap();
    assert_eq!(bo_facts.items.len(), 1);
    assert!(bo_facts.items[0].member.is_none(), "no longer a member");
    assert_eq!(bo_facts.person.as_ref().unwrap().email, "b@example.com");
    let cy_facts = s.digest_facts(&cy).await.unwrap();
    let item = &cy_facts.items[0];
    assert!(item.member.unwrap().last_read_seq >= item.seq, "read since");
    let message = item.message.as_ref().unwrap();
    assert_eq!(message.body, "hello <@x>");
    assert!(!message.deleted);
    assert_eq!(item.actor_name.as_deref(), Some("Anna A"));
    assert_eq!(item.chat_kind, "group");
    let names: Vec<&str> = cy_facts
        .members
        .iter()
        .map(|(_, _, n)| n.as_str())
        .collect();
    assert_eq!(names, vec!["Anna A", "Cy C"]);

    // Opting out drops what waits.
    assert_eq!(s.email_digest(&cy).await.unwrap(), Some(true));
    assert_eq!(s.set_email_digest(&cy, false).await.unwrap(), Some(false));
    assert!(s.digest_facts(&cy).await.unwrap().items.is_empty());
    assert_eq!(s.email_digest(&cy).await.unwrap(), Some(false));
    assert_eq!(
        s.set_email_digest(&UserId::new("nobody"), true)
            .await
            .unwrap(),
        None
    );
}

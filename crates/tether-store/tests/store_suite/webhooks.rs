//! Issue 19, part 4, webhooks out: endpoints (kept with their secret, listed without it,
//! bounded, audited), the events a change writes in its own transaction — only for chats
//! connected to records and only while an endpoint subscribes — and the deliveries made from
//! them: claimed once, sent in order per record, retried, finished, sent again, forgotten.

use crate::{case, group, new_message, sys, u, user};
use serde_json::json;
use tether_domain::webhook::{DeliveryStatus, EventType, MAX_ENDPOINTS, MAX_PENDING_PER_ENDPOINT};
use tether_domain::{ChatId, RecordId, UserId};
use tether_store::audit::AuditFilter;
use tether_store::collab::ConnectionChange;
use tether_store::people::external::ChangedBy;
use tether_store::test_support::TestDb;
use tether_store::webhooks::{
    Attempt, AttemptOutcome, DeliveryFilter, NewEndpoint, RenderedEvent, StoredEvent,
};
use tether_store::{Backend, Store, StoreError};

both_backends!(
    i19_webhook_endpoints_are_kept_listed_without_their_secret_bounded_and_audited,
    i19_only_changes_in_connected_chats_write_events_and_only_while_subscribed,
    i19_events_become_one_delivery_per_subscribed_endpoint_and_are_taken_once,
    i19_deliveries_go_in_order_per_record_are_claimed_once_and_retried,
    i19_a_finished_delivery_is_sent_again_behind_the_waiting_ones,
    i19_an_endpoints_backlog_is_bounded_and_finished_deliveries_are_forgotten,
    i19_claims_can_be_shared_out_between_the_endpoints_with_work,
    i19_sends_committed_together_write_one_event_each,
);

const SECRET: &str = "a-secret-of-some-length";

fn admin_by(id: &UserId) -> ChangedBy<'_> {
    ChangedBy {
        user: Some(id),
        api_key: None,
        ..ChangedBy::default()
    }
}

async fn endpoint(s: &Store, by: &UserId, url: &str, events: &[EventType]) -> String {
    s.create_webhook(
        &NewEndpoint {
            url,
            secret: SECRET,
            events: events.iter().map(|e| e.as_str().to_owned()).collect(),
        },
        &admin_by(by),
    )
    .await
    .unwrap()
}

async fn connect(s: &Store, chat: &ChatId, rec: &RecordId, by: &UserId) {
    let msg = sys("connected");
    s.connect_chat(&ConnectionChange {
        chat_id: chat,
        record_type: "case",
        record_id: rec,
        actor_id: by,
        system: &msg,
        timeline_subject: "Chat connected",
    })
    .await
    .unwrap()
    .expect("connected");
}

/// The waiting events as (type, record, message?).
async fn events(s: &Store) -> Vec<(String, String, Option<String>)> {
    s.webhook_events(1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.event_type, e.record_id.to_string(), e.message_id))
        .collect()
}

/// Each event rendered as `{"seq": …}`, with an event id of its own.
fn rendered(events: &[StoredEvent]) -> Vec<RenderedEvent> {
    events
        .iter()
        .map(|e| RenderedEvent {
            seq: e.seq,
            event_id: format!("ev-{}", e.seq),
            event_type: e.event_type.clone(),
            record_id: e.record_id.clone(),
            payload: json!({"seq": e.seq, "record": e.record_id}).to_string(),
        })
        .collect()
}

async fn queue_all(s: &Store) -> tether_store::webhooks::Queued {
    let waiting = s.webhook_events(100_000).await.unwrap();
    s.queue_webhook_deliveries(&rendered(&waiting))
        .await
        .unwrap()
}

fn all(limit: i64) -> DeliveryFilter<'static> {
    DeliveryFilter {
        status: None,
        before: None,
        limit,
    }
}

async fn i19_webhook_endpoints_are_kept_listed_without_their_secret_bounded_and_audited(
    b: Backend,
) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let ada = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let id = endpoint(
        &s,
        &ada,
        "https://helpdesk.example.com/hook",
        &[EventType::MessageCreated, EventType::ChatConnected],
    )
    .await;
    let list = s.webhooks().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].url, "https://helpdesk.example.com/hook");
    assert_eq!(list[0].events, ["chat.connected", "message.created"]);
    assert_eq!(
        list[0].created_by.as_ref().map(|c| c.1.as_str()),
        Some("Ada")
    );
    assert_eq!((list[0].pending, list[0].failed), (0, 0));
    assert!(
        !format!("{list:?}").contains(SECRET),
        "a listing holds no secret"
    );
    assert!(s.webhook_exists(&id).await.unwrap());

    for i in 1..MAX_ENDPOINTS {
        endpoint(
            &s,
            &ada,
            &format!("https://h.example/{i}"),
            &[EventType::ChatJoined],
        )
        .await;
    }
    let past = s
        .create_webhook(
            &NewEndpoint {
                url: "https://h.example/one-too-many",
                secret: SECRET,
                events: vec!["chat.joined".into()],
            },
            &admin_by(&ada),
        )
        .await;
    assert!(matches!(past, Err(StoreError::Conflict(_))), "{past:?}");

    s.delete_webhook(&id, &admin_by(&ada)).await.unwrap();
    assert!(!s.webhook_exists(&id).await.unwrap());
    assert!(matches!(
        s.delete_webhook(&id, &admin_by(&ada)).await,
        Err(StoreError::NotFound(_))
    ));
    let audit = s
        .list_audit(&AuditFilter {
            limit: 200,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let created = audit
        .iter()
        .filter(|e| e.action == "webhook.created")
        .count();
    assert_eq!(created, usize::try_from(MAX_ENDPOINTS).unwrap());
    let deleted: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "webhook.deleted")
        .collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].details["webhook_id"], json!(id));
    assert_eq!(
        deleted[0].actor.as_ref().map(|a| a.name.as_str()),
        Some("Ada")
    );
    assert!(
        !serde_json::to_string(&audit).unwrap().contains(SECRET),
        "the audit log holds no secret"
    );
}

async fn i19_only_changes_in_connected_chats_write_events_and_only_while_subscribed(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let other = case(&s, "Scanner", u(&a)).await;
    let chat = group(&s, &[&a, &bo]).await;
    let loose = group(&s, &[&a, &bo]).await;

    // No endpoint: nothing is written, connected or not.
    connect(&s, &chat.id, &rec.id, &a).await;
    s.send_message(&new_message(&chat.id, &a, "before any endpoint"))
        .await
        .unwrap();
    assert!(events(&s).await.is_empty());

    endpoint(&s, &a, "http://127.0.0.1:9/", &[EventType::MessageCreated]).await;
    // A chat connected to nothing writes nothing; a connected one writes one per record.
    s.send_message(&new_message(&loose.id, &a, "not connected"))
        .await
        .unwrap();
    assert!(events(&s).await.is_empty());
    let sent = s
        .send_message(&new_message(&chat.id, &a, "hello"))
        .await
        .unwrap()
        .message;
    assert_eq!(
        events(&s).await,
        [(
            "message.created".to_owned(),
            rec.id.to_string(),
            Some(sent.id.to_string())
        )]
    );
    // Not subscribed: the connection writes nothing.
    connect(&s, &chat.id, &other.id, &a).await;
    assert_eq!(events(&s).await.len(), 1);
    // Now connected to both: a message is told to both records, in one transaction with it.
    let second = s
        .send_message(&new_message(&chat.id, &bo, "to both"))
        .await
        .unwrap()
        .message;
    let waiting = s.webhook_events(100).await.unwrap();
    assert_eq!(waiting.len(), 3);
    let mut records: Vec<String> = waiting[1..]
        .iter()
        .map(|e| e.record_id.to_string())
        .collect();
    records.sort();
    let mut both = vec![rec.id.to_string(), other.id.to_string()];
    both.sort();
    assert_eq!(records, both);
    assert!(
        waiting[1..]
            .iter()
            .all(|e| e.message_id.as_deref() == Some(second.id.as_str())
                && e.actor_id.as_deref() == Some(bo.as_str()))
    );
    assert!(waiting.windows(2).all(|w| w[0].seq < w[1].seq));

    // Every kind of change, once subscribed.
    endpoint(
        &s,
        &a,
        "http://127.0.0.1:9/all",
        &[
            EventType::ChatConnected,
            EventType::ChatDisconnected,
            EventType::ChatJoined,
            EventType::TranscriptSaved,
        ],
    )
    .await;
    let third = case(&s, "Fax", u(&a)).await;
    connect(&s, &chat.id, &third.id, &a).await;
    let msg = sys("disconnected");
    s.disconnect_chat(&ConnectionChange {
        chat_id: &chat.id,
        record_type: "case",
        record_id: &third.id,
        actor_id: &a,
        system: &msg,
        timeline_subject: "Chat disconnected",
    })
    .await
    .unwrap()
    .expect("disconnected");
    let cy = user(&s, "c@example.com", "Cy", &["agent"]).await;
    s.join_chat(&chat.id, &cy, "case", &rec.id, &sys("Cy joined"))
        .await
        .unwrap()
        .expect("joined");
    let note = s
        .add_transcript_note(
            &rec.id,
            &chat.id,
            "Chat transcript: G",
            "[…] Anna: hello",
            &a,
        )
        .await
        .unwrap();
    let tail: Vec<(String, String)> = s
        .webhook_events(100)
        .await
        .unwrap()
        .into_iter()
        .skip(3)
        .map(|e| (e.event_type, e.record_id.to_string()))
        .collect();
    let mut joined = vec![
        ("chat.joined".to_owned(), rec.id.to_string()),
        ("chat.joined".to_owned(), other.id.to_string()),
    ];
    joined.sort();
    let mut expected = vec![
        ("chat.connected".to_owned(), third.id.to_string()),
        ("chat.disconnected".to_owned(), third.id.to_string()),
    ];
    expected.extend(joined);
    expected.push(("transcript.saved".to_owned(), rec.id.to_string()));
    assert_eq!(tail, expected);
    let last = s.webhook_events(100).await.unwrap().pop().unwrap();
    assert_eq!(last.note_id.as_deref(), Some(note.id.as_str()));
    // The chat is no longer connected to `third`: its messages are not told to it.
    let before = events(&s).await.len();
    s.send_message(&new_message(&chat.id, &a, "after"))
        .await
        .unwrap();
    assert_eq!(events(&s).await.len(), before + 2);
    // The payload facts of all of them in a few queries.
    let waiting = s.webhook_events(100).await.unwrap();
    let facts = s.webhook_event_facts(&waiting).await.unwrap();
    assert!(facts.chats.contains_key(&chat.id));
    assert_eq!(facts.members[&chat.id].len(), 3);
    assert_eq!(facts.records[&rec.id].record_type, "case");
    assert_eq!(facts.people[&bo].email, "b@example.com");
    assert_eq!(facts.messages[&second.id].body, "to both");
    assert_eq!(facts.notes[&note.id], "Chat transcript: G");
}

async fn i19_events_become_one_delivery_per_subscribed_endpoint_and_are_taken_once(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let chat = group(&s, &[&a]).await;
    let messages = endpoint(&s, &a, "http://127.0.0.1:9/m", &[EventType::MessageCreated]).await;
    let both = endpoint(
        &s,
        &a,
        "http://127.0.0.1:9/b",
        &[EventType::MessageCreated, EventType::ChatConnected],
    )
    .await;
    connect(&s, &chat.id, &rec.id, &a).await;
    s.send_message(&new_message(&chat.id, &a, "one"))
        .await
        .unwrap();
    let waiting = s.webhook_events(100).await.unwrap();
    assert_eq!(waiting.len(), 2);
    let queued = s
        .queue_webhook_deliveries(&rendered(&waiting))
        .await
        .unwrap();
    assert_eq!(
        (queued.events, queued.deliveries, queued.refused),
        (2, 3, 0)
    );
    assert!(events(&s).await.is_empty(), "queued events are removed");
    // Offered again (another node read them too): nothing more.
    let again = s
        .queue_webhook_deliveries(&rendered(&waiting))
        .await
        .unwrap();
    assert_eq!((again.events, again.deliveries), (0, 0));
    let to_messages = s.webhook_deliveries(&messages, &all(10)).await.unwrap();
    assert_eq!(to_messages.len(), 1);
    assert_eq!(to_messages[0].event_type, "message.created");
    assert_eq!(to_messages[0].status, DeliveryStatus::Pending);
    let to_both = s.webhook_deliveries(&both, &all(10)).await.unwrap();
    assert_eq!(
        to_both
            .iter()
            .map(|d| d.event_type.as_str())
            .collect::<Vec<_>>(),
        ["message.created", "chat.connected"],
        "newest first"
    );
    // The same event has the same id at every endpoint.
    assert_eq!(to_messages[0].event_id, to_both[0].event_id);
    let listed = s.webhooks().await.unwrap();
    assert_eq!(listed.iter().find(|e| e.id == both).unwrap().pending, 2);
    // An endpoint removed takes its deliveries along.
    s.delete_webhook(&both, &admin_by(&a)).await.unwrap();
    let due = s
        .claim_webhook_deliveries(
            tether_store::now_ms(),
            tether_store::now_ms() + 60_000,
            10,
            None,
        )
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].endpoint_id, messages);
    assert_eq!(due[0].secret, SECRET);
    assert_eq!(due[0].url, "http://127.0.0.1:9/m");
}

async fn i19_deliveries_go_in_order_per_record_are_claimed_once_and_retried(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let r1 = case(&s, "One", u(&a)).await;
    let r2 = case(&s, "Two", u(&a)).await;
    let c1 = group(&s, &[&a]).await;
    let c2 = group(&s, &[&a]).await;
    let hook = endpoint(&s, &a, "http://127.0.0.1:9/", &[EventType::MessageCreated]).await;
    connect(&s, &c1.id, &r1.id, &a).await;
    connect(&s, &c2.id, &r2.id, &a).await;
    for body in ["r1 first", "r1 second"] {
        s.send_message(&new_message(&c1.id, &a, body))
            .await
            .unwrap();
    }
    s.send_message(&new_message(&c2.id, &a, "r2 only"))
        .await
        .unwrap();
    queue_all(&s).await;
    let now = tether_store::now_ms();
    let hold = now + 30_000;

    // Only the head of each record's queue is due.
    let due = s
        .claim_webhook_deliveries(now, hold, 10, None)
        .await
        .unwrap();
    let mut heads: Vec<String> = due.iter().map(|d| d.payload.clone()).collect();
    heads.sort();
    assert_eq!(due.len(), 2, "{heads:?}");
    let first = due
        .iter()
        .find(|d| d.payload.contains(r1.id.as_str()))
        .unwrap()
        .clone();
    let only = due
        .iter()
        .find(|d| d.payload.contains(r2.id.as_str()))
        .unwrap()
        .clone();
    assert_eq!(first.attempts, 0);
    // Claimed: not handed out again while held, even though due.
    assert!(
        s.claim_webhook_deliveries(now, hold, 10, None)
            .await
            .unwrap()
            .is_empty()
    );

    // r1's first fails: it is retried later, and r1's second waits behind it.
    s.record_webhook_attempt(
        &first.id,
        first.claimed_until,
        &Attempt {
            at: now,
            status: Some(500),
            error: Some("HTTP 500".into()),
            outcome: AttemptOutcome::Retry { at: now + 10_000 },
        },
    )
    .await
    .unwrap();
    s.record_webhook_attempt(
        &only.id,
        only.claimed_until,
        &Attempt {
            at: now,
            status: Some(204),
            error: None,
            outcome: AttemptOutcome::Delivered,
        },
    )
    .await
    .unwrap();
    assert!(
        s.claim_webhook_deliveries(now + 1, hold, 10, None)
            .await
            .unwrap()
            .is_empty()
    );
    // Nor does an idle node's poll see work in r1's second: it waits behind the retry.
    assert!(!s.webhook_work_waiting(now + 1).await.unwrap());
    assert!(s.webhook_work_waiting(now + 10_000).await.unwrap());
    let listed = s.webhook_delivery(&hook, &first.id).await.unwrap().unwrap();
    assert_eq!(listed.status, DeliveryStatus::Pending);
    assert_eq!(listed.attempts, 1);
    assert_eq!(listed.last_status, Some(500));
    assert_eq!(listed.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(listed.next_attempt_at, Some(now + 10_000));
    let done = s.webhook_delivery(&hook, &only.id).await.unwrap().unwrap();
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!(done.delivered_at, Some(now));
    assert_eq!(done.next_attempt_at, None);

    // At its time the first comes again (attempt 2), then delivered, then the second.
    let due = s
        .claim_webhook_deliveries(now + 10_000, now + 40_000, 10, None)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].id.as_str(), due[0].attempts),
        (first.id.as_str(), 1)
    );
    s.record_webhook_attempt(
        &first.id,
        due[0].claimed_until,
        &Attempt {
            at: now + 10_000,
            status: Some(200),
            error: None,
            outcome: AttemptOutcome::Delivered,
        },
    )
    .await
    .unwrap();
    let due = s
        .claim_webhook_deliveries(now + 10_001, now + 40_000, 10, None)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert!(due[0].payload.contains(r1.id.as_str()) && due[0].id != first.id);
    let second = due[0].id.clone();
    // A node that died holding it: the claim runs out and another node takes it.
    assert!(
        s.claim_webhook_deliveries(now + 20_000, now + 50_000, 10, None)
            .await
            .unwrap()
            .is_empty()
    );
    let retaken = s
        .claim_webhook_deliveries(now + 40_000, now + 70_000, 10, None)
        .await
        .unwrap();
    assert_eq!(retaken.len(), 1);
    assert_eq!(retaken[0].id, second);
    // The first node reports late, under its run-out claim: ignored, the delivery stays with
    // the node that holds it now.
    s.record_webhook_attempt(
        &second,
        now + 40_000,
        &Attempt {
            at: now + 45_000,
            status: Some(200),
            error: None,
            outcome: AttemptOutcome::Delivered,
        },
    )
    .await
    .unwrap();
    let still = s.webhook_delivery(&hook, &second).await.unwrap().unwrap();
    assert_eq!((still.status, still.attempts), (DeliveryStatus::Pending, 0));
    // Given up: failed, and nothing more is due.
    s.record_webhook_attempt(
        &second,
        retaken[0].claimed_until,
        &Attempt {
            at: now + 40_000,
            status: None,
            error: Some("connection refused".into()),
            outcome: AttemptOutcome::Failed,
        },
    )
    .await
    .unwrap();
    let failed = s.webhook_delivery(&hook, &second).await.unwrap().unwrap();
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(failed.last_status, None);
    assert!(
        s.claim_webhook_deliveries(now + 999_999, now + 999_999, 10, None)
            .await
            .unwrap()
            .is_empty()
    );
    // A late report about a finished delivery changes nothing.
    s.record_webhook_attempt(
        &second,
        retaken[0].claimed_until,
        &Attempt {
            at: now + 50_000,
            status: Some(200),
            error: None,
            outcome: AttemptOutcome::Delivered,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        s.webhook_delivery(&hook, &second)
            .await
            .unwrap()
            .unwrap()
            .status,
        DeliveryStatus::Failed
    );
    let failed_only = s
        .webhook_deliveries(
            &hook,
            &DeliveryFilter {
                status: Some(DeliveryStatus::Failed),
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(failed_only.len(), 1);
    let page = s
        .webhook_deliveries(
            &hook,
            &DeliveryFilter {
                status: None,
                before: Some(&second),
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.len(), 1, "the one queued before it");
    assert_eq!(page[0].id, first.id);
}

async fn i19_a_finished_delivery_is_sent_again_behind_the_waiting_ones(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let rec = case(&s, "One", u(&a)).await;
    let chat = group(&s, &[&a]).await;
    let hook = endpoint(&s, &a, "http://127.0.0.1:9/", &[EventType::MessageCreated]).await;
    let other = endpoint(&s, &a, "http://127.0.0.1:9/o", &[EventType::MessageCreated]).await;
    connect(&s, &chat.id, &rec.id, &a).await;
    s.send_message(&new_message(&chat.id, &a, "one"))
        .await
        .unwrap();
    queue_all(&s).await;
    let now = tether_store::now_ms();
    let first = s
        .webhook_deliveries(&hook, &all(1))
        .await
        .unwrap()
        .remove(0);
    assert!(
        matches!(
            s.redeliver_webhook(&hook, &first.id).await,
            Err(StoreError::Conflict(_))
        ),
        "a pending delivery is not sent twice"
    );
    assert!(matches!(
        s.redeliver_webhook(&other, &first.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.redeliver_webhook(&hook, "no-such-delivery").await,
        Err(StoreError::NotFound(_))
    ));
    let due = s
        .claim_webhook_deliveries(now, now + 1000, 10, None)
        .await
        .unwrap();
    let original = due.iter().find(|d| d.id == first.id).unwrap().clone();
    s.record_webhook_attempt(
        &first.id,
        original.claimed_until,
        &Attempt {
            at: now,
            status: Some(200),
            error: None,
            outcome: AttemptOutcome::Delivered,
        },
    )
    .await
    .unwrap();
    let again = s.redeliver_webhook(&hook, &first.id).await.unwrap();
    let listed = s.webhook_deliveries(&hook, &all(10)).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, again);
    assert_eq!(listed[0].status, DeliveryStatus::Pending);
    assert_eq!(listed[0].attempts, 0);
    assert_eq!(listed[0].redelivery_of.as_deref(), Some(first.id.as_str()));
    assert_eq!(listed[0].event_id, first.event_id);
    let due = s
        .claim_webhook_deliveries(
            tether_store::now_ms(),
            tether_store::now_ms() + 1000,
            10,
            None,
        )
        .await
        .unwrap();
    let resent = due.iter().find(|d| d.id == again).expect("due at once");
    assert_eq!(resent.payload, original.payload);
    assert_eq!(resent.event_id, original.event_id);
}

async fn i19_an_endpoints_backlog_is_bounded_and_finished_deliveries_are_forgotten(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let hook = endpoint(&s, &a, "http://127.0.0.1:9/", &[EventType::ChatJoined]).await;
    // One more event than an endpoint's backlog holds, written straight into the outbox.
    s.execute_raw(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
         INSERT INTO webhook_events (event_type, chat_id, record_id, created_at) \
         SELECT 'chat.joined', 'c', 'r' || i, 1 FROM n",
        MAX_PENDING_PER_ENDPOINT + 1
    ))
    .await
    .unwrap();
    let queued = queue_all(&s).await;
    assert_eq!(
        (queued.deliveries, queued.refused),
        (usize::try_from(MAX_PENDING_PER_ENDPOINT).unwrap(), 1)
    );
    let newest = s
        .webhook_deliveries(&hook, &all(1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(newest.status, DeliveryStatus::Failed);
    assert!(
        newest
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("waiting"),
        "{newest:?}"
    );
    assert_eq!(s.webhooks().await.unwrap()[0].failed, 1);
    // Not while the backlog is full; it can be sent again once there is room.
    assert!(matches!(
        s.redeliver_webhook(&hook, &newest.id).await,
        Err(StoreError::Conflict(_))
    ));
    s.execute_raw("UPDATE webhook_deliveries SET status = 'delivered', finished_at = 5 WHERE record_id = 'r1'")
        .await
        .unwrap();
    s.redeliver_webhook(&hook, &newest.id).await.unwrap();
    // Finished ones are forgotten after a while; waiting ones never.
    assert_eq!(s.purge_webhook_deliveries(6).await.unwrap(), 1);
    assert_eq!(s.purge_webhook_deliveries(6).await.unwrap(), 0);
    let left = s.webhooks().await.unwrap().remove(0);
    assert_eq!((left.pending, left.failed), (MAX_PENDING_PER_ENDPOINT, 1));
}

/// The outbox task shares its sends out between endpoints: it asks which have work a claim
/// would take, and claims for each endpoint apart.
async fn i19_claims_can_be_shared_out_between_the_endpoints_with_work(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let down = endpoint(
        &s,
        &a,
        "http://127.0.0.1:9/down",
        &[EventType::MessageCreated],
    )
    .await;
    let up = endpoint(
        &s,
        &a,
        "http://127.0.0.1:9/up",
        &[EventType::MessageCreated],
    )
    .await;
    // Three records with a connected chat each, two messages in each.
    for n in 0..3 {
        let rec = case(&s, &format!("Printer {n}"), u(&a)).await;
        let chat = group(&s, &[&a]).await;
        connect(&s, &chat.id, &rec.id, &a).await;
        for body in ["one", "two"] {
            s.send_message(&new_message(&chat.id, &a, body))
                .await
                .unwrap();
        }
    }
    queue_all(&s).await;
    let now = tether_store::now_ms();
    let mut both = vec![down.clone(), up.clone()];
    both.sort();
    assert_eq!(s.webhook_endpoints_due(now, 50).await.unwrap(), both);
    assert_eq!(s.webhook_endpoints_due(now, 1).await.unwrap().len(), 1);
    // One endpoint's claim takes only its own deliveries, one per record (the heads).
    let mine = s
        .claim_webhook_deliveries(now, now + 30_000, 10, Some(&down))
        .await
        .unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine.iter().all(|d| d.endpoint_id == down));
    // Its heads held, the rest behind them: only the other endpoint has work now.
    assert_eq!(
        s.webhook_endpoints_due(now, 50).await.unwrap(),
        vec![up.clone()]
    );
    let theirs = s
        .claim_webhook_deliveries(now, now + 30_000, 2, Some(&up))
        .await
        .unwrap();
    assert_eq!(theirs.len(), 2, "at most the share asked for");
    assert!(theirs.iter().all(|d| d.endpoint_id == up));
    assert_eq!(s.webhook_endpoints_due(now, 50).await.unwrap(), vec![up]);
    // Claims run out: both have work again.
    assert_eq!(
        s.webhook_endpoints_due(now + 30_000, 50).await.unwrap(),
        both
    );
}

/// Sends that wait for each other are written in one batch (`sends.rs`), whose statements go
/// to the database together: each message of a connected chat still writes its one event, and
/// a loose chat's none.
async fn i19_sends_committed_together_write_one_event_each(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let chat = group(&s, &[&a, &bo]).await;
    let loose = group(&s, &[&a, &bo]).await;
    connect(&s, &chat.id, &rec.id, &a).await;
    endpoint(&s, &a, "http://127.0.0.1:9/", &[EventType::MessageCreated]).await;

    let mut tasks = tokio::task::JoinSet::new();
    for sender in 0..8 {
        let (s, chat, loose, who) = (s.clone(), chat.id.clone(), loose.id.clone(), a.clone());
        tasks.spawn(async move {
            let mut sent = Vec::new();
            for i in 0..10 {
                let to = if i % 2 == 0 { &chat } else { &loose };
                let m = s
                    .send_message(&new_message(to, &who, &format!("{sender}/{i}")))
                    .await
                    .unwrap()
                    .message;
                if i % 2 == 0 {
                    sent.push(m.id.to_string());
                }
            }
            sent
        });
    }
    let mut sent: Vec<String> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        sent.extend(done.unwrap());
    }
    let (batches, sends) = s.send_batches().unwrap();
    assert!(batches < sends, "{batches} batches for {sends} sends");
    let written = events(&s).await;
    assert!(
        written.iter().all(
            |(kind, record, _)| kind == "message.created" && record.as_str() == rec.id.as_str()
        )
    );
    let mut told: Vec<String> = written.into_iter().filter_map(|e| e.2).collect();
    told.sort();
    sent.sort();
    assert_eq!(
        told, sent,
        "one event for each message of the connected chat"
    );
}

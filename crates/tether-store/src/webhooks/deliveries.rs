//! The second step of the webhook outbox: deliveries, one per event and subscribed endpoint,
//! with the payload as it is sent; claimed by one node at a time, retried, listed, sent again
//! by hand, and forgotten a while after they finished.

use crate::chats::{Chat, Member, Message};
use crate::people::UserSummary;
use crate::{Result, Store, StoreError, new_id, now_ms};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tether_domain::webhook::{DeliveryStatus, MAX_PAYLOAD_BYTES, MAX_PENDING_PER_ENDPOINT};
use tether_domain::{ChatId, MessageId, RecordId, UserId};

/// An event waiting to become deliveries (see `super::outbox`).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredEvent {
    pub seq: i64,
    pub event_type: String,
    #[sqlx(try_from = "String")]
    pub chat_id: ChatId,
    #[sqlx(try_from = "String")]
    pub record_id: RecordId,
    pub message_id: Option<String>,
    pub actor_id: Option<String>,
    pub note_id: Option<String>,
    pub created_at: i64,
}

/// What the payloads of some events need, read in a constant number of queries.
#[derive(Clone, Debug, Default)]
pub struct EventFacts {
    pub chats: HashMap<ChatId, Chat>,
    /// The chats' members (an unnamed chat is named after them).
    pub members: BTreeMap<ChatId, Vec<Member>>,
    /// Each record's type and, for a host's record, its source and external id.
    pub records: HashMap<RecordId, RecordRef>,
    /// The actors and senders.
    pub people: HashMap<UserId, UserSummary>,
    pub messages: HashMap<MessageId, Message>,
    /// The names of the people the messages mention.
    pub mentioned: Vec<(String, String)>,
    /// Notes by id: their subjects.
    pub notes: HashMap<String, String>,
    /// The messages' files (not those removed), by message id, oldest first.
    pub attachments: HashMap<String, Vec<crate::chats::Attachment>>,
}

/// A record as a payload names it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecordRef {
    #[sqlx(try_from = "String")]
    pub id: RecordId,
    #[sqlx(rename = "type")]
    pub record_type: String,
    pub source: Option<String>,
    pub external_id: Option<String>,
}

/// An event with its payload rendered, to be queued for its endpoints.
#[derive(Clone, Debug)]
pub struct RenderedEvent {
    /// The event row it came from (removed as it is queued).
    pub seq: i64,
    /// The payload's `id`, the same for every endpoint.
    pub event_id: String,
    pub event_type: String,
    pub record_id: RecordId,
    /// The JSON body as it is sent.
    pub payload: String,
}

/// What queuing did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Queued {
    /// Event rows taken (another node may have taken some of those offered).
    pub events: usize,
    /// Deliveries queued to be sent.
    pub deliveries: usize,
    /// Deliveries stored as failed at once: the endpoint's backlog was full, or the payload
    /// too large.
    pub refused: usize,
}

/// A delivery claimed to be sent now, with its endpoint's address and secret.
#[derive(Clone)]
pub struct DueDelivery {
    pub id: String,
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
    pub event_id: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i64,
    pub created_at: i64,
    /// Until when this node holds it: the claim's mark. Send only while the claim lasts, and
    /// report the attempt with it ([`Store::record_webhook_attempt`]).
    pub claimed_until: i64,
}

/// Everything but the secret, which no log line may show.
impl std::fmt::Debug for DueDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueDelivery")
            .field("id", &self.id)
            .field("endpoint_id", &self.endpoint_id)
            .field("url", &self.url)
            .field("event_id", &self.event_id)
            .field("attempts", &self.attempts)
            .field("created_at", &self.created_at)
            .field("claimed_until", &self.claimed_until)
            .finish_non_exhaustive()
    }
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// Not delivered; tried again at this time.
    Retry {
        at: i64,
    },
    /// Not delivered, and given up on.
    Failed,
}

/// One attempt to send a delivery.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub at: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed (the status's words and the head of the body, a timeout, a refused
    /// connection); `None` when delivered.
    pub error: Option<String>,
    pub outcome: AttemptOutcome,
}

/// A delivery as a listing shows it (not its payload: that went to the receiver).
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    pub record_id: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub created_at: i64,
    pub next_attempt_at: Option<i64>,
    pub last_attempt_at: Option<i64>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
    /// The delivery this one sends again.
    pub redelivery_of: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    event_id: String,
    event_type: String,
    record_id: String,
    status: String,
    attempts: i64,
    created_at: i64,
    next_attempt_at: Option<i64>,
    last_attempt_at: Option<i64>,
    last_status: Option<i64>,
    last_error: Option<String>,
    delivered_at: Option<i64>,
    redelivery_of: Option<String>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> Result<Delivery> {
        Ok(Delivery {
            status: DeliveryStatus::parse(&r.status).ok_or_else(|| {
                StoreError::Corrupt(format!("webhook delivery status {:?}", r.status))
            })?,
            id: r.id,
            event_id: r.event_id,
            event_type: r.event_type,
            record_id: r.record_id,
            attempts: r.attempts,
            created_at: r.created_at,
            next_attempt_at: r.next_attempt_at,
            last_attempt_at: r.last_attempt_at,
            last_status: r.last_status,
            last_error: r.last_error,
            delivered_at: r.delivered_at,
            redelivery_of: r.redelivery_of,
        })
    }
}

const DELIVERY_COLUMNS: &str = "id, event_id, event_type, record_id, status, attempts, created_at, next_attempt_at, \
     last_attempt_at, last_status, last_error, delivered_at, redelivery_of";

/// Which of an endpoint's deliveries to list: newest first, `limit` of them, of one status,
/// older than the delivery `before`.
#[derive(Clone, Debug)]
pub struct DeliveryFilter<'a> {
    pub status: Option<DeliveryStatus>,
    pub before: Option<&'a str>,
    pub limit: i64,
}

/// `$sql IN (…ids)` on the read pool, answering rows of `$row`; nothing for no ids.
macro_rules! rows_in {
    ($store:expr, $sql:expr, $ids:expr) => {{
        let ids: Vec<String> = $ids;
        if ids.is_empty() {
            Vec::new()
        } else {
            with_pool!($store, p => {
                let mut qb = sqlx::QueryBuilder::new($sql);
                qb.push(" IN (");
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(id);
                }
                qb.push(")");
                qb.build_query_as().fetch_all(p).await
            })?
        }
    }};
}

/// A delivery row to insert.
struct NewRow<'a> {
    event: &'a RenderedEvent,
    endpoint_id: &'a str,
    status: DeliveryStatus,
    error: Option<String>,
    /// Not kept: a payload over the limit is never sent, so neither is it stored.
    too_large: bool,
}

/// Rows inserted per statement (14 values each, well under SQLite's 32,766 parameters).
const INSERT_CHUNK: usize = 200;

impl Store {
    /// Up to `limit` events waiting to become deliveries, oldest first.
    pub async fn webhook_events(&self, limit: i64) -> Result<Vec<StoredEvent>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT seq, event_type, chat_id, record_id, message_id, actor_id, note_id, created_at \
             FROM webhook_events ORDER BY seq LIMIT $1")
            .bind(limit).fetch_all(p).await)?)
    }

    /// What the payloads of `events` need: their chats with members, records, actors and
    /// senders, messages with the names they mention and their files, and notes. Eight
    /// queries at most, however many events.
    pub async fn webhook_event_facts(&self, events: &[StoredEvent]) -> Result<EventFacts> {
        let chat_ids: BTreeSet<&str> = events.iter().map(|e| e.chat_id.as_str()).collect();
        let record_ids: BTreeSet<&str> = events.iter().map(|e| e.record_id.as_str()).collect();
        let message_ids: Vec<MessageId> = events
            .iter()
            .filter_map(|e| e.message_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(MessageId::new)
            .collect();
        let note_ids: BTreeSet<&str> = events.iter().filter_map(|e| e.note_id.as_deref()).collect();
        let chats: Vec<Chat> = rows_in!(
            self,
            "SELECT id, kind, name, team_id, created_by, created_at, last_seq, last_message_at, last_message_by, last_activity_at FROM chats WHERE id",
            chat_ids.iter().map(|s| (*s).to_owned()).collect()
        );
        let chat_list: Vec<ChatId> = chats.iter().map(|c| c.id.clone()).collect();
        let members = self.members_of(&chat_list).await?;
        let records: Vec<RecordRef> = rows_in!(
            self,
            "SELECT id, type, source, external_id FROM records WHERE id",
            record_ids.iter().map(|s| (*s).to_owned()).collect()
        );
        let messages = self.messages_by_ids(&message_ids).await?;
        let mut people: BTreeSet<UserId> = events
            .iter()
            .filter_map(|e| e.actor_id.clone().map(UserId::new))
            .collect();
        people.extend(messages.iter().filter_map(|m| m.sender_id.clone()));
        let people = self
            .users_by_ids(&people.into_iter().collect::<Vec<_>>())
            .await?;
        let mentioned: Vec<(String, String)> = rows_in!(
            self,
            "SELECT DISTINCT u.id, u.name FROM message_mentions mm JOIN users u ON u.id = mm.user_id WHERE mm.message_id",
            message_ids.iter().map(|m| m.as_str().to_owned()).collect()
        );
        let notes: Vec<(String, String)> = rows_in!(
            self,
            "SELECT id, subject FROM activities WHERE id",
            note_ids.iter().map(|s| (*s).to_owned()).collect()
        );
        let files: Vec<crate::chats::Attachment> = rows_in!(
            self,
            "SELECT id, uploader_id, name, content_type, size, inline, storage_key, message_id, created_at \
             FROM attachments WHERE discarded_at IS NULL AND message_id",
            message_ids.iter().map(|m| m.as_str().to_owned()).collect()
        );
        let mut attachments: HashMap<String, Vec<crate::chats::Attachment>> = HashMap::new();
        for file in files {
            if let Some(message) = file.message_id.clone() {
                attachments.entry(message).or_default().push(file);
            }
        }
        for list in attachments.values_mut() {
            list.sort_by(|a, b| (a.created_at, a.id.as_str()).cmp(&(b.created_at, b.id.as_str())));
        }
        Ok(EventFacts {
            chats: chats.into_iter().map(|c| (c.id.clone(), c)).collect(),
            members,
            records: records.into_iter().map(|r| (r.id.clone(), r)).collect(),
            people: people.into_iter().map(|u| (u.id.clone(), u)).collect(),
            messages: messages.into_iter().map(|m| (m.id.clone(), m)).collect(),
            mentioned,
            notes: notes.into_iter().collect(),
            attachments,
        })
    }

    /// Turns rendered events into deliveries, one per endpoint subscribed to the event's type
    /// (none when no endpoint is), and removes the events, in one transaction. An event another
    /// node took first is skipped. A delivery past its endpoint's
    /// [`MAX_PENDING_PER_ENDPOINT`], or with a payload over [`MAX_PAYLOAD_BYTES`], is stored as
    /// failed, saying why, and not sent.
    pub async fn queue_webhook_deliveries(&self, events: &[RenderedEvent]) -> Result<Queued> {
        if events.is_empty() {
            return Ok(Queued::default());
        }
        let now = now_ms();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            // Taking the rows first: a node that read the same events waits here, then takes none.
            let taken: Vec<(i64,)> = {
                let mut qb = sqlx::QueryBuilder::new("DELETE FROM webhook_events WHERE seq IN (");
                let mut sep = qb.separated(", ");
                for e in events {
                    sep.push_bind(e.seq);
                }
                qb.push(") RETURNING seq");
                qb.build_query_as().fetch_all(&mut *tx).await?
            };
            let taken: BTreeSet<i64> = taken.into_iter().map(|(s,)| s).collect();
            let subs: Vec<(String, String)> = sqlx::query_as(
                "SELECT endpoint_id, event_type FROM webhook_subscriptions ORDER BY endpoint_id")
                .fetch_all(&mut *tx).await?;
            let pending: Vec<(String, i64)> = sqlx::query_as(
                "SELECT endpoint_id, count(*) FROM webhook_deliveries WHERE status = 'pending' GROUP BY endpoint_id")
                .fetch_all(&mut *tx).await?;
            let mut pending: HashMap<String, i64> = pending.into_iter().collect();
            let mut ordered: Vec<&RenderedEvent> = events.iter().filter(|e| taken.contains(&e.seq)).collect();
            ordered.sort_by_key(|e| e.seq);
            let mut rows = Vec::new();
            let mut queued = Queued { events: ordered.len(), ..Queued::default() };
            for event in ordered {
                for (endpoint_id, _) in subs.iter().filter(|(_, t)| *t == event.event_type) {
                    let waiting = pending.entry(endpoint_id.clone()).or_insert(0);
                    let too_large = event.payload.len() > MAX_PAYLOAD_BYTES;
                    let (status, error) = if too_large {
                        (DeliveryStatus::Failed, Some(format!(
                            "not sent: the payload is {} bytes, over the limit of {MAX_PAYLOAD_BYTES}", event.payload.len())))
                    } else if *waiting >= MAX_PENDING_PER_ENDPOINT {
                        (DeliveryStatus::Failed, Some(format!(
                            "not sent: {waiting} deliveries were waiting for this endpoint, the most kept; redeliver this one once it has caught up")))
                    } else {
                        *waiting += 1;
                        (DeliveryStatus::Pending, None)
                    };
                    match status {
                        DeliveryStatus::Pending => queued.deliveries += 1,
                        _ => queued.refused += 1,
                    }
                    rows.push(NewRow { event, endpoint_id, status, error, too_large });
                }
            }
            for chunk in rows.chunks(INSERT_CHUNK) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, record_id, payload, status, attempts, \
                     created_at, next_attempt_at, last_error, finished_at, claimed_until, redelivery_of) ");
                qb.push_values(chunk, |mut b, r| {
                    let pending = r.status == DeliveryStatus::Pending;
                    b.push_bind(new_id())
                        .push_bind(r.endpoint_id.to_owned())
                        .push_bind(r.event.event_id.clone())
                        .push_bind(r.event.event_type.clone())
                        .push_bind(r.event.record_id.as_str().to_owned())
                        .push_bind(if r.too_large { String::new() } else { r.event.payload.clone() })
                        .push_bind(r.status.as_str())
                        .push_bind(0_i64)
                        .push_bind(now)
                        .push_bind(pending.then_some(now))
                        .push_bind(r.error.clone())
                        .push_bind((!pending).then_some(now))
                        .push_bind(None::<i64>)
                        .push_bind(None::<String>);
                });
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(queued)
        })
    }

    /// Whether anything waits for the outbox task at `now`: an event to queue, or a
    /// delivery a claim would take — due, not held, and the oldest pending one of its record
    /// to its endpoint (a later one waits behind a retry of an earlier one, so it is no work
    /// yet). A read, so an idle node's poll writes nothing.
    pub async fn webhook_work_waiting(&self, now: i64) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, p => sqlx::query_as(
            concat!(
                "SELECT CAST(1 AS BIGINT) WHERE EXISTS (SELECT 1 FROM webhook_events) \
                 OR EXISTS (SELECT 1 FROM webhook_deliveries d WHERE ",
                webhook_claimable!(),
                ")"
            ))
            .bind(now).fetch_optional(p).await)?;
        Ok(row.is_some())
    }

    /// The endpoints that have a delivery a claim would take at `now` (see
    /// [`Store::webhook_work_waiting`]), at most `limit`: one index probe per endpoint, so
    /// the outbox task can share its sends out between them.
    pub async fn webhook_endpoints_due(&self, now: i64, limit: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = with_pool!(self, p => sqlx::query_as(
            concat!(
                "SELECT w.id FROM webhook_endpoints w WHERE EXISTS (SELECT 1 FROM webhook_deliveries d \
                 WHERE d.endpoint_id = w.id AND ",
                webhook_claimable!(),
                ") ORDER BY w.id LIMIT $2"
            ))
            .bind(now).bind(limit).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Claims up to `limit` deliveries due at `now` (of `endpoint_id` only, when given) for
    /// this node until `hold_until`: pending,
    /// their next attempt come, not held by another node, and each the oldest pending delivery
    /// of its record to its endpoint (order per record). Oldest due first. On PostgreSQL rows
    /// another node is claiming are skipped, not waited for.
    pub async fn claim_webhook_deliveries(
        &self,
        now: i64,
        hold_until: i64,
        limit: i64,
        endpoint_id: Option<&str>,
    ) -> Result<Vec<DueDelivery>> {
        let sql = crate::dialect::claim_webhook_deliveries(self.backend());
        type Row = (String, String, String, String, i64, i64);
        let claimed: Vec<Row> = with_write!(self, p => sqlx::query_as(sql)
            .bind(now).bind(hold_until).bind(limit).bind(endpoint_id).fetch_all(p).await)?;
        let endpoint_ids: BTreeSet<String> = claimed.iter().map(|r| r.1.clone()).collect();
        let endpoints: Vec<(String, String, String)> = rows_in!(
            self,
            "SELECT id, url, secret FROM webhook_endpoints WHERE id",
            endpoint_ids.into_iter().collect()
        );
        let endpoints: HashMap<String, (String, String)> = endpoints
            .into_iter()
            .map(|(id, url, secret)| (id, (url, secret)))
            .collect();
        Ok(claimed
            .into_iter()
            .filter_map(
                |(id, endpoint_id, event_id, payload, attempts, created_at)| {
                    let (url, secret) = endpoints.get(&endpoint_id)?.clone();
                    Some(DueDelivery {
                        id,
                        endpoint_id,
                        url,
                        secret,
                        event_id,
                        payload,
                        attempts,
                        created_at,
                        claimed_until: hold_until,
                    })
                },
            )
            .collect())
    }

    /// Records an attempt at delivery `id`, made under the claim that held it until
    /// `claimed_until`, and releases that claim. Nothing happens when the delivery is gone (its
    /// endpoint was removed), no longer pending, or no longer held by that claim — a node whose
    /// claim ran out and was taken over reports too late, and the attempt of the node that
    /// holds it now is the one that counts.
    pub async fn record_webhook_attempt(
        &self,
        id: &str,
        claimed_until: i64,
        attempt: &Attempt,
    ) -> Result<()> {
        let (status, next, delivered, finished) = match attempt.outcome {
            AttemptOutcome::Delivered => (
                DeliveryStatus::Delivered,
                None,
                Some(attempt.at),
                Some(attempt.at),
            ),
            AttemptOutcome::Retry { at } => (DeliveryStatus::Pending, Some(at), None, None),
            AttemptOutcome::Failed => (DeliveryStatus::Failed, None, None, Some(attempt.at)),
        };
        with_write!(self, p => sqlx::query(
            "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_attempt_at = $3, last_status = $4, \
             last_error = $5, next_attempt_at = $6, delivered_at = $7, finished_at = $8, claimed_until = NULL \
             WHERE id = $1 AND status = 'pending' AND claimed_until = $9")
            .bind(id).bind(status.as_str()).bind(attempt.at).bind(attempt.status.map(i64::from))
            .bind(attempt.error.as_deref()).bind(next).bind(delivered).bind(finished).bind(claimed_until)
            .execute(p).await.map(|_| ()))
    }

    /// An endpoint's deliveries as `filter` says, newest first.
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        filter: &DeliveryFilter<'_>,
    ) -> Result<Vec<Delivery>> {
        let status = filter.status.map(DeliveryStatus::as_str);
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 \
             AND ($2 IS NULL OR status = $2) \
             AND ($3 IS NULL OR seq < (SELECT b.seq FROM webhook_deliveries b WHERE b.id = $3)) \
             ORDER BY seq DESC LIMIT $4"
        );
        let rows: Vec<DeliveryRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(endpoint_id).bind(status).bind(filter.before).bind(filter.limit).fetch_all(p).await)?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// One delivery of an endpoint.
    pub async fn webhook_delivery(&self, endpoint_id: &str, id: &str) -> Result<Option<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2"
        );
        let row: Option<DeliveryRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(endpoint_id).bind(id).fetch_optional(p).await)?;
        row.map(Delivery::try_from).transpose()
    }

    /// Sends a finished delivery again: a new pending delivery of the same event (same payload
    /// and event id), due now, queued behind the record's waiting ones; answers its id.
    /// [`StoreError::NotFound`] for no such delivery of the endpoint; [`StoreError::Conflict`]
    /// while it is pending, when the endpoint's backlog is full, or when it was never queued
    /// because its payload was too large.
    pub async fn redeliver_webhook(&self, endpoint_id: &str, id: &str) -> Result<String> {
        let new = new_id();
        let now = now_ms();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let found: Option<(String, String, String, String, String)> = sqlx::query_as(
                "SELECT status, event_id, event_type, record_id, payload FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2")
                .bind(id).bind(endpoint_id).fetch_optional(&mut *tx).await?;
            let Some((status, event_id, event_type, record_id, payload)) = found else {
                return Err(StoreError::NotFound("delivery"));
            };
            if status == DeliveryStatus::Pending.as_str() {
                return Err(StoreError::Conflict(
                    "this delivery is still pending: it is sent at its next attempt".into()));
            }
            if payload.is_empty() {
                return Err(StoreError::Conflict(
                    "this delivery was never queued (its payload was too large), so there is nothing to send again".into()));
            }
            let (waiting,): (i64,) = sqlx::query_as(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'")
                .bind(endpoint_id).fetch_one(&mut *tx).await?;
            if waiting >= MAX_PENDING_PER_ENDPOINT {
                return Err(StoreError::Conflict(format!(
                    "{waiting} deliveries are waiting for this endpoint, the most kept; redeliver once it has caught up")));
            }
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, record_id, payload, status, attempts, \
                 created_at, next_attempt_at, redelivery_of) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8)")
                .bind(&new).bind(endpoint_id).bind(&event_id).bind(&event_type).bind(&record_id).bind(&payload)
                .bind(now).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(new)
    }

    /// Forgets deliveries that finished (delivered or failed) before `before`; answers how
    /// many.
    pub async fn purge_webhook_deliveries(&self, before: i64) -> Result<u64> {
        with_write!(self, p => sqlx::query(
            "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < $1")
            .bind(before).execute(p).await.map(|r| r.rows_affected()))
    }
}

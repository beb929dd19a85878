//! Group commit of message sends.
//!
//! Under load a send's cost is not its statements but its transaction: on SQLite the one
//! writer connection commits messages one after another, on PostgreSQL every commit is a WAL
//! flush and every statement a round trip. So plain sends queue for one task per node, which
//! takes every send waiting and writes them together: on SQLite in one transaction of one
//! statement per table, on PostgreSQL in one statement (data-modifying CTEs, so one round trip
//! and one commit for the whole batch). The rows travel as one JSON parameter (`json_each`,
//! `json_to_recordset`). No timer: a send that finds nothing waiting and a writer free is
//! written at once, on its own task; while a batch is written the next sends gather behind it,
//! so batches grow with the load and only with the load. SQLite writes one batch at a time (it
//! has one writer); PostgreSQL up to [`POSTGRES_IN_FLIGHT`], each on its own connection, so a
//! lone send rarely waits for another batch's commit.
//!
//! Sequence numbers are handed out in queue order within a batch (on SQLite from one
//! `UPDATE … RETURNING`, on PostgreSQL inside the statement); a sender waits for each answer,
//! so its messages keep their order. On PostgreSQL a batch locks its chats in id order, so
//! batches in flight at once, on this node or another, cannot deadlock. A batch that fails
//! (an Idempotency-Key used twice, say) writes nothing and is written again message by message,
//! so a bad send fails alone; a database that cannot be reached fails the whole batch at once.
//! Sends with attachments or an urgent reminder touch more tables and are rare: they are
//! written on their own (`Store::write_message`).

use crate::db::Pool;
use crate::outgoing::{NewMessage, Pending, SendQueue, Stats, Written};
use crate::{Backend, Result, Store, StoreError, new_id};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Most sends in one batch.
const MAX_BATCH: usize = 256;
/// Most message text (body and HTML) in one batch.
const MAX_BATCH_BYTES: usize = 4 << 20;
/// Sends that may wait for the batcher before senders wait to queue.
const QUEUE: usize = 4096;
/// Batches written at once on PostgreSQL (each on its own connection), so a send that arrives
/// while one batch commits does not wait for that commit. SQLite has one writer: one batch.
const POSTGRES_IN_FLIGHT: usize = 4;

// The queue itself is `crate::outgoing::SendQueue` (the store handle holds one); starting its
// batcher and feeding it are this module's.
impl SendQueue {
    /// Starts the batcher on the current runtime. `store` must have no queue of its own: the
    /// task holds it, and it ends when the last sender (the last clone of the store that owns
    /// this queue) is gone.
    pub(crate) fn start(store: Store) -> SendQueue {
        let (queue, rx) = mpsc::channel(QUEUE);
        let stats = Arc::new(Stats::default());
        let in_flight = Arc::new(Semaphore::new(match store.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_IN_FLIGHT,
        }));
        tokio::spawn(run(store, rx, in_flight.clone(), stats.clone()));
        SendQueue {
            queue,
            in_flight,
            stats,
        }
    }

    /// Writes `message` with the sends waiting beside it. When none wait and a writer is free,
    /// on this task (no hops to the batcher and back); `store` also writes it alone when the
    /// batcher is gone (its runtime ended).
    pub(crate) async fn write(
        &self,
        store: &Store,
        message: NewMessage,
        at: i64,
    ) -> Result<Written> {
        if self.queue.capacity() == self.queue.max_capacity()
            && let Ok(permit) = self.in_flight.clone().try_acquire_owned()
        {
            self.stats.count(1);
            let written = write_alone(store, &message, at).await;
            drop(permit);
            return written;
        }
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::error::SendError(p)) =
            self.queue.send(Pending { message, at, reply }).await
        {
            return store.write_message(&p.message, p.at).await;
        }
        answer.await.unwrap_or_else(|_| {
            Err(unavailable(
                "the send was interrupted before it was confirmed; retry with the same Idempotency-Key",
            ))
        })
    }
}

async fn run(
    store: Store,
    mut rx: mpsc::Receiver<Pending>,
    in_flight: Arc<Semaphore>,
    stats: Arc<Stats>,
) {
    let mut carried: Option<Pending> = None;
    loop {
        let first = match carried.take() {
            Some(p) => p,
            None => match rx.recv().await {
                Some(p) => p,
                None => return,
            },
        };
        // Sends gather in the queue while every batch in flight is being written.
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut bytes = first.bytes();
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            let Ok(next) = rx.try_recv() else { break };
            bytes += next.bytes();
            if bytes > MAX_BATCH_BYTES {
                carried = Some(next);
                break;
            }
            batch.push(next);
        }
        stats.count(batch.len());
        let store = store.clone();
        tokio::spawn(async move {
            commit(&store, batch).await;
            drop(permit);
        });
    }
}

/// Writes a batch and answers each of its senders.
async fn commit(store: &Store, mut batch: Vec<Pending>) {
    if batch.len() == 1
        && let Some(p) = batch.pop()
    {
        let _ = p.reply.send(write_alone(store, &p.message, p.at).await);
        return;
    }
    let messages: Vec<(&NewMessage, i64)> = batch.iter().map(|p| (&p.message, p.at)).collect();
    match store.write_batch(&messages).await {
        Ok(written) => {
            for (p, w) in batch.into_iter().zip(written) {
                let _ = p.reply.send(w);
            }
        }
        // The storage itself failed: each send alone would fail the same way.
        Err(e) if let Some(failure) = e.storage_failure() => {
            let reason = e.to_string();
            let mut e = Some(e);
            for p in batch {
                let err = e.take().unwrap_or_else(|| StoreError::Storage {
                    failure,
                    reason: reason.clone(),
                });
                let _ = p.reply.send(Err(err));
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, sends = batch.len(), "a batch of sends failed; writing them one by one");
            for p in batch {
                let result = write_alone(store, &p.message, p.at).await;
                let _ = p.reply.send(result);
            }
        }
    }
}

/// One send on its own: on SQLite the plain statements (in-process, no JSON round), on
/// PostgreSQL the batch statement (one round trip instead of five).
async fn write_alone(store: &Store, message: &NewMessage, at: i64) -> Result<Written> {
    match store.backend() {
        Backend::Sqlite => store.write_message(message, at).await,
        Backend::Postgres => store
            .write_batch(&[(message, at)])
            .await?
            .pop()
            .unwrap_or(Err(StoreError::NotFound("chat"))),
    }
}

fn unavailable(text: &str) -> StoreError {
    StoreError::Storage {
        failure: crate::StorageFailure::Unavailable,
        reason: text.to_owned(),
    }
}

/// SQLite's statements for a batch, each reading its rows from a JSON array (`json_each`).
/// SQLite runs in this process, so several statements cost little more than one; what costs is
/// each hand-off to the connection's thread and back, so the inserts travel together: one
/// string of several statements, sent once (sqlx runs them in turn, each binding the numbered
/// parameters it names).
struct SqliteBatch {
    /// Which senders are members of their chat now (rows in `$1`: `c` chat, `u` user); answers
    /// `chat_id, user_id` of those who are.
    members: String,
    /// Advances each chat's `last_seq` by its number of messages (rows in `$1`); returns `id,
    /// last_seq, members_version`.
    bump: String,
    /// The messages (rows in `$1`), their search-index entries with the chat's token
    /// (`crate::dialect::chat_token`), and their `message.created` webhook events for chats
    /// connected to records (`crate::webhooks::outbox`).
    inserts: String,
    /// The same, then their mentions (rows in `$2`: `id`, `user_id`).
    inserts_and_mentions: String,
}

/// `(SELECT value->>'a' AS a, … FROM json_each(<param>)) AS v`.
fn json_rows(param: &str, columns: &[&str]) -> String {
    let picks: Vec<String> = columns
        .iter()
        .map(|c| format!("value->>'{c}' AS {c}"))
        .collect();
    format!("(SELECT {} FROM json_each({param})) AS v", picks.join(", "))
}

impl SqliteBatch {
    fn get() -> &'static SqliteBatch {
        static SQL: LazyLock<SqliteBatch> = LazyLock::new(|| {
            let chats = json_rows("$1", &["cid", "n", "at", "sender"]);
            let rows = json_rows(
                "$1",
                &[
                    "id",
                    "chat_id",
                    "seq",
                    "sender_id",
                    "body",
                    "html",
                    "importance",
                    "data",
                    "created_at",
                    "idempotency_key",
                    "idempotency_fingerprint",
                    "terms",
                ],
            );
            let mentions = json_rows("$2", &["id", "user_id"]);
            let senders = json_rows("$1", &["c", "u"]);
            let messages = format!(
                "INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, idempotency_key, idempotency_fingerprint) \
                 SELECT id, chat_id, seq, 'text', sender_id, body, html, importance, data, created_at, idempotency_key, idempotency_fingerprint FROM {rows}"
            );
            let texts = format!(
                "INSERT INTO message_text (message_id, chat_id, terms) SELECT id, chat_id, terms || ' zzchat' || chat_id FROM {rows}"
            );
            let webhooks = crate::webhooks::outbox::sqlite_batch_events(&json_rows(
                "$1",
                &["id", "chat_id", "seq", "sender_id", "created_at"],
            ));
            // `WHERE true` keeps SQLite from reading `ON` as a join constraint.
            let mentions = format!(
                "INSERT INTO message_mentions (message_id, user_id) SELECT id, user_id FROM {mentions} WHERE true ON CONFLICT DO NOTHING"
            );
            let inserts = format!("{messages}; {texts}; {webhooks}");
            SqliteBatch {
                inserts_and_mentions: format!("{inserts}; {mentions}"),
                inserts,
                bump: format!(
                    "UPDATE chats SET last_seq = last_seq + v.n, last_activity_at = v.at, \
                     last_message_at = v.at, last_message_by = v.sender \
                     FROM {chats} WHERE chats.id = v.cid RETURNING id, last_seq, members_version"
                ),
                members: format!(
                    "SELECT cm.chat_id, cm.user_id FROM {senders} \
                     JOIN chat_members cm ON cm.chat_id = v.c AND cm.user_id = v.u"
                ),
            }
        });
        &SQL
    }
}

/// PostgreSQL writes a batch, of any size, in one statement and so in one round trip, as its
/// own transaction: `$1` the messages (`ord` is a message's place in the batch). Only messages
/// whose sender is a member of their chat go on (`ok`, read in the statement's own snapshot:
/// unlike `crate::dialect::member_now` it takes no share lock on the member rows, which cost
/// an eighth of the flat-out throughput, so a removal that commits while this one statement
/// runs can still let that member's message through); their count, latest time and last sender per
/// chat bump the chats, locked in id order first; each message's `seq` is the chat's `last_seq`
/// before the batch plus its place `k` among the batch's kept messages of its chat; the search
/// entries (the same `simple` tsvector as `crate::dialect::insert_message_text`) and mentions
/// follow from the inserted rows. Answers `id, seq, members_version` (the chat's, read under
/// the row lock) per message written: a message without a row was not written (its sender is
/// not a member, or its chat is gone). Messages in chats connected to records write their
/// `message.created` webhook events too (`wh`, `crate::webhooks::outbox`), while an endpoint
/// subscribes to them.
const POSTGRES_BATCH: &str = "\
WITH v AS (SELECT * FROM json_to_recordset($1::json) AS v(id text, chat_id text, ord bigint, \
     sender_id text, body text, html text, importance text, data text, created_at bigint, \
     idempotency_key text, idempotency_fingerprint text, terms text, mentions json)), \
 ok AS (SELECT v.id, v.chat_id, v.ord, v.sender_id, v.created_at FROM v \
     JOIN chat_members cm ON cm.chat_id = v.chat_id AND cm.user_id = v.sender_id), \
 kept AS (SELECT ok.*, row_number() OVER (PARTITION BY chat_id ORDER BY ord) AS k FROM ok), \
 c AS (SELECT chat_id AS cid, count(*) AS n, max(created_at) AS at, \
     (array_agg(sender_id ORDER BY ord DESC))[1] AS sender FROM kept GROUP BY chat_id), \
 locked AS (SELECT id FROM chats WHERE id IN (SELECT cid FROM c) ORDER BY id FOR UPDATE), \
 bumped AS (UPDATE chats SET last_seq = last_seq + c.n, last_activity_at = c.at, \
     last_message_at = c.at, last_message_by = c.sender FROM c \
     WHERE chats.id = c.cid AND chats.id IN (SELECT id FROM locked) \
     RETURNING chats.id, chats.last_seq - c.n AS base, chats.members_version), \
 m AS (INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, idempotency_key, idempotency_fingerprint) \
     SELECT v.id, v.chat_id, b.base + kept.k, 'text', v.sender_id, v.body, v.html, v.importance, v.data, v.created_at, v.idempotency_key, v.idempotency_fingerprint \
     FROM kept JOIN v ON v.id = kept.id JOIN bumped b ON b.id = kept.chat_id RETURNING id, chat_id, seq), \
 t AS (INSERT INTO message_text (message_id, chat_id, tsv) \
     SELECT m.id, m.chat_id, to_tsvector('simple', v.terms) FROM m JOIN v ON v.id = m.id), \
 mm AS (INSERT INTO message_mentions (message_id, user_id) \
     SELECT DISTINCT m.id, u.user_id FROM m JOIN v ON v.id = m.id \
     CROSS JOIN LATERAL json_array_elements_text(v.mentions) AS u(user_id)), \
 wh AS (INSERT INTO webhook_events (event_type, chat_id, record_id, message_id, actor_id, note_id, created_at) \
     SELECT 'message.created', m.chat_id, cc.record_id, m.id, v.sender_id, NULL, v.created_at \
     FROM m JOIN v ON v.id = m.id JOIN chat_connections cc ON cc.chat_id = m.chat_id \
     WHERE EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.event_type = 'message.created') \
     ORDER BY v.created_at, m.seq, cc.record_id) \
SELECT m.id, m.seq, b.members_version FROM m JOIN bumped b ON b.id = m.chat_id";

/// What a batch changes per chat: how many messages, the latest time, the last sender.
struct ChatBump<'a> {
    n: i64,
    at: i64,
    sender: &'a tether_domain::UserId,
}

fn chat_bumps<'a>(messages: &[(&'a NewMessage, i64)]) -> BTreeMap<&'a str, ChatBump<'a>> {
    let mut chats: BTreeMap<&str, ChatBump> = BTreeMap::new();
    for (m, at) in messages {
        let bump = chats.entry(m.chat_id.as_str()).or_insert(ChatBump {
            n: 0,
            at: *at,
            sender: &m.sender_id,
        });
        bump.n += 1;
        bump.at = bump.at.max(*at);
        bump.sender = &m.sender_id;
    }
    chats
}

fn chats_json(chats: &BTreeMap<&str, ChatBump>) -> String {
    Value::Array(
        chats
            .iter()
            .map(|(cid, b)| json!({"cid": cid, "n": b.n, "at": b.at, "sender": b.sender}))
            .collect(),
    )
    .to_string()
}

/// One message as a JSON row; `place` is `seq` (SQLite) or `ord` (PostgreSQL).
fn message_row(id: &str, m: &NewMessage, at: i64, place: (&str, i64)) -> Value {
    let mut row = json!({
        "id": id,
        "chat_id": m.chat_id,
        "sender_id": m.sender_id,
        "body": m.body,
        "html": m.html,
        "importance": m.importance.as_str(),
        "data": m.data.as_ref().map(Value::to_string),
        "created_at": at,
        "idempotency_key": m.idempotency_key,
        "idempotency_fingerprint": m.idempotency_fingerprint,
        "terms": tether_domain::search::index_terms(&m.body),
    });
    row[place.0] = json!(place.1);
    row
}

/// SQLite: the rows of a batch's messages and mentions, each message's sequence number handed
/// out in queue order below its chat's new `last_seq`.
fn sqlite_rows(
    messages: &[(&NewMessage, i64)],
    chats: &BTreeMap<&str, ChatBump>,
    last_seqs: Vec<(String, i64, i64)>,
) -> Result<(String, Option<String>, Vec<Written>)> {
    // Per chat: the next sequence number and the member-list version.
    let mut next: HashMap<String, (i64, i64)> = HashMap::with_capacity(last_seqs.len());
    for (chat, last, version) in last_seqs {
        let n = chats.get(chat.as_str()).map_or(0, |b| b.n);
        next.insert(chat, (last - n + 1, version));
    }
    let mut rows = Vec::with_capacity(messages.len());
    let mut mentions = Vec::new();
    let mut written = Vec::with_capacity(messages.len());
    for (m, at) in messages {
        let (seq, members_version) = next
            .get_mut(m.chat_id.as_str())
            .ok_or(StoreError::NotFound("chat"))?;
        let id = new_id();
        rows.push(message_row(&id, m, *at, ("seq", *seq)));
        for u in &m.mentions {
            mentions.push(json!({"id": id, "user_id": u}));
        }
        written.push(Written {
            id,
            seq: *seq,
            attachments: Vec::new(),
            members_version: *members_version,
        });
        *seq += 1;
    }
    let mentions = (!mentions.is_empty()).then(|| Value::Array(mentions).to_string());
    Ok((Value::Array(rows).to_string(), mentions, written))
}

/// PostgreSQL: the rows of a batch's messages (with their mentions), each with its place `ord`
/// in the batch, and the new ids in queue order.
fn postgres_rows(messages: &[(&NewMessage, i64)]) -> (String, Vec<String>) {
    let mut rows = Vec::with_capacity(messages.len());
    let mut ids = Vec::with_capacity(messages.len());
    for (ord, (m, at)) in (1..).zip(messages) {
        let id = new_id();
        let mut row = message_row(&id, m, *at, ("ord", ord));
        row["mentions"] = json!(m.mentions);
        rows.push(row);
        ids.push(id);
    }
    (Value::Array(rows).to_string(), ids)
}

impl Store {
    /// Group commit so far: batches written and the sends in them (`None` for the batcher's
    /// own store). Their ratio is the mean batch size, which grows with the load.
    pub fn send_batches(&self) -> Option<(u64, u64)> {
        self.sends.as_ref().map(SendQueue::stats)
    }

    /// Writes plain sends (no attachments, no reminder) in one transaction; the answers are in
    /// the order of `messages`. An error means nothing was written; on PostgreSQL a message
    /// whose chat is gone fails alone.
    async fn write_batch(&self, messages: &[(&NewMessage, i64)]) -> Result<Vec<Result<Written>>> {
        self.observe_write(self.write_batch_unobserved(messages))
            .await
    }

    async fn write_batch_unobserved(
        &self,
        messages: &[(&NewMessage, i64)],
    ) -> Result<Vec<Result<Written>>> {
        match &self.writer {
            Pool::Sqlite(p) => {
                let senders = crate::member_check::senders_json(messages.iter().map(|(m, _)| *m));
                let sql = SqliteBatch::get();
                let mut tx = p.begin().await?;
                // Membership is read inside the write: a sender removed a moment ago is refused.
                let members: Vec<(String, String)> = sqlx::query_as(sql.members.as_str())
                    .bind(&senders)
                    .fetch_all(&mut *tx)
                    .await?;
                let (kept, allowed) = crate::member_check::from_members(messages, &members);
                if kept.is_empty() {
                    return Ok(crate::member_check::answers(allowed, Vec::new()));
                }
                let chats = chat_bumps(&kept);
                let last_seqs: Vec<(String, i64, i64)> = sqlx::query_as(sql.bump.as_str())
                    .bind(chats_json(&chats))
                    .fetch_all(&mut *tx)
                    .await?;
                let (rows, mentions, written) = sqlite_rows(&kept, &chats, last_seqs)?;
                match &mentions {
                    None => sqlx::query(sql.inserts.as_str()).bind(&rows),
                    Some(mentions) => sqlx::query(sql.inserts_and_mentions.as_str())
                        .bind(&rows)
                        .bind(mentions),
                }
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(crate::member_check::answers(
                    allowed,
                    written.into_iter().map(Ok).collect(),
                ))
            }
            Pool::Postgres(p) => {
                let (rows, ids) = postgres_rows(messages);
                let seqs: HashMap<String, (i64, i64)> = sqlx::query_as(POSTGRES_BATCH)
                    .bind(rows)
                    .fetch_all(p)
                    .await?
                    .into_iter()
                    .map(|(id, seq, version): (String, i64, i64)| (id, (seq, version)))
                    .collect();
                // A message without a row was not written: its sender is not a member of the
                // chat (any more), or the chat is gone; either way the chat is not theirs.
                Ok(ids
                    .into_iter()
                    .map(|id| match seqs.get(&id) {
                        Some(&(seq, members_version)) => Ok(Written {
                            id,
                            seq,
                            attachments: Vec::new(),
                            members_version,
                        }),
                        None => Err(StoreError::NotFound("chat")),
                    })
                    .collect())
            }
        }
    }
}

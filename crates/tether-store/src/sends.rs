//! Group commit of message sends.
//!
//! Under load a send's cost is not its statements but its transaction: on SQLite the one
//! writer connection commits messages one after another, on PostgreSQL every commit is a WAL
//! flush and every statement a round trip. So plain sends queue for one task per node, which
//! takes every send waiting and writes them in one transaction with one statement per table,
//! the rows passed as one JSON parameter ([`crate::dialect::json_rows`]). No timer: a send that
//! arrives alone is written at once, on its own; while a batch is written the next sends
//! gather behind it, so batches grow with the load and only with the load. SQLite writes one
//! batch at a time (it has one writer); PostgreSQL up to [`POSTGRES_IN_FLIGHT`], each on its own
//! connection, so a lone send never waits for another batch's commit.
//!
//! Each chat's sequence numbers are taken with one `UPDATE … RETURNING` per batch and handed
//! out in queue order; a sender waits for each answer, so its messages keep their order. On
//! PostgreSQL a batch of several chats first locks them in id order, so batches in flight at
//! once, on this node or another, cannot deadlock. A batch that fails (an Idempotency-Key used twice, a chat deleted meanwhile) is
//! written again message by message, so a bad send fails alone; a database that cannot be
//! reached fails the whole batch at once. Sends with attachments or an urgent reminder touch
//! more tables and are rare: they are written on their own (`Store::write_message`).

use crate::chats::{NewMessage, Written};
use crate::dialect::{insert_message_texts, json_rows};
use crate::{Backend, Result, Store, StoreError, new_id};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
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

/// A send waiting to be written, and where its answer goes.
struct Pending {
    message: NewMessage,
    at: i64,
    reply: oneshot::Sender<Result<Written>>,
}

impl Pending {
    fn bytes(&self) -> usize {
        self.message.body.len() + self.message.html.len()
    }
}

/// The way into a store's batcher task.
#[derive(Clone, Debug)]
pub(crate) struct SendQueue {
    queue: mpsc::Sender<Pending>,
    stats: Arc<Stats>,
}

/// Batches written and the sends in them, since start.
#[derive(Debug, Default)]
struct Stats {
    batches: AtomicU64,
    sends: AtomicU64,
}

impl SendQueue {
    /// Starts the batcher on the current runtime. `store` must have no queue of its own: the
    /// task holds it, and it ends when the last sender (the last clone of the store that owns
    /// this queue) is gone.
    pub(crate) fn start(store: Store) -> SendQueue {
        let (queue, rx) = mpsc::channel(QUEUE);
        let stats = Arc::new(Stats::default());
        tokio::spawn(run(store, rx, stats.clone()));
        SendQueue { queue, stats }
    }

    /// Batches written and the sends in them, since start.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.stats.batches.load(Ordering::Relaxed),
            self.stats.sends.load(Ordering::Relaxed),
        )
    }

    /// Writes `message` with the sends waiting beside it; `store` writes it alone when the
    /// batcher is gone (its runtime ended).
    pub(crate) async fn write(
        &self,
        store: &Store,
        message: NewMessage,
        at: i64,
    ) -> Result<Written> {
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

async fn run(store: Store, mut rx: mpsc::Receiver<Pending>, stats: Arc<Stats>) {
    let in_flight = Arc::new(Semaphore::new(match store.backend() {
        Backend::Sqlite => 1,
        Backend::Postgres => POSTGRES_IN_FLIGHT,
    }));
    let mut carried: Option<Pending> = None;
    loop {
        // Sends gather in the queue while every batch in flight is being written.
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let first = match carried.take() {
            Some(p) => p,
            None => match rx.recv().await {
                Some(p) => p,
                None => return,
            },
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
        stats.batches.fetch_add(1, Ordering::Relaxed);
        stats.sends.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let store = store.clone();
        tokio::spawn(async move {
            commit(&store, batch).await;
            drop(permit);
        });
    }
}

/// Writes a batch and answers each of its senders.
async fn commit(store: &Store, mut batch: Vec<Pending>) {
    // Alone, a send takes the plain path: the same statements without the JSON round.
    if batch.len() == 1
        && let Some(p) = batch.pop()
    {
        let _ = p.reply.send(store.write_message(&p.message, p.at).await);
        return;
    }
    let messages: Vec<(&NewMessage, i64)> = batch.iter().map(|p| (&p.message, p.at)).collect();
    match store.write_batch(&messages).await {
        Ok(written) => {
            for (p, w) in batch.into_iter().zip(written) {
                let _ = p.reply.send(Ok(w));
            }
        }
        Err(e) if e.is_unavailable() => {
            let text = e.to_string();
            let mut e = Some(e);
            for p in batch {
                let err = e.take().unwrap_or_else(|| unavailable(&text));
                let _ = p.reply.send(Err(err));
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, sends = batch.len(), "a batch of sends failed; writing them one by one");
            for p in batch {
                let result = store.write_message(&p.message, p.at).await;
                let _ = p.reply.send(result);
            }
        }
    }
}

fn unavailable(text: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Io(std::io::Error::other(text.to_owned())))
}

/// The statements of a batch, for one backend. `$1` is always one JSON array.
struct BatchSql {
    /// PostgreSQL: locks the batch's chats in id order (rows: `cid`).
    lock: String,
    /// Advances each chat's `last_seq` by its number of messages (rows: `cid`, `n`, `at`,
    /// `sender`); returns `id, last_seq`.
    bump: String,
    /// The messages (rows: see [`MESSAGE_COLUMNS`]).
    messages: String,
    /// Their search-index entries (the same rows).
    texts: String,
    /// Their mentions (rows: `id`, `user_id`).
    mentions: String,
}

const CHAT_COLUMNS: &[(&str, &str)] = &[
    ("cid", "text"),
    ("n", "bigint"),
    ("at", "bigint"),
    ("sender", "text"),
];

const MESSAGE_COLUMNS: &[(&str, &str)] = &[
    ("id", "text"),
    ("chat_id", "text"),
    ("seq", "bigint"),
    ("sender_id", "text"),
    ("body", "text"),
    ("html", "text"),
    ("importance", "text"),
    ("data", "text"),
    ("created_at", "bigint"),
    ("idempotency_key", "text"),
    ("terms", "text"),
];

impl BatchSql {
    fn new(backend: Backend) -> BatchSql {
        let chats = json_rows(backend, CHAT_COLUMNS);
        let rows = json_rows(backend, MESSAGE_COLUMNS);
        let mentions = json_rows(backend, &[("id", "text"), ("user_id", "text")]);
        BatchSql {
            lock: format!(
                "SELECT id FROM chats WHERE id IN (SELECT cid FROM {chats}) ORDER BY id FOR UPDATE"
            ),
            bump: format!(
                "UPDATE chats SET last_seq = last_seq + v.n, last_activity_at = v.at, \
                 last_message_at = v.at, last_message_by = v.sender \
                 FROM {chats} WHERE chats.id = v.cid RETURNING id, last_seq"
            ),
            messages: format!(
                "INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, idempotency_key) \
                 SELECT id, chat_id, seq, 'text', sender_id, body, html, importance, data, created_at, idempotency_key FROM {rows}"
            ),
            texts: insert_message_texts(backend, &rows),
            // `WHERE true` keeps SQLite from reading `ON` as a join constraint.
            mentions: format!(
                "INSERT INTO message_mentions (message_id, user_id) SELECT id, user_id FROM {mentions} WHERE true ON CONFLICT DO NOTHING"
            ),
        }
    }

    fn of(backend: Backend) -> &'static BatchSql {
        static SQLITE: LazyLock<BatchSql> = LazyLock::new(|| BatchSql::new(Backend::Sqlite));
        static POSTGRES: LazyLock<BatchSql> = LazyLock::new(|| BatchSql::new(Backend::Postgres));
        match backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }
}

/// What a batch changes per chat: how many messages, the latest time, the last sender.
struct ChatBump<'a> {
    n: i64,
    at: i64,
    sender: &'a str,
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

/// The rows of a batch's messages and mentions, with each message's sequence number handed
/// out in queue order below the chat's new `last_seq`.
fn message_rows(
    messages: &[(&NewMessage, i64)],
    chats: &BTreeMap<&str, ChatBump>,
    last_seqs: Vec<(String, i64)>,
) -> Result<(String, Option<String>, Vec<Written>)> {
    let mut next: HashMap<String, i64> = HashMap::with_capacity(last_seqs.len());
    for (chat, last) in last_seqs {
        let n = chats.get(chat.as_str()).map_or(0, |b| b.n);
        next.insert(chat, last - n + 1);
    }
    let mut rows = Vec::with_capacity(messages.len());
    let mut mentions = Vec::new();
    let mut written = Vec::with_capacity(messages.len());
    for (m, at) in messages {
        let seq = next
            .get_mut(&m.chat_id)
            .ok_or(StoreError::NotFound("chat"))?;
        let id = new_id();
        rows.push(json!({
            "id": id,
            "chat_id": m.chat_id,
            "seq": *seq,
            "sender_id": m.sender_id,
            "body": m.body,
            "html": m.html,
            "importance": m.importance,
            "data": m.data.as_ref().map(Value::to_string),
            "created_at": at,
            "idempotency_key": m.idempotency_key,
            "terms": tether_domain::search::index_terms(&m.body),
        }));
        for u in &m.mentions {
            mentions.push(json!({"id": id, "user_id": u}));
        }
        written.push((id, *seq, Vec::new()));
        *seq += 1;
    }
    let mentions = (!mentions.is_empty()).then(|| Value::Array(mentions).to_string());
    Ok((Value::Array(rows).to_string(), mentions, written))
}

impl Store {
    /// Group commit so far: batches written and the sends in them (`None` for the batcher's
    /// own store). Their ratio is the mean batch size, which grows with the load.
    pub fn send_batches(&self) -> Option<(u64, u64)> {
        self.sends.as_ref().map(SendQueue::stats)
    }

    /// Writes plain sends (no attachments, no reminder) in one transaction; the answers are in
    /// the order of `messages`.
    async fn write_batch(&self, messages: &[(&NewMessage, i64)]) -> Result<Vec<Written>> {
        let backend = self.backend();
        let sql = BatchSql::of(backend);
        let chats = chat_bumps(messages);
        let bumps = Value::Array(
            chats
                .iter()
                .map(|(cid, b)| json!({"cid": cid, "n": b.n, "at": b.at, "sender": b.sender}))
                .collect(),
        )
        .to_string();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            if backend == Backend::Postgres && chats.len() > 1 {
                sqlx::query(sql.lock.as_str()).bind(&bumps).execute(&mut *tx).await?;
            }
            let last_seqs: Vec<(String, i64)> = sqlx::query_as(sql.bump.as_str()).bind(&bumps).fetch_all(&mut *tx).await?;
            let (rows, mentions, written) = message_rows(messages, &chats, last_seqs)?;
            sqlx::query(sql.messages.as_str()).bind(&rows).execute(&mut *tx).await?;
            sqlx::query(sql.texts.as_str()).bind(&rows).execute(&mut *tx).await?;
            if let Some(mentions) = &mentions {
                sqlx::query(sql.mentions.as_str()).bind(mentions).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(written)
        })
    }
}

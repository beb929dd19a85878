//! The e-mail digest's storage (issue 19, part 5): what each person missed, queued once, and
//! the state of sending it to them.
//!
//! Sending a message writes nothing here. A background task calls [`Store::scan_digest`]
//! every few seconds: it takes the next time window of what happened — mentions, urgent
//! messages, people added to chats — once it is a few seconds old (`settle`: writes in flight
//! have committed), and in the same transaction moves the one shared watermark (`digest_scan`)
//! past it and queues, per person, what of it they have not read yet (`digest_items`). A
//! window is taken by exactly one node (the watermark moves only from where that node read
//! it), so an item is queued once however many nodes scan. The scan finds messages by id: ids
//! are UUID v7, whose first 12 hex digits are the creation time in milliseconds
//! ([`crate::new_id`]), so a time window is a range of the primary keys of `messages` and
//! `message_mentions`, and no index is added to the send path (a partial one holds the urgent
//! messages alone).
//!
//! A person's e-mail is due the server's delay after the oldest of their waiting items, and
//! then takes all of them — what became unread a minute ago too — so what a person missed in
//! one stretch comes as one e-mail, and the next e-mail follows only when something newer has
//! waited the delay in its turn.
//!
//! Each person with waiting items has a row in `digest_recipients` saying when to send
//! ([`Store::claim_digests`] takes those due, holding them for a while so no other node sends
//! the same e-mail) and how sending went. [`Store::digest_facts`] reads what a claimed
//! person's e-mail needs *as it is now* — membership, read markers, the message text — so the
//! use case can leave out whatever the person read or may no longer see (R2), and
//! [`Store::finish_digest`] removes the items handled and either frees the person for later
//! items or schedules the next attempt after a failure.

use crate::{Backend, Result, Store, StoreError};
use std::collections::BTreeMap;
use tether_domain::UserId;

/// How far back a scan looks at most: after a long stop (or when e-mail is turned on again),
/// older happenings are passed over rather than mailed days late.
pub const MAX_CATCH_UP_MS: i64 = 24 * 3600 * 1000;
/// The longest window one scan takes; a scan that is behind goes on at once.
pub const MAX_WINDOW_MS: i64 = 10 * 60 * 1000;
/// How far a message's id time may be from its stored time (a send's id is made when its
/// batch is written, a moment after the send was stamped).
const ID_SLACK_MS: i64 = 60_000;

/// What one call of [`Store::scan_digest`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanStep {
    /// The window taken, `[from, to)`; empty when there was none to take.
    pub from: i64,
    pub to: i64,
    /// Items queued.
    pub queued: usize,
    /// Whether the watermark is still behind `now - delay` (scan again at once).
    pub behind: bool,
}

pub use tether_domain::digest::ItemKind;

/// One waiting item's key (a person's, in a chat, about a message or — `message_id` empty —
/// about being added).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemKey {
    pub chat_id: String,
    pub message_id: String,
    pub kind: String,
}

/// A person whose e-mail this node is to send now, held until `claimed_until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedDigest {
    pub user_id: UserId,
    pub claimed_until: i64,
    /// Failed attempts so far, and when the first of them was.
    pub attempts: i64,
    pub first_failed_at: Option<i64>,
}

/// The person an e-mail goes to, as they are now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DigestPerson {
    #[sqlx(try_from = "String")]
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub email_digest: bool,
    pub locale: Option<String>,
}

/// A waiting item with what deciding and showing it needs, read now: `member` is `None` when
/// the person is no longer in the chat; the message fields are `None` for `added` items (and
/// for a message that is gone).
#[derive(Clone, Debug)]
pub struct ItemFacts {
    pub key: ItemKey,
    pub kind: Option<ItemKind>,
    pub seq: i64,
    pub at: i64,
    pub actor_name: Option<String>,
    pub chat_kind: String,
    pub chat_name: Option<String>,
    pub member: Option<Membership>,
    pub message: Option<MessageFacts>,
}

/// The person's membership of the item's chat now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub joined_at: i64,
    pub visible_from: i64,
    pub last_read_seq: i64,
}

/// The item's message now.
#[derive(Clone, Debug)]
pub struct MessageFacts {
    pub body: String,
    pub created_at: i64,
    pub deleted: bool,
}

/// Everything one person's e-mail needs, read in a constant number of queries.
#[derive(Clone, Debug)]
pub struct DigestFacts {
    /// `None` when the person no longer exists.
    pub person: Option<DigestPerson>,
    pub items: Vec<ItemFacts>,
    /// The members of the items' chats, `(chat id, user id, name)`: unnamed chats are named
    /// after them, and mentions in excerpts read `@Name`.
    pub members: Vec<(String, String, String)>,
}

/// How handling a claimed person's e-mail ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestOutcome {
    /// The SMTP server accepted the e-mail (or there was nothing left to send): the items
    /// handled are removed.
    Done { sent: bool },
    /// Sending failed; try again at `at`. The items stay.
    Retry { at: i64, error: String },
    /// Sending failed for longer than retries last: the items handled are removed unsent.
    GaveUp { error: String },
}

/// The lower bound of the ids made at `ms` or later (see the module docs).
fn id_floor(ms: i64) -> String {
    format!("{:012x}", ms.max(0))
}

/// The statements that queue one window's items, `$1..$2` an id range and `$3..$4` the time
/// window. Each answers the people it queued for. Deleted messages, one's own messages, what
/// the person has read or may not see, inactive and opted-out people are passed over.
const QUEUE_MENTIONS: &str = "INSERT INTO digest_items (user_id, chat_id, message_id, kind, seq, at, actor_id) \
     SELECT mm.user_id, m.chat_id, m.id, 'mention', m.seq, m.created_at, m.sender_id \
     FROM message_mentions mm JOIN messages m ON m.id = mm.message_id \
     JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = mm.user_id \
     JOIN users u ON u.id = mm.user_id \
     WHERE mm.message_id >= $1 AND mm.message_id < $2 AND m.created_at >= $3 AND m.created_at < $4 \
     AND m.deleted_at IS NULL AND m.sender_id IS NOT NULL AND m.sender_id <> mm.user_id \
     AND cm.last_read_seq < m.seq AND cm.visible_from <= m.created_at \
     AND u.active AND u.email_digest \
     ON CONFLICT DO NOTHING RETURNING user_id, at";

const QUEUE_URGENT: &str = "INSERT INTO digest_items (user_id, chat_id, message_id, kind, seq, at, actor_id) \
     SELECT cm.user_id, m.chat_id, m.id, 'urgent', m.seq, m.created_at, m.sender_id \
     FROM messages m JOIN chat_members cm ON cm.chat_id = m.chat_id \
     JOIN users u ON u.id = cm.user_id \
     WHERE m.importance = 'urgent' AND m.id >= $1 AND m.id < $2 AND m.created_at >= $3 AND m.created_at < $4 \
     AND m.deleted_at IS NULL AND m.sender_id IS NOT NULL AND cm.user_id <> m.sender_id \
     AND cm.last_read_seq < m.seq AND cm.visible_from <= m.created_at AND cm.joined_at <= m.created_at \
     AND u.active AND u.email_digest \
     ON CONFLICT DO NOTHING RETURNING user_id, at";

/// Being added by someone else (or by no person: a host system's hand-over) to a group chat —
/// not a team's channel, which one is put in by joining the team, nor a one-on-one chat, which
/// is no one's adding (R11b) and may hold no message to read — and not having opened it since
/// (a new member's read marker starts at 0, and any read moves it past the system message
/// that announced them).
const QUEUE_ADDED: &str = "INSERT INTO digest_items (user_id, chat_id, message_id, kind, seq, at, actor_id) \
     SELECT cm.user_id, cm.chat_id, '', 'added', 0, cm.joined_at, cm.added_by \
     FROM chat_members cm JOIN chats c ON c.id = cm.chat_id JOIN users u ON u.id = cm.user_id \
     WHERE cm.joined_at >= $1 AND cm.joined_at < $2 AND c.kind = 'group' \
     AND (cm.added_by IS NULL OR cm.added_by <> cm.user_id) AND cm.last_read_seq = 0 \
     AND u.active AND u.email_digest \
     ON CONFLICT DO NOTHING RETURNING user_id, at";

/// Marks a person as having items to send at `$2`; a person already waiting (for an earlier
/// item, or a retry) keeps their time.
const MARK_DUE: &str = "INSERT INTO digest_recipients (user_id, due_at, attempts) VALUES ($1, $2, 0) \
     ON CONFLICT (user_id) DO UPDATE SET due_at = COALESCE(digest_recipients.due_at, excluded.due_at)";

impl Store {
    /// Takes the next window of what happened (at most [`MAX_WINDOW_MS`], from the shared
    /// watermark to `now - settle_ms`, never more than [`MAX_CATCH_UP_MS`] back) and queues what
    /// of it the people concerned have not read, all in one transaction; a person with new
    /// items becomes due `delay_ms` after the oldest of them (unless already due earlier). The
    /// first call ever only sets the watermark to `now - settle_ms`: nothing from before e-mail
    /// was turned on is mailed. Another node taking the same window at once makes this call
    /// take nothing.
    pub async fn scan_digest(&self, now: i64, settle_ms: i64, delay_ms: i64) -> Result<ScanStep> {
        let end = now.saturating_sub(settle_ms.max(0));
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let mark: Option<(i64,)> = sqlx::query_as("SELECT scanned_to FROM digest_scan WHERE id = 1")
                .fetch_optional(&mut *tx).await?;
            let Some((mark,)) = mark else {
                sqlx::query("INSERT INTO digest_scan (id, scanned_to) VALUES (1, $1) ON CONFLICT DO NOTHING")
                    .bind(end).execute(&mut *tx).await?;
                tx.commit().await?;
                return Ok::<_, StoreError>(ScanStep { from: end, to: end, ..ScanStep::default() });
            };
            let from = mark.max(end.saturating_sub(MAX_CATCH_UP_MS));
            if from >= end {
                return Ok(ScanStep { from: mark, to: mark, ..ScanStep::default() });
            }
            let to = end.min(from.saturating_add(MAX_WINDOW_MS));
            let moved = sqlx::query("UPDATE digest_scan SET scanned_to = $1 WHERE id = 1 AND scanned_to = $2")
                .bind(to).bind(mark).execute(&mut *tx).await?.rows_affected();
            if moved == 0 {
                // Another node took this window.
                return Ok(ScanStep { from, to: from, ..ScanStep::default() });
            }
            let (lo, hi) = (id_floor(from - ID_SLACK_MS), id_floor(to + ID_SLACK_MS));
            let mut queued: Vec<(String, i64)> = Vec::new();
            for sql in [QUEUE_MENTIONS, QUEUE_URGENT] {
                let got: Vec<(String, i64)> = sqlx::query_as(sql).bind(&lo).bind(&hi).bind(from).bind(to)
                    .fetch_all(&mut *tx).await?;
                queued.extend(got);
            }
            let got: Vec<(String, i64)> = sqlx::query_as(QUEUE_ADDED).bind(from).bind(to).fetch_all(&mut *tx).await?;
            queued.extend(got);
            // Each person's oldest new item.
            let mut oldest: BTreeMap<&str, i64> = BTreeMap::new();
            for (user, at) in &queued {
                let first = oldest.entry(user.as_str()).or_insert(*at);
                *first = (*first).min(*at);
            }
            for (user, at) in &oldest {
                sqlx::query(MARK_DUE).bind(user).bind(at.saturating_add(delay_ms)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(ScanStep { from, to, queued: queued.len(), behind: to < end })
        })
    }

    /// Claims up to `limit` people whose e-mail is due at `now`, holding each until
    /// `hold_until` (a node that dies while sending leaves the claim to run out; then any node
    /// sends it). Safe with several nodes: the update re-checks that a person is due and free.
    pub async fn claim_digests(
        &self,
        now: i64,
        hold_until: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedDigest>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "UPDATE digest_recipients SET claimed_until = $2 WHERE user_id IN (\
                 SELECT user_id FROM digest_recipients WHERE due_at <= $1 \
                 AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY due_at LIMIT $3) \
                 AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1) \
                 RETURNING user_id, attempts, first_failed_at"
            }
            Backend::Postgres => {
                "UPDATE digest_recipients SET claimed_until = $2 WHERE user_id IN (\
                 SELECT user_id FROM digest_recipients WHERE due_at <= $1 \
                 AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY due_at LIMIT $3 \
                 FOR UPDATE SKIP LOCKED) \
                 AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1) \
                 RETURNING user_id, attempts, first_failed_at"
            }
        };
        let rows: Vec<(String, i64, Option<i64>)> = with_write!(self, p => sqlx::query_as(sql)
            .bind(now).bind(hold_until).bind(limit).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(user_id, attempts, first_failed_at)| ClaimedDigest {
                user_id: UserId::new(user_id),
                claimed_until: hold_until,
                attempts,
                first_failed_at,
            })
            .collect())
    }

    /// What `user`'s e-mail needs, as it is now: the person, their waiting items with their
    /// membership and the message of each, and the members of those chats. Three queries.
    pub async fn digest_facts(&self, user: &UserId) -> Result<DigestFacts> {
        type Row = (
            String,
            String,
            String,
            i64,
            i64,
            Option<String>,
            String,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<i64>,
            Option<i64>,
        );
        let person: Option<DigestPerson> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, email, active, email_digest, locale FROM users WHERE id = $1")
            .bind(user).fetch_optional(p).await)?;
        let rows: Vec<Row> = with_pool!(self, p => sqlx::query_as(
            "SELECT i.chat_id, i.message_id, i.kind, i.seq, i.at, a.name, c.kind, c.name, \
                    cm.joined_at, cm.visible_from, cm.last_read_seq, m.body, m.created_at, m.deleted_at \
             FROM digest_items i JOIN chats c ON c.id = i.chat_id \
             LEFT JOIN users a ON a.id = i.actor_id \
             LEFT JOIN chat_members cm ON cm.chat_id = i.chat_id AND cm.user_id = i.user_id \
             LEFT JOIN messages m ON m.id = i.message_id AND m.chat_id = i.chat_id \
             WHERE i.user_id = $1 ORDER BY i.at, i.chat_id, i.message_id, i.kind")
            .bind(user).fetch_all(p).await)?;
        let members: Vec<(String, String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT cm.chat_id, cm.user_id, u.name FROM chat_members cm JOIN users u ON u.id = cm.user_id \
             WHERE cm.chat_id IN (SELECT DISTINCT chat_id FROM digest_items WHERE user_id = $1) \
             ORDER BY cm.chat_id, u.name")
            .bind(user).fetch_all(p).await)?;
        let items = rows
            .into_iter()
            .map(
                |(
                    chat_id,
                    message_id,
                    kind,
                    seq,
                    at,
                    actor_name,
                    chat_kind,
                    chat_name,
                    joined,
                    visible,
                    read,
                    body,
                    created,
                    deleted,
                )| {
                    let member = match (joined, visible, read) {
                        (Some(joined_at), Some(visible_from), Some(last_read_seq)) => {
                            Some(Membership {
                                joined_at,
                                visible_from,
                                last_read_seq,
                            })
                        }
                        _ => None,
                    };
                    let message = match (body, created) {
                        (Some(body), Some(created_at)) => Some(MessageFacts {
                            body,
                            created_at,
                            deleted: deleted.is_some(),
                        }),
                        _ => None,
                    };
                    ItemFacts {
                        kind: ItemKind::parse(&kind),
                        key: ItemKey {
                            chat_id,
                            message_id,
                            kind,
                        },
                        seq,
                        at,
                        actor_name,
                        chat_kind,
                        chat_name,
                        member,
                        message,
                    }
                },
            )
            .collect();
        Ok(DigestFacts {
            person,
            items,
            members,
        })
    }

    /// Ends this node's handling of `user`'s e-mail claimed until `claimed_until`: removes the
    /// items in `handled` unless the outcome is a retry, and either schedules the retry or
    /// frees the person — due again `delay_ms` after the oldest item that arrived meanwhile. Nothing happens when
    /// the claim is no longer this node's (it ran out and another node took over). On
    /// PostgreSQL the person's row is locked first, so a scan queuing items for them at the
    /// same time either commits before (and its items are seen here) or marks them due after.
    pub async fn finish_digest(
        &self,
        user: &UserId,
        claimed_until: i64,
        handled: &[ItemKey],
        outcome: &DigestOutcome,
        now: i64,
        delay_ms: i64,
    ) -> Result<bool> {
        let lock = match self.backend() {
            Backend::Sqlite => {
                "SELECT user_id FROM digest_recipients WHERE user_id = $1 AND claimed_until = $2"
            }
            Backend::Postgres => {
                "SELECT user_id FROM digest_recipients WHERE user_id = $1 AND claimed_until = $2 FOR UPDATE"
            }
        };
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let held: Option<(String,)> = sqlx::query_as(lock).bind(user).bind(claimed_until)
                .fetch_optional(&mut *tx).await?;
            if held.is_none() {
                return Ok::<_, StoreError>(false);
            }
            if let DigestOutcome::Retry { at, error } = outcome {
                sqlx::query("UPDATE digest_recipients SET claimed_until = NULL, due_at = $2, attempts = attempts + 1, \
                             first_failed_at = COALESCE(first_failed_at, $3), last_error = $4 WHERE user_id = $1")
                    .bind(user).bind(*at).bind(now).bind(error).execute(&mut *tx).await?;
            } else {
                for key in handled {
                    sqlx::query("DELETE FROM digest_items WHERE user_id = $1 AND chat_id = $2 AND message_id = $3 AND kind = $4")
                        .bind(user).bind(&key.chat_id).bind(&key.message_id).bind(&key.kind)
                        .execute(&mut *tx).await?;
                }
                let (sent, error) = match outcome {
                    DigestOutcome::Done { sent } => (*sent, None),
                    DigestOutcome::GaveUp { error } => (false, Some(error.as_str())),
                    DigestOutcome::Retry { .. } => (false, None),
                };
                // Items that came while this e-mail was made wait the delay from the oldest.
                sqlx::query("UPDATE digest_recipients SET claimed_until = NULL, attempts = 0, first_failed_at = NULL, \
                             last_error = $2, last_sent_at = CASE WHEN $3 THEN $4 ELSE last_sent_at END, \
                             due_at = (SELECT MIN(at) FROM digest_items WHERE user_id = $1) + $5 \
                             WHERE user_id = $1")
                    .bind(user).bind(error).bind(sent).bind(now).bind(delay_ms).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Whether `user` wants the e-mail digest; `None` when there is no such user.
    pub async fn email_digest(&self, user: &UserId) -> Result<Option<bool>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT email_digest FROM users WHERE id = $1")
            .bind(user).fetch_optional(p).await)?,
        )
    }

    /// Turns `user`'s e-mail digest on or off; `None` when there is no such user. Turning it off
    /// also drops what waits for them: nothing is sent to a person who said no.
    pub async fn set_email_digest(&self, user: &UserId, on: bool) -> Result<Option<bool>> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let set: Option<bool> = sqlx::query_scalar("UPDATE users SET email_digest = $2 WHERE id = $1 RETURNING email_digest")
                .bind(user).bind(on).fetch_optional(&mut *tx).await?;
            if set == Some(false) {
                sqlx::query("DELETE FROM digest_items WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(set)
        })
    }

    /// People with items waiting (for metrics and tests): `(user id, items, attempts)`.
    pub async fn digest_backlog(&self) -> Result<Vec<(String, i64, i64)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT r.user_id, (SELECT COUNT(*) FROM digest_items i WHERE i.user_id = r.user_id), r.attempts \
             FROM digest_recipients r WHERE r.due_at IS NOT NULL ORDER BY r.user_id")
            .fetch_all(p).await)?)
    }
}

//! The data set's group chats: how many members and messages each gets, and their rows —
//! chat, members, messages and the messages' search terms — written in bulk.

use super::sql::{STATEMENTS_PER_TRANSACTION, Writer, escape_html, flush, lit, opt};
use super::text::sentence;
use super::{ChatEntry, DAY_MS, Rng, Sizes};
use crate::report::bar;
use anyhow::Result;
use std::collections::BTreeSet;
use tether_domain::chat::ChatKind;
use tether_store::Store;
use tether_store::dialect::fold;

/// Chats with 2–6 members, people chosen with a skew (some are in many chats), and messages
/// spread with a skew too (a few chats are busy, most are short).
pub(super) fn plan(rng: &mut Rng, sizes: &Sizes, users: usize) -> Vec<ChatEntry> {
    let n = sizes.chats;
    let weights: Vec<f64> = (0..n).map(|_| rng.unit().powf(3.0) + 0.02).collect();
    let total: f64 = weights.iter().sum();
    let mut left = sizes.messages;
    let mut chats: Vec<ChatEntry> = weights
        .iter()
        .map(|w| {
            let size = 2 + rng.below(5);
            let mut members = BTreeSet::new();
            while members.len() < size.min(users) {
                members.insert(rng.skewed(users) as u32);
            }
            let k = ((w / total) * sizes.messages as f64).floor() as usize;
            let k = k.min(left);
            left -= k;
            ChatEntry {
                id: tether_store::new_id(),
                members: members.into_iter().collect(),
                messages: u32::try_from(k).unwrap_or(u32::MAX),
            }
        })
        .collect();
    // What rounding left over goes to random chats.
    while left > 0 && !chats.is_empty() {
        let i = rng.below(chats.len());
        if let Some(c) = chats.get_mut(i) {
            c.messages += 1;
        }
        left -= 1;
    }
    chats
}

/// Writes chats, members and messages; returns the number of messages.
pub(super) async fn write(
    store: &Store,
    rng: &mut Rng,
    users: &[(String, String)],
    chats: &[ChatEntry],
) -> Result<usize> {
    let now = tether_store::now_ms();
    let total: u64 = chats.iter().map(|c| u64::from(c.messages)).sum();
    let pb = bar(total, "messages");
    let mut tables = Tables::new(store.backend() == tether_store::Backend::Postgres);
    let mut written = 0usize;
    for (n, chat) in chats.iter().enumerate() {
        let members: Vec<&(String, String)> = chat
            .members
            .iter()
            .filter_map(|&m| users.get(m as usize))
            .collect();
        let Some(creator) = members.first() else {
            continue;
        };
        let created = now - 180 * DAY_MS + (rng.unit() * 170.0 * DAY_MS as f64) as i64;
        let name = format!(
            "{} {}",
            TOPIC.get(rng.below(TOPIC.len())).unwrap_or(&"Follow-up"),
            n + 1
        );
        let last = tables.push_messages(rng, chat, &members, &creator.0, created, now);
        tables.push_chat(chat, &name, &members, &creator.0, created, last);
        let k = chat.messages as usize;
        written += k;
        pb.inc(k as u64);
        if tables.statements() >= STATEMENTS_PER_TRANSACTION {
            tables.flush(store).await?;
        }
    }
    tables.flush(store).await?;
    pb.finish_and_clear();
    Ok(written)
}

/// The rows of the four tables a chat fills, written parents first.
struct Tables {
    chats: Writer,
    members: Writer,
    messages: Writer,
    /// The search index (R24), with the terms the server would store for each message.
    text: Writer,
    postgres: bool,
}

impl Tables {
    fn new(postgres: bool) -> Tables {
        Tables {
            chats: Writer::new(
                "INSERT INTO chats (id, kind, name, search_folded, pair_key, team_id, created_by, created_at, last_seq, last_message_at, last_message_by, last_activity_at)",
            ),
            members: Writer::new(
                "INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by)",
            ),
            messages: Writer::new(
                "INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, edited_at, deleted_at, idempotency_key)",
            ),
            text: Writer::new(if postgres {
                "INSERT INTO message_text (message_id, chat_id, tsv)"
            } else {
                "INSERT INTO message_text (message_id, chat_id, terms)"
            }),
            postgres,
        }
    }

    /// The chat's messages from its creation up to about now, in order, each from a random
    /// member; returns when the last one was sent and by whom (none without messages).
    fn push_messages<'a>(
        &mut self,
        rng: &mut Rng,
        chat: &ChatEntry,
        members: &[&'a (String, String)],
        creator: &'a str,
        created: i64,
        now: i64,
    ) -> Option<(i64, &'a str)> {
        let k = chat.messages as usize;
        let step = ((now - created) / (k as i64 + 1)).max(1);
        let mut at = created;
        let mut last = None;
        for seq in 1..=k {
            at += 1 + (rng.unit() * 2.0 * step as f64) as i64 / 2 + step / 2;
            let at_now = at.min(now - 1);
            let sender = members
                .get(rng.below(members.len()))
                .map_or(creator, |m| m.0.as_str());
            let text = sentence(rng);
            self.push_message(&chat.id, seq, sender, &text, at_now);
            last = Some((at_now, sender));
            at = at_now;
        }
        last
    }

    /// One message and its search terms.
    fn push_message(&mut self, chat_id: &str, seq: usize, sender: &str, text: &str, at: i64) {
        let message_id = tether_store::new_id();
        let terms = tether_domain::search::index_terms(text);
        self.text.push(if self.postgres {
            format!(
                "({}, {}, to_tsvector('simple', {}))",
                lit(&message_id),
                lit(chat_id),
                lit(&terms)
            )
        } else {
            // As the store writes it: the terms and the chat's token.
            let indexed = format!("{terms} {}", tether_store::dialect::chat_token(chat_id));
            format!(
                "({}, {}, {})",
                lit(&message_id),
                lit(chat_id),
                lit(&indexed)
            )
        });
        self.messages.push(format!(
            "({}, {}, {seq}, 'text', {}, {}, {}, 'normal', NULL, {at}, NULL, NULL, NULL)",
            lit(&message_id),
            lit(chat_id),
            lit(sender),
            lit(text),
            lit(&format!("<p>{}</p>", escape_html(text)))
        ));
    }

    /// The chat itself, as the store leaves it after its messages, and its members, who have
    /// read everything.
    fn push_chat(
        &mut self,
        chat: &ChatEntry,
        name: &str,
        members: &[&(String, String)],
        creator: &str,
        created: i64,
        last: Option<(i64, &str)>,
    ) {
        let k = chat.messages;
        let last_at = last.map(|(at, _)| at);
        self.chats.push(format!(
            "({}, {}, {}, {}, NULL, NULL, {}, {created}, {k}, {}, {}, {})",
            lit(&chat.id),
            lit(ChatKind::Group.as_str()),
            lit(name),
            lit(&search_folded(name, members)),
            lit(creator),
            last_at.map_or_else(|| "NULL".into(), |t| t.to_string()),
            opt(last.map(|(_, by)| by)),
            last_at.unwrap_or(created)
        ));
        for (id, _) in members {
            self.members.push(format!(
                "({}, {}, {created}, 0, {k}, {})",
                lit(&chat.id),
                lit(id),
                lit(creator)
            ));
        }
    }

    /// Full statements waiting, of the tables that fill fastest.
    fn statements(&self) -> usize {
        self.messages.statements() + self.chats.statements()
    }

    async fn flush(&mut self, store: &Store) -> Result<()> {
        flush(
            store,
            &mut [
                &mut self.chats,
                &mut self.members,
                &mut self.messages,
                &mut self.text,
            ],
        )
        .await
    }
}

/// A chat's `search_folded` column: its name and its members' names, folded, one a line.
fn search_folded(name: &str, members: &[&(String, String)]) -> String {
    let mut names: Vec<&str> = members.iter().map(|(_, name)| name.as_str()).collect();
    names.sort_unstable();
    let mut search = fold(name);
    for m in &names {
        search.push('\n');
        search.push_str(&fold(m));
    }
    search
}

const TOPIC: &[&str] = &[
    "Escalation",
    "Billing question",
    "VPN outage",
    "Onboarding",
    "Refund",
    "Invoice dispute",
    "Password reset wave",
    "Follow-up",
    "Hand-over",
    "Shipping delay",
];

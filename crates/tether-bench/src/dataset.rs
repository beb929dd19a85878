//! The large data set of the `panel` workload, generated fast and cached on disk.
//!
//! People, teams, accounts, contacts, knowledge articles and cases with their timelines come
//! from the demo generator ([`tether::demo`], bulk inserts), at the scale that gives about
//! `--records` records; extra agents bring the people up to `--users`. Group chats, their
//! members and their messages are written as multi-row `INSERT`s, a few thousand rows per
//! statement and some tens of thousands per transaction, because the store has no bulk path
//! for them yet (a `Store::bulk_insert_chats` would be the right home for this; see the
//! report). Half of the chats are connected to a case (with the timeline entry a connection
//! makes). Messages written this way are not in the full-text index (`message_text`, filled
//! by the store with Rust-side stemming), so the data set does not exercise search.
//!
//! The SQL text is built here from generated values only (ids, numbers, and words of a fixed
//! list or names from the database, quoted by [`lit`]); nothing a user typed reaches it.
//!
//! Caching: a SQLite data set is kept as a file under `--cache-dir` and copied for each run;
//! a PostgreSQL one is kept as a database `tether_bench_cache_<key>` and cloned with
//! `CREATE DATABASE … TEMPLATE`. A manifest (JSON beside the file) keeps the ids a run needs.

use super::report::bar;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tether::demo::{DemoOptions, generate};
use tether_domain::chat::ChatKind;
use tether_store::Store;
use tether_store::dialect::fold;
use tether_store::people::NewUser;

/// Bump when the generated data changes shape, so old caches are not reused.
const CACHE_VERSION: u32 = 5;
/// Records the demo generator makes per unit of scale (accounts, contacts, articles, cases).
const RECORDS_PER_SCALE: usize = 200 + 500 + 40 + 2000;
/// Rows per INSERT statement and statements per transaction.
const ROWS_PER_STATEMENT: usize = 500;
/// Small enough that one transaction stays under sqlx's one-second slow-statement warning,
/// which would print the whole statement.
const STATEMENTS_PER_TRANSACTION: usize = 8;
const DAY_MS: i64 = 24 * 3600 * 1000;
const NO_PASSWORD: &str = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2h1c2Vy$bm90LWEtcmVhbC1oYXNo";

/// How big a data set to make.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Sizes {
    pub records: usize,
    pub chats: usize,
    pub messages: usize,
    pub users: usize,
    pub seed: u64,
}

impl Sizes {
    /// A short name that changes with every size, the seed and the generator's version.
    pub fn key(&self) -> String {
        format!(
            "v{CACHE_VERSION}-{}-r{}-c{}-m{}-u{}-s{}",
            env!("CARGO_PKG_VERSION").replace('.', "_"),
            self.records,
            self.chats,
            self.messages,
            self.users,
            self.seed
        )
        .replace('-', "_")
    }

    fn scale(&self) -> u32 {
        u32::try_from(self.records.div_ceil(RECORDS_PER_SCALE).clamp(1, 1000)).unwrap_or(1)
    }
}

/// A chat of the data set.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChatEntry {
    pub id: String,
    /// Indices into [`Manifest::users`].
    pub members: Vec<u32>,
    pub messages: u32,
}

/// What a run needs to know about a data set.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub sizes: Sizes,
    /// Users who hold `collab.use` (the chat members), by id.
    pub users: Vec<String>,
    /// Case ids.
    pub cases: Vec<String>,
    pub chats: Vec<ChatEntry>,
    pub records_written: usize,
    pub activities_written: usize,
    pub messages_written: usize,
    /// Chat–record connections written (0 where the schema has none yet).
    pub connections_written: usize,
    pub generated_in_s: f64,
}

impl Manifest {
    fn path(dir: &Path, key: &str) -> PathBuf {
        dir.join(format!("panel-{key}.json"))
    }

    pub fn load(dir: &Path, key: &str) -> Option<Manifest> {
        let text = std::fs::read_to_string(Self::path(dir, key)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// The cached SQLite file of a data set.
pub fn sqlite_cache_file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("panel-{key}.db"))
}

/// Fills an empty, prepared database.
pub async fn generate_into(store: &Store, sizes: &Sizes) -> Result<Manifest> {
    let started = std::time::Instant::now();
    let mut rng = Rng(sizes.seed ^ 0x9e37_79b9_7f4a_7c15);
    eprintln!(
        "generating the panel data set: about {} records, {} chats, {} messages, {} users (demo scale {})…",
        sizes.records,
        sizes.chats,
        sizes.messages,
        sizes.users,
        sizes.scale()
    );
    let summary = generate(
        store,
        &DemoOptions {
            scale: sizes.scale(),
            password_hash: NO_PASSWORD.into(),
            seed: sizes.seed,
        },
    )
    .await
    .context("the demo generator failed")?;
    let records_written =
        summary.accounts + summary.contacts + summary.knowledge_articles + summary.cases;
    let cases: Vec<String> = summary
        .topics
        .iter()
        .flat_map(|t| t.case_ids.iter().cloned())
        .collect();

    // Chat members: every team member who may use chats, then extra agents up to --users.
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    for team in store.list_teams().await? {
        for m in team.members {
            people.insert(m.user_id, m.name);
        }
    }
    let mut users: Vec<(String, String)> = Vec::new();
    for (id, name) in people {
        if store
            .subject(&id)
            .await?
            .is_some_and(|s| s.privileges.collab_use)
        {
            users.push((id, name));
        }
    }
    let missing = sizes.users.saturating_sub(users.len());
    let pb = bar(missing as u64, "extra agents");
    for i in 0..missing {
        let name = format!(
            "Agent {} {}",
            FIRST.get(i % FIRST.len()).unwrap_or(&"Alex"),
            i + 1
        );
        let u = store
            .create_user(
                &NewUser {
                    email: format!("agent{}@bench.tether.test", i + 1),
                    name: name.clone(),
                    password_hash: NO_PASSWORD.into(),
                    role_names: vec!["agent".into()],
                    team_ids: vec![],
                },
                None,
            )
            .await?;
        users.push((u.id, name));
        pb.inc(1);
    }
    pb.finish_and_clear();

    let chats = plan_chats(&mut rng, sizes, users.len());
    let messages_written = write_chats(store, &mut rng, &users, &chats).await?;
    let connections_written = connect_chats(store, &mut rng, &users, &chats, &cases).await;
    Ok(Manifest {
        sizes: sizes.clone(),
        users: users.into_iter().map(|(id, _)| id).collect(),
        cases,
        chats,
        records_written,
        activities_written: summary.activities,
        messages_written,
        connections_written,
        generated_in_s: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    })
}

/// Chats with 2–6 members, people chosen with a skew (some are in many chats), and messages
/// spread with a skew too (a few chats are busy, most are short).
fn plan_chats(rng: &mut Rng, sizes: &Sizes, users: usize) -> Vec<ChatEntry> {
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

/// A SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".into(), lit)
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Collects the rows of one table as multi-row INSERT statements.
struct Writer {
    head: &'static str,
    rows: Vec<String>,
    statements: Vec<String>,
}

impl Writer {
    fn new(head: &'static str) -> Writer {
        Writer {
            head,
            rows: Vec::new(),
            statements: Vec::new(),
        }
    }

    fn push(&mut self, row: String) {
        self.rows.push(row);
        if self.rows.len() >= ROWS_PER_STATEMENT {
            self.cut();
        }
    }

    fn cut(&mut self) {
        if !self.rows.is_empty() {
            self.statements
                .push(format!("{} VALUES {}", self.head, self.rows.join(", ")));
            self.rows.clear();
        }
    }
}

/// Writes what the writers hold in one transaction, in their order (parents first, so the
/// foreign keys hold at every statement).
async fn flush(store: &Store, writers: &mut [&mut Writer]) -> Result<()> {
    let mut sql = String::from("BEGIN;");
    for w in writers.iter_mut() {
        w.cut();
        for st in w.statements.drain(..) {
            sql.push(' ');
            sql.push_str(&st);
            sql.push(';');
        }
    }
    if sql.len() == "BEGIN;".len() {
        return Ok(());
    }
    sql.push_str(" COMMIT;");
    store
        .execute_raw(&sql)
        .await
        .context("bulk write of the chat data")?;
    Ok(())
}

/// Writes chats, members and messages; returns the number of messages.
async fn write_chats(
    store: &Store,
    rng: &mut Rng,
    users: &[(String, String)],
    chats: &[ChatEntry],
) -> Result<usize> {
    let now = tether_store::now_ms();
    let total: u64 = chats.iter().map(|c| u64::from(c.messages)).sum();
    let pb = bar(total, "messages");
    let mut chat_rows = Writer::new(
        "INSERT INTO chats (id, kind, name, search_folded, pair_key, team_id, created_by, created_at, last_seq, last_message_at, last_message_by, last_activity_at)",
    );
    let mut member_rows = Writer::new(
        "INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by)",
    );
    let mut message_rows = Writer::new(
        "INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, edited_at, deleted_at, idempotency_key)",
    );
    // The search index (R24), with the terms the server would store for each message.
    let postgres = store.backend() == tether_store::Backend::Postgres;
    let mut text_rows = Writer::new(if postgres {
        "INSERT INTO message_text (message_id, chat_id, tsv)"
    } else {
        "INSERT INTO message_text (message_id, chat_id, terms)"
    });
    let mut written = 0usize;
    for (n, chat) in chats.iter().enumerate() {
        let member_ids: Vec<&(String, String)> = chat
            .members
            .iter()
            .filter_map(|&m| users.get(m as usize))
            .collect();
        let Some(creator) = member_ids.first() else {
            continue;
        };
        let created = now - 180 * DAY_MS + (rng.unit() * 170.0 * DAY_MS as f64) as i64;
        let name = format!(
            "{} {}",
            TOPIC.get(rng.below(TOPIC.len())).unwrap_or(&"Follow-up"),
            n + 1
        );
        let mut names: Vec<&str> = member_ids.iter().map(|(_, name)| name.as_str()).collect();
        names.sort_unstable();
        let mut search = fold(&name);
        for m in &names {
            search.push('\n');
            search.push_str(&fold(m));
        }
        // Messages from the chat's creation up to about now, in order.
        let k = chat.messages as usize;
        let step = ((now - created) / (k as i64 + 1)).max(1);
        let mut at = created;
        let mut last_by: Option<&str> = None;
        for seq in 1..=k {
            at += 1 + (rng.unit() * 2.0 * step as f64) as i64 / 2 + step / 2;
            let at_now = at.min(now - 1);
            let sender = member_ids
                .get(rng.below(member_ids.len()))
                .map_or(creator.0.as_str(), |m| m.0.as_str());
            let text = sentence(rng);
            let message_id = tether_store::new_id();
            let terms = tether_domain::search::index_terms(&text);
            text_rows.push(if postgres {
                format!(
                    "({}, {}, to_tsvector('simple', {}))",
                    lit(&message_id),
                    lit(&chat.id),
                    lit(&terms)
                )
            } else {
                // As the store writes it: the terms and the chat's token.
                let indexed = format!("{terms} {}", tether_store::dialect::chat_token(&chat.id));
                format!(
                    "({}, {}, {})",
                    lit(&message_id),
                    lit(&chat.id),
                    lit(&indexed)
                )
            });
            message_rows.push(format!(
                "({}, {}, {seq}, 'text', {}, {}, {}, 'normal', NULL, {at_now}, NULL, NULL, NULL)",
                lit(&message_id),
                lit(&chat.id),
                lit(sender),
                lit(&text),
                lit(&format!("<p>{}</p>", escape_html(&text)))
            ));
            last_by = Some(sender);
            at = at_now;
        }
        let last_at = if k > 0 { Some(at) } else { None };
        chat_rows.push(format!(
            "({}, {}, {}, {}, NULL, NULL, {}, {created}, {k}, {}, {}, {})",
            lit(&chat.id),
            lit(ChatKind::Group.as_str()),
            lit(&name),
            lit(&search),
            lit(&creator.0),
            last_at.map_or_else(|| "NULL".into(), |t| t.to_string()),
            opt(last_by),
            last_at.unwrap_or(created)
        ));
        for (id, _) in &member_ids {
            member_rows.push(format!(
                "({}, {}, {created}, 0, {k}, {})",
                lit(&chat.id),
                lit(id),
                lit(&creator.0)
            ));
        }
        written += k;
        pb.inc(k as u64);
        if message_rows.statements.len() + chat_rows.statements.len() >= STATEMENTS_PER_TRANSACTION
        {
            flush(
                store,
                &mut [
                    &mut chat_rows,
                    &mut member_rows,
                    &mut message_rows,
                    &mut text_rows,
                ],
            )
            .await?;
        }
    }
    flush(
        store,
        &mut [
            &mut chat_rows,
            &mut member_rows,
            &mut message_rows,
            &mut text_rows,
        ],
    )
    .await?;
    pb.finish_and_clear();
    Ok(written)
}

/// Connects half of the chats to a case each, with the `chat_connection` timeline entry the
/// store writes for a connection (R15), where the schema has chat connections.
async fn connect_chats(
    store: &Store,
    rng: &mut Rng,
    users: &[(String, String)],
    chats: &[ChatEntry],
    cases: &[String],
) -> usize {
    if cases.is_empty() {
        return 0;
    }
    // Probe outside any transaction: a failed statement inside one would leave it open.
    if let Err(e) = store
        .execute_raw(
            "SELECT c.chat_id, a.chat_id FROM chat_connections c, activities a WHERE 1 = 0",
        )
        .await
    {
        tracing::info!(
            "chats are not connected to records in this data set (no chat connections in this schema): {e}"
        );
        return 0;
    }
    let now = tether_store::now_ms();
    let mut connections = Writer::new(
        "INSERT INTO chat_connections (chat_id, record_id, connected_by, connected_at)",
    );
    let mut timeline = Writer::new(
        "INSERT INTO activities (id, record_id, kind, subject, body, author_id, at, chat_id, data)",
    );
    let mut n = 0;
    for chat in chats.iter().step_by(2) {
        let (Some(case), Some(by)) = (
            cases.get(rng.skewed(cases.len())),
            chat.members.first().and_then(|&m| users.get(m as usize)),
        ) else {
            continue;
        };
        let at = now - rng.below(90) as i64 * DAY_MS - rng.below(86_400_000) as i64;
        connections.push(format!(
            "({}, {}, {}, {at})",
            lit(&chat.id),
            lit(case),
            lit(&by.0)
        ));
        timeline.push(format!(
            "({}, {}, 'chat_connection', 'Chat connected', NULL, {}, {at}, {}, NULL)",
            lit(&tether_store::new_id()),
            lit(case),
            lit(&by.0),
            lit(&chat.id)
        ));
        n += 1;
        if connections.statements.len() >= STATEMENTS_PER_TRANSACTION
            && let Err(e) = flush(store, &mut [&mut connections, &mut timeline]).await
        {
            tracing::warn!("could not connect chats to records: {e:#}");
            return 0;
        }
    }
    match flush(store, &mut [&mut connections, &mut timeline]).await {
        Ok(()) => n,
        Err(e) => {
            tracing::warn!("could not connect chats to records: {e:#}");
            0
        }
    }
}

/// A message: 6–23 words, most from a small everyday vocabulary, about one in five a specific
/// term (a product, a place, an error code) from a long tail where a few terms are common and
/// most are rare, as in real support talk.
fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(18);
    let mut s = String::new();
    for i in 0..n {
        let tail;
        let w = if rng.unit() < 0.2 {
            tail = specific_term(rng.skewed(SPECIFIC_TERMS));
            tail.as_str()
        } else {
            WORDS.get(rng.below(WORDS.len())).copied().unwrap_or("case")
        };
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

/// How many specific terms the long tail holds.
pub const SPECIFIC_TERMS: usize = 20_000;

/// The `i`-th specific term: a made-up word of three to four syllables ("kovadelu"), the same
/// for the same `i` everywhere.
pub fn specific_term(i: usize) -> String {
    const ON: &[&str] = &["k", "v", "d", "l", "m", "r", "s", "t", "n", "b", "g", "p"];
    const NUCLEUS: &[&str] = &["a", "e", "i", "o", "u", "ai"];
    let mut n = i;
    let mut w = String::new();
    for _ in 0..4 {
        w.push_str(ON.get(n % ON.len()).copied().unwrap_or("k"));
        n /= ON.len();
        w.push_str(NUCLEUS.get(n % NUCLEUS.len()).copied().unwrap_or("a"));
        n /= NUCLEUS.len();
    }
    w
}

/// What an agent searches for: a specific term, drawn the way terms occur in messages.
pub fn search_term(rng: &mut Rng) -> String {
    specific_term(rng.skewed(SPECIFIC_TERMS))
}

/// SplitMix64: small, fast, and fixed for a seed whatever the dependencies do.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// In 0..n, low values more likely.
    pub fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powf(1.6) * n as f64) as usize).min(n.saturating_sub(1))
    }
}

const FIRST: &[&str] = &[
    "Alex", "Sam", "Kim", "Robin", "Charlie", "Jules", "Nova", "Mika", "Tove", "Eli",
];
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
const WORDS: &[&str] = &[
    "customer",
    "invoice",
    "called",
    "again",
    "about",
    "the",
    "order",
    "refund",
    "please",
    "check",
    "history",
    "before",
    "noon",
    "router",
    "firmware",
    "update",
    "failed",
    "ticket",
    "escalate",
    "billing",
    "team",
    "can",
    "someone",
    "look",
    "at",
    "this",
    "case",
    "account",
    "contact",
    "replied",
    "email",
    "waiting",
    "for",
    "logs",
    "from",
    "site",
    "network",
    "outage",
    "resolved",
    "yesterday",
    "reopened",
    "today",
    "priority",
    "high",
    "urgent",
    "shipment",
    "delayed",
    "warehouse",
    "credit",
    "note",
    "issued",
    "thanks",
];

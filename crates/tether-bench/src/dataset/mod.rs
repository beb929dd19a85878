//! The large data set of the `panel` workload, generated fast and cached on disk.
//!
//! People, teams, accounts, contacts, knowledge articles and cases with their timelines come
//! from the demo generator ([`tether::demo`], bulk inserts), at the scale that gives about
//! `--records` records; extra agents bring the people up to `--users`. Group chats, their
//! members and their messages are written as multi-row `INSERT`s, 500 rows per statement and
//! a transaction once a table has eight waiting, because the store has no bulk path
//! for them yet (a `Store::bulk_insert_chats` would be the right home for this; see the
//! report). Half of the chats are connected to a case (with the timeline entry a connection
//! makes). Each message gets the search terms the store would index for it (`message_text`),
//! so message search has the whole data set to go through.
//!
//! The SQL text is built here from generated values only (ids, numbers, and words of a fixed
//! list or names from the database, quoted by [`sql::lit`]); nothing a user typed reaches it.
//!
//! Here: what a data set is ([`Sizes`], [`Manifest`]) and the order of its making; the people
//! who chat in `users`, the chats and their messages in `chats`, chat–case connections in
//! `connections`, the words of messages in `text`, bulk SQL in `sql`, caching in `cache`, a
//! run's database (cached copy or fresh) in `prepare`.

mod cache;
mod chats;
mod connections;
mod prepare;
mod rng;
mod sql;
mod text;
mod users;

pub use cache::{postgres_template, sqlite_cache_file};
pub use prepare::{Cache, prepare};
pub use rng::Rng;
pub use text::search_term;
pub use users::let_everyone_sign_in;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tether::demo::{DemoOptions, generate};
use tether_store::Store;

/// Bump when the generated data changes shape, so old caches are not reused.
const CACHE_VERSION: u32 = 6;
/// Records the demo generator makes per unit of scale (accounts, contacts, articles, cases).
const RECORDS_PER_SCALE: usize = 200 + 500 + 40 + 2000;
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
    /// Whether every record's similar records are ranked and kept, as a server's background
    /// task does in its first hour (R12). Without it (`--unranked`) the data set is quick to
    /// make, but its record types have similarity-based suggestions switched off (so that the
    /// measured server does not spend its run ranking): for workloads that do not measure
    /// suggested contacts.
    #[serde(default = "ranked_by_default")]
    pub ranked: bool,
}

fn ranked_by_default() -> bool {
    true
}

impl Sizes {
    /// A short name that changes with every size, the seed and the generator's version.
    pub fn key(&self) -> String {
        format!(
            "v{CACHE_VERSION}-{}-r{}-c{}-m{}-u{}-s{}{}",
            env!("CARGO_PKG_VERSION").replace('.', "_"),
            self.records,
            self.chats,
            self.messages,
            self.users,
            self.seed,
            if self.ranked { "" } else { "-unranked" }
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
    /// The report's line about the data set (`cached`: copied from the cache).
    pub fn row(&self, cached: bool) -> (String, String) {
        (
            "data set".into(),
            format!(
                "{} records, {} activities, {} chats, {} messages, {} users, {} chat–record connections ({})",
                self.records_written,
                self.activities_written,
                self.chats.len(),
                self.messages_written,
                self.users.len(),
                self.connections_written,
                if cached {
                    "from the cache".to_owned()
                } else {
                    format!("generated in {} s", self.generated_in_s)
                }
            ),
        )
    }

    /// The same for the JSON result.
    pub fn summary(&self, cached: bool) -> serde_json::Value {
        serde_json::json!({
            "records": self.records_written,
            "activities": self.activities_written,
            "chats": self.chats.len(),
            "messages": self.messages_written,
            "users": self.users.len(),
            "connections": self.connections_written,
            "cached": cached,
            "generated_in_s": self.generated_in_s,
        })
    }
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
            now: tether_store::now_ms(),
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

    let users = users::chat_members(store, sizes.users).await?;
    let chats = chats::plan(&mut rng, sizes, users.len());
    let messages_written = chats::write(store, &mut rng, &users, &chats).await?;
    let connections_written = connections::connect(store, &mut rng, &users, &chats, &cases).await;
    if sizes.ranked {
        rank_every_record(store).await?;
    } else {
        no_similarity(store).await?;
    }
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

/// What a server's background task does in its first minutes: every record's similar resolved
/// records ranked and kept (suggested contacts read them with one lookup), here on every core.
async fn rank_every_record(store: &Store) -> Result<()> {
    let ranking = std::time::Instant::now();
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    tether_server::app::similar::warm(store, 0, cores, false)
        .await
        .context("ranking similar records failed")?;
    eprintln!(
        "similar records ranked and kept for every record in {:.1} s",
        ranking.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Switches similarity-based suggestions off for every record type, so that a server over an
/// unranked data set has nothing to rank.
async fn no_similarity(store: &Store) -> Result<()> {
    for t in store.record_types().await? {
        let mut settings = t.settings.clone();
        settings.suggestions.similarity_based = false;
        store
            .set_record_type_settings(&t.def.name, &settings, None)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unranked_data_set_is_cached_apart_from_the_ranked_one() {
        let ranked = Sizes {
            records: 100,
            chats: 10,
            messages: 1000,
            users: 20,
            seed: 7,
            ranked: true,
        };
        let unranked = Sizes {
            ranked: false,
            ..ranked.clone()
        };
        assert_ne!(ranked.key(), unranked.key());
        assert!(unranked.key().ends_with("_unranked"));
        // Manifests written before the flag existed were of ranked data sets.
        let old = r#"{"records":100,"chats":10,"messages":1000,"users":20,"seed":7}"#;
        assert_eq!(serde_json::from_str::<Sizes>(old).ok(), Some(ranked));
    }
}

//! The demo data set: the counts the CLI promises, cases tied to their account and contact,
//! owner history, and topic experts who resolve their topics' cases (what the similarity
//! suggestions rely on). Runs on SQLite, and on PostgreSQL as well (the bulk writes are
//! written once for both).

mod checks;

use checks::{check_conversations, check_demo, titles};
use std::time::Instant;
use tether::demo::{DemoOptions, generate};
use tether_store::{ConnectOptions, Store};

/// A fresh SQLite file in its own directory, removed afterwards.
struct SqliteDb(std::path::PathBuf);

impl SqliteDb {
    fn new() -> SqliteDb {
        SqliteDb(std::env::temp_dir().join(format!("tether-demo-{}", tether_store::new_id())))
    }
    fn url(&self) -> String {
        format!("sqlite://{}", self.0.join("tether.db").display())
    }
}

impl Drop for SqliteDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn prepared(url: &str) -> Store {
    let store = Store::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    store.prepare().await.unwrap();
    store
}

fn options(seed: u64) -> DemoOptions {
    DemoOptions {
        scale: 1,
        // The store keeps whatever hash it is given; hashing is the caller's business.
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$not-a-real-salt$not-a-real-hash".into(),
        seed,
        now: afternoon(),
    }
}

/// Two in the afternoon (UTC) of the last working day up to now. Cases arrive in working
/// hours and the newest are still open, so at this time of day the data set depends on the
/// exact moment it ends at; runs compared with each other share it. (Generated at night, as
/// most runs on this machine were, the dependence never showed.)
fn afternoon() -> i64 {
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;
    let now = tether_store::now_ms();
    let mut at = now.div_euclid(DAY) * DAY + 14 * HOUR;
    // 1 January 1970 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
    while at > now || (at.div_euclid(DAY) + 3).rem_euclid(7) >= 5 {
        at -= DAY;
    }
    at
}

#[tokio::test]
async fn demo_on_sqlite_is_complete_and_experts_resolve_their_topics() {
    let db = SqliteDb::new();
    let store = prepared(&db.url()).await;
    let started = Instant::now();
    let seven = options(7);
    let summary = generate(&store, &seven).await.unwrap();
    eprintln!("demo generated on SQLite in {:?}", started.elapsed());
    check_demo(&store, &summary).await;

    // Same seed at the same moment, same data set.
    let again = SqliteDb::new();
    let store2 = prepared(&again.url()).await;
    let summary2 = generate(&store2, &seven).await.unwrap();
    assert_eq!(
        titles(&store, &summary).await,
        titles(&store2, &summary2).await
    );
    assert_eq!(summary.resolved_cases, summary2.resolved_cases);
    assert_eq!(summary.activities, summary2.activities);
    let other = SqliteDb::new();
    let store3 = prepared(&other.url()).await;
    let summary3 = generate(&store3, &options(8)).await.unwrap();
    assert_ne!(
        titles(&store, &summary).await,
        titles(&store3, &summary3).await
    );
}

/// A fresh PostgreSQL database on the local server, dropped afterwards (even after a panic).
struct PostgresDb {
    admin_url: String,
    name: String,
}

impl PostgresDb {
    async fn new() -> PostgresDb {
        let admin_url = std::env::var("TETHER_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("tether_demo_{}", tether_store::new_id());
        let admin = Store::connect(&admin_url, &ConnectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for tests: {e}"));
        admin
            .execute_raw(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await;
        PostgresDb { admin_url, name }
    }
    fn url(&self) -> String {
        let (base, _) = self.admin_url.rsplit_once('/').unwrap();
        format!("{base}/{}", self.name)
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which may not block: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = Store::connect(&admin_url, &ConnectOptions::default()).await {
                    let _ = admin
                        .execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

#[tokio::test]
async fn demo_on_postgres_is_complete() {
    let db = PostgresDb::new().await;
    let store = prepared(&db.url()).await;
    let started = Instant::now();
    let summary = generate(&store, &options(11)).await.unwrap();
    eprintln!("demo generated on PostgreSQL in {:?}", started.elapsed());
    check_demo(&store, &summary).await;
    store.close().await;
}

/// Scale multiplies every count. Ignored by default (it takes a few seconds in a debug build);
/// `cargo test -p tether --test it demo_data -- --ignored` runs it.
#[tokio::test]
#[ignore]
async fn demo_at_scale_ten() {
    let db = SqliteDb::new();
    let store = prepared(&db.url()).await;
    let started = Instant::now();
    let summary = generate(
        &store,
        &DemoOptions {
            scale: 10,
            ..options(5)
        },
    )
    .await
    .unwrap();
    eprintln!(
        "demo at scale 10 generated on SQLite in {:?}",
        started.elapsed()
    );
    assert_eq!(summary.users, 300);
    assert_eq!(store.count_records("account").await.unwrap(), 2000);
    assert_eq!(store.count_records("contact").await.unwrap(), 5000);
    assert_eq!(store.count_records("knowledge_article").await.unwrap(), 400);
    assert_eq!(store.count_records("case").await.unwrap(), 20_000);
    assert_eq!(store.list_teams().await.unwrap().len(), 5);
    for topic in &summary.topics {
        assert!((20..=30).contains(&topic.experts.len()), "{}", topic.key);
    }
    check_conversations(&store, &summary, 10).await;
}

/// Above scale 1 (the issue's `--scale 5` made none) the demo has chats, channels and
/// messages too, in proportion to the scale.
#[tokio::test]
async fn demo_at_scale_two_has_chats_channels_and_messages() {
    let db = SqliteDb::new();
    let store = prepared(&db.url()).await;
    let one = generate(&store, &options(3)).await.unwrap();
    let db2 = SqliteDb::new();
    let store2 = prepared(&db2.url()).await;
    let two = generate(
        &store2,
        &DemoOptions {
            scale: 2,
            ..options(3)
        },
    )
    .await
    .unwrap();
    check_conversations(&store2, &two, 2).await;
    assert_eq!(two.channels, one.channels, "one per team and one per topic");
    // Chats are about the cases still open when the demo is made, and which cases are open
    // depends on the time of day (cases arrive in working hours): the ratio varies with the
    // clock (1.44 seen at 09:00 UTC, above 1.6 at other times), so only clear growth is asked.
    assert!(
        two.chats as f64 >= 1.25 * one.chats as f64,
        "chats {} at scale 2, {} at scale 1",
        two.chats,
        one.chats
    );
    assert!(
        two.messages as f64 >= 1.25 * one.messages as f64,
        "messages {} at scale 2, {} at scale 1",
        two.messages,
        one.messages
    );
}

//! The database as a whole: seeding, both backends' schemas, SQLite's durability setting.

use tether_store::test_support::TestDb;
use tether_store::{Backend, Store};

both_backends!(empty_database_is_seeded);

async fn empty_database_is_seeded(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    assert_eq!(s.backend(), b);
    let names: Vec<String> = s
        .record_types()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.def.name)
        .collect();
    assert_eq!(
        names,
        [
            "case",
            "account",
            "contact",
            "knowledge_article",
            "email",
            "conversation"
        ]
    );
    let roles: Vec<String> = s
        .list_roles()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert!(roles.contains(&"administrator".to_owned()) && roles.contains(&"agent".to_owned()));
    assert!(
        !s.global_settings().await.unwrap().collaboration_enabled,
        "R1: off on a new installation"
    );
    // Preparing again (a restart) changes nothing.
    s.prepare().await.unwrap();
    assert_eq!(s.record_types().await.unwrap().len(), 6);
    s.ping().await.unwrap();
}

/// Both migration folders must describe the same tables and columns.
#[tokio::test]
async fn sqlite_and_postgres_schemas_agree() {
    let lite = TestDb::sqlite();
    let pg = TestDb::postgres().await;
    let lite_cols = lite.store().await.schema_columns().await.unwrap();
    let pg_cols = pg.store().await.schema_columns().await.unwrap();
    assert!(!lite_cols.is_empty());
    assert_eq!(lite_cols, pg_cols);
}

/// `--durability full`: SQLite connections use `synchronous=FULL`; the default is NORMAL.
#[tokio::test]
async fn durable_sqlite_uses_synchronous_full() {
    let db = TestDb::sqlite();
    let normal = Store::connect(&db.url, &tether_store::ConnectOptions::default())
        .await
        .unwrap();
    assert_eq!(normal.sqlite_synchronous().await.unwrap(), Some(1));
    normal.close().await;
    let full = Store::connect(
        &db.url,
        &tether_store::ConnectOptions {
            durable: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(full.sqlite_synchronous().await.unwrap(), Some(2));
}

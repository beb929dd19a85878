//! `/healthz` tells the truth (issue 15): it answers 503, naming what is down, when the event
//! bus is unreachable or the database file is damaged, and a database locked by another process
//! is named at start. (Failing writes on a full disk: `disk_full.rs`.)

use crate::support::{Server, TempDir, free_port, http, prepare, tether};
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};
use std::io::{Seek, SeekFrom, Write};
use std::str::FromStr;
use std::time::Duration;

async fn healthz(server: &Server) -> (u16, Value) {
    let res = http()
        .get(format!("http://{}/healthz", server.addr))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let retry_after = res.headers().contains_key("retry-after");
    let body: Value = res.json().await.unwrap();
    if status == 503 {
        assert!(retry_after, "a 503 says when to try again: {body}");
    }
    (status, body)
}

#[tokio::test]
async fn an_unreachable_event_bus_makes_healthz_503_naming_it() {
    let dir = TempDir::new("health-nats");
    let db = format!("sqlite://{}", dir.0.join("tether.db").display());
    // Nobody listens on this port: the node starts (NATS may come later) but is not healthy.
    let nats = format!("nats://127.0.0.1:{}", free_port());
    let server = Server::start_answering("node", &db, &dir.0, &["--nats", &nats]).await;
    let (status, body) = healthz(&server).await;
    assert_eq!(status, 503, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("event bus"), "{detail}");
    assert!(
        !detail.contains("database:"),
        "the database is fine: {detail}"
    );
    assert_eq!(body["checks"]["database"], "ok", "{body}");
    assert_eq!(body["checks"]["writes"], "ok", "{body}");
}

#[tokio::test]
async fn a_damaged_database_file_makes_healthz_503() {
    let dir = TempDir::new("health-corrupt");
    let path = dir.0.join("tether.db");
    let db = format!("sqlite://{}", path.display());
    prepare(&db, 1).await;
    // Find the first page of the messages table and overwrite it with garbage: the server
    // starts (it reads no message at start) but cannot read the table.
    let mut conn = SqliteConnectOptions::from_str(&db)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let (root,): (i64,) = sqlx::query_as(
        "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'messages'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let (page_size,): (i64,) = sqlx::query_as("PRAGMA page_size")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(
        u64::try_from((root - 1) * page_size).unwrap(),
    ))
    .unwrap();
    file.write_all(&vec![0xA5; usize::try_from(page_size).unwrap()])
        .unwrap();
    file.sync_all().unwrap();
    drop(file);

    let server = Server::start_answering("damaged", &db, &dir.0, &[]).await;
    let (status, body) = healthz(&server).await;
    assert_eq!(status, 503, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("database"), "{detail}");
    assert!(detail.contains("malformed"), "SQLite's own words: {detail}");
}

#[tokio::test]
async fn a_database_locked_by_another_process_is_named_at_start() {
    let dir = TempDir::new("health-locked");
    let path = dir.0.join("tether.db");
    let db = format!("sqlite://{}", path.display());
    prepare(&db, 1).await;
    // Another process holds the write lock (here: a connection of this test).
    let mut holder = SqliteConnectOptions::from_str(&db)
        .unwrap()
        .connect()
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN EXCLUSIVE")
        .execute(&mut holder)
        .await
        .unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tether()
            .args(["serve", "--database", &db, "--listen"])
            .arg(format!("127.0.0.1:{}", free_port()))
            .arg("--data-dir")
            .arg(dir.0.join("data"))
            .output(),
    )
    .await
    .expect("serve gives up on a locked database")
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "serve must not start: {stderr}");
    assert!(
        stderr.contains("is locked by another process")
            && stderr.contains(&path.display().to_string()),
        "the reason names the lock and the file: {stderr}"
    );
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
}

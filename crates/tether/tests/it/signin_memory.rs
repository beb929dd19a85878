//! Sign-ins do not balloon the server's memory (issue 15, item 7): Argon2 needs 19 MiB per
//! password check, and a server that allocated those buffers per request kept them in the C
//! allocator's arenas for good (867 MB after 200 sign-ins). The real binary signs in 500
//! times, four at a time, and its resident memory must stay within a stated bound.

use crate::support::{Server, TempDir, tether};
use serde_json::{Value, json};
use std::time::Duration;

const PASSWORD: &str = "a long passphrase";
/// Resident memory the server may hold after 500 sign-ins (docs/deploy.md states it).
const BOUND_MIB: u64 = 160;

fn vm_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024
}

async fn login(http: &reqwest::Client, server: &Server, email: &str) -> Value {
    let res = http
        .post(server.url("/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "sign-in of {email}");
    res.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_sign_ins_keep_memory_bounded() {
    let dir = TempDir::new("signin-memory");
    let db = format!("sqlite://{}", dir.0.join("t.db").display());
    let o = tether()
        .args(["admin", "create-user", "--database", &db])
        .args(["--email", "admin@example.com", "--name", "Ada Admin"])
        .args(["--password", PASSWORD, "--role", "administrator"])
        .output()
        .await
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let server = Server::start("signin-memory", &db, &dir.0, &[]).await;
    let pid = server.pid().unwrap();
    let http = reqwest::Client::new();
    let admin = login(&http, &server, "admin@example.com").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = vm_rss_mib(pid);

    // 50 users, created four at a time (each creation hashes a password too).
    let users: Vec<String> = (0..50).map(|i| format!("user{i}@example.com")).collect();
    for chunk in users.chunks(4) {
        let creations = chunk.iter().map(|email| {
            let (http, admin, url) = (&http, &admin, server.url("/users"));
            async move {
                let res = http
                    .post(url)
                    .bearer_auth(admin)
                    .json(&json!({"name": "Load User", "email": email, "password": PASSWORD, "roles": ["agent"]}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
            }
        });
        futures_util::future::join_all(creations).await;
    }
    // 500 sign-ins, four at a time.
    let mut peak = 0;
    for round in 0..125 {
        let logins = (0..4).map(|k| login(&http, &server, &users[(round * 4 + k) % users.len()]));
        futures_util::future::join_all(logins).await;
        peak = peak.max(vm_rss_mib(pid));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = vm_rss_mib(pid);
    eprintln!(
        "RSS: {before} MiB before, {peak} MiB at most during, {after} MiB after 500 sign-ins"
    );
    assert!(
        after <= BOUND_MIB && peak <= BOUND_MIB,
        "after 500 sign-ins the server holds {after} MiB (peak {peak} MiB); the bound is {BOUND_MIB} MiB"
    );
}

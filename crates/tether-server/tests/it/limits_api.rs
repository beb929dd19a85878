//! Limits and fairness (issue 10): per-user rate limits on sending and on expensive reads, on
//! both backends (in memory on single-node SQLite, in the shared database on PostgreSQL).

use crate::common;
use crate::common::spawn_app_with;
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(rate_limits_answer_429_with_retry_after_per_user_and_kind);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn rate_limits_answer_429_with_retry_after_per_user_and_kind(b: Backend) {
    let app = spawn_app_with(b, |c| {
        c.limits.sends = 5;
        c.limits.searches = 3;
    })
    .await;
    let admin = app.enable_collaboration().await;
    let (_, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let chat = id(&app
        .post("/chats", &alice, json!({"member_ids": [bo_id]}))
        .await
        .expect(201)
        .body);
    let path = format!("/chats/{chat}/messages");
    for i in 0..5 {
        app.post(&path, &alice, json!({"body": format!("message {i}")}))
            .await
            .expect(201);
    }
    let refused = app
        .post(&path, &alice, json!({"body": "one too many"}))
        .await
        .problem(429, "limit of 5 messages a minute");
    let retry: u64 = refused
        .headers
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Nothing of the refused message was stored.
    let page = app.get(&path, &bo).await.expect(200).body;
    let texts: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert!(!texts.contains(&"one too many"));
    assert_eq!(
        texts.iter().filter(|t| t.starts_with("message ")).count(),
        5
    );
    // The limit is Alice's: Bo still sends. Reads are not sends: Alice still reads.
    app.post(&path, &bo, json!({"body": "my turn"}))
        .await
        .expect(201);
    app.get(&path, &alice).await.expect(200);

    // Searches have their own count.
    for _ in 0..3 {
        app.get("/search?q=message", &alice).await.expect(200);
    }
    app.get("/search?q=message", &alice)
        .await
        .problem(429, "searches");
    app.get("/search?q=message", &bo).await.expect(200);
}

/// A request that outlives the timeout gets a problem document a person can act on, and the
/// server keeps serving. The slow request announces a body it never finishes sending, so it
/// outlives any timeout; a zero timeout would race the clock (tokio's timer ticks in whole
/// milliseconds, and a fast enough request finishes first).
#[tokio::test]
async fn a_request_past_its_timeout_gets_a_503_problem() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.request_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    // A session straight in the store: signing in (Argon2 in a debug build) may itself take
    // longer than the limit.
    let user = app
        .store
        .user_credentials(common::ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let token = tether_server::auth::new_token();
    app.store
        .create_session(
            &tether_server::auth::token_hash(&token),
            &user.id,
            "csrf",
            tether_store::now_ms() + 60_000,
        )
        .await
        .unwrap();
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/chats HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"kind\":",
        app.addr
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("try again") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), slow.read(&mut buf))
            .await
            .expect("the server answers within its timeout")
            .unwrap();
        assert!(
            n > 0,
            "closed without an answer: {}",
            String::from_utf8_lossy(&answer)
        );
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("took longer than 0.3 s"), "{answer}");
    for _ in 0..3 {
        let me = app.get("/me", &token).await.expect(200);
        assert_eq!(me.body["email"], common::ADMIN_EMAIL);
    }
}

fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap()
}

/// Bounded memory under a flood: 20 members whose sockets never read, one that reads, and
/// 1,000 messages of 20 KB sent into their chat as fast as the server takes them. The slow
/// sockets' queues are bounded (256 events, shared payloads; then `resync`), so this test
/// process — server and clients — grows by less than 100 MiB, the reader gets every message or
/// a resync, and the server answers as before.
#[tokio::test]
async fn a_flood_into_one_chat_keeps_memory_bounded() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.limits.sends = 0).await;
    let admin = app.enable_collaboration().await;
    let (_, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let mut slow_ids = Vec::new();
    let mut slow_tokens = Vec::new();
    for i in 0..20 {
        let (uid, token) = app
            .user(
                &admin,
                &format!("slow{i}@example.com"),
                &format!("Slow {i}"),
                &["agent"],
                &[],
            )
            .await;
        slow_ids.push(uid);
        slow_tokens.push(token);
    }
    let mut members = slow_ids.clone();
    members.push(bo_id);
    let chat = id(&app
        .post(
            "/chats",
            &alice,
            json!({"member_ids": members, "name": "Flood"}),
        )
        .await
        .expect(201)
        .body);
    // Sockets that never read, with small receive buffers so the server's queue fills.
    let mut slow = Vec::new();
    for token in &slow_tokens {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_recv_buffer_size(2048).unwrap();
        let stream = sock.connect(app.addr).await.unwrap();
        let (ws, _) = tokio_tungstenite::client_async(
            format!("ws://{}/api/v1/events?token={token}", app.addr),
            stream,
        )
        .await
        .unwrap();
        slow.push(ws);
    }
    let mut reader = app.events(&bo).await;
    let path = format!("/chats/{chat}/messages");
    let body = "x".repeat(20_000);
    for i in 0..20 {
        app.post(
            &path,
            &alice,
            json!({"body": format!("warm-up {i} {body}")}),
        )
        .await
        .expect(201);
    }
    while reader
        .next(std::time::Duration::from_millis(300))
        .await
        .is_some()
    {}
    let before = rss_kib("VmRSS:");
    // The highest resident size while the flood runs, sampled (VmHWM would include the
    // password hashing of the set-up).
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        while !*stop_rx.borrow() {
            peak = peak.max(rss_kib("VmRSS:"));
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        peak.max(rss_kib("VmRSS:"))
    });

    const FLOOD: usize = 1000;
    let counting = tokio::spawn(async move {
        let (mut messages, mut resyncs) = (0usize, 0usize);
        while let Some(e) = reader.next(std::time::Duration::from_secs(5)).await {
            match e["type"].as_str() {
                Some("message.created") => messages += 1,
                Some("resync") => resyncs += 1,
                _ => {}
            }
            if messages >= FLOOD {
                break;
            }
        }
        (messages, resyncs)
    });
    let senders: Vec<_> = (0..4)
        .map(|s| {
            let (http, url, token, body) = (
                app.http.clone(),
                app.url(&path),
                alice.clone(),
                body.clone(),
            );
            tokio::spawn(async move {
                for i in (s..FLOOD).step_by(4) {
                    let res = http
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"body": format!("flood {i} {body}")}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status().as_u16(), 201);
                }
            })
        })
        .collect();
    for s in senders {
        s.await.unwrap();
    }
    let (messages, resyncs) = counting.await.unwrap();
    stop_tx.send(true).unwrap();
    let peak = sampler.await.unwrap();
    let grown_mib = peak.saturating_sub(before) / 1024;
    eprintln!(
        "flood: {FLOOD} messages of 20 KB to 22 members (20 never reading): RSS {} MiB before, \
         peak {} MiB (+{grown_mib} MiB); the reader got {messages} messages and {resyncs} resyncs",
        before / 1024,
        peak / 1024
    );
    assert!(
        messages >= FLOOD || resyncs > 0,
        "the reader got every message or was told to resync ({messages}, {resyncs})"
    );
    assert!(
        grown_mib < 100,
        "memory grew by {grown_mib} MiB under the flood"
    );
    // The server serves as before.
    app.get(&path, &bo).await.expect(200);
    drop(slow);
}

//! Attachments under abuse (issue 15): downloads are streamed (memory stays flat however many
//! run at once) and rate limited; an upload declared too large is refused before its body is
//! read; each user's unsent uploads are bounded; uploads left unsent are purged after the TTL
//! and a deleted message's files go with it, from the database and from the disk. Both
//! backends.

use crate::common;
use crate::common::{TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::time::Duration;
use tether_store::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

both_backends!(
    downloads_are_streamed_whole_with_flat_memory,
    downloads_past_the_limit_get_429_with_retry_after,
    an_upload_declared_over_the_limit_is_refused_before_its_body,
    large_uploads_keep_their_bytes_and_type,
    each_users_unsent_uploads_are_bounded,
    unsent_uploads_are_purged_after_the_ttl_and_sent_ones_stay,
    deleting_a_message_deletes_its_files,
);

const MIB: usize = 1024 * 1024;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Uploads `bytes` as `name`; the response.
async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> common::Res {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    common::read(
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Where the server keeps an attachment's bytes.
fn on_disk(app: &TestApp, attachment_id: &str) -> std::path::PathBuf {
    app.data_dir.join("attachments").join(attachment_id)
}

/// `len` bytes that differ from place to place, so a misplaced chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// This process's resident memory in KiB (the server runs inside the test process).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Alice and Bo (agents) in a chat, collaboration on: (app, alice, bo, chat id).
async fn two_in_a_chat(app: &TestApp) -> (String, String, String) {
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
    (alice, bo, chat)
}

/// 20 members download one 25 MiB file at once: every byte arrives in order, and this
/// process's resident memory grows by far less than one copy per download (it grew by about
/// 25 MiB per download when each was read whole into memory).
async fn downloads_are_streamed_whole_with_flat_memory(b: Backend) {
    const DOWNLOADS: usize = 20;
    /// Growth allowed while they run: under 4 copies of the file, where 20 were held before.
    const BOUND_KIB: u64 = 100 * 1024;
    let app = spawn_app_with(b, |_| {}).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let file = pattern(25 * MIB);
    let up = upload(&app, &alice, "big.bin", file.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(up["size"], json!(25 * MIB));
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "", "attachment_ids": [id(&up)]}),
    )
    .await
    .expect(201);
    let path = format!("/attachments/{}", id(&up));

    // Sample resident memory every few milliseconds while the downloads run.
    let before = rss_kib();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib());
                std::thread::sleep(Duration::from_millis(5));
            }
            peak
        })
    };
    let downloads = (0..DOWNLOADS).map(|_| {
        let req = app.http.get(app.url(&path)).bearer_auth(&bo).send();
        let file = &file;
        async move {
            let mut res = req.await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()["content-length"],
                (25 * MIB).to_string().as_str()
            );
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            let mut at = 0;
            while let Some(chunk) = res.chunk().await.unwrap() {
                assert!(
                    file.get(at..at + chunk.len()) == Some(&chunk[..]),
                    "bytes {at}..{} differ from the upload",
                    at + chunk.len()
                );
                at += chunk.len();
            }
            assert_eq!(at, file.len(), "the whole file arrived");
        }
    });
    futures_util::future::join_all(downloads).await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    let grew = peak.saturating_sub(before);
    eprintln!(
        "{DOWNLOADS} concurrent downloads of 25 MiB: resident memory grew by {} MiB",
        grew / 1024
    );
    assert!(
        grew < BOUND_KIB,
        "{DOWNLOADS} concurrent downloads of 25 MiB grew resident memory by {} MiB (bound {} MiB)",
        grew / 1024,
        BOUND_KIB / 1024
    );
}

async fn downloads_past_the_limit_get_429_with_retry_after(b: Backend) {
    let app = spawn_app_with(b, |c| c.limits.downloads = 3).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let up = upload(&app, &alice, "notes.txt", b"minutes".to_vec())
        .await
        .expect(201)
        .body;
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "", "attachment_ids": [id(&up)]}),
    )
    .await
    .expect(201);
    let path = format!("/attachments/{}", id(&up));
    for _ in 0..3 {
        let res = app.get(&path, &bo).await.expect(200);
        assert_eq!(res.text, "minutes");
    }
    let refused = app
        .get(&path, &bo)
        .await
        .problem(429, "limit of 3 downloads a minute");
    let retry: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Missing files count too: probing ids is no way around the limit.
    app.get("/attachments/0123456789abcdef", &bo)
        .await
        .expect(429);
    // The limit is Bo's: Alice still downloads.
    app.get(&path, &alice).await.expect(200);
}

/// Sends the head of an upload whose `Content-Length` is `declared` bytes and no body; the
/// answer, which must arrive within 5 s without the body.
async fn declare_upload(app: &TestApp, token: &str, declared: usize) -> String {
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/attachments HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {declared}\r\n\r\n",
        app.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let n = tokio::time::timeout_at(deadline, s.read(&mut buf))
            .await
            .expect("an answer within 5 s, without sending the body")
            .unwrap();
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if n == 0 || text.contains("\"detail\"") && text.ends_with('}') {
            return text.into_owned();
        }
    }
}

async fn an_upload_declared_over_the_limit_is_refused_before_its_body(b: Backend) {
    let app = spawn_app_with(b, |c| c.max_attachment_bytes = MIB).await;
    let (alice, _, _) = two_in_a_chat(&app).await;
    let answer = declare_upload(&app, &alice, 1024 * MIB).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("larger than 1 MiB"), "{answer}");
    // Nothing was stored.
    let alice_id = user_id(&app, &alice).await;
    assert_eq!(
        app.store.unsent_attachment_bytes(&alice_id).await.unwrap(),
        0
    );
    let stored = std::fs::read_dir(app.data_dir.join("attachments"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0, "no file on disk");
    // A file under the limit still goes up.
    upload(&app, &alice, "small.txt", vec![b'a'; MIB - 1])
        .await
        .expect(201);
    // One without a declared length is cut off at the limit as it arrives.
    let part = reqwest::multipart::Part::stream(reqwest::Body::from(vec![b'a'; 2 * MIB]))
        .file_name("big.txt");
    let res = common::read(
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(&alice)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap(),
    )
    .await;
    res.problem(413, "larger than 1 MiB");
}

/// A file written in many parts keeps its bytes, and its type is still read from the bytes:
/// text whose characters straddle the parts is text; one bad byte at the end makes it binary;
/// a PNG signature makes it an image.
async fn large_uploads_keep_their_bytes_and_type(b: Backend) {
    let app = spawn_app_with(b, |_| {}).await;
    let (alice, _, _) = two_in_a_chat(&app).await;
    let text: Vec<u8> = "Grüße, 😀 €! ".repeat(300_000).into_bytes();
    assert!(text.len() > 5 * MIB);
    let up = upload(&app, &alice, "long.txt", text.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(up["content_type"], "text/plain");
    assert_eq!(up["size"], json!(text.len()));
    let got = app
        .http
        .get(app.url(&format!("/attachments/{}", id(&up))))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        got.as_ref() == text.as_slice(),
        "the bytes come back unchanged"
    );
    assert_eq!(
        std::fs::metadata(on_disk(&app, &id(&up))).unwrap().len(),
        text.len() as u64
    );

    let mut broken = text.clone();
    broken.push(0xFF);
    let up = upload(&app, &alice, "long.txt", broken)
        .await
        .expect(201)
        .body;
    assert_eq!(up["content_type"], "application/octet-stream");

    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend(pattern(3 * MIB));
    let up = upload(&app, &alice, "shot.png", png).await.expect(201).body;
    assert_eq!(up["content_type"], "image/png");
    assert_eq!(up["inline"], json!(true));
}

async fn each_users_unsent_uploads_are_bounded(b: Backend) {
    let app = spawn_app_with(b, |c| c.max_unsent_upload_bytes = 2 * MIB).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let first = upload(&app, &alice, "one.bin", pattern(MIB))
        .await
        .expect(201)
        .body;
    // 1 MiB waits; 1.5 more would pass the 2 MiB bound.
    let refused = upload(&app, &alice, "two.bin", pattern(MIB + MIB / 2))
        .await
        .problem(413, "take 1.0 MiB of the 2.0 MiB allowed");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("send them in a message") && detail.contains("removed 24 h after upload"),
        "{detail}"
    );
    // Declared too large for the room left: refused before the body is read.
    let answer = declare_upload(&app, &alice, MIB + MIB / 2).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("2.0 MiB allowed"), "{answer}");
    // A refused upload leaves nothing behind.
    let files = std::fs::read_dir(app.data_dir.join("attachments"))
        .unwrap()
        .count();
    assert_eq!(files, 1, "only the first file is on disk");
    // The bound is Alice's: Bo uploads.
    upload(&app, &bo, "bos.bin", pattern(MIB + MIB / 2))
        .await
        .expect(201);
    // Sending the first file frees its room.
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "", "attachment_ids": [id(&first)]}),
    )
    .await
    .expect(201);
    upload(&app, &alice, "two.bin", pattern(MIB + MIB / 2))
        .await
        .expect(201);

    // Concurrent uploads cannot pass the bound together: of four files of just under 1 MiB
    // sent at once, each checked against an empty bound of 2 MiB, two are stored.
    let app = spawn_app_with(b, |c| c.max_unsent_upload_bytes = 2 * MIB).await;
    let (alice, _, _) = two_in_a_chat(&app).await;
    let all = futures_util::future::join_all(
        (0..4).map(|i| upload(&app, &alice, "part.bin", pattern(MIB - i))),
    )
    .await;
    let stored = all.iter().filter(|r| r.status == 201).count();
    assert!(
        all.iter().all(|r| r.status == 201 || r.status == 413),
        "{:?}",
        all.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(stored, 2, "{stored} of 4 stored");
    assert!(
        app.store
            .unsent_attachment_bytes(&user_id(&app, &alice).await)
            .await
            .unwrap()
            <= 2 * MIB as i64
    );
}

async fn user_id(app: &TestApp, token: &str) -> String {
    id(&app.get("/me", token).await.expect(200).body)
}

async fn unsent_uploads_are_purged_after_the_ttl_and_sent_ones_stay(b: Backend) {
    let app = spawn_app_with(b, |c| c.unsent_upload_ttl = Duration::from_secs(2)).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let unsent = id(&upload(&app, &alice, "draft.txt", b"never sent".to_vec())
        .await
        .expect(201)
        .body);
    let sent = id(&upload(&app, &alice, "kept.txt", b"sent and kept".to_vec())
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "here", "attachment_ids": [sent]}),
    )
    .await
    .expect(201);
    assert!(on_disk(&app, &unsent).exists());
    // Until the TTL has passed, the uploader still has it.
    app.get(&format!("/attachments/{unsent}"), &alice)
        .await
        .expect(200);

    // The purge runs every second with a 2 s TTL.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while on_disk(&app, &unsent).exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "an upload unsent for 20 s is still on disk with a TTL of 2 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.get(&format!("/attachments/{unsent}"), &alice)
        .await
        .problem(404, "attachment");
    app.post(
        &format!("/chats/{chat}/messages"),
        &alice,
        json!({"body": "late", "attachment_ids": [unsent]}),
    )
    .await
    .problem(422, "attachment");
    // The row is gone too (it is not waiting for removal, nor counted as unsent).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !app
        .store
        .discarded_attachments(100)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(tokio::time::Instant::now() < deadline, "rows still waiting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let alice_id = user_id(&app, &alice).await;
    assert_eq!(
        app.store.unsent_attachment_bytes(&alice_id).await.unwrap(),
        0
    );
    // The sent file, older than the TTL too, stays.
    assert!(on_disk(&app, &sent).exists());
    let res = app
        .get(&format!("/attachments/{sent}"), &bo)
        .await
        .expect(200);
    assert_eq!(res.text, "sent and kept");
}

async fn deleting_a_message_deletes_its_files(b: Backend) {
    let app = spawn_app_with(b, |_| {}).await;
    let (alice, bo, chat) = two_in_a_chat(&app).await;
    let a = id(&upload(&app, &alice, "a.txt", b"first".to_vec())
        .await
        .expect(201)
        .body);
    let c = id(&upload(&app, &alice, "c.txt", b"second".to_vec())
        .await
        .expect(201)
        .body);
    let other = id(&upload(&app, &alice, "other.txt", b"other".to_vec())
        .await
        .expect(201)
        .body);
    let m = id(&app
        .post(
            &format!("/chats/{chat}/messages"),
            &alice,
            json!({"body": "two files", "attachment_ids": [a, c]}),
        )
        .await
        .expect(201)
        .body);
    let kept = id(&app
        .post(
            &format!("/chats/{chat}/messages"),
            &alice,
            json!({"body": "one file", "attachment_ids": [other]}),
        )
        .await
        .expect(201)
        .body);
    app.get(&format!("/attachments/{a}"), &bo).await.expect(200);
    app.send(
        reqwest::Method::DELETE,
        &format!("/chats/{chat}/messages/{m}"),
        Some(&alice),
        None,
    )
    .await
    .expect(204);
    for f in [&a, &c] {
        assert!(!on_disk(&app, f).exists(), "{f} is gone from disk");
        app.get(&format!("/attachments/{f}"), &bo)
            .await
            .problem(404, "attachment");
        app.get(&format!("/attachments/{f}"), &alice)
            .await
            .problem(404, "attachment");
    }
    // No row is left, and the tombstone lists no file.
    assert!(app.store.message_attachments(&m).await.unwrap().is_empty());
    assert!(
        app.store
            .discarded_attachments(100)
            .await
            .unwrap()
            .is_empty()
    );
    let page = app
        .get(&format!("/chats/{chat}/messages"), &bo)
        .await
        .expect(200)
        .body;
    let tomb = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == json!(m))
        .unwrap();
    assert_eq!(tomb["deleted"], json!(true));
    assert_eq!(tomb["attachments"], json!([]));
    // Another message's file stays.
    assert!(on_disk(&app, &other).exists());
    assert_eq!(app.store.message_attachments(&kept).await.unwrap().len(), 1);
    app.get(&format!("/attachments/{other}"), &bo)
        .await
        .expect(200);
}

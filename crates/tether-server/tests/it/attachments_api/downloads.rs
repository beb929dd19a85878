//! Downloads are streamed with flat memory and rate limited.

use super::*;

both_backends!(
    downloads_are_streamed_whole_with_flat_memory,
    downloads_past_the_limit_get_429_with_retry_after,
);

/// This process's resident memory in KiB (the server runs inside the test process).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
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

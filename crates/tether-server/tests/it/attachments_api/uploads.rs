//! Uploads: refused before the body when declared too large, large ones kept whole, each
//! user's unsent ones bounded.

use super::*;

both_backends!(
    an_upload_declared_over_the_limit_is_refused_before_its_body,
    large_uploads_keep_their_bytes_and_type,
    each_users_unsent_uploads_are_bounded,
);

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
        app.store
            .unsent_attachment_bytes(&alice_id.as_str().into())
            .await
            .unwrap(),
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
            .unsent_attachment_bytes(&user_id(&app, &alice).await.into())
            .await
            .unwrap()
            <= 2 * MIB as i64
    );
}

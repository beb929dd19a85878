//! Messages: edits, deletes, reactions, mentions, urgent ones, markdown (R17) and attachments.

use super::*;

#[tokio::test]
async fn messages_edit_delete_react_mention_and_urgent() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let gid = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id, p.cilla_id]}),
        )
        .await
        .expect(201)
        .body);
    let mut bo = app.events(&p.bo).await;
    let mut cilla = app.events(&p.cilla).await;
    let path = format!("/chats/{gid}/messages");

    let m = app
        .post(
            &path,
            &p.alice,
            json!({"body": format!("Can you look, <@{}>?", p.bo_id)}),
        )
        .await
        .expect(201)
        .body;
    assert!(
        m["html"].as_str().unwrap().contains("class=\"mention\""),
        "{}",
        m["html"]
    );
    assert!(m["html"].as_str().unwrap().contains("@Bo Lind"));
    let note = bo.expect("notification").await;
    assert_eq!(note["kind"], "mention");
    assert_eq!(note["message_id"], m["id"]);
    while let Some(e) = cilla.next(Duration::from_millis(300)).await {
        assert_ne!(
            e["type"], "notification",
            "only the mentioned member is notified"
        );
    }

    let urgent = app
        .post(
            &path,
            &p.alice,
            json!({"body": "Server down!", "importance": "urgent"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(urgent["importance"], "urgent");
    assert_eq!(cilla.expect("notification").await["kind"], "urgent");
    app.post(
        &path,
        &p.alice,
        json!({"body": "x", "importance": "critical"}),
    )
    .await
    .problem(422, "importance");
    app.post(&path, &p.alice, json!({"body": "   "}))
        .await
        .problem(422, "empty");
    app.post(&path, &p.alice, json!({"body": "x".repeat(28 * 1024 + 1)}))
        .await
        .problem(413, "28 KiB");
    app.post(&path, &p.alice, json!({"body": "x".repeat(28 * 1024)}))
        .await
        .expect(201);
    app.post("/chats/nope/messages", &p.alice, json!({"body": "x"}))
        .await
        .expect(404);

    // Edit and delete one's own only.
    let mid = id(&m);
    app.patch(&format!("{path}/{mid}"), &p.bo, json!({"body": "hijack"}))
        .await
        .problem(403, "your own");
    let edited = app
        .patch(
            &format!("{path}/{mid}"),
            &p.alice,
            json!({"body": "Can you look, *please*?"}),
        )
        .await
        .expect(200)
        .body;
    assert!(edited["edited_at"].is_string());
    assert_eq!(
        bo.expect("message.updated").await["message"]["body"],
        "Can you look, *please*?"
    );
    app.send(
        reqwest::Method::DELETE,
        &format!("{path}/{mid}"),
        Some(&p.bo),
        None,
    )
    .await
    .expect(403);

    // Reactions.
    let reacted = app
        .post(
            &format!("{path}/{}/reactions", id(&urgent)),
            &p.bo,
            json!({"emoji": "👍"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        reacted["reactions"],
        json!([{"emoji": "👍", "count": 1, "user_ids": [p.bo_id]}])
    );
    assert_eq!(
        cilla.expect("reaction.changed").await["reactions"][0]["count"],
        1
    );
    app.post(
        &format!("{path}/{}/reactions", id(&urgent)),
        &p.bo,
        json!({"emoji": "<script>"}),
    )
    .await
    .expect(422);
    let removed = app
        .send(
            reqwest::Method::DELETE,
            &format!("{path}/{}/reactions", id(&urgent)),
            Some(&p.bo),
            Some(json!({"emoji": "👍"})),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(removed["reactions"], json!([]));

    app.send(
        reqwest::Method::DELETE,
        &format!("{path}/{mid}"),
        Some(&p.alice),
        None,
    )
    .await
    .expect(204);
    let deleted = bo.expect("message.deleted").await;
    assert_eq!(deleted["message_id"], json!(mid));
    let page = app.get(&path, &p.bo).await.body;
    let tomb = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == json!(mid))
        .unwrap()
        .clone();
    assert_eq!(tomb["deleted"], json!(true));
    assert_eq!(tomb["body"], "");
    assert_eq!(tomb["html"], "");
    app.patch(&format!("{path}/{mid}"), &p.alice, json!({"body": "again"}))
        .await
        .expect(409);

    // Idempotent sends.
    let send = |key: &'static str| {
        app.http
            .post(app.url(&path))
            .bearer_auth(&p.alice)
            .header("idempotency-key", key)
            .json(&json!({"body": "once"}))
            .send()
    };
    let a = common::read(send("k-1").await.unwrap())
        .await
        .expect(201)
        .body;
    let b = common::read(send("k-1").await.unwrap())
        .await
        .expect(201)
        .body;
    assert_eq!(a["id"], b["id"], "a retry returns the first message");
    // The same key in another chat is another request, and is refused rather than answered
    // with a message of the first chat.
    let other = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let reused = app
        .http
        .post(app.url(&format!("/chats/{other}/messages")))
        .bearer_auth(&p.alice)
        .header("idempotency-key", "k-1")
        .json(&json!({"body": "once"}))
        .send()
        .await
        .unwrap();
    common::read(reused).await.problem(409, "another chat");

    // Paging back by seq.
    let newest = app.get(&format!("{path}?limit=2"), &p.alice).await.body;
    let items = newest["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let older = app
        .get(
            &format!("{path}?limit=2&before={}", items[1]["seq"]),
            &p.alice,
        )
        .await
        .body;
    assert!(older["items"][0]["seq"].as_i64().unwrap() < items[1]["seq"].as_i64().unwrap());
}

/// The inside of every HTML tag in `html` (escaped text like `&lt;img&gt;` is not a tag).
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn hostile_markdown_is_sanitized_over_http() {
    let p = people(spawn_app(Backend::Sqlite).await).await;
    let app = &p.app;
    let gid = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let hostile = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<div onclick=\"alert(1)\">x</div>",
        "![tracker](https://evil.example/pixel.png)",
        "[x](&#106;avascript:alert(1))",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<<script>script>alert(1)<</script>/script>",
        "<object data=\"evil.swf\"></object>",
        "<embed src=\"evil.swf\">",
        "<form action=\"https://evil.example\"><input></form>",
        "<details open ontoggle=alert(1)>",
        "<body onload=alert(1)>",
        "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">hover</a>",
        "<@x\" onclick=\"alert(1)>",
        "`<script>alert(1)</script>`",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    ];
    for body in hostile {
        let m = app
            .post(
                &format!("/chats/{gid}/messages"),
                &p.alice,
                json!({"body": body}),
            )
            .await
            .expect(201)
            .body;
        let html = m["html"].as_str().unwrap().to_lowercase();
        for tag in tags(&html) {
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("");
            assert!(
                [
                    "p",
                    "a",
                    "br",
                    "code",
                    "pre",
                    "strong",
                    "em",
                    "span",
                    "del",
                    "ul",
                    "ol",
                    "li",
                    "blockquote"
                ]
                .contains(&name),
                "{body:?} rendered tag <{tag}> in {html:?}"
            );
            for bad in ["javascript:", "vbscript:", "data:", " on", "style="] {
                assert!(
                    !tag.contains(bad),
                    "{body:?} rendered <{tag}> containing {bad:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn attachments_are_checked_and_served_safely() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.max_attachment_bytes = 64 * 1024).await;
    let p = people(app).await;
    let app = &p.app;
    let gid = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.bo_id]}))
        .await
        .expect(201)
        .body);
    let upload = |name: &'static str, claimed: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str(claimed)
            .unwrap();
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(&p.alice)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let png = {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0u8; 64]);
        b
    };
    let img = common::read(
        upload("../../etc/screen.png", "text/plain", png.clone())
            .await
            .unwrap(),
    )
    .await
    .expect(201)
    .body;
    assert_eq!(
        img["content_type"], "image/png",
        "the type comes from the bytes, not the claim"
    );
    assert_eq!(img["inline"], json!(true));
    assert_eq!(img["name"], "screen.png", "no path tricks");
    let html = common::read(
        upload(
            "page.html",
            "image/png",
            b"<html><script>alert(1)</script></html>".to_vec(),
        )
        .await
        .unwrap(),
    )
    .await
    .expect(201)
    .body;
    assert_eq!(html["content_type"], "text/plain");
    assert_eq!(html["inline"], json!(false));
    common::read(
        upload("big.bin", "application/octet-stream", vec![7u8; 65 * 1024])
            .await
            .unwrap(),
    )
    .await
    .problem(413, "larger than");

    let m = app
        .post(
            &format!("/chats/{gid}/messages"),
            &p.alice,
            json!({"body": "", "attachment_ids": [id(&img), id(&html)]}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(m["attachments"].as_array().unwrap().len(), 2);
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.alice,
        json!({"body": "again", "attachment_ids": [id(&img)]}),
    )
    .await
    .problem(422, "attachment");
    app.post(
        &format!("/chats/{gid}/messages"),
        &p.bo,
        json!({"body": "mine now", "attachment_ids": [id(&html)]}),
    )
    .await
    .expect(422);

    let res = app
        .http
        .get(app.url(&format!("/attachments/{}", id(&html))))
        .bearer_auth(&p.bo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        b"<html><script>alert(1)</script></html>"
    );
    let res = app
        .http
        .get(app.url(&format!("/attachments/{}", id(&img))))
        .bearer_auth(&p.bo)
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), png.as_slice());
    // A non-member cannot download, whatever the id.
    app.get(&format!("/attachments/{}", id(&img)), &p.cilla)
        .await
        .problem(404, "attachment");
    app.get("/attachments/..%2F..%2Fetc%2Fpasswd", &p.cilla)
        .await
        .expect(404);
}

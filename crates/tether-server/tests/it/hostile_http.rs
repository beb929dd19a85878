//! Hostile and malformed HTTP input (issue 10): each gets an `application/problem+json` answer a
//! person can act on, nothing is stored from a refused request, and the server keeps serving.
//! (Bad JSON, deep nesting, oversized bodies, wrong methods and unknown routes are in
//! `session_and_admin/service.rs::bad_requests_get_problem_documents`; hostile markdown, attachment
//! names and content types in `chats_api/`; forged and deactivated tokens on every route in
//! `authz_sweep.rs`.)

use crate::common;
use crate::common::{TestApp, spawn_app, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn raw(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> common::Res {
    common::read(
        app.http
            .post(app.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn malformed_values_types_and_ids_get_problem_documents() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let chat = id(&app
        .post("/chats", &admin, json!({"member_ids": [bo_id]}))
        .await
        .expect(201)
        .body);
    let path = format!("/chats/{chat}/messages");

    // Invalid UTF-8 inside a JSON string.
    raw(&app, &bo, &path, b"{\"body\": \"caf\xe9\"}".to_vec())
        .await
        .problem(400, "JSON");
    // Wrong types and out-of-range numbers.
    app.post(&path, &bo, json!({"body": 42}))
        .await
        .problem(422, "body");
    app.post(&path, &bo, json!({"body": "x", "importance": ["urgent"]}))
        .await
        .problem(422, "importance");
    raw(
        &app,
        &bo,
        &path,
        br#"{"body": "x", "attachment_ids": 1e400}"#.to_vec(),
    )
    .await
    .problem(400, "JSON");
    app.post(&path, &bo, json!({"body": "x", "surprise": true}))
        .await
        .problem(422, "surprise");
    app.get(&format!("{path}?limit=abc"), &bo)
        .await
        .problem(400, "limit");
    app.get(&format!("{path}?before=99999999999999999999999"), &bo)
        .await
        .problem(400, "before");
    // A huge but valid limit is clamped, not obeyed.
    let page = app
        .get(&format!("{path}?limit=9223372036854775807"), &bo)
        .await
        .expect(200);
    assert!(page.body["items"].as_array().unwrap().len() <= 200);
    // Unknown ids, and ids with path tricks or unicode look-alikes.
    for bad in [
        "00000000000000000000000000000000",
        "..%2F..%2Fetc%2Fpasswd",
        "%E2%80%AEcod.exe",
        "%00",
    ] {
        let res = app.get(&format!("/chats/{bad}/messages"), &bo).await;
        assert!(
            matches!(res.status.as_u16(), 400 | 404),
            "{bad}: {}",
            res.status
        );
        assert_eq!(
            res.headers["content-type"], "application/problem+json",
            "{bad}"
        );
    }
    app.get("/records/case/00000000000000000000000000000000", &bo)
        .await
        .problem(404, "");
    app.get("/attachments/..%2F..%2Fetc%2Fpasswd", &bo)
        .await
        .problem(404, "");
    // Nothing of the refused requests was stored.
    let page = app.get(&path, &bo).await.expect(200).body;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["kind"] != "text"),
        "no message was stored: {page}"
    );
    app.send(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
}

#[tokio::test]
async fn oversized_headers_replayed_tokens_and_too_many_sockets_are_refused() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.max_connections_per_user = 3).await;
    let admin = app.enable_collaboration().await;
    let (_, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    // A 100 KiB header: a 431 problem, and the server stays up.
    let res = app
        .http
        .get(app.url("/me"))
        .bearer_auth(&bo)
        .header("x-filler", "a".repeat(100 * 1024))
        .send()
        .await
        .unwrap();
    common::read(res).await.problem(431, "at most 32 KiB");
    app.get("/me", &bo).await.expect(200);

    // A token replayed after sign-out is refused like a forged one.
    let second = app.login("bo@example.com", common::PASSWORD).await;
    app.post("/auth/logout", &second, json!({}))
        .await
        .expect(204);
    app.get("/me", &second).await.problem(401, "sign in again");
    app.get("/me", "forged-token-that-was-never-issued")
        .await
        .problem(401, "");

    // Per-user socket limit: the fourth socket is refused with 429 and Retry-After.
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(app.events(&bo).await);
    }
    let refused =
        tokio_tungstenite::connect_async(format!("ws://{}/api/v1/events?token={bo}", app.addr))
            .await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 429);
            assert!(res.headers().contains_key("retry-after"));
        }
        other => panic!("the fourth socket was not refused: {:?}", other.map(|_| ())),
    }
    // Closing one makes room again.
    drop(open.pop());
    let mut ok = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if let Ok((ws, _)) =
            tokio_tungstenite::connect_async(format!("ws://{}/api/v1/events?token={bo}", app.addr))
                .await
        {
            ok = Some(ws);
            break;
        }
    }
    assert!(ok.is_some(), "a socket is accepted again after one closed");
}

/// Every answer carries the security headers; a handler's own policy and caching win.
#[tokio::test]
async fn every_answer_carries_the_security_headers_and_handlers_keep_their_own() {
    let app = spawn_app(Backend::Sqlite).await;
    let get = |url: String| {
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    let fixed = |res: &reqwest::Response| {
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "same-origin");
    };
    // API answers, an unknown route's problem document included: nothing allowed, nothing kept.
    for url in [
        app.url("/healthz"),
        app.url("/me"),
        app.url("/no-such-route"),
    ] {
        let res = get(url.clone()).await;
        fixed(&res);
        let h = res.headers();
        assert_eq!(
            h["content-security-policy"], "default-src 'none'; frame-ancestors 'none'",
            "{url}"
        );
        assert_eq!(h["cache-control"], "no-store", "{url}");
        assert_eq!(h.get_all("content-security-policy").iter().count(), 1);
    }
    // A page sets its own policy; a stale asset address its own caching.
    let page = get(format!("{}/login", app.base)).await;
    fixed(&page);
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'self';"), "{csp}");
    assert_eq!(
        page.headers()
            .get_all("content-security-policy")
            .iter()
            .count(),
        1
    );
    let asset = get(format!("{}/assets/old/app.css", app.base)).await;
    fixed(&asset);
    assert_eq!(asset.headers()["cache-control"], "no-cache");
    assert_eq!(asset.headers().get_all("cache-control").iter().count(), 1);
}

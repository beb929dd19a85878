//! No secrets in the logs (issue 10): a server logging at `debug` — the most it logs — signs a
//! user in and out, takes a wrong password, serves bearer and cookie requests and an event
//! socket whose token is in its address, and its whole log holds no password, token, token
//! hash or CSRF token.

use crate::support::{TempDir, free_port, tether};
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const WRONG: &str = "Tr0ub4dor&3-not-this-one";

#[tokio::test]
async fn a_debug_log_holds_no_password_token_or_csrf_token() {
    let dir = TempDir::new("logs");
    let log = dir.0.join("server.log");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let out = std::fs::File::create(&log).unwrap();
    let mut server = tether()
        .args(["serve", "--listen", &addr, "--database"])
        .arg(format!("sqlite://{}", dir.0.join("tether.db").display()))
        .arg("--data-dir")
        .arg(dir.0.join("data"))
        .env("TETHER_ADMIN_EMAIL", EMAIL)
        .env("TETHER_ADMIN_PASSWORD", PASSWORD)
        .env("TETHER_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let mut up = false;
    for _ in 0..300 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        up,
        "the server starts: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let login = |password: &'static str| {
        http.post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": EMAIL, "password": password}))
            .send()
    };
    assert_eq!(login(WRONG).await.unwrap().status(), 401);
    let res = login(PASSWORD).await.unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    let session = cookie.split(';').next().unwrap().to_owned();

    // Bearer and cookie requests, a write with the CSRF header, and an event socket.
    let me = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let put = http
        .put(format!("{base}/api/v1/settings"))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .json(&json!({"collaboration_enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let (ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?token={token}"))
            .await
            .unwrap();
    drop(ws);
    let out = http
        .post(format!("{base}/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.start_kill().unwrap();
    let _ = server.wait().await;

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("/api/v1/events"),
        "the debug log records requests (else this test proves nothing):\n{text}"
    );
    let hash = tether_server::auth::token_hash(&token);
    for (what, secret) in [
        ("the password", PASSWORD),
        ("the wrong password", WRONG),
        ("the token", token.as_str()),
        ("the token's hash", hash.as_str()),
        ("the CSRF token", csrf.as_str()),
    ] {
        assert!(!text.contains(secret), "{what} is in the log:\n{text}");
    }
}

//! Every endpoint of the served OpenAPI document checks who is asking. The sweep reads the
//! document, so a new endpoint is covered the moment it exists: anonymous callers, forged
//! tokens and deactivated users get 401 everywhere but sign-in, and a user without
//! `collab.use` never gets a successful answer from any chat, message, attachment, channel,
//! search or collaboration endpoint.

use crate::common;
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

/// Endpoints anyone may call.
const PUBLIC: &[(&str, &str)] = &[("post", "/api/v1/auth/login")];

/// Tags whose endpoints need the collaboration feature and `collab.use` (R1).
const COLLABORATION_TAGS: &[&str] = &[
    "chats",
    "messages",
    "attachments",
    "collaboration",
    "channels",
    "search",
    "events",
];

fn endpoints(doc: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let tags = op["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            out.push((method.clone(), path.clone(), tags));
        }
    }
    out
}

fn concrete(path: &str) -> String {
    path.replace("{type}", "case")
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "00000000000000000000000000000000"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn call(
    app: &common::TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> reqwest::StatusCode {
    let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    // Required query parameters, so the answer is about who asks, not about the request's shape.
    let query = if path.ends_with("/search") {
        "?q=printer"
    } else {
        ""
    };
    let mut req = app
        .http
        .request(m.clone(), format!("{}{}{query}", app.base, concrete(path)));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if m != Method::GET && m != Method::DELETE {
        req = req.json(&json!({}));
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn every_endpoint_refuses_anonymous_forged_and_deactivated_callers() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (gone_id, gone) = app
        .user(&admin, "gone@example.com", "Gus Gone", &["agent"], &[])
        .await;
    app.patch(
        &format!("/users/{gone_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let all = endpoints(&doc);
    assert!(
        all.len() >= 50,
        "the sweep sees the whole API: {}",
        all.len()
    );
    for (method, path, _) in &all {
        if PUBLIC.contains(&(method.as_str(), path.as_str())) {
            continue;
        }
        for (who, token) in [
            ("anonymous", None),
            ("forged", Some("forged-token")),
            ("deactivated", Some(gone.as_str())),
        ] {
            let status = call(&app, method, path, token).await;
            let ok = if path == "/api/v1/events" {
                status.is_client_error()
            } else {
                status == 401
            };
            assert!(ok, "{method} {path} as {who}: {status}");
        }
    }
    app.send(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
}

#[tokio::test]
async fn r1_no_collaboration_endpoint_answers_a_user_without_collab_use() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (_, viewer) = app
        .user(&admin, "v@example.com", "Vera Viewer", &["viewer"], &[])
        .await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let mut checked = 0;
    for (method, path, tags) in endpoints(&doc) {
        if !tags
            .iter()
            .any(|t| COLLABORATION_TAGS.contains(&t.as_str()))
        {
            continue;
        }
        checked += 1;
        let status = call(&app, &method, &path, Some(&viewer)).await;
        assert!(
            !status.is_success(),
            "{method} {path} answered {status} to a user without collab.use"
        );
        if method == "get" && path != "/api/v1/events" {
            assert_eq!(status, 403, "{method} {path} says what is missing");
        }
    }
    assert!(checked >= 25, "{checked}");
}

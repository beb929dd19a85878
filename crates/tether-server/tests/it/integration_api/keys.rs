//! API keys: made by administrators and shown once, listed without the key, used as a bearer
//! token on the integration endpoints only, limited to their scopes, refused on every
//! request once revoked, and audited.

use super::{audited, key};
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::json;
use tether_store::Backend;

both_backends!(
    i19_keys_are_shown_once_listed_without_the_key_revoked_at_once_and_audited,
    i19_a_key_is_no_session,
    i19_a_key_may_only_what_its_scopes_name,
);

async fn i19_keys_are_shown_once_listed_without_the_key_revoked_at_once_and_audited(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let made = app
        .post(
            "/api/v1/api-keys",
            &admin,
            json!({"name": "Zendesk sync", "scopes": ["records:write", "users:write"]}),
        )
        .await
        .expect(201)
        .body;
    let key_id = made["id"].as_str().unwrap().to_owned();
    let secret = made["key"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("tk_") && secret.len() > 40, "{secret}");
    assert_eq!(made["scopes"], json!(["records:write", "users:write"]));

    // Listed with what administrators need, never the key.
    let list = app.get("/api/v1/api-keys", &admin).await.expect(200);
    assert!(
        !list.text.contains(&secret[3..]),
        "the key is never shown again"
    );
    let listed = &list.body["items"][0];
    assert_eq!(listed["id"], json!(key_id));
    assert_eq!(listed["name"], "Zendesk sync");
    assert_eq!(listed["created_by"]["name"], "Ada Admin");
    assert_eq!(listed["revoked"], false);
    assert!(listed["last_used_at"].is_null());
    assert!(listed.get("key").is_none() && listed.get("key_hash").is_none());

    // Used: a record synced with the key is signed with it in the audit log.
    let path = "/records/case/by-external/zendesk/4711";
    app.put(path, &secret, json!({"fields": {"title": "Printer jams"}}))
        .await
        .expect(201);
    let listed = &app.get("/api/v1/api-keys", &admin).await.body["items"][0];
    assert!(listed["last_used_at"].is_string(), "{listed}");
    let synced = &audited(&app, &admin, "record.synced").await[0];
    assert!(synced["actor"].is_null(), "a key is no person: {synced}");
    assert_eq!(synced["api_key"]["name"], "Zendesk sync");
    assert_eq!(synced["details"]["outcome"], "created");
    let csv = app.get("/audit.csv?action=record.synced", &admin).await;
    assert!(
        csv.text
            .lines()
            .next()
            .unwrap()
            .ends_with(",api_key,api_key_id")
    );
    assert!(csv.text.contains(&key_id), "{}", csv.text);

    // Revoked: refused at once, on every endpoint it worked on.
    app.send(
        Method::DELETE,
        &format!("/api/v1/api-keys/{key_id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
    let refused = app
        .put(path, &secret, json!({"fields": {"title": "Printer jams"}}))
        .await
        .problem(401, "revoked");
    assert_eq!(refused.body["code"], "api_key.invalid");
    app.get(path, &secret).await.expect(401);
    app.put(
        "/users/by-external/zendesk/u1",
        &secret,
        json!({"name": "Olga", "email": "olga@example.com"}),
    )
    .await
    .expect(401);
    // Revoking again changes nothing; an unknown key is 404.
    app.send(
        Method::DELETE,
        &format!("/api/v1/api-keys/{key_id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
    app.send(
        Method::DELETE,
        "/api/v1/api-keys/no-such-key",
        Some(&admin),
        None,
    )
    .await
    .expect(404);
    let listed = &app.get("/api/v1/api-keys", &admin).await.body["items"][0];
    assert_eq!(listed["revoked"], true);
    assert!(listed["revoked_at"].is_string());
    for action in ["api_key.created", "api_key.revoked"] {
        let entries = audited(&app, &admin, action).await;
        assert_eq!(entries.len(), 1, "{action} once: {entries:?}");
        assert_eq!(entries[0]["actor"]["name"], "Ada Admin");
        assert_eq!(entries[0]["details"]["api_key_id"], json!(key_id));
    }

    // Only administrators manage keys; a key does not (it is no session).
    let (_, agent) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    app.post(
        "/api/v1/api-keys",
        &agent,
        json!({"name": "Mine", "scopes": ["records:write"]}),
    )
    .await
    .problem(403, "admin");
    app.get("/api/v1/api-keys", &agent).await.expect(403);
    app.send(
        Method::DELETE,
        &format!("/api/v1/api-keys/{key_id}"),
        Some(&agent),
        None,
    )
    .await
    .expect(403);
    let (_, live) = key(&app, &admin, "Live", &["records:write"]).await;
    app.get("/api/v1/api-keys", &live).await.expect(403);
    app.post(
        "/api/v1/api-keys",
        &live,
        json!({"name": "Child", "scopes": ["webhooks"]}),
    )
    .await
    .expect(403);
    app.send(Method::GET, "/api/v1/api-keys", None, None)
        .await
        .expect(401);
    // A key's request is checked like any other.
    app.post(
        "/api/v1/api-keys",
        &admin,
        json!({"name": "Bad", "scopes": ["records:read"]}),
    )
    .await
    .problem(422, "records:read")
    .field_error("value.option");
    app.post(
        "/api/v1/api-keys",
        &admin,
        json!({"name": "None", "scopes": []}),
    )
    .await
    .field_error("value.empty");
    app.post(
        "/api/v1/api-keys",
        &admin,
        json!({"name": " ", "scopes": ["webhooks"]}),
    )
    .await
    .field_error("value.empty");
}

async fn i19_a_key_is_no_session(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let (_, secret) = key(
        &app,
        &admin,
        "Everything",
        &["records:write", "users:write", "webhooks"],
    )
    .await;
    let case = app
        .put(
            "/records/case/by-external/zendesk/1",
            &secret,
            json!({"fields": {"title": "Printer jams"}}),
        )
        .await
        .expect(201)
        .body;
    let case_id = case["id"].as_str().unwrap();
    // Whatever its scopes, a key is refused wherever a person's session is needed.
    for (method, path) in [
        (Method::GET, "/records".to_owned()),
        (Method::GET, "/records/case".to_owned()),
        (Method::GET, format!("/records/case/{case_id}")),
        (Method::GET, "/chats".to_owned()),
        (Method::GET, "/me".to_owned()),
        (Method::GET, "/users".to_owned()),
        (Method::GET, "/audit".to_owned()),
        (Method::POST, "/chats".to_owned()),
        (Method::POST, "/records/case".to_owned()),
        (Method::PATCH, format!("/records/case/{case_id}")),
    ] {
        let body = (method != Method::GET).then(|| json!({}));
        let res = app
            .send(method.clone(), &path, Some(&secret), body)
            .await
            .problem(403, "API key");
        assert_eq!(res.body["code"], "api_key.not_a_session", "{method} {path}");
    }
    // Nor as the token of an event socket or a page.
    let url = format!("ws://{}/api/v1/events?token={secret}", app.addr);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
    let page = app
        .http
        .get(format!("{}/", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert!(
        page.status().is_redirection() || page.url().path() == "/login",
        "{}",
        page.status()
    );
    // A key that is no key is not valid (401), here as on the integration endpoints.
    let forged = "tk_forgedforgedforgedforgedforgedforgedforge";
    let res = app.get("/records", forged).await.expect(401);
    assert_eq!(res.body["code"], "api_key.invalid");
    let res = app
        .put(
            "/records/case/by-external/zendesk/1",
            forged,
            json!({"fields": {"title": "Printer jams"}}),
        )
        .await
        .expect(401);
    assert_eq!(res.body["code"], "api_key.invalid");
}

async fn i19_a_key_may_only_what_its_scopes_name(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, records) = key(&app, &admin, "Records", &["records:write"]).await;
    let (_, users) = key(&app, &admin, "Users", &["users:write"]).await;
    let (_, hooks) = key(&app, &admin, "Hooks", &["webhooks"]).await;
    let record = "/records/case/by-external/zendesk/1";
    let person = "/users/by-external/zendesk/u1";
    let case = json!({"fields": {"title": "Printer jams"}});
    let olga = json!({"name": "Olga Berg", "email": "olga@example.com"});
    for (who, secret) in [("users", &users), ("hooks", &hooks)] {
        let res = app
            .put(record, secret, case.clone())
            .await
            .problem(403, "'records:write'");
        assert_eq!(res.body["code"], "api_key.scope_missing", "{who}");
        app.get(record, secret)
            .await
            .problem(403, "'records:write'");
        app.post(
            "/records/case/bulk",
            secret,
            json!({"items": [{"source": "zendesk", "external_id": "1", "fields": {"title": "x"}}]}),
        )
        .await
        .problem(403, "'records:write'");
    }
    for secret in [&records, &hooks] {
        let res = app
            .put(person, secret, olga.clone())
            .await
            .problem(403, "'users:write'");
        assert_eq!(res.body["code"], "api_key.scope_missing");
    }
    app.put(record, &records, case.clone()).await.expect(201);
    app.get(record, &records).await.expect(200);
    app.put(person, &users, olga.clone()).await.expect(201);

    // A person's session that is not an administrator's may not sync (it may read, as
    // records are read).
    let (_, agent) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let res = app
        .put(record, &agent, case.clone())
        .await
        .problem(403, "admin");
    assert_eq!(res.body["code"], "admin.required");
    app.put(person, &agent, olga.clone())
        .await
        .problem(403, "admin");
    app.post("/records/case/bulk", &agent, json!({"items": []}))
        .await
        .problem(403, "admin");
    // Without credentials: 401 everywhere.
    for (method, path) in [
        (Method::PUT, record),
        (Method::GET, record),
        (Method::PUT, person),
        (Method::POST, "/records/case/bulk"),
    ] {
        app.send(method, path, None, Some(json!({})))
            .await
            .expect(401);
    }
}

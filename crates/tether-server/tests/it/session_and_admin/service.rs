//! Health, metrics and the OpenAPI document; problem documents for bad requests.

use super::*;

#[tokio::test]
async fn health_metrics_and_openapi_are_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .send(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert_eq!(res.body["status"], "ok");
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users", "get"),
        ("/api/v1/users/{id}", "patch"),
        ("/api/v1/roles", "post"),
        ("/api/v1/roles", "get"),
        ("/api/v1/teams", "post"),
        ("/api/v1/teams", "get"),
        ("/api/v1/teams/{id}/members", "post"),
        ("/api/v1/settings", "get"),
        ("/api/v1/settings", "put"),
        ("/api/v1/record-types", "post"),
        ("/api/v1/record-types", "get"),
        ("/api/v1/record-types/{type}/settings", "get"),
        ("/api/v1/record-types/{type}/settings", "put"),
        ("/api/v1/audit", "get"),
        ("/api/v1/records/{type}", "post"),
        ("/api/v1/records/{type}", "get"),
        ("/api/v1/records/{type}/{id}", "get"),
        ("/api/v1/records/{type}/{id}", "patch"),
        ("/api/v1/records/{type}/{id}/shares", "post"),
        ("/api/v1/records/{type}/{id}/activities", "post"),
        ("/api/v1/records/{type}/{id}/timeline", "get"),
        // API.md *Integration* (issue 19, part 1).
        ("/api/v1/api-keys", "post"),
        ("/api/v1/api-keys", "get"),
        ("/api/v1/api-keys/{id}", "delete"),
        (
            "/api/v1/records/{type}/by-external/{source}/{external_id}",
            "put",
        ),
        (
            "/api/v1/records/{type}/by-external/{source}/{external_id}",
            "get",
        ),
        ("/api/v1/records/{type}/bulk", "post"),
        ("/api/v1/users/by-external/{source}/{external_id}", "put"),
        // API.md *Integration*, **Webhooks** (issue 19, part 4).
        ("/api/v1/webhooks", "post"),
        ("/api/v1/webhooks", "get"),
        ("/api/v1/webhooks/{id}", "delete"),
        ("/api/v1/webhooks/{id}/deliveries", "get"),
        (
            "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            "post",
        ),
        // API.md *Integration*, **Integrations** (issue 19, part 2).
        ("/api/v1/integrations", "post"),
        ("/api/v1/integrations", "get"),
        ("/api/v1/integrations/{id}", "delete"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "OpenAPI lacks {method} {path}"
        );
    }
    // The integration schemas name API.md's members.
    let schemas = &doc["components"]["schemas"];
    for (schema, members) in [
        ("CreateKey", &["name", "scopes"][..]),
        ("KeyCreated", &["id", "key"][..]),
        (
            "KeyOut",
            &[
                "name",
                "scopes",
                "created_at",
                "created_by",
                "last_used_at",
                "revoked",
            ][..],
        ),
        ("PutRecord", &["fields", "owner", "state", "url"][..]),
        ("OwnerBody", &["email", "user_id", "team_id"][..]),
        (
            "BulkItem",
            &["source", "external_id", "fields", "owner", "state", "url"][..],
        ),
        ("BulkRow", &["external_id", "id", "outcome", "detail"][..]),
        ("PutUser", &["name", "email", "roles"][..]),
        ("CreateWebhook", &["url", "secret", "events"][..]),
        (
            "WebhookOut",
            &["id", "url", "events", "pending", "failed"][..],
        ),
        (
            "DeliveryOut",
            &[
                "id",
                "event_id",
                "type",
                "status",
                "attempts",
                "last_status",
                "last_error",
                "next_attempt_at",
            ][..],
        ),
        ("Redelivered", &["id"][..]),
        // What a delivery POSTs (documented, though no endpoint answers it).
        (
            "Payload",
            &["id", "type", "created_at", "record", "data"][..],
        ),
        (
            "PayloadRecord",
            &["type", "id", "source", "external_id"][..],
        ),
        ("PayloadData", &["chat", "message", "by", "note"][..]),
        (
            "PayloadMessage",
            &["id", "sender", "body", "text", "created_at"][..],
        ),
        ("PayloadPerson", &["id", "name", "email"][..]),
        ("PayloadNote", &["id", "subject"][..]),
        (
            "CreateIntegration",
            &[
                "name",
                "source",
                "allowed_origins",
                "secret",
                "public_key",
                "audience",
                "provision_users",
                "default_role",
            ][..],
        ),
        ("IntegrationCreated", &["id"][..]),
        (
            "IntegrationOut",
            &[
                "id",
                "name",
                "source",
                "allowed_origins",
                "algorithm",
                "audience",
                "provision_users",
                "default_role",
            ][..],
        ),
    ] {
        for m in members {
            assert!(
                schemas[schema]["properties"].get(*m).is_some(),
                "OpenAPI schema {schema} lacks {m}"
            );
        }
    }
    let admin = app.admin().await;
    app.get("/me", &admin).await.expect(200);
    let metrics = app
        .send(Method::GET, "/metrics", None, None)
        .await
        .expect(200)
        .text;
    assert!(metrics.contains("http_requests_total"), "{metrics}");
}

#[tokio::test]
async fn bad_requests_get_problem_documents() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let raw = |body: &'static str, ct: &'static str| {
        app.http
            .post(app.url("/roles"))
            .bearer_auth(&admin)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    common::read(raw("{\"name\": ", "application/json").await.unwrap())
        .await
        .problem(400, "not valid JSON");
    common::read(
        raw("{\"name\": 5, \"privileges\": []}", "application/json")
            .await
            .unwrap(),
    )
    .await
    .expect(422);
    common::read(
        raw("name=x", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await
    .problem(415, "application/json");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let res = app
        .http
        .post(app.url("/roles"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(res.status().as_u16(), 400 | 422),
        "deep nesting is refused, not a crash"
    );
    let huge = json!({"name": "x".repeat(2 * 1024 * 1024), "privileges": []});
    app.post("/roles", &admin, huge)
        .await
        .problem(413, "too large");
    app.get("/no/such/endpoint", &admin)
        .await
        .problem(404, "no such endpoint");
    app.send(Method::DELETE, "/settings", Some(&admin), None)
        .await
        .expect(405);
    // The server is still up after all of that.
    app.send(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
}

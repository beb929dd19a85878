//! A user's language and time zone, and pages in the chosen language or the browser's.

use super::*;

#[tokio::test]
async fn me_language_and_time_zone_sqlite() {
    me_language_and_time_zone(Backend::Sqlite).await;
}

#[tokio::test]
async fn me_language_and_time_zone_postgres() {
    me_language_and_time_zone(Backend::Postgres).await;
}

async fn me_language_and_time_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;

    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(me["locale"], Value::Null);
    assert_eq!(me["time_zone"], Value::Null);

    let res = app
        .patch(
            "/me",
            &olga,
            json!({"locale": "sv", "time_zone": "Europe/Stockholm"}),
        )
        .await
        .expect(200);
    assert_eq!(
        res.body,
        json!({"locale": "sv", "time_zone": "Europe/Stockholm", "email_digest": true})
    );
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(me["locale"], "sv");
    assert_eq!(me["time_zone"], "Europe/Stockholm");

    // Only the caller's own row changes.
    let other = app.get("/me", &admin).await.expect(200).body;
    assert_eq!(other["locale"], Value::Null);

    // A member left out keeps its value; null clears it.
    app.patch("/me", &olga, json!({"time_zone": "America/New_York"}))
        .await
        .expect(200);
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(
        (&me["locale"], &me["time_zone"]),
        (&json!("sv"), &json!("America/New_York"))
    );
    app.patch("/me", &olga, json!({"locale": null}))
        .await
        .expect(200);
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(
        (&me["locale"], &me["time_zone"]),
        (&Value::Null, &json!("America/New_York"))
    );

    // Unknown language and zone: 422 naming each field, with codes; nothing changes.
    let res = app
        .patch(
            "/me",
            &olga,
            json!({"locale": "de", "time_zone": "Mars/Olympus"}),
        )
        .await
        .problem(422, "time zone");
    assert_eq!(res.body["code"], "validation.field");
    let errors = res.body["errors"].as_array().unwrap();
    let by_field: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(by_field["locale"], "locale.unsupported");
    assert_eq!(by_field["time_zone"], "time_zone.unknown");
    app.patch("/me", &olga, json!({"locale": 7}))
        .await
        .expect(422);
    app.patch("/me", &olga, json!({"email_address": "x"}))
        .await
        .expect(422);
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(me["time_zone"], "America/New_York");

    // The OpenAPI document names the new method.
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    assert!(doc["paths"]["/api/v1/me"]["patch"].is_object());

    // Not signed in.
    let res = app
        .send(Method::PATCH, "/me", None, Some(json!({"locale": "sv"})))
        .await
        .expect(401);
    assert_eq!(res.body["code"], "auth.required");
}

/// A page request with the session cookie and an `Accept-Language`.
async fn page(app: &common::TestApp, path: &str, token: Option<&str>, lang: &str) -> String {
    let mut req = app
        .http
        .get(format!("{}{path}", app.base))
        .header("accept-language", lang);
    if let Some(t) = token {
        req = req.header("cookie", format!("tether_session={t}"));
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.text().await.unwrap()
}

#[tokio::test]
async fn pages_speak_the_chosen_language_else_the_browsers() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;

    let login = page(&app, "/login", None, "sv-SE,sv;q=0.9,en;q=0.5").await;
    assert!(login.contains("<html lang=\"sv\">"), "{login}");
    assert!(
        login.contains("<title>Logga in · Tether</title>"),
        "{login}"
    );
    assert!(login.contains("Hoppa till innehållet"));
    let login_en = page(&app, "/login", None, "en-GB,en").await;
    assert!(login_en.contains("<html lang=\"en\">"));
    assert!(login_en.contains("<title>Sign in · Tether</title>"));

    // The browser says English, the user chose Swedish: Swedish, with the zone on <body>.
    let home = page(&app, "/", Some(&admin), "en").await;
    assert!(home.contains("<html lang=\"en\">") && home.contains(">My work<"));
    assert!(!home.contains("data-time-zone"));
    app.patch(
        "/me",
        &admin,
        json!({"locale": "sv", "time_zone": "Europe/Stockholm"}),
    )
    .await
    .expect(200);
    let home = page(&app, "/", Some(&admin), "en").await;
    assert!(home.contains("<html lang=\"sv\">"), "{home}");
    assert!(home.contains("<title>Mitt arbete · Tether</title>"));
    assert!(home.contains(">Logga ut</button>"));
    assert!(home.contains("data-time-zone=\"Europe/Stockholm\""));

    // The catalog the page names is served, resolved to JSON, cacheable for ever.
    let marker = "name=\"tether-catalog\" content=\"";
    let start = home.find(marker).unwrap() + marker.len();
    let url = &home[start..start + home[start..].find('"').unwrap()];
    assert!(url.ends_with("/i18n/sv.json"), "{url}");
    let res = app
        .http
        .get(format!("{}{url}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let cat: Value = res.json().await.unwrap();
    assert_eq!(cat["login-submit"], "Logga in");
    assert_eq!(
        cat["tour-step"],
        json!(["Steg ", {"v": "step"}, " av ", {"v": "total"}])
    );
    assert_eq!(cat["shell-unread"][0]["s"], "count");

    // A non-administrator's 403 page for /admin is in their language too.
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let res = app
        .http
        .get(format!("{}/admin", app.base))
        .header("accept-language", "sv")
        .header("cookie", format!("tether_session={olga}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let text = res.text().await.unwrap();
    assert!(text.contains("administratörsbehörighet"), "{text}");
    let _ = PASSWORD;
}

//! Sign-in, `/me` and sign-out; sign-in rate limits; cookie sessions and CSRF.

use super::*;

#[tokio::test]
async fn login_me_and_logout() {
    let app = spawn_app(Backend::Sqlite).await;
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": ADMIN_EMAIL, "password": "wrong password!"})),
    )
    .await
    .problem(401, "wrong e-mail or password");
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "nobody@example.com", "password": PASSWORD})),
    )
    .await
    .problem(401, "wrong e-mail or password");
    let token = app.admin().await;
    let me = app.get("/me", &token).await.expect(200).body;
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["roles"], json!(["administrator"]));
    assert!(
        me["privileges"]
            .as_array()
            .unwrap()
            .contains(&json!("admin"))
    );
    assert_eq!(me["collaboration_enabled"], json!(false));

    app.send(Method::GET, "/me", None, None)
        .await
        .problem(401, "sign in");
    app.get("/me", "forged-token").await.problem(401, "expired");
    app.send(Method::POST, "/auth/logout", Some(&token), None)
        .await
        .expect(204);
    app.get("/me", &token).await.problem(401, "sign in again");
}

#[tokio::test]
async fn login_is_rate_limited_per_account() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.sign_in.per_pair = 3).await;
    for _ in 0..3 {
        app.send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": "wrong password!"})),
        )
        .await
        .expect(401);
    }
    // Even the right password is refused while the account is throttled.
    let res = app
        .send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": PASSWORD})),
        )
        .await
        .problem(429, "too many");
    let retry: u64 = res.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
}

#[tokio::test]
async fn login_is_rate_limited_per_address() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.sign_in.per_address = 4).await;
    for i in 0..4 {
        app.send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": format!("user{i}@example.com"), "password": "wrong password!"})),
        )
        .await
        .expect(401);
    }
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": ADMIN_EMAIL, "password": PASSWORD})),
    )
    .await
    .problem(429, "your address");
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_writes() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": PASSWORD})),
        )
        .await
        .expect(200);
    let cookie = res.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let csrf = res.body["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(res.body["csrf_header"], "x-csrf-token");

    let get = app
        .http
        .get(app.url("/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    let body = json!({"collaboration_enabled": true});
    let no_csrf = common::read(
        app.http
            .put(app.url("/settings"))
            .header("cookie", &session)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    no_csrf.problem(403, "x-csrf-token");
    let wrong = common::read(
        app.http
            .put(app.url("/settings"))
            .header("cookie", &session)
            .header("x-csrf-token", "nope")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    wrong.problem(403, "x-csrf-token");
    let ok = common::read(
        app.http
            .put(app.url("/settings"))
            .header("cookie", &session)
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    ok.expect(200);
}

/// The `Set-Cookie` of the administrator's sign-in.
async fn login_cookie(app: &common::TestApp) -> String {
    let res = app
        .send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": PASSWORD})),
        )
        .await
        .expect(200);
    res.headers["set-cookie"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn behind_https_the_session_cookie_is_secure_and_plain_http_is_not() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.public_url = "https://tether.example.com".into();
    })
    .await;
    let cookie = login_cookie(&app).await;
    for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    let cookie = login_cookie(&spawn_app(Backend::Sqlite).await).await;
    assert!(
        !cookie.contains("Secure"),
        "no Secure over plain http: {cookie}"
    );
}

//! Accounts and passwords (issue 15, item 6): sign-in throttling that cannot lock a victim out
//! from elsewhere, one answer for every failed sign-in, changing and resetting passwords, and
//! the audit of all of it — against the real server, over real HTTP.

use crate::common;
use crate::common::{ADMIN_EMAIL, PASSWORD, Res, TestApp, spawn_app, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};
use std::net::IpAddr;
use std::time::{Duration, Instant};
use tether_store::Backend;

both_backends!(
    deactivated_wrong_and_unknown_get_byte_identical_answers,
    changing_ones_password_ends_the_other_sessions_and_their_sockets,
    administrators_reset_passwords_and_end_every_session,
);

const NEW_PASSWORD: &str = "a brand new passphrase";

/// A client whose connections come from `ip` (any 127.x.y.z reaches the server on loopback),
/// so one test can play several client addresses.
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn login_from(app: &TestApp, http: &reqwest::Client, email: &str, password: &str) -> Res {
    common::read(
        http.post(app.url("/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn audit(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/audit?action={action}&limit=100"), admin)
        .await
        .expect(200);
    res.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_account_out_from_another() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.sign_in.per_pair = 3).await;
    let admin = app.admin().await;
    let (_, _) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let attacker = client_from("127.0.0.2");
    let victim = client_from("127.0.0.3");
    for _ in 0..3 {
        login_from(&app, &attacker, "olga@example.com", "wrong password!")
            .await
            .problem(401, "wrong e-mail or password");
    }
    // The attacking address is refused for this account, even with the right password…
    let refused = login_from(&app, &attacker, "olga@example.com", PASSWORD)
        .await
        .problem(429, "this account from your address");
    let retry: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "Retry-After {retry}");
    // …but not for another account,
    login_from(&app, &attacker, ADMIN_EMAIL, PASSWORD)
        .await
        .expect(200);
    // and the account's owner signs in from her own address at once.
    let started = Instant::now();
    login_from(&app, &victim, "olga@example.com", PASSWORD)
        .await
        .expect(200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "not slowed down"
    );
}

#[tokio::test]
async fn an_account_guessed_from_many_addresses_is_slowed_down_never_locked() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.sign_in.per_pair = 3;
        c.sign_in.per_account = 6;
        c.sign_in.delay_step = Duration::from_millis(1500);
        c.sign_in.max_delay = Duration::from_millis(1500);
    })
    .await;
    let admin = app.admin().await;
    app.user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    for ip in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
        let http = client_from(ip);
        for _ in 0..2 {
            login_from(&app, &http, "olga@example.com", "wrong password!")
                .await
                .expect(401);
        }
    }
    // Six failures for the account from three addresses: past its bound, every attempt on it
    // waits, the right password included, and none is refused.
    let victim = client_from("127.0.0.5");
    let started = Instant::now();
    login_from(&app, &victim, "olga@example.com", PASSWORD)
        .await
        .expect(200);
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "the sign-in was not slowed down: {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    login_from(&app, &victim, "olga@example.com", "wrong password!")
        .await
        .problem(401, "wrong e-mail or password");
    assert!(started.elapsed() >= Duration::from_millis(1500));
    // Another account is not slowed down.
    let started = Instant::now();
    login_from(&app, &victim, ADMIN_EMAIL, PASSWORD)
        .await
        .expect(200);
    assert!(started.elapsed() < Duration::from_millis(1500));
}

async fn deactivated_wrong_and_unknown_get_byte_identical_answers(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (olga, _) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    app.user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    app.patch(&format!("/users/{olga}"), &admin, json!({"active": false}))
        .await
        .expect(200);
    let answers = [
        ("olga@example.com", PASSWORD),
        ("bo@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
    ];
    let mut seen = Vec::new();
    for (email, password) in answers {
        let res = app
            .send(
                Method::POST,
                "/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await
            .problem(401, "wrong e-mail or password");
        let mut headers: Vec<(String, String)> = res
            .headers
            .iter()
            .filter(|(k, _)| *k != "date" && *k != "x-request-id")
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        seen.push((res.status, headers, res.text));
    }
    assert_eq!(
        seen[0], seen[1],
        "deactivated with the right password vs wrong password"
    );
    assert_eq!(seen[1], seen[2], "wrong password vs unknown address");
    // Only the audit log, for administrators, tells them apart.
    let failures = audit(&app, &admin, "session.sign_in_failed").await;
    let reason = |email: &str| {
        failures
            .iter()
            .find(|e| e["details"]["email"] == email)
            .map(|e| e["details"]["reason"].clone())
            .unwrap()
    };
    assert_eq!(reason("olga@example.com"), "deactivated");
    assert_eq!(reason("bo@example.com"), "wrong_password");
    assert_eq!(reason("nobody@example.com"), "unknown_account");
    for e in &failures {
        assert_eq!(e["details"]["address"], "127.0.0.1");
    }
}

#[tokio::test]
async fn sign_ins_failures_and_sign_outs_are_audited_without_the_password() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let (olga, token) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "olga@example.com", "password": "tangerine-secret-guess"})),
    )
    .await
    .expect(401);
    app.send(Method::POST, "/auth/logout", Some(&token), None)
        .await
        .expect(204);

    let signed_in = audit(&app, &admin, "session.signed_in").await;
    let olgas: Vec<&Value> = signed_in
        .iter()
        .filter(|e| e["details"]["user_id"] == olga.as_str())
        .collect();
    assert_eq!(olgas.len(), 1, "{signed_in:?}");
    assert_eq!(olgas[0]["actor"]["id"], olga.as_str());
    assert_eq!(olgas[0]["details"]["email"], "olga@example.com");
    assert_eq!(olgas[0]["details"]["address"], "127.0.0.1");
    let failed = audit(&app, &admin, "session.sign_in_failed").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["details"]["email"], "olga@example.com");
    assert_eq!(failed[0]["details"]["address"], "127.0.0.1");
    let out = audit(&app, &admin, "session.signed_out").await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["actor"]["id"], olga.as_str());
    // No password, tried or right, anywhere in the log.
    let whole = app.get("/audit?limit=500", &admin).await.expect(200).text;
    assert!(
        !whole.contains("tangerine"),
        "a tried password is in the audit log"
    );
    assert!(!whole.contains(PASSWORD), "a password is in the audit log");
}

async fn changing_ones_password_ends_the_other_sessions_and_their_sockets(b: Backend) {
    let app = spawn_app_with(b, |c| c.sign_in.per_pair = 3).await;
    let admin = app.enable_collaboration().await;
    let (olga, here) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let elsewhere = app.login("olga@example.com", PASSWORD).await;
    let mut here_events = app.events(&here).await;
    let mut elsewhere_events = app.events(&elsewhere).await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    // Nobody else can change it, a bad new password and a wrong current one are refused.
    app.send(
        Method::POST,
        "/me/password",
        None,
        Some(change(PASSWORD, NEW_PASSWORD)),
    )
    .await
    .problem(401, "sign in");
    let res = app
        .post("/me/password", &here, change(PASSWORD, "short"))
        .await
        .problem(422, "new_password");
    assert_eq!(res.body["errors"][0]["field"], "new_password");
    let res = app
        .post(
            "/me/password",
            &here,
            change("not my password", NEW_PASSWORD),
        )
        .await
        .problem(422, "not your current password");
    assert_eq!(res.body["errors"][0]["field"], "current_password");
    app.get("/me", &elsewhere).await.expect(200);

    app.post("/me/password", &here, change(PASSWORD, NEW_PASSWORD))
        .await
        .expect(204);
    // This session goes on, with its socket; the other one ended, with its socket.
    app.get("/me", &here).await.expect(200);
    app.get("/me", &elsewhere)
        .await
        .problem(401, "sign in again");
    assert_eq!(elsewhere_events.closed().await, Some(4001));
    here_events.expect_silence(300).await;
    app.get("/me", &here).await.expect(200);
    // The old password is gone, the new one signs in.
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "olga@example.com", "password": PASSWORD})),
    )
    .await
    .problem(401, "wrong e-mail or password");
    app.login("olga@example.com", NEW_PASSWORD).await;
    let changed = audit(&app, &admin, "user.password_changed").await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["actor"]["id"], olga.as_str());
    assert_eq!(changed[0]["details"]["via"], "self");
    assert_eq!(changed[0]["details"]["sessions_ended"], 1);

    // Guessing the current password through this endpoint is throttled like sign-in (the
    // sign-in above with the new password cleared this address's count).
    for _ in 0..3 {
        app.post("/me/password", &here, change("still not it", PASSWORD))
            .await
            .problem(422, "current_password");
    }
    app.post("/me/password", &here, change(NEW_PASSWORD, PASSWORD))
        .await
        .problem(429, "too many failed sign-ins");
    let failed = audit(&app, &admin, "user.password_change_failed").await;
    assert_eq!(failed.len(), 4);
    assert_eq!(failed[0]["details"]["address"], "127.0.0.1");
}

async fn administrators_reset_passwords_and_end_every_session(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let (olga, one) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let two = app.login("olga@example.com", PASSWORD).await;
    let mut events = app.events(&one).await;
    let reset = json!({"new_password": NEW_PASSWORD});
    let path = format!("/users/{olga}/password");

    app.send(Method::POST, &path, None, Some(reset.clone()))
        .await
        .problem(401, "sign in");
    app.post(&path, &two, reset.clone())
        .await
        .problem(403, "admin");
    app.post("/users/no-such-user/password", &admin, reset.clone())
        .await
        .problem(404, "no user with id no-such-user");
    app.post(&path, &admin, json!({"new_password": "short"}))
        .await
        .problem(422, "new_password");
    app.get("/me", &one).await.expect(200);

    app.post(&path, &admin, reset).await.expect(204);
    app.get("/me", &one).await.problem(401, "sign in again");
    app.get("/me", &two).await.problem(401, "sign in again");
    assert_eq!(events.closed().await, Some(4001));
    app.get("/me", &admin).await.expect(200);
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "olga@example.com", "password": PASSWORD})),
    )
    .await
    .expect(401);
    app.login("olga@example.com", NEW_PASSWORD).await;
    let changed = audit(&app, &admin, "user.password_changed").await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["details"]["via"], "administrator");
    assert_eq!(changed[0]["details"]["user_id"], olga.as_str());
    assert_eq!(changed[0]["details"]["sessions_ended"], 2);
    assert_ne!(changed[0]["actor"]["id"], olga.as_str());
}

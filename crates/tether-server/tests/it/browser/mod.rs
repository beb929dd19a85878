//! The web UI in a real browser (issue 6): headless Chromium driven over WebDriver against the
//! real server on a random port with a fresh database and data of its own.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install -y chromium
//! chromium-driver`). Screenshots for the README are written to `docs/screenshots/` with
//! `TETHER_UPDATE_SCREENSHOTS=1`, else under the target folder (`screenshot_path`).

mod chat;
mod handover;
mod pages;
mod panel;
mod settings;

use crate::browser_support::{Browser, Driver, keys, screenshot_path};
use crate::common;
use crate::common::{PASSWORD, TestApp, spawn_app};
use serde_json::{Value, json};
use std::time::Duration;
use tether_store::Backend;

/// The people and records every test starts from.
#[allow(dead_code)]
struct World {
    app: TestApp,
    admin: String,
    alice_id: String,
    alice: String,
    bo_id: String,
    cilla_id: String,
    team_id: String,
    case_id: String,
    case_title: String,
}

/// Creates a user through the API (without signing them in, which costs a password check).
async fn create_user(
    app: &TestApp,
    admin: &str,
    (email, name, role): (&str, &str, &str),
    team_ids: &[&str],
) -> String {
    let res = app
        .post(
            "/users",
            admin,
            json!({"name": name, "email": email, "password": PASSWORD, "roles": [role], "team_ids": team_ids}),
        )
        .await
        .expect(201);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn world() -> World {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (alice_id, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let bo_id = create_user(&app, &admin, ("bo@example.com", "Bo Lind", "agent"), &[]).await;
    let cilla_id = create_user(
        &app,
        &admin,
        ("cilla@example.com", "Cilla Ek", "agent"),
        &[],
    )
    .await;
    let team = app
        .post(
            "/teams",
            &admin,
            json!({"name": "Network support", "admin_ids": [alice_id], "member_ids": [bo_id, cilla_id]}),
        )
        .await
        .expect(201);
    let team_id = team.body["id"].as_str().unwrap().to_owned();
    let account = app
        .post(
            "/records/account",
            &admin,
            json!({"fields": {"name": "Nordic Freight AB", "city": "Göteborg"}}),
        )
        .await
        .expect(201);
    let case_title = "VPN drops every hour for the Göteborg office".to_owned();
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({
                "fields": {"title": case_title, "priority": "high", "origin": "phone", "product": "Tether VPN",
                           "description": "Since Monday the tunnel drops at the top of every hour."},
                "owner": {"user_id": alice_id},
                "related": {"account": account.body["id"]}
            }),
        )
        .await
        .expect(201);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    app.post(
        "/records/case",
        &admin,
        json!({"fields": {"title": "Invoice shows the wrong VAT", "priority": "normal"}, "owner": {"user_id": alice_id}}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/records/case/{case_id}/activities"),
        &alice,
        json!({"kind": "phone_call", "subject": "Customer called about the drops", "body": "Happens on all laptops."}),
    )
    .await
    .expect(201);
    World {
        app,
        admin,
        alice_id,
        alice,
        bo_id,
        cilla_id,
        team_id,
        case_id,
        case_title,
    }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base)
    }

    fn case_url(&self) -> String {
        self.url(&format!("/records/case/{}", self.case_id))
    }
}

/// Signs in through the sign-in page and waits for `then`.
async fn sign_in(b: &Browser, base: &str, email: &str, then: &str) {
    b.goto(&format!("{base}/login?next={then}")).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url(then).await;
}

/// Signs out through the top bar.
async fn sign_out(b: &Browser) {
    b.wait("#signout").await.click().await;
    b.wait_url("/login").await;
}

/// Marks the panel tour as seen, so it does not cover what a test clicks.
async fn skip_tour(b: &Browser) {
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;
}

/// Chooses a person in the people picker inside `scope`.
async fn pick_person(b: &Browser, scope: &str, query: &str, name: &str) {
    let input = b.wait(&format!("{scope} .people-picker input")).await;
    input.send_keys(query).await;
    b.wait_text(&format!("{scope} .listbox .option"), name)
        .await
        .click()
        .await;
    b.wait_text(&format!("{scope} .chip"), name).await;
}

/// Clicks the dialog button labelled `label`.
async fn dialog_button(b: &Browser, label: &str) {
    b.wait_text("dialog .dialog-foot button", label)
        .await
        .click()
        .await;
}

const ACTIVE: &str = ".chat:not([hidden])";

// ---- the collaboration panel (needs issue 4's endpoints) --------------------------------

/// Creates a group chat connected to the case through the API (as `token`).
async fn connected_chat(w: &World, token: &str, members: &[&str], name: Option<&str>) -> Value {
    let mut body = json!({"member_ids": members, "record": {"type": "case", "id": w.case_id}});
    if let Some(n) = name {
        body["name"] = json!(n);
    }
    w.app.post("/chats", token, body).await.expect(201).body
}

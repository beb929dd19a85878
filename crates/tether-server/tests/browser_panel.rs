//! Issue 16 items 5–7 in a real browser (headless Chromium, see `browser.rs`): the timeline's
//! chat entry updating live, a mention shown as a name in the composer, the record's owner
//! disconnecting a chat she is not in from the timeline with the disconnect attributed to her and
//! timed, and a read-only user seeing *New connected chat* disabled with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser_support;
mod common;

use browser_support::{Browser, Driver, keys};
use common::{PASSWORD, TestApp, spawn_app};
use serde_json::json;
use tether_store::Backend;

const ACTIVE: &str = ".chat:not([hidden])";

struct World {
    app: TestApp,
    bo: String,
    eve_id: String,
    eve: String,
    case_id: String,
    chat_id: String,
}

/// Olga owns a case; Bo and Eve (her teammates) talk about it in a chat connected by Bo that
/// Olga is not in. Cilla may only read cases.
async fn world() -> World {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let team = app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/roles",
        &admin,
        json!({"name": "reader", "privileges": ["collab.use", "case.read:all"]}),
    )
    .await
    .expect(201);
    let (_, olga) = app
        .user(
            &admin,
            "olga@example.com",
            "Olga Berg",
            &["agent"],
            &[&team],
        )
        .await;
    let (_, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&team])
        .await;
    let (eve_id, eve) = app
        .user(&admin, "eve@example.com", "Eve Ny", &["agent"], &[&team])
        .await;
    app.user(&admin, "cilla@example.com", "Cilla Ek", &["reader"], &[])
        .await;
    let case_id = app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Printer jams on tray 2"}}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chat_id = app
        .post(
            "/chats",
            &bo,
            json!({"member_ids": [eve_id], "name": "Tray 2 hunt"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/records/case/{case_id}/chats"),
        &bo,
        json!({"chat_id": chat_id}),
    )
    .await
    .expect(200);
    World {
        app,
        bo,
        eve_id,
        eve,
        case_id,
        chat_id,
    }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base)
    }
}

async fn sign_in(b: &Browser, w: &World, email: &str, then: &str) {
    b.goto(&w.url(&format!("/login?next={then}"))).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url(then).await;
    // The panel's tour would cover what the test clicks.
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;
    b.goto(&w.url(then)).await;
}

async fn sign_out(b: &Browser) {
    b.wait("#signout").await.click().await;
    b.wait_url("/login").await;
}

const CHAT_ENTRY: &str = ".tl-item.kind-chat_connection";

#[tokio::test]
async fn timeline_live_mentions_as_names_owner_disconnects_and_read_only_reasons() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    let record = format!("/records/case/{}", w.case_id);

    // Bo sees the chat's timeline entry; Eve's new message updates it without Refresh (R15).
    sign_in(&b, &w, "bo@example.com", &record).await;
    b.wait_text(CHAT_ENTRY, "Tray 2 hunt").await;
    w.app
        .post(
            &format!("/chats/{}/messages", w.chat_id),
            &w.eve,
            json!({"body": "paper stuck again"}),
        )
        .await
        .expect(201);
    b.wait_text(&format!("{CHAT_ENTRY} .tl-last"), "from Eve Ny")
        .await;

    // A mention chosen in the composer reads as the name and is sent as the id.
    b.wait_text(&format!("{CHAT_ENTRY} button"), "Open chat")
        .await
        .click()
        .await;
    let input = b.wait(&format!("{ACTIVE} .composer-input")).await;
    input.send_keys("@Ev").await;
    b.wait_text(&format!("{ACTIVE} .mention-list .option"), "Eve Ny")
        .await;
    input.send_keys(keys::ENTER).await;
    input.send_keys("please check tray 2").await;
    assert_eq!(input.value().await, "@Eve Ny please check tray 2");
    input.send_keys(keys::ENTER).await;
    b.wait_text(&format!("{ACTIVE} .msg-body .mention"), "@Eve Ny")
        .await;
    let page = w
        .app
        .get(&format!("/chats/{}/messages?limit=1", w.chat_id), &w.bo)
        .await
        .expect(200)
        .body;
    assert_eq!(
        page["items"][0]["body"],
        json!(format!("<@{}> please check tray 2", w.eve_id))
    );
    sign_out(&b).await;

    // Olga owns the case but is not in the chat: she disconnects it from the timeline (R11a).
    sign_in(&b, &w, "olga@example.com", &record).await;
    b.wait_text(&format!("{CHAT_ENTRY} button"), "Disconnect")
        .await
        .click()
        .await;
    b.wait_text("dialog .dialog-foot button", "Disconnect")
        .await
        .click()
        .await;
    // …and the entry names her, not Bo who connected it, with the time.
    b.wait_text(
        &format!("{CHAT_ENTRY} .tl-meta"),
        "disconnected by Olga Berg",
    )
    .await;
    let since = b
        .wait_text(&format!("{CHAT_ENTRY} .tag"), "Disconnected since")
        .await
        .text()
        .await;
    assert!(since.chars().any(|c| c.is_ascii_digit()), "{since}");
    b.wait_text(
        ".tl-item.kind-chat_disconnection .tl-meta",
        "Disconnected by Olga Berg",
    )
    .await;
    sign_out(&b).await;

    // Cilla can only read the case: New connected chat is disabled and says why.
    sign_in(&b, &w, "cilla@example.com", &record).await;
    let button = b.wait("#panel-new-connected").await;
    assert_eq!(button.prop("disabled").await, json!(true));
    assert!(
        button
            .prop("title")
            .await
            .as_str()
            .unwrap()
            .contains("needs write access")
    );
    b.wait_text(".read-only-note", "needs write access").await;
    b.wait_js(
        "return [...document.querySelectorAll('.suggestion .entry-actions button')].every((x) => x.disabled)",
        "every suggestion's Chat button disabled",
    )
    .await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());
    let _ = &w.bo;
}

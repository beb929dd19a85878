//! The opt-out in the web UI: *E-mail about what I missed* in the user menu, a checkbox that
//! turns the digest off (`PATCH /me`), and a note when the server sends no e-mail at all.
//! Headless Chromium, as in `browser/`.

use crate::browser_support::Driver;
use crate::common::{PASSWORD, spawn_app};
use serde_json::json;
use tether_store::Backend;

#[tokio::test]
async fn i19_the_user_menu_turns_the_email_digest_off_and_on() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;

    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.goto(&format!("{}/login", app.base)).await;
    b.wait("#email").await.send_keys("olga@example.com").await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url("/").await;

    let open = async || {
        b.wait("#user-menu").await.click().await;
        b.wait_text(".menu .menu-item", "E-mail about what I missed")
            .await
            .click()
            .await;
        b.wait("dialog #pref-email-digest").await
    };
    let box_ = open().await;
    assert_eq!(box_.prop("checked").await, json!(true), "on by default");
    // This test server has no SMTP host: the dialog says nothing is sent.
    b.wait_text("dialog [role=note]", "does not send e-mail")
        .await;
    box_.click().await;
    b.wait_text("dialog .dialog-foot button", "Save")
        .await
        .click()
        .await;
    b.wait_gone("dialog #pref-email-digest", "").await;
    assert_eq!(
        app.get("/me", &olga).await.expect(200).body["email_digest"],
        false
    );

    let box_ = open().await;
    assert_eq!(
        box_.prop("checked").await,
        json!(false),
        "shows the saved choice"
    );
    box_.click().await;
    b.wait_text("dialog .dialog-foot button", "Save")
        .await
        .click()
        .await;
    b.wait_gone("dialog #pref-email-digest", "").await;
    assert_eq!(
        app.get("/me", &olga).await.expect(200).body["email_digest"],
        true
    );
}

//! An administrator turns collaboration on and edits settings (R1); passwords changed from the
//! user menu and reset by an administrator.

use super::*;

#[tokio::test]
async fn r1_admin_turns_collaboration_on_and_edits_settings() {
    let app = spawn_app(Backend::Sqlite).await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, common::ADMIN_EMAIL, "/chats").await;

    // R1: with collaboration off, the chat app says so in words.
    b.wait_text(".chatlist .error", "collaboration is turned off")
        .await;
    b.wait_text(".empty-state", "collaboration is turned off")
        .await;

    // The administrator turns it on.
    b.goto(&format!("{}/admin", app.base)).await;
    b.wait("#collab-switch").await.click().await;
    b.wait_text("[role=status]", "Collaboration is on").await;
    b.goto(&format!("{}/chats", app.base)).await;
    b.wait_text(".chatlist", "No chats yet").await;

    // Users: create one from the admin page; the list shows them.
    b.goto(&format!("{}/admin#users", app.base)).await;
    b.wait_text(".table", "Ada Admin").await;
    b.wait_text(".section-head button", "New user")
        .await
        .click()
        .await;
    b.wait("#nu-name").await.send_keys("Dana Ek").await;
    b.wait("#nu-email")
        .await
        .send_keys("dana@example.com")
        .await;
    b.wait("#nu-password").await.send_keys(PASSWORD).await;
    dialog_button(&b, "Create user").await;
    b.wait_text(".table", "dana@example.com").await;

    // Per-type settings: turn Join chat off for cases.
    b.goto(&format!("{}/admin#type-settings/case", app.base))
        .await;
    let join = b.wait("#set-join_chat").await;
    assert_eq!(join.prop("checked").await, json!(true));
    join.click().await;
    b.wait_text(".settings-form button[type=submit]", "Save settings")
        .await
        .click()
        .await;
    b.wait_text(".settings-form [role=status]", "Saved").await;
    b.js("window.scrollTo(0, 0)", vec![]).await;
    b.screenshot(&screenshot_path("admin-settings.png")).await;
    let admin = app.admin().await;
    let settings = app
        .get("/record-types/case/settings", &admin)
        .await
        .expect(200);
    assert_eq!(settings.body["join_chat"], json!(false));

    // The audit log lists the change.
    b.goto(&format!("{}/admin#audit", app.base)).await;
    b.wait_text(".table tbody", "Ada Admin").await;

    // A non-administrator gets a readable refusal, not a blank page.
    create_user(
        &app,
        &admin,
        ("viewer@example.com", "Vera Viewer", "viewer"),
        &[],
    )
    .await;
    sign_out(&b).await;
    sign_in(&b, &app.base, "viewer@example.com", "/").await;
    b.goto(&format!("{}/admin", app.base)).await;
    b.wait_text(".error", "admin privilege").await;
}

#[tokio::test]
async fn change_password_from_the_user_menu_and_an_administrators_reset() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let (_, elsewhere) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, "alice@example.com", "/").await;

    // The user menu in the top bar opens the Change password dialog.
    b.wait("#user-menu").await.click().await;
    b.wait_text(".menu .menu-item", "Change password")
        .await
        .click()
        .await;
    b.wait_text("dialog h2", "Change password").await;
    b.wait("#pw-current").await.send_keys(PASSWORD).await;
    b.wait("#pw-new")
        .await
        .send_keys("a brand new passphrase")
        .await;
    b.wait("#pw-repeat")
        .await
        .send_keys("a brand new passphrasE")
        .await;
    dialog_button(&b, "Change password").await;
    b.wait_text("dialog .form-error", "do not match").await;
    // A wrong current password: the server's reason, on the field it names.
    b.wait("#pw-repeat").await.clear().await;
    b.wait("#pw-repeat")
        .await
        .send_keys("a brand new passphrase")
        .await;
    b.wait("#pw-current").await.clear().await;
    b.wait("#pw-current")
        .await
        .send_keys("not my password")
        .await;
    dialog_button(&b, "Change password").await;
    b.wait_text(
        "dialog .form-error",
        "Current password: this is not your current password",
    )
    .await;
    assert_eq!(
        b.wait("#pw-current").await.prop("ariaInvalid").await,
        json!("true")
    );
    b.wait("#pw-current").await.clear().await;
    b.wait("#pw-current").await.send_keys(PASSWORD).await;
    dialog_button(&b, "Change password").await;
    b.wait_text(".toast", "Your password is changed").await;
    b.wait_js(
        "return !document.querySelector('dialog')",
        "the dialog to close",
    )
    .await;

    // This browser stays signed in; the other session has ended; the new password works.
    app.get("/me", &elsewhere).await.expect(401);
    b.goto(&format!("{}/", app.base)).await;
    b.wait_url("/").await;
    b.wait("#user-menu").await;
    app.login("alice@example.com", "a brand new passphrase")
        .await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());

    // An administrator sets it from the admin page: Alice is signed out everywhere.
    sign_out(&b).await;
    sign_in(&b, &app.base, common::ADMIN_EMAIL, "/admin").await;
    b.goto(&format!("{}/admin#users", app.base)).await;
    b.wait_text(".table", "alice@example.com").await;
    b.js(
        "[...document.querySelectorAll('.table tr')].find((r) => r.textContent.includes('alice@example.com')).querySelectorAll('button').forEach((x) => { if (x.textContent === 'Set password') x.click(); })",
        vec![],
    )
    .await;
    b.wait_text("dialog h2", "Set the password of Alice Berg")
        .await;
    b.wait("#sp-password")
        .await
        .send_keys("set by the administrator")
        .await;
    dialog_button(&b, "Set password").await;
    b.wait_text(".toast", "The password of Alice Berg is set")
        .await;
    app.login("alice@example.com", "set by the administrator")
        .await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

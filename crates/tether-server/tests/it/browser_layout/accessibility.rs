//! axe finds nothing serious on any page or dialog.

use super::*;

#[tokio::test]
async fn axe_finds_nothing_serious_on_any_page_or_dialog() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    let mut found = Vec::new();
    go(&b, &w.url("/login")).await;
    b.wait("#email").await;
    found.extend(axe(&b, "sign-in page", None).await);
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&b).await;
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        let at = |what: &str| format!("{what} at {}", size.0);
        go(&b, &w.url("/")).await;
        b.wait_text(".record-table a.record-link", "VPN tunnel drops")
            .await;
        found.extend(axe(&b, &at("my work"), None).await);

        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, ".entry").await;
        found.extend(axe(&b, &at("record page"), None).await);
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "Collaboration")
                .await
                .click()
                .await;
        }
        for tab in ["channels", "search"] {
            b.wait(&format!("#panel-tab-{tab}")).await.click().await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            found.extend(axe(&b, &at(&format!("record page, panel tab {tab}")), None).await);
        }
        b.wait("#panel-tab-chats").await.click().await;
        b.wait("#panel-new-connected").await.click().await;
        b.wait("dialog[open] .people-picker input").await;
        found.extend(axe(&b, &at("new connected chat dialog"), Some("dialog[open]")).await);
        found.extend(layout_defects(&b, "new connected chat dialog", size).await);
        b.press(&[keys::ESCAPE]).await;
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "Record")
                .await
                .click()
                .await;
        }
        open_record_chat(&b).await;
        found.extend(axe(&b, &at("record page with a chat"), None).await);

        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        b.wait(".chatapp .chat:not([hidden]) .chat-log .msg").await;
        found.extend(axe(&b, &at("chat app"), None).await);
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "All chats")
                .await
                .click()
                .await;
        }
        b.wait("#new-chat").await.click().await;
        b.wait("dialog[open] .people-picker input").await;
        found.extend(axe(&b, &at("new chat dialog"), Some("dialog[open]")).await);
        b.press(&[keys::ESCAPE]).await;

        // The chat's transcript dialog (from its "…" menu).
        if size == PHONE {
            b.wait("#pane-tab-chat").await.click().await;
        }
        b.wait(".chatapp .chat:not([hidden]) [aria-label='Chat actions']")
            .await
            .click()
            .await;
        b.wait_text(".menu .menu-item", "Save transcript")
            .await
            .click()
            .await;
        b.wait("dialog[open] .dialog-foot button").await;
        found.extend(axe(&b, &at("transcript dialog"), Some("dialog[open]")).await);
        found.extend(layout_defects(&b, "transcript dialog", size).await);
        b.press(&[keys::ESCAPE]).await;

        // The user menu's Change password dialog.
        b.wait(".topbar .me-btn").await.click().await;
        b.wait_text(".menu .menu-item", "Change password")
            .await
            .click()
            .await;
        b.wait("dialog[open] #pw-current").await;
        found.extend(axe(&b, &at("change password dialog"), Some("dialog[open]")).await);
        b.press(&[keys::ESCAPE]).await;
    }

    // A page refused in words (administration for a non-administrator).
    go(&b, &w.url("/admin")).await;
    b.wait_text("main .error", "admin privilege").await;
    found.extend(axe(&b, "administration refused", None).await);

    assert_none(&found);
}

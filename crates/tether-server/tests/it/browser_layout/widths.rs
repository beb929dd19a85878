//! Every page fits every width and the phone has one column; long names ellipsize, with the
//! whole name on hover.

use super::*;

#[tokio::test]
async fn every_page_fits_every_width_and_the_phone_has_one_column() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    let mut defects = Vec::new();
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url("/login")).await;
        b.wait("#email").await;
        defects.extend(layout_defects(&b, "sign-in page", size).await);
    }
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&b).await;
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url("/admin")).await;
        b.wait_text("main .error", "admin privilege").await;
        defects.extend(layout_defects(&b, "administration refused", size).await);
        let shot = |name: &str| {
            [1440, 390]
                .contains(&size.0)
                .then(|| screenshot_path(&format!("{name}-{}.png", size.0)))
        };

        // My work.
        go(&b, &w.url("/")).await;
        b.wait_text(".record-table a.record-link", "VPN tunnel drops")
            .await;
        b.wait_text(".chat-item", "Escalation").await;
        defects.extend(layout_defects(&b, "my work", size).await);
        if let Some(p) = shot("my-work") {
            b.mouse_away().await;
            b.screenshot(&p).await;
        }

        // The record page with a chat open beside it.
        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, "#panel-new-connected").await;
        defects.extend(layout_defects(&b, "record page", size).await);
        if size == PHONE {
            // One column; a labelled switch shows the panel, and a chat opened from the
            // timeline shows in place of the record.
            let switch = b.wait(".pane-switch").await;
            assert!(
                switch.prop("ariaLabel").await.as_str().is_some(),
                "the switch has a name"
            );
            b.wait_text(".pane-switch [role=tab]", "Collaboration")
                .await
                .click()
                .await;
            b.wait("#panel-new-connected").await;
            b.wait_js(
                "return !document.querySelector('.record-main').checkVisibility()
                   && document.querySelector('.collab-panel').getBoundingClientRect().width === innerWidth",
                "one column: the record gives way to the panel",
            )
            .await;
            defects.extend(layout_defects(&b, "record page, panel", size).await);
            b.wait_text(".pane-switch [role=tab]", "Record")
                .await
                .click()
                .await;
            b.wait("h1#record-title").await;
        }
        open_record_chat(&b).await;
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab][aria-selected=true]", "Chat")
                .await;
        }
        defects.extend(layout_defects(&b, "record page with a chat open", size).await);
        if size.0 == 1024 {
            // Two columns: the panel stays; the record and the chat share the left one, and the
            // switch (without a panel tab) chooses.
            let shown = |css: &str| {
                format!(
                    "return !!document.querySelector({}).checkVisibility()",
                    json!(css)
                )
            };
            for (css, expected) in [
                (".collab-panel", true),
                (".record-chat", true),
                (".record-main", false),
                ("#pane-tab-panel", false),
            ] {
                assert_eq!(
                    b.js(&shown(css), vec![]).await,
                    json!(expected),
                    "{css} at 1024"
                );
            }
            b.wait("#pane-tab-record").await.click().await;
            b.wait("h1#record-title").await;
            assert_eq!(b.js(&shown(".record-chat"), vec![]).await, json!(false));
            defects.extend(layout_defects(&b, "record page, record beside the panel", size).await);
            b.wait("#pane-tab-chat").await.click().await;
            b.wait(".record-chat .chat:not([hidden]) .composer textarea")
                .await;
        }
        if let Some(p) = shot("record-page") {
            b.mouse_away().await;
            b.screenshot(&p).await;
        }

        // The chat app with the long-named chat open.
        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        b.wait(".chatapp .chat:not([hidden]) .chat-log .msg").await;
        defects.extend(layout_defects(&b, "chat app", size).await);
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab][aria-selected=true]", "Chat")
                .await;
            b.wait_text(".pane-switch [role=tab]", "All chats")
                .await
                .click()
                .await;
            b.wait("#chat-filter").await;
            defects.extend(layout_defects(&b, "chat app, list", size).await);
            b.wait_text(".chat-item", "Escalation").await.click().await;
            b.wait(".chatapp .chat:not([hidden]) .composer textarea")
                .await;
        }
        if let Some(p) = shot("chat-app") {
            b.mouse_away().await;
            b.screenshot(&p).await;
        }

        // Dialogs: a new chat.
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "All chats")
                .await
                .click()
                .await;
        }
        b.wait("#new-chat").await.click().await;
        b.wait("dialog[open] .people-picker input").await;
        defects.extend(layout_defects(&b, "new chat dialog", size).await);
        b.press(&[keys::ESCAPE]).await;
        b.wait_js(
            "return !document.querySelector('dialog[open]')",
            "the dialog to close",
        )
        .await;
    }
    assert_none(&defects);
    assert!(b.console_defects().await.is_empty());
}

#[tokio::test]
async fn long_names_ellipsize_with_the_whole_on_hover_and_wrap_in_system_messages() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    for size in [(1280, 800), PHONE] {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        // The rename's system message holds the whole name, wrapped inside the log.
        let sys = b
            .wait_text(".msg-system .sys-text", "renamed the chat")
            .await;
        assert!(sys.text().await.contains(&w.long_chat_name));
        let fits = b
            .js(
                "const s = arguments[0]; const log = s.closest('.chat-log');
                 const r = s.getBoundingClientRect(), l = log.getBoundingClientRect();
                 return r.left >= l.left && r.right <= l.right && log.scrollWidth <= log.clientWidth
                   && r.height > 2 * parseFloat(getComputedStyle(s).lineHeight);",
                vec![sys.arg()],
            )
            .await;
        assert_eq!(fits, json!(true), "the system message wraps inside the log");
        // The chat's title is cut short, and says the whole name when pointed at.
        let title = b.wait(".chat:not([hidden]) .chat-name").await;
        let cut = b
            .js(
                "const e = arguments[0]; return e.scrollWidth > e.clientWidth",
                vec![title.arg()],
            )
            .await;
        assert_eq!(cut, json!(true), "a 200-character name is cut short");
        b.hover(&title).await;
        let shown = b
            .js(
                "return arguments[0].closest('[title]')?.title || ''",
                vec![title.arg()],
            )
            .await;
        assert_eq!(shown, json!(w.long_chat_name));
        assert_none(&layout_defects(&b, "chat app", size).await);
    }
}

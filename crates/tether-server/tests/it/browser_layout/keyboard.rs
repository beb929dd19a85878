//! The keyboard reaches the main controls with a visible focus; form errors are tied to their
//! fields.

use super::*;

/// What has the focus: `tag#id “name”`.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body) return null;
const cs = getComputedStyle(el);
const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
// A field inside a box that shows the focus for it (`:focus-within`) counts as shown.
const box = el.closest('.composer-box, .picker-box');
const ring = (cs.boxShadow && cs.boxShadow !== 'none') || (box && getComputedStyle(box).boxShadow !== 'none');
const name = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || el.placeholder || '').trim().replace(/\s+/g, ' ').slice(0, 40);
return { what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} “${name}”`, visible: outline || ring, focusVisible: el.matches(':focus-visible') };
"#;

#[tokio::test]
async fn the_keyboard_reaches_the_main_controls_with_a_visible_focus() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    for size in [(1440, 900), PHONE] {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, ".entry").await;
        let mut reached: Vec<String> = Vec::new();
        let mut unseen = Vec::new();
        for _ in 0..60 {
            b.press(&[keys::TAB]).await;
            let f = b.js(FOCUSED, vec![]).await;
            let Some(what) = f["what"].as_str() else {
                continue;
            };
            if f["visible"] != json!(true) {
                unseen.push(what.to_owned());
            }
            reached.push(what.to_owned());
        }
        let all = reached.join("\n");
        assert!(
            reached
                .first()
                .is_some_and(|f| f.contains("Skip to content")),
            "Skip to content comes first at {size:?}:\n{all}"
        );
        let mut wanted = vec![
            "My work",
            "Chats",
            "user-menu",
            "f3-title",
            "Log an activity",
        ];
        if size == PHONE {
            // The finder is a button, Sign out is in the user menu; the switch is one stop (its
            // selected tab), arrows move within it.
            wanted.extend(["finder-open", "pane-tab-record"]);
        } else {
            wanted.extend([
                "finder-input",
                "Sign out",
                "panel-new-connected",
                "panel-tab-chats",
                "panel-filter",
            ]);
        }
        for want in wanted {
            assert!(all.contains(want), "Tab reaches {want} at {size:?}:\n{all}");
        }
        if size == PHONE {
            b.wait("#pane-tab-record").await.click().await;
            b.press(&[keys::ARROW_RIGHT]).await;
            let f = b.js(FOCUSED, vec![]).await;
            assert!(
                f["what"].as_str().unwrap_or("").contains("pane-tab-panel"),
                "→ moves to the panel's tab: {f}"
            );
            exists(&b, "#pane-tab-panel[aria-selected=true]").await;
            b.wait("#panel-new-connected").await;
        }
        assert!(
            unseen.is_empty(),
            "focus shows on every control at {size:?}; not on:\n{}",
            unseen.join("\n")
        );
    }

    // The chat app: the box, New chat, the chats and the open chat's composer.
    b.set_window_size(1440, 900).await;
    go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
    b.wait(".chatapp .chat:not([hidden]) .composer textarea")
        .await;
    b.js(
        "document.activeElement?.blur(); window.scrollTo(0, 0)",
        vec![],
    )
    .await;
    let mut reached = Vec::new();
    let mut unseen = Vec::new();
    for _ in 0..40 {
        b.press(&[keys::TAB]).await;
        let f = b.js(FOCUSED, vec![]).await;
        let Some(what) = f["what"].as_str() else {
            continue;
        };
        if f["visible"] != json!(true) {
            unseen.push(what.to_owned());
        }
        reached.push(what.to_owned());
    }
    let all = reached.join("\n");
    for want in ["chat-filter", "new-chat", "Escalation", "-input “Message"] {
        assert!(
            all.contains(want),
            "Tab reaches {want} in the chat app:\n{all}"
        );
    }
    assert!(
        unseen.is_empty(),
        "focus shows on every control of the chat app; not on:\n{}",
        unseen.join("\n")
    );
    // The open chat's tab: Delete closes the chat (the tab's × is for the mouse only).
    let tab = b.wait(".dock-tabs [role=tab][aria-selected=true]").await;
    b.js("arguments[0].focus()", vec![tab.arg()]).await;
    b.press(&[keys::DELETE]).await;
    b.wait_js(
        "return !document.querySelector('.dock-tabs [role=tab]')",
        "Delete to close the chat",
    )
    .await;
}

#[tokio::test]
async fn form_errors_are_tied_to_their_fields() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    // Sign-in: a wrong password marks the fields and names the error.
    go(&b, &w.url("/login")).await;
    b.wait("#email").await.send_keys("alice@example.com").await;
    b.wait("#password")
        .await
        .send_keys("not the password")
        .await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_text("#login-error", "wrong e-mail or password")
        .await;
    let tied = |sel: &str| {
        format!(
            "const i = document.querySelector('{sel}');
             const ids = (i.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
             return i.getAttribute('aria-invalid') === 'true'
               && ids.some((id) => (document.getElementById(id)?.textContent || '').trim().length > 0);"
        )
    };
    b.wait_js(&tied("#password"), "the password field to name its error")
        .await;
    // Change password: the server's refusal of the current password names its field.
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url("/").await;
    b.wait(".topbar .me-btn").await.click().await;
    b.wait_text(".menu .menu-item", "Change password")
        .await
        .click()
        .await;
    b.wait("dialog[open] #pw-current")
        .await
        .send_keys("not my password")
        .await;
    b.wait("#pw-new")
        .await
        .send_keys("a much longer new password")
        .await;
    b.wait("#pw-repeat")
        .await
        .send_keys("a much longer new password")
        .await;
    b.wait_text("dialog .dialog-foot button", "Change password")
        .await
        .click()
        .await;
    b.wait_js(
        &tied("#pw-current"),
        "the current password to name its error",
    )
    .await;
    // The hint of the new password stays described too.
    let hint = b
        .js(
            "return document.querySelector('#pw-new').getAttribute('aria-describedby')",
            vec![],
        )
        .await;
    assert!(hint.as_str().unwrap_or("").contains("pw-new-hint"));
    // Mismatched repeat: the repeat field is marked and described; the other is not.
    b.wait("#pw-repeat").await.send_keys("x").await;
    b.wait_text("dialog .dialog-foot button", "Change password")
        .await
        .click()
        .await;
    b.wait_js(
        &tied("#pw-repeat"),
        "the repeated password to name its error",
    )
    .await;
    let current_clean = b
        .js(
            "return !document.querySelector('#pw-current').hasAttribute('aria-invalid')
               && !(document.querySelector('#pw-current').getAttribute('aria-describedby') || '').trim()",
            vec![],
        )
        .await;
    assert_eq!(
        current_clean,
        json!(true),
        "a field without error is not described by it"
    );
}

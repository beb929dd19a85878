//! The chat app: live messages, drafts, reactions and attachments.

use super::*;

/// Writes a file for the attachment tests and returns its path.
fn fixture(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("tether-ui-{}", tether_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn chat_app_live_messages_drafts_reactions_and_attachments() {
    let w = world().await;
    let driver = Driver::start().await;
    let (a, b) = tokio::join!(driver.browser(), driver.browser());
    tokio::join!(
        sign_in(&a, &w.app.base, "alice@example.com", "/chats"),
        sign_in(&b, &w.app.base, "bo@example.com", "/chats"),
    );
    b.wait_text(".chatlist", "No chats yet").await;

    // Alice starts a one-on-one chat with Bo and sends formatted text with an emoji.
    a.wait("#new-chat").await.click().await;
    pick_person(&a, "dialog", "Bo", "Bo Lind").await;
    dialog_button(&a, "Start chat").await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), "Bo Lind")
        .await;
    a.wait_url("/chats/*").await;
    let input = a.wait(&format!("{ACTIVE} .composer-input")).await;
    input.send_keys("The fix is ").await;
    a.wait(&format!("{ACTIVE} .tool[aria-label=Bold]"))
        .await
        .click()
        .await;
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .send_keys("deployed")
        .await;
    a.js(
        "const t = document.querySelector(arguments[0]); t.setSelectionRange(t.value.length, t.value.length);",
        vec![json!(format!("{ACTIVE} .composer-input"))],
    )
    .await;
    a.wait(&format!("{ACTIVE} .tool[aria-label=Emoji]"))
        .await
        .click()
        .await;
    a.wait(&format!("{ACTIVE} .emoji[aria-label='thumbs up']"))
        .await
        .click()
        .await;
    assert_eq!(
        a.wait(&format!("{ACTIVE} .composer-input"))
            .await
            .value()
            .await,
        "The fix is **deployed**👍"
    );
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .send_keys(keys::ENTER)
        .await;
    a.wait_text(&format!("{ACTIVE} .msg-body strong"), "deployed")
        .await;
    a.wait_text(&format!("{ACTIVE} .msg-body"), "👍").await;

    // Bo sees the new chat arrive live with an unread badge, opens it, and sees the message.
    let item = b.wait_text(".chat-item", "Alice Berg").await;
    b.wait_text(".chat-item.unread .count", "1").await;
    b.wait_text("#nav-unread", "1").await;
    item.click().await;
    b.wait_text(&format!("{ACTIVE} .msg-body strong"), "deployed")
        .await;
    b.wait_text(&format!("{ACTIVE} .msg-body"), "👍").await;

    // A message sent while Bo has the chat open arrives live.
    // Timed in the browsers (same machine clock): from the click on Send in Alice's page to
    // the message drawn in Bo's.
    b.js(
        "const log = document.querySelector(arguments[0]); window.__seen = 0;
         new MutationObserver(() => { if (!window.__seen && log.innerText.includes('Can you confirm')) window.__seen = Date.now(); })
           .observe(log, {childList: true, subtree: true, characterData: true});",
        vec![json!(format!("{ACTIVE} .chat-log"))],
    )
    .await;
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .send_keys("Can you confirm on your side?")
        .await;
    let sent_at = a
        .js(
            "const at = Date.now(); document.querySelector(arguments[0]).click(); return at;",
            vec![json!(format!("{ACTIVE} button.send"))],
        )
        .await;
    b.wait_text(
        &format!("{ACTIVE} .msg-body"),
        "Can you confirm on your side?",
    )
    .await;
    let seen_at = b.js("return window.__seen", vec![]).await;
    let latency = seen_at.as_i64().unwrap() - sent_at.as_i64().unwrap();
    eprintln!("sent in one browser, drawn in the other after {latency} ms");
    // The target is 300 ms; the bound leaves room for a busy CI machine.
    assert!(latency < 1000, "live delivery took {latency} ms");

    // Bo reacts; Alice sees the reaction live.
    b.js(
        "const last = [...document.querySelectorAll(arguments[0])].pop(); last.querySelector('.msg-tools button[aria-label=\"Add a reaction\"]').click(); last.querySelector('.quick-emoji[aria-label=\"React with 🎉\"]').click();",
        vec![json!(format!("{ACTIVE} .msg"))],
    )
    .await;
    a.wait_text(&format!("{ACTIVE} .reaction"), "🎉").await;

    // Bo answers, mentioning Alice through the @ autocomplete (it shows `@Name`, sends `<@id>`).
    let input = b.wait(&format!("{ACTIVE} .composer-input")).await;
    input.send_keys("@Ali").await;
    b.wait_text(&format!("{ACTIVE} .mention-list .option"), "Alice Berg")
        .await;
    input.send_keys(keys::ENTER).await;
    input
        .send_keys("confirmed, the tunnel is stable since 10:05 \u{2705}")
        .await;
    assert!(input.value().await.starts_with("@Alice Berg confirmed"));
    input.send_keys(keys::ENTER).await;
    a.wait_text(&format!("{ACTIVE} .msg-body .mention"), "@Alice Berg")
        .await;

    // A second chat: both drafts survive switching between the tabs.
    a.wait("#new-chat").await.click().await;
    pick_person(&a, "dialog", "Bo", "Bo Lind").await;
    pick_person(&a, "dialog", "Cilla", "Cilla Ek").await;
    a.wait("#new-chat-name")
        .await
        .send_keys("VPN escalation")
        .await;
    dialog_button(&a, "Start chat").await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), "VPN escalation")
        .await;
    a.wait_text(&format!("{ACTIVE} .msg-system"), "started the chat")
        .await;
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .send_keys("draft for the group")
        .await;
    a.wait_text(".dock-tab-btn", "Bo Lind").await.click().await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), "Bo Lind")
        .await;
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .send_keys("draft for Bo")
        .await;
    a.wait_text(".dock-tab-btn", "VPN escalation")
        .await
        .click()
        .await;
    assert_eq!(
        a.wait(&format!("{ACTIVE} .composer-input"))
            .await
            .value()
            .await,
        "draft for the group"
    );
    a.wait_text(".dock-tab-btn", "Bo Lind").await.click().await;
    assert_eq!(
        a.wait(&format!("{ACTIVE} .composer-input"))
            .await
            .value()
            .await,
        "draft for Bo"
    );

    // Attach a text file and an image (button), see the chips, send, see them in the chat.
    let text = fixture(
        "vpn-tunnel.log",
        b"09:00:01 tunnel up\n10:00:00 tunnel down\n",
    );
    let image = fixture(
        "throughput.png",
        include_bytes!("../browser_support/chart.png"),
    );
    let files = a.find(&format!("{ACTIVE} input[type=file]")).await.unwrap();
    files.send_keys(&format!("{text}\n{image}")).await;
    a.wait_text(
        &format!("{ACTIVE} .composer-files .file-chip:not(.pending)"),
        "vpn-tunnel.log",
    )
    .await;
    a.wait_text(
        &format!("{ACTIVE} .composer-files .file-chip:not(.pending)"),
        "throughput.png",
    )
    .await;
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .clear()
        .await;
    a.wait(&format!("{ACTIVE} .composer-input"))
        .await
        .send_keys("Logs and the throughput chart from this morning")
        .await;
    a.wait(&format!("{ACTIVE} button.send")).await.click().await;
    a.wait_text(&format!("{ACTIVE} .msg-files .file-chip"), "vpn-tunnel.log")
        .await;
    a.wait(&format!("{ACTIVE} .msg-images img")).await;
    a.wait_js(
        &format!("const i = document.querySelector('{ACTIVE} .msg-images img'); return Boolean(i && i.complete && i.naturalWidth > 0);"),
        "the inline image to load",
    )
    .await;
    b.wait_text(&format!("{ACTIVE} .msg-files .file-chip"), "vpn-tunnel.log")
        .await;
    a.wait_js(
        &format!("return document.querySelector('{ACTIVE} .composer-files').children.length === 0"),
        "the composer to clear",
    )
    .await;

    // R16: a pasted record link shows its card while composing; removed before sending, the
    // card is not in the message.
    let input = a.wait(&format!("{ACTIVE} .composer-input")).await;
    input
        .send_keys(&format!("Without the card: {}", w.case_url()))
        .await;
    a.wait(&format!("{ACTIVE} .composer-cards .card-x"))
        .await
        .click()
        .await;
    a.wait_js(
        &format!("return document.querySelector('{ACTIVE} .composer-cards').children.length === 0"),
        "the card preview to go",
    )
    .await;
    input.send_keys(keys::ENTER).await;
    a.wait_js(
        &format!(
            "const m = [...document.querySelectorAll('{ACTIVE} .msg')].find(x => x.innerText.includes('Without the card'));
             return Boolean(m) && m.querySelector('.record-card') === null;"
        ),
        "the message without its card",
    )
    .await;
    // Kept, the card is in the message, computed for each reader: Bo sees it too.
    input
        .send_keys(&format!("The case is {}", w.case_url()))
        .await;
    a.wait_text(
        &format!("{ACTIVE} .composer-cards .record-card"),
        "VPN drops every hour",
    )
    .await;
    input.send_keys(keys::ENTER).await;
    a.wait_text(
        &format!("{ACTIVE} .msg .record-card"),
        "VPN drops every hour",
    )
    .await;
    b.wait_text(
        &format!("{ACTIVE} .msg .record-card"),
        "VPN drops every hour",
    )
    .await;
    a.js(
        &format!(
            "const l = document.querySelector('{ACTIVE} .chat-log'); l.scrollTop = l.scrollHeight;"
        ),
        vec![],
    )
    .await;
    a.mouse_away().await;
    a.screenshot(&screenshot_path("chat-app.png")).await;

    // Drafts are kept across a reload too.
    a.goto(&w.url("/chats")).await;
    a.wait_text(".chat-item", "VPN escalation")
        .await
        .click()
        .await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), "VPN escalation")
        .await;
    a.wait_js(
        &format!("return document.querySelector('{ACTIVE} .composer-input').value === 'draft for the group'"),
        "the group draft after a reload",
    )
    .await;

    // An API error is shown in words where it happened: renaming to an over-long name.
    a.wait(&format!("{ACTIVE} button[aria-label='Rename chat']"))
        .await
        .click()
        .await;
    let rename = a.wait(&format!("{ACTIVE} .rename-input")).await;
    a.js(
        "arguments[0].removeAttribute('maxlength'); arguments[0].value = 'x'.repeat(400);",
        vec![rename.arg()],
    )
    .await;
    rename.send_keys(keys::ENTER).await;
    let err = a
        .wait(&format!("{ACTIVE} .chat-head .form-error"))
        .await
        .text()
        .await;
    assert!(
        err.contains("name") && !err.contains('{'),
        "readable rename error, got {err:?}"
    );
    assert_eq!(a.console_defects().await, Vec::<String>::new());
    assert_eq!(b.console_defects().await, Vec::<String>::new());

    // Signing out leaves no chat text behind in the browser.
    let drafts =
        "return Object.keys(localStorage).filter((k) => k.startsWith('tether.draft.')).length";
    let kept = a.js(drafts, vec![]).await;
    assert!(
        kept.as_u64().unwrap_or(0) >= 1,
        "the drafts were kept: {kept}"
    );
    sign_out(&a).await;
    assert_eq!(
        a.js(drafts, vec![]).await,
        json!(0),
        "drafts are gone after sign-out"
    );
}

//! The record panel: a connected chat live, join and disconnect, other chats, the lock, suggestions
//! and channels.

use super::*;

#[tokio::test]
async fn panel_connected_chat_live_join_and_disconnect() {
    let w = world().await;
    create_user(
        &w.app,
        &w.admin,
        ("dana@example.com", "Dana Ek", "agent"),
        &[&w.team_id],
    )
    .await;
    // Dana is Alice's teammate, so she may write to Alice's case (and join its chats).
    let driver = Driver::start().await;
    let (a, bo, dana) = tokio::join!(driver.browser(), driver.browser(), driver.browser());
    tokio::join!(
        sign_in(&a, &w.app.base, "alice@example.com", "/"),
        sign_in(&bo, &w.app.base, "bo@example.com", "/chats"),
        sign_in(&dana, &w.app.base, "dana@example.com", "/"),
    );
    skip_tour(&a).await;
    skip_tour(&dana).await;

    // R9/R10: Alice starts a connected chat with Bo from the panel, with an introduction.
    a.goto(&w.case_url()).await;
    a.wait("#panel-new-connected").await.click().await;
    pick_person(&a, "dialog", "Bo", "Bo Lind").await;
    assert_eq!(
        a.wait("#send-intro").await.prop("checked").await,
        json!(true)
    );
    dialog_button(&a, "Start chat").await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), &w.case_title)
        .await;
    a.wait(&format!("{ACTIVE} .msg-intro")).await;
    a.wait_text("#section-connected .entry", &w.case_title)
        .await;

    // Bo sees it arrive live in the chat app.
    bo.wait_text(".chat-item", &w.case_title).await;

    // R14: Dana (write access, not a member) sees it locked and joins from the record.
    dana.goto(&w.case_url()).await;
    let locked = dana
        .wait_text("#section-connected .entry.locked", &w.case_title)
        .await;
    assert!(locked.text().await.contains("join"));
    dana.wait("#section-connected .entry.locked button.join")
        .await
        .click()
        .await;
    dana.wait_text(&format!("{ACTIVE} .msg-system"), "Dana Ek joined from")
        .await;
    a.wait_text(&format!("{ACTIVE} .msg-system"), "Dana Ek joined from")
        .await;
    let input = a.wait(&format!("{ACTIVE} .composer-input")).await;
    input
        .send_keys("Welcome Dana! The drops line up with the **hourly re-key**, see the timeline.")
        .await;
    input.send_keys(keys::ENTER).await;
    dana.wait_text(&format!("{ACTIVE} .msg-body strong"), "hourly re-key")
        .await;
    a.wait_text(".tl-item", "Chat connected").await;
    a.js(
        "document.querySelector('.record-main').scrollTop = 0",
        vec![],
    )
    .await;
    a.mouse_away().await;
    a.screenshot(&screenshot_path("record-page.png")).await;

    // R11a: Dana (not the owner, no collab.disconnect) has no Disconnect; Alice (owner) has.
    dana.wait("#section-connected .entry:not(.locked) button[aria-haspopup=menu]")
        .await
        .click()
        .await;
    dana.wait_text(".menu", "Open chat").await;
    assert!(!dana.wait(".menu").await.text().await.contains("Disconnect"));
    dana.wait(".menu .menu-item")
        .await
        .send_keys(keys::ESCAPE)
        .await;
    a.goto(&w.case_url()).await;
    a.wait("#section-connected .entry button[aria-haspopup=menu]")
        .await
        .click()
        .await;
    a.wait_text(".menu-item", "Disconnect from this record")
        .await
        .click()
        .await;
    dialog_button(&a, "Disconnect").await;
    a.wait_text("#section-connected", "No chats").await;
    for browser in [&a, &bo, &dana] {
        assert_eq!(browser.console_defects().await, Vec::<String>::new());
    }
}

#[tokio::test]
async fn panel_connects_other_chats_and_offers_a_new_chat_for_one_on_one() {
    let w = world().await;
    w.app
        .post(
            "/chats",
            &w.alice,
            json!({"member_ids": [w.bo_id, w.cilla_id], "name": "Billing questions"}),
        )
        .await
        .expect(201);
    w.app
        .post("/chats", &w.alice, json!({"member_ids": [w.bo_id]}))
        .await
        .expect(201);
    let driver = Driver::start().await;
    let a = driver.browser().await;
    sign_in(&a, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&a).await;
    a.goto(&w.case_url()).await;

    // R5, R11: connect an "Other chats" group chat.
    let entry = "#section-other-chats .entry";
    a.wait_text(entry, "Billing questions").await;
    a.js(
        "[...document.querySelectorAll(arguments[0])].find(e => e.textContent.includes('Billing questions')).querySelector('button[aria-haspopup=menu]').click()",
        vec![json!(entry)],
    )
    .await;
    a.wait_text(".menu-item", "Connect to this record")
        .await
        .click()
        .await;
    a.wait_text("#section-connected .entry", "Billing questions")
        .await;

    // A one-on-one cannot be connected: the answer offers a new connected chat instead.
    a.wait_text(entry, "Bo Lind").await;
    a.js(
        "[...document.querySelectorAll(arguments[0])].find(e => e.textContent.includes('Bo Lind')).querySelector('button[aria-haspopup=menu]').click()",
        vec![json!(entry)],
    )
    .await;
    a.wait_text(".menu-item", "Connect to this record")
        .await
        .click()
        .await;
    dialog_button(&a, "New connected chat with this person").await;
    a.wait_text("dialog .chip", "Bo Lind").await;
    dialog_button(&a, "Start chat").await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), &w.case_title)
        .await;
}

#[tokio::test]
async fn panel_lock_disappears_when_the_admin_turns_join_chat_off() {
    let w = world().await;
    connected_chat(&w, &w.alice, &[&w.bo_id], Some("Tunnel analysis")).await;
    create_user(
        &w.app,
        &w.admin,
        ("dana@example.com", "Dana Ek", "agent"),
        &[&w.team_id],
    )
    .await;
    w.app
        .patch(
            &format!("/records/case/{}", w.case_id),
            &w.admin,
            json!({"owner": {"team_id": w.team_id}}),
        )
        .await
        .expect(200);
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w.app.base, "dana@example.com", "/").await;
    skip_tour(&b).await;
    b.goto(&w.case_url()).await;
    b.wait_text("#section-connected .entry.locked", "Tunnel analysis")
        .await;

    // The administrator turns Join chat off for cases.
    sign_out(&b).await;
    sign_in(&b, &w.app.base, common::ADMIN_EMAIL, "/admin").await;
    b.goto(&format!("{}/admin#type-settings/case", w.app.base))
        .await;
    b.wait("#set-join_chat").await.click().await;
    b.wait_text(".settings-form button[type=submit]", "Save settings")
        .await
        .click()
        .await;
    b.wait_text(".settings-form [role=status]", "Saved").await;
    sign_out(&b).await;
    sign_in(&b, &w.app.base, "dana@example.com", "/").await;

    // The lock is gone, and the panel says why Dana cannot join.
    b.goto(&w.case_url()).await;
    b.wait_text("#join-denied", "turned off").await;
    b.wait_gone("#section-connected .entry", "Tunnel analysis")
        .await;
}

#[tokio::test]
async fn panel_suggestions_channels_and_r1_in_words() {
    let w = world().await;
    let driver = Driver::start().await;
    let a = driver.browser().await;
    sign_in(&a, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&a).await;
    a.goto(&w.case_url()).await;

    // R12: a suggested contact starts a connected chat with one click.
    a.wait("#section-suggested .suggestion").await;
    a.wait("#section-suggested .suggestion button")
        .await
        .click()
        .await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), &w.case_title)
        .await;

    // R13: connect a new channel of my team.
    a.wait("#panel-tab-channels").await.click().await;
    a.wait("#connect-channel").await.click().await;
    a.wait("#channel-name").await.clear().await;
    a.wait("#channel-name").await.send_keys("vpn-outage").await;
    dialog_button(&a, "Start collaborating").await;
    a.wait_text("#panel-channels .entry", "vpn-outage").await;

    // R1: a user without collab.use sees why, in words.
    w.app
        .post(
            "/roles",
            &w.admin,
            json!({"name": "reader", "privileges": ["*.read:all"]}),
        )
        .await
        .expect(201);
    create_user(
        &w.app,
        &w.admin,
        ("vera@example.com", "Vera Viewer", "reader"),
        &[],
    )
    .await;
    a.goto(&w.url("/")).await;
    sign_out(&a).await;
    sign_in(&a, &w.app.base, "vera@example.com", "/").await;
    a.goto(&w.case_url()).await;
    a.wait_text(".panel-message", "collab.use").await;
}

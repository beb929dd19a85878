//! Every dialog, menu and the tour, and the panel's rare dialogs, fit every width and pass axe.

use super::*;

/// Opens a "…" menu with `button`, checks it, and closes it with Escape (focus goes back).
async fn check_menu(
    b: &Browser,
    what: &str,
    button: &str,
    size: (u32, u32),
    defects: &mut Vec<String>,
) {
    b.wait(button).await.click().await;
    b.wait(".menu[role=menu] .menu-item").await;
    check_here(b, what, size, ".menu", defects).await;
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(
        "return !document.querySelector('.menu')",
        "the menu to close",
    )
    .await;
}

/// Every dialog, menu and box that opens over a page — the panel's "…" menu and its
/// disconnect question, the tour (each step), Connect a channel, a chat's members panel and
/// "…" menu, a message's tools and reactions, the delete question, the user menu and its two
/// dialogs — fits each of the five sizes, with axe on it.
#[tokio::test]
async fn every_dialog_menu_and_the_tour_fit_every_width_and_pass_axe() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    let mut defects = Vec::new();
    let entry_menu = "#section-connected .entry-actions [aria-haspopup=menu]";
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, entry_menu).await;
        if size == PHONE {
            b.wait("#pane-tab-panel").await.click().await;
        }

        // The panel: a chat's "…" menu, and the question its Disconnect asks.
        check_menu(&b, "panel chat menu", entry_menu, size, &mut defects).await;
        menu_dialog(&b, entry_menu, "Disconnect").await;
        check_here(
            &b,
            "disconnect question",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // The tour, every step.
        b.wait("#panel-help").await.click().await;
        let mut step = 0;
        while b.find(".tour").await.is_some() {
            step += 1;
            assert!(step < 10, "the tour ends");
            b.wait("#tour-next").await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            check_here(
                &b,
                &format!("tour step {step}"),
                size,
                ".tour",
                &mut defects,
            )
            .await;
            b.wait("#tour-next").await.click().await;
        }
        assert!(step >= 3, "the tour has its steps ({step})");

        // Connect a channel.
        b.wait("#panel-tab-channels").await.click().await;
        b.wait("#connect-channel").await.click().await;
        b.wait("dialog[open] #channel-name").await;
        check_here(
            &b,
            "connect a channel dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
        b.wait("#panel-tab-chats").await.click().await;

        // The chat beside the record: members, its menu, a message's tools.
        if size == PHONE {
            b.wait("#pane-tab-record").await.click().await;
        }
        open_record_chat(&b).await;
        let chat = ".record-chat .chat:not([hidden])";
        b.wait(&format!("{chat} .members-btn")).await.click().await;
        b.wait(&format!("{chat} .members-panel .people-picker input"))
            .await;
        check_here(
            &b,
            "members panel beside the record",
            size,
            &format!("{chat} .members-panel"),
            &mut defects,
        )
        .await;
        b.wait(&format!("{chat} .members-head .icon-btn"))
            .await
            .click()
            .await;
        check_menu(
            &b,
            "chat menu beside the record",
            &format!("{chat} [aria-label='Chat actions']"),
            size,
            &mut defects,
        )
        .await;
        let msg = b.wait_text(&format!("{chat} .msg"), "renegotiating").await;
        b.hover(&msg).await;
        b.wait(&format!("{chat} .msg [aria-label='Add a reaction']"))
            .await
            .click()
            .await;
        b.wait(&format!("{chat} .quick-react .quick-emoji")).await;
        check_here(
            &b,
            "a message's tools and reactions",
            size,
            &format!("{chat} .chat-log"),
            &mut defects,
        )
        .await;
        b.wait(&format!("{chat} .msg [aria-label='Add a reaction']"))
            .await
            .click()
            .await;
        let msg = b.wait_text(&format!("{chat} .msg"), "renegotiating").await;
        b.hover(&msg).await;
        b.wait(&format!("{chat} .msg [aria-label='Delete message']"))
            .await
            .click()
            .await;
        b.wait("dialog[open] .dialog-foot button").await;
        check_here(&b, "delete question", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // The chat app: the members panel of the open chat.
        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        let chat = ".chatapp .chat:not([hidden])";
        b.wait(&format!("{chat} .chat-log .msg")).await;
        b.wait(&format!("{chat} .members-btn")).await.click().await;
        b.wait(&format!("{chat} .members-panel .people-picker input"))
            .await;
        check_here(
            &b,
            "members panel in the chat app",
            size,
            &format!("{chat} .members-panel"),
            &mut defects,
        )
        .await;

        // The user menu and its dialogs.
        check_menu(&b, "user menu", ".topbar .me-btn", size, &mut defects).await;
        menu_dialog(&b, ".topbar .me-btn", "Change password").await;
        check_here(
            &b,
            "change password dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
        menu_dialog(&b, ".topbar .me-btn", "Language and time zone").await;
        check_here(
            &b,
            "language and time zone dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
        menu_dialog(&b, ".topbar .me-btn", "E-mail about what I missed").await;
        b.wait("dialog #pref-email-digest").await;
        check_here(
            &b,
            "e-mail digest dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
    }
    assert_none(&defects);
    assert!(b.console_defects().await.is_empty());
}

/// The panel's rarer dialogs and notes — the offer of a new connected chat when a one-on-one
/// chat is to be connected (R11), a connect and a disconnect that fail (the chat changed since
/// the panel loaded), "You can't join" (joining was turned off meanwhile) and the note on why
/// connected chats are not listed — fit each of the five sizes, with axe on each.
#[tokio::test]
async fn the_panels_rare_dialogs_fit_every_width_and_pass_axe() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    b.allow_holding_live_events().await;
    let app = &w.app;
    let case = format!("/records/case/{}", w.case_id);
    let settings = "/record-types/case/settings";
    // A one-on-one chat of Alice's, not connected: the panel lists it under other chats.
    let direct = app
        .post("/chats", &w.alice, json!({"member_ids": [w.max_id]}))
        .await
        .expect(201);
    assert_eq!(direct.body["kind"], "one_on_one");
    let direct_id = direct.body["id"].as_str().unwrap().to_owned();
    let menu_of =
        |id: &str| format!("li.entry[data-chat-id='{id}'] .entry-actions [aria-haspopup=menu]");
    let mut defects = Vec::new();
    for (i, size) in SIZES.into_iter().enumerate() {
        b.set_window_size(size.0, size.1).await;
        // A group chat to connect, a connected one to disconnect, and one Alice may join.
        let spare = app
            .post(
                "/chats",
                &w.alice,
                json!({"member_ids": [w.max_id], "name": format!("Spare group {i}")}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let gone = app
            .post(
                "/chats",
                &w.alice,
                json!({"member_ids": [w.max_id], "name": format!("Handled elsewhere {i}"), "record": {"type": "case", "id": w.case_id}}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let joinable = app
            .post(
                "/chats",
                &w.admin,
                json!({"member_ids": [w.max_id], "name": format!("Escalation desk {i}"), "record": {"type": "case", "id": w.case_id}}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        go(&b, &w.url(&case)).await;
        b.wait("h1#record-title").await;
        if size == PHONE {
            b.wait("#pane-tab-panel").await.click().await;
        }
        exists(&b, &menu_of(&direct_id)).await;
        exists(&b, &menu_of(&spare)).await;
        exists(&b, &menu_of(&gone)).await;
        exists(
            &b,
            &format!("li.entry[data-chat-id='{joinable}'] .btn.join"),
        )
        .await;
        // What follows changes things behind the panel's back; it must not redraw meanwhile.
        b.hold_live_events().await;

        // R11: connecting a one-on-one chat offers a new connected chat instead.
        menu_dialog(&b, &menu_of(&direct_id), "Connect").await;
        b.wait_text("dialog[open] h2", "private").await;
        check_here(&b, "one-on-one offer", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // Connect fails: Alice left the chat after the panel loaded.
        let leave = format!("/chats/{spare}/members/{}", w.alice_id);
        app.send(Method::DELETE, &leave, Some(&w.alice), None)
            .await
            .expect(204);
        menu_dialog(&b, &menu_of(&spare), "Connect").await;
        b.wait_text("dialog[open] h2", "could not be connected")
            .await;
        check_here(&b, "connect failed", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // Disconnect fails: someone disconnected it first.
        let disconnect = format!("{case}/chats/{gone}");
        app.send(Method::DELETE, &disconnect, Some(&w.alice), None)
            .await
            .expect(204);
        menu_dialog(&b, &menu_of(&gone), "Disconnect").await;
        b.wait_text("dialog[open] .dialog-foot button", "Disconnect")
            .await
            .click()
            .await;
        b.wait_text("dialog[open] h2", "could not be disconnected")
            .await;
        check_here(&b, "disconnect failed", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // "You can't join": joining was turned off after the panel loaded.
        app.put(settings, &w.admin, json!({"join_chat": false}))
            .await
            .expect(200);
        b.wait(&format!("li.entry[data-chat-id='{joinable}'] .btn.join"))
            .await
            .click()
            .await;
        b.wait_text("dialog[open] h2", "can't join").await;
        check_here(&b, "cannot join", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // With joining off, the panel says why connected chats Alice is not in are not listed.
        go(&b, &w.url(&case)).await;
        if size == PHONE {
            b.wait("#pane-tab-panel").await.click().await;
        }
        b.wait_text("#join-denied", "Joining is turned off").await;
        check_here(
            &b,
            "join denied note",
            size,
            "#section-connected",
            &mut defects,
        )
        .await;
        app.put(settings, &w.admin, json!({"join_chat": true}))
            .await
            .expect(200);
    }
    assert_none(&defects);
}

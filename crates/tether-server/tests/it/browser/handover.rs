//! Search, transcripts and hand-over in the UI (R24, R26).

use super::*;

// ---- beyond the reference product (issue 7): search, transcripts, hand-over ---------------

#[tokio::test]
async fn r24_r26_search_transcript_and_hand_over_in_the_ui() {
    let w = world().await;
    let driver = Driver::start().await;
    let (adm, a, cilla) = tokio::join!(driver.browser(), driver.browser(), driver.browser());
    tokio::join!(
        sign_in(&adm, &w.app.base, common::ADMIN_EMAIL, "/"),
        sign_in(&a, &w.app.base, "alice@example.com", "/"),
        sign_in(&cilla, &w.app.base, "cilla@example.com", "/chats"),
    );

    // R25: the administrator turns "Hand over chats" on for cases in the settings editor.
    adm.goto(&w.url("/admin#type-settings/case")).await;
    let hand_over = adm.wait("#set-hand_over_chats").await;
    assert_eq!(hand_over.prop("checked").await, json!(false));
    hand_over.click().await;
    adm.wait_text(".settings-form button[type=submit]", "Save settings")
        .await
        .click()
        .await;
    adm.wait_text(".settings-form [role=status]", "Saved").await;
    let settings = w
        .app
        .get("/record-types/case/settings", &w.admin)
        .await
        .expect(200);
    assert_eq!(settings.body["hand_over_chats"], json!(true));

    // A chat connected to the case, and one connected to nothing, both with Bo.
    let case_chat = connected_chat(&w, &w.alice, &[&w.bo_id], None).await;
    let case_chat_id = case_chat["id"].as_str().unwrap().to_owned();
    let loose = w
        .app
        .post(
            "/chats",
            &w.alice,
            json!({"member_ids": [w.bo_id], "name": "Supplies"}),
        )
        .await
        .expect(201)
        .body;
    for (chat, text) in [
        (
            case_chat_id.as_str(),
            "The printers in Göteborg jam every morning",
        ),
        (case_chat_id.as_str(), "Rollers ordered, arriving Friday"),
        (
            loose["id"].as_str().unwrap(),
            "The printer toner is low again",
        ),
    ] {
        w.app
            .post(
                &format!("/chats/{chat}/messages"),
                &w.alice,
                json!({"body": text}),
            )
            .await
            .expect(201);
    }

    // R24 from the record: the panel's Search tab finds by stem, only in connected chats.
    // (The tour is marked seen before the record page opens, so it cannot cover the menu.)
    skip_tour(&a).await;
    a.goto(&w.case_url()).await;
    a.wait("#panel-tab-search").await.click().await;
    a.wait("#panel-search").await.send_keys("printer").await;
    a.wait_text("#panel-search-tab .search-hit mark", "printers")
        .await;
    a.wait_text("#panel-search-tab .search-status", "1 message matches")
        .await;
    assert!(
        !a.wait("#panel-search-tab")
            .await
            .text()
            .await
            .contains("toner"),
        "the panel searches only the record's chats"
    );
    a.wait("#panel-search-tab .search-hit-btn")
        .await
        .click()
        .await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), &w.case_title)
        .await;
    a.wait_text(&format!("{ACTIVE} .msg-body"), "printers in Göteborg")
        .await;

    // R26: "Save transcript to record" in the chat's menu puts a note on the timeline.
    a.wait(&format!(
        "{ACTIVE} .chat-head-actions button[aria-haspopup=menu]"
    ))
    .await
    .click()
    .await;
    a.wait_text(".menu-item", "Save transcript to record")
        .await
        .click()
        .await;
    a.wait_text("dialog .choice-box", &w.case_title).await;
    dialog_button(&a, "Save transcript").await;
    a.wait_text(".toast", "Transcript saved").await;
    a.wait_text(".tl-item", "Chat transcript").await;
    let timeline = w
        .app
        .get(&format!("/records/case/{}/timeline", w.case_id), &w.alice)
        .await
        .expect(200)
        .body
        .to_string();
    assert!(timeline.contains("Alice Berg: The printers in Göteborg jam every morning"));

    // R24 from the chat app: the box searches every chat of the user; a hit opens its chat.
    a.goto(&w.url("/chats")).await;
    a.wait("#chat-filter").await.send_keys("toner").await;
    a.wait_text("#message-hits .search-hit", "Supplies").await;
    a.wait("#message-hits .search-hit-btn").await.click().await;
    a.wait_text(&format!("{ACTIVE} .chat-name"), "Supplies")
        .await;
    a.mouse_away().await;
    a.screenshot(&screenshot_path("search.png")).await;
    // A chat connected to no record has nowhere to save a transcript, and says so.
    a.wait(&format!(
        "{ACTIVE} .chat-head-actions button[aria-haspopup=menu]"
    ))
    .await
    .click()
    .await;
    a.wait_text(".menu-item", "Save transcript to record")
        .await
        .click()
        .await;
    a.wait_text("dialog", "not connected to a record").await;
    dialog_button(&a, "OK").await;

    // Cilla is in neither chat: her search finds nothing, and then hand-over adds her.
    cilla.wait("#chat-filter").await.send_keys("printer").await;
    cilla
        .wait_text("#message-hits .search-status", "No messages match")
        .await;
    w.app
        .patch(
            &format!("/records/case/{}", w.case_id),
            &w.alice,
            json!({"owner": {"user_id": w.cilla_id}}),
        )
        .await
        .expect(200);
    cilla
        .js(
            "const f = document.querySelector('#chat-filter'); f.value = ''; f.dispatchEvent(new Event('input'))",
            vec![],
        )
        .await;
    cilla.wait_text(".chat-item", &w.case_title).await;
    cilla
        .wait_text(".chat-item", &w.case_title)
        .await
        .click()
        .await;
    cilla
        .wait_text(&format!("{ACTIVE} .msg-system"), "reassigned")
        .await;
    for browser in [&adm, &a, &cilla] {
        assert_eq!(browser.console_defects().await, Vec::<String>::new());
    }
}

//! Owner, shares and states from the record page, and at a phone's width.

use super::*;

#[tokio::test]
async fn owner_share_and_states_from_the_record_page_and_phone_width() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.set_window_size(1440, 900).await;
    sign_in(
        &b,
        &w.app.base,
        "anna@example.com",
        &format!("/records/case/{}", w.anna_case),
    )
    .await;
    // Again, now that the tour is marked as seen.
    b.goto(&w.url(&format!("/records/case/{}", w.anna_case)))
        .await;
    b.wait_text("#record-title", "VPN drops every hour").await;

    // The owner picker offers Anna's teammates and team, never Dora of another team.
    b.wait("#change-owner").await.click().await;
    b.wait_text("#owner-options", "Bo Lind").await;
    let offered = b
        .js(
            "return document.getElementById('owner-options').textContent",
            vec![],
        )
        .await;
    let offered = offered.as_str().unwrap();
    assert!(
        offered.contains("Alpha") && offered.contains("Anna Ek"),
        "{offered}"
    );
    assert!(!offered.contains("Dora"), "{offered}");
    b.wait("#owner-search").await.send_keys("bo").await;
    b.wait_gone("#owner-options", "Anna Ek").await;
    b.wait_text("#owner-options label", "Bo Lind")
        .await
        .click()
        .await;
    b.wait_text("dialog .dialog-foot button", "Save")
        .await
        .click()
        .await;
    // R25 visibly: the chat went to Bo, and the page says so.
    b.wait_text("#owner-notice", "1 chat handed over to Bo Lind")
        .await;
    b.wait_text("#record-owner", "Bo Lind").await;
    let rec = w
        .app
        .get(&format!("/records/case/{}", w.anna_case), &w.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(rec["owner"]["user_id"], json!(w.bo_id));
    b.screenshot(&screenshot_path("records-owner-1440.png"))
        .await;

    // Share with Cilla for read, see it listed, remove it.
    b.wait("#share-record").await.click().await;
    b.wait_text("#share-list", "not shared").await;
    // By keyboard alone: the suggestions show each person's name and e-mail; Down and Enter
    // choose; Enter again adds the share.
    b.wait("#share-user").await.send_keys("cilla").await;
    b.wait_text("#share-user-listbox [role=option]", "cilla@example.com")
        .await;
    b.wait_text("#share-user-listbox [role=option]", "Cilla Berg")
        .await;
    assert_no_axe(
        &axe(
            &b,
            "share dialog with the person list open",
            Some("dialog[open]"),
        )
        .await,
    );
    b.press(&[keys::ARROW_DOWN]).await;
    b.press(&[keys::ENTER]).await;
    assert_eq!(prop(&b, "#share-user", "value").await, "Cilla Berg");
    assert_eq!(prop(&b, "#share-user-id", "value").await, json!(w.cilla_id));
    b.press(&[keys::ENTER]).await;
    b.wait_text("#share-list", "Cilla Berg").await;
    b.wait_text("#share-list", "Can read").await;
    let shares = w
        .app
        .get(&format!("/records/case/{}/shares", w.anna_case), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(shares["items"][0]["user"]["id"], json!(w.cilla_id));
    b.screenshot(&screenshot_path("records-share-1440.png"))
        .await;

    // Cilla, with the read share, sees the case; its account she cannot open.
    let c = driver.browser().await;
    c.set_window_size(1440, 900).await;
    sign_in(
        &c,
        &w.app.base,
        "cilla@example.com",
        &format!("/records/case/{}", w.anna_case),
    )
    .await;
    c.wait_text("#record-title", "VPN drops every hour").await;
    c.wait_text("[data-field=account]", "a record you can’t open")
        .await;
    assert!(
        c.find("#change-owner").await.is_none(),
        "a reader gets no owner control"
    );
    drop(c);
    let _ = &w.cilla;

    b.wait_text("#share-list button", "Remove")
        .await
        .click()
        .await;
    b.wait_text("#share-list", "not shared").await;
    b.wait_text("dialog .dialog-foot button", "Close")
        .await
        .click()
        .await;

    // States per type: an account offers no Resolved.
    b.goto(&w.url(&format!("/records/account/{}", w.account_id)))
        .await;
    b.wait_text("#record-title", "Contoso AB").await;
    let states = b
        .js(
            "return [...document.querySelectorAll('[data-field=state] option')].map(o => o.value)",
            vec![],
        )
        .await;
    assert_eq!(states, json!(["active", "cancelled"]));
    b.goto(&w.url(&format!("/records/case/{}", w.anna_case)))
        .await;
    b.wait_text("#record-title", "VPN drops every hour").await;
    let states = b
        .js(
            "return [...document.querySelectorAll('[data-field=state] option')].map(o => o.value)",
            vec![],
        )
        .await;
    assert_eq!(states, json!(["active", "resolved", "cancelled"]));

    // Phone width: the records page, the finder and the record page fit.
    b.set_window_size(390, 844).await;
    b.goto(&w.url("/records/case")).await;
    b.wait_text("#records-list", "Printer jams on tray 2").await;
    assert_fits(&b, "records page at 390", "main").await;
    b.wait("#finder-open").await.click().await;
    b.wait("#finder-input").await.send_keys("vpn").await;
    b.wait_text(".finder-option", "VPN drops every hour").await;
    assert_fits(&b, "finder at 390", ".finder-results").await;
    b.screenshot(&screenshot_path("records-390.png")).await;
    b.goto(&w.url(&format!("/records/case/{}", w.anna_case)))
        .await;
    b.wait_text("#record-title", "VPN drops every hour").await;
    b.wait("#share-record").await.click().await;
    b.wait_text("#share-list", "not shared").await;
    // On a phone the list opens inside the dialog and an option is chosen by a tap.
    b.wait("#share-user").await.send_keys("bo").await;
    b.wait_text("#share-user-listbox [role=option]", "Bo Lind")
        .await;
    assert_fits(&b, "share dialog with its list at 390", "dialog").await;
    b.wait_text("#share-user-listbox [role=option]", "Bo Lind")
        .await
        .click()
        .await;
    assert_eq!(prop(&b, "#share-user", "value").await, "Bo Lind");
    assert_eq!(prop(&b, "#share-user-id", "value").await, json!(w.bo_id));
    assert_fits(&b, "share dialog at 390", "dialog").await;
    assert!(
        b.console_defects().await.is_empty(),
        "{:?}",
        b.console_defects().await
    );
}

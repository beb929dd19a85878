//! The finder and the records page reach every readable record.

use super::*;

#[tokio::test]
async fn the_finder_and_the_records_page_reach_every_readable_record() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.set_window_size(1440, 900).await;
    sign_in(&b, &w.app.base, "anna@example.com", "/").await;

    // `/` focuses the finder; results appear as you type, grouped by type.
    b.wait("#finder-input").await;
    press(&b, "/", false).await;
    b.wait_js(
        "return document.activeElement && document.activeElement.id === 'finder-input'",
        "the finder has focus after /",
    )
    .await;
    b.wait("#finder-input").await.send_keys("printer").await;
    b.wait_text(".finder-group-title", "Case").await;
    b.wait_text(".finder-option", "Printer jams on tray 2")
        .await;
    // A word of a text field finds it too; an unreadable record never shows (see the API
    // tests); the account appears under its own heading.
    let input = b.wait("#finder-input").await;
    input.clear().await;
    input.send_keys("contoso").await;
    b.wait_text(".finder-group-title", "Account").await;
    input.clear().await;
    input.send_keys("toner").await;
    b.wait_text(".finder-option", "Printer jams on tray 2")
        .await;
    b.screenshot(&screenshot_path("records-finder-1440.png"))
        .await;
    // Arrow keys and Enter open the highlighted record.
    input.send_keys(keys::ARROW_DOWN).await;
    input.send_keys(keys::ENTER).await;
    b.wait_url(&format!("/records/case/{}", w.dora_case)).await;
    b.wait_text("#record-title", "Printer jams on tray 2").await;
    // Ctrl-K from anywhere.
    b.wait("#finder-input").await;
    press(&b, "k", true).await;
    b.wait_js(
        "return document.activeElement && document.activeElement.id === 'finder-input'",
        "the finder has focus after Ctrl-K",
    )
    .await;

    // The breadcrumb leads to the records page of the type; My work links to it as well.
    b.wait("#type-records-link").await.click().await;
    b.wait_url("/records/case").await;
    b.wait_text("#records-list", "Printer jams on tray 2").await;
    b.goto(&w.url("/")).await;
    b.wait_text("#all-records-link", "All cases")
        .await
        .click()
        .await;
    b.wait_url("/records/case").await;
    b.wait_text("#records-list", "Printer jams on tray 2").await;
    let mut all = table_names(&b).await;
    all.sort();
    assert_eq!(
        all,
        [
            "Alpha weekend rota",
            "Printer jams on tray 2",
            "VPN drops every hour"
        ]
    );
    b.wait_text("h1#records-title", "Cases").await;
    b.wait_text("#new-record", "New case").await;
    // Mine: only Anna's.
    b.wait("label[for=scope-mine]").await.click().await;
    b.wait_gone("#records-list", "Printer jams").await;
    assert_eq!(table_names(&b).await, ["VPN drops every hour"]);
    b.wait("label[for=scope-all]").await.click().await;
    b.wait_text("#records-list", "Printer jams on tray 2").await;
    // State and sort.
    choose(&b, "#records-state", "resolved").await;
    b.wait_text("#records-list", "No records match").await;
    choose(&b, "#records-state", "").await;
    choose(&b, "#records-sort", "name").await;
    b.wait_js(
        "return [...document.querySelectorAll('#records-list .record-link')].map(a => a.textContent).join('|') === 'Alpha weekend rota|Printer jams on tray 2|VPN drops every hour'",
        "sorted by name",
    )
    .await;

    // A team as owner (`owner_team=`): the teams come from `GET /teams`, Anna's own first.
    let groups = b
        .js(
            "return [...document.querySelectorAll('#records-owner-team optgroup')].map(g => g.label + ': ' + [...g.children].map(o => o.textContent).join(','))",
            vec![],
        )
        .await;
    assert_eq!(groups, json!(["My teams: Alpha", "Other teams: Beta"]));
    choose(&b, "#records-owner-team", &w.alpha).await;
    b.wait_gone("#records-list", "Printer jams").await;
    assert_eq!(table_names(&b).await, ["Alpha weekend rota"]);

    // A person as owner, by keyboard alone: type, Down to the suggestion (name and e-mail),
    // Enter. Choosing a person clears the team.
    b.wait("#records-owner").await.send_keys("dora").await;
    b.wait_text("#records-owner-listbox [role=option]", "dora@example.com")
        .await;
    b.wait_text("#records-owner-listbox [role=option]", "Dora Nyström")
        .await;
    let open = combobox_state(&b, "#records-owner").await;
    assert_eq!(open["expanded"], "true", "{open}");
    assert_eq!(
        open["active"],
        Value::Null,
        "nothing is highlighted before Down: {open}"
    );
    assert_no_axe(&axe(&b, "records page with the owner list open", None).await);
    b.press(&[keys::ARROW_DOWN]).await;
    let open = combobox_state(&b, "#records-owner").await;
    assert_eq!(open["selected"], "true", "{open}");
    assert!(
        open["active"].as_str().unwrap().contains("Dora Nyström"),
        "{open}"
    );
    b.press(&[keys::ENTER]).await;
    b.wait_text("#records-list", "Printer jams on tray 2").await;
    b.wait_gone("#records-list", "Alpha weekend rota").await;
    assert_eq!(table_names(&b).await, ["Printer jams on tray 2"]);
    assert_eq!(prop(&b, "#records-owner", "value").await, "Dora Nyström");
    assert_eq!(
        prop(&b, "#records-owner-id", "value").await,
        json!(w.dora_id)
    );
    assert_eq!(prop(&b, "#records-owner-team", "value").await, "");
    let closed = combobox_state(&b, "#records-owner").await;
    assert_eq!(
        (&closed["expanded"], &closed["listShown"]),
        (&json!("false"), &json!(false))
    );
    // Emptying the box shows every owner's records again.
    b.wait("#records-owner").await.clear().await;
    b.js(
        "document.getElementById('records-owner').dispatchEvent(new Event('input', {bubbles: true}))",
        vec![],
    )
    .await;
    b.wait_text("#records-list", "VPN drops every hour").await;
    b.wait_text("#records-list", "Alpha weekend rota").await;

    // New record: the form is built from the type's fields; errors show at the field.
    b.wait("#new-record").await.click().await;
    b.wait("dialog #new-record-form").await;
    b.wait_text("dialog .dialog-foot button", "Create")
        .await
        .click()
        .await;
    b.wait_text("[data-field=title] .field-error", "Case title is missing")
        .await;
    assert_eq!(
        b.js(
            "return document.getElementById('new-title').getAttribute('aria-invalid') + ' ' + document.getElementById('new-title').getAttribute('aria-describedby')",
            vec![]
        )
        .await,
        json!("true new-title-error")
    );
    b.wait("#new-title")
        .await
        .send_keys("Badge reader offline")
        .await;
    // The account is a lookup, chosen by keyboard: suggestions come from the account records;
    // Escape closes the list and leaves the dialog open; Down opens it again at the first
    // suggestion; Enter chooses it (and does not submit the form).
    b.wait("#new-account").await.send_keys("contoso").await;
    b.wait_text("#new-account-listbox [role=option]", "Contoso AB")
        .await;
    b.screenshot(&screenshot_path("records-new-1440.png")).await;
    assert_no_axe(
        &axe(
            &b,
            "new record dialog with the lookup's list open",
            Some("dialog[open]"),
        )
        .await,
    );
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(
        "return document.getElementById('new-account').getAttribute('aria-expanded') === 'false' && !!document.querySelector('dialog[open] #new-record-form')",
        "Escape to close the list, not the dialog",
    )
    .await;
    b.press(&[keys::ARROW_DOWN]).await;
    b.wait_js(
        "const id = document.getElementById('new-account').getAttribute('aria-activedescendant'); \
         return !!id && document.getElementById(id).textContent.includes('Contoso AB')",
        "Down to open the list at the first suggestion",
    )
    .await;
    b.press(&[keys::ENTER]).await;
    assert_eq!(prop(&b, "#new-account", "value").await, "Contoso AB");
    assert_eq!(
        prop(&b, "#new-account-id", "value").await,
        json!(w.account_id)
    );
    assert!(b.find("dialog[open] #new-record-form").await.is_some());
    b.wait_text("dialog .dialog-foot button", "Create")
        .await
        .click()
        .await;
    b.wait_text("#record-title", "Badge reader offline").await;
    // The related record is a link to it.
    let link = b.wait_text(".related-link", "Contoso AB").await;
    assert!(
        link.prop("href")
            .await
            .as_str()
            .unwrap()
            .ends_with(&format!("/records/account/{}", w.account_id))
    );
    let created = w
        .app
        .get("/records/case?filter=mine&q=Badge", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(
        created["items"][0]["fields"]["account"],
        json!(w.account_id)
    );
    // On the record page a lookup chosen by keyboard is a change to save, like any field.
    let save = ".fields-form button[type=submit]";
    assert_eq!(prop(&b, save, "disabled").await, json!(true));
    b.wait("[data-field=contact] input[role=combobox]")
        .await
        .send_keys("sven")
        .await;
    b.wait_text("[data-field=contact] [role=option]", "Sven Svensson")
        .await;
    b.press(&[keys::ARROW_DOWN]).await;
    b.press(&[keys::ENTER]).await;
    b.wait_js(
        "return !document.querySelector('.fields-form button[type=submit]').disabled",
        "Save to turn on after choosing a contact",
    )
    .await;
    b.wait(save).await.click().await;
    b.wait_text("[data-field=contact] .related-link", "Sven Svensson")
        .await;
    let created = w
        .app
        .get("/records/case?filter=mine&q=Badge", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(
        created["items"][0]["fields"]["contact"],
        json!(w.contact_id)
    );
    assert_eq!(
        created["items"][0]["fields"]["account"],
        json!(w.account_id),
        "the account stays"
    );
    assert!(
        b.console_defects().await.is_empty(),
        "{:?}",
        b.console_defects().await
    );
}

//! The record pages and the finder in Swedish.

use super::*;

/// The record page (record.js, fields.js, the pane switch), the records list (records.js) and
/// the finder (finder.js) speak Swedish; so do the standard record types (issue 16 item 1):
/// "Ärende", its fields' labels and the priority's options (whose values stay the API's), while
/// a type an administrator renamed keeps its name. The save-transcript dialog (chat.js) names
/// the record type by its display name and sends the user's chosen time zone, not the
/// browser's.
#[tokio::test]
async fn the_record_pages_and_the_finder_speak_swedish() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (olga_id, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (per_id, per) = app
        .user(&admin, "per@example.com", "Per Lind", &["agent"], &[])
        .await;
    app.patch(
        "/me",
        &olga,
        json!({"locale": "sv", "time_zone": "Asia/Tokyo"}),
    )
    .await
    .expect(200);
    // Per owned the case and logged a phone call on it before it went to Olga: he is a
    // suggested contact (R12) for her.
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({"fields": {"title": "Skrivaren i Malmö", "priority": "high"}, "owner": {"user_id": per_id}}),
        )
        .await
        .expect(201);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/records/case/{case_id}/activities"),
        &per,
        json!({"kind": "phone_call", "subject": "Ringde kunden"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/records/case/{case_id}"),
        &admin,
        json!({"owner": {"user_id": olga_id}}),
    )
    .await
    .expect(200);
    let suggested = app
        .get(
            &format!("/records/case/{case_id}/suggested-contacts"),
            &admin,
        )
        .await
        .expect(200)
        .body;
    let called_at = suggested["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user"]["id"] == per_id.as_str())
        .map(|s| s["why"][1]["at"].clone())
        .unwrap_or_default();
    assert!(called_at.is_string(), "{suggested}");
    let chat = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [per_id], "name": "Skrivargruppen", "record": {"type": "case", "id": case_id}}),
        )
        .await
        .expect(201);
    let chat_id = chat.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/chats/{chat_id}/messages"),
        &olga,
        json!({"body": "Skrivaren på plan tre är trasig."}),
    )
    .await
    .expect(201);
    // A change of the priority is announced in the connected chat (R23).
    app.patch(
        &format!("/records/case/{case_id}"),
        &admin,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .expect(200);

    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, "olga@example.com").await;
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;

    // The record page (record.js) with its fields (fields.js) and pane switch.
    b.goto(&format!("{}/records/case/{case_id}", app.base))
        .await;
    b.wait_text("#timeline-title", "Tidslinje").await;
    b.wait_text("#change-owner", "Byt ägare").await;
    b.wait_text(".record-facts .state", "Aktiv").await;
    b.wait_text(".fields-form button[type=submit]", "Spara ändringar")
        .await;
    b.wait_text(".tl-item .tl-title", "Chatt ansluten:").await;
    let tabs = b
        .js(
            "return [...document.querySelectorAll('.pane-switch .pane-tab')].map((x) => x.textContent)",
            vec![],
        )
        .await;
    assert_eq!(tabs, json!(["Post", "Samarbete", "Chatt"]));
    // Why Per is suggested (panel.js), in Swedish: the case by its Swedish word, the call by
    // its kind, its day in Olga's zone (not the server's English reasons).
    let per_reasons =
        format!("#section-suggested .suggestion[data-user-id='{per_id}'] .reasons li");
    b.wait_text(&per_reasons, "Ägde det här ärendet tidigare")
        .await;
    let day = b
        .js(
            "return new Intl.DateTimeFormat('sv', {timeZone: 'Asia/Tokyo', day: 'numeric', month: 'short'}).format(new Date(arguments[0]))",
            vec![called_at],
        )
        .await;
    assert_eq!(
        reason_texts(&b, &per_reasons).await,
        json!([
            "Ägde det här ärendet tidigare",
            format!("Loggade ett telefonsamtal {}", day.as_str().unwrap())
        ])
    );
    // The case in Swedish: its type, its fields' labels, its priority's words.
    b.wait_text("#type-records-link", "Ärenden").await;
    assert_eq!(eyebrow(&b).await, "Ärende · CAS-00001");
    b.wait_text("[data-field=title] label", "Ärendets rubrik")
        .await;
    b.wait_text("[data-field=ticket_number] .label", "Ärendenummer")
        .await;
    b.wait_text("[data-field=account] label", "Kund").await;
    b.wait_text("[data-field=priority] label", "Prioritet")
        .await;
    assert_eq!(priority_options(&b).await, swedish_priorities("low"));

    // The records of the type (records.js).
    b.goto(&format!("{}/records/case", app.base)).await;
    b.wait_text("#records-scope label", "Alla jag kan läsa")
        .await;
    b.wait_text("#records-list", "Skrivaren i Malmö").await;
    b.wait_text(".pager", "Nästa sida").await;
    b.wait_text("h1#records-title", "Ärenden").await;
    b.wait_text(".breadcrumb", "Ärenden").await;
    assert_eq!(
        b.js("return document.title", vec![]).await,
        "Ärenden · Tether"
    );
    b.wait_text("label[for=records-owner-team]", "Ägande team")
        .await;
    // New record: "Nytt ärende", the fields in Swedish, the priority's words.
    b.wait_text("#new-record", "Nytt ärende")
        .await
        .click()
        .await;
    b.wait_text("dialog h2", "Nytt ärende").await;
    b.wait_text("dialog [data-field=title] label", "Ärendets rubrik")
        .await;
    assert_eq!(priority_options(&b).await, swedish_priorities(""));
    // Created without a title: the field says so in Swedish (the code's words), not in the
    // server's English.
    b.wait_text("dialog .dialog-foot button", "Skapa")
        .await
        .click()
        .await;
    let said = b
        .wait_text(
            "dialog [data-field=title] .field-error",
            "Det här måste fyllas i.",
        )
        .await
        .text()
        .await;
    assert!(!said.contains("missing"), "{said}");
    b.wait_text("dialog .dialog-foot button", "Avbryt")
        .await
        .click()
        .await;

    // The finder (finder.js): its placeholder and a plural count in Swedish.
    let finder = b.wait("#finder-input").await;
    assert_eq!(
        b.js(
            "return document.getElementById('finder-input').placeholder",
            vec![]
        )
        .await,
        json!("Hitta en post…  ( / )")
    );
    finder.send_keys("Skrivaren").await;
    b.wait_text(".finder-option", "Skrivaren i Malmö").await;
    b.wait_js(
        "return document.querySelector('.finder [role=status]').textContent === '1 träff'",
        "the finder's count in Swedish",
    )
    .await;

    // Save transcript (chat.js): the type's display name, and the user's zone in the request.
    b.goto(&format!("{}/chats/{chat_id}", app.base)).await;
    b.wait_text(".chat:not([hidden]) .msg-body", "Skrivaren på plan tre")
        .await;
    // The chat's system messages in Swedish (system.js), from the facts the server stored:
    // how the chat began, and the priority's change with the options' Swedish words.
    b.wait_text(
        ".chat:not([hidden]) .msg-system .sys-text",
        "Olga Berg startade chatten från ärende CAS-00001",
    )
    .await;
    b.wait_text(
        ".chat:not([hidden]) .msg-system .sys-text",
        "Prioritet ändrades från Hög till Låg av",
    )
    .await;
    let system = b
        .js(
            "return [...document.querySelectorAll('.chat:not([hidden]) .msg-system .sys-text')].map((x) => x.textContent).join(' | ')",
            vec![],
        )
        .await;
    assert!(
        !system.as_str().unwrap_or("").contains(" changed from "),
        "{system}"
    );
    b.js(
        "window.__sent = []; const f = window.fetch; \
         window.fetch = (url, opts) => { window.__sent.push(String((opts && opts.body) || '')); return f(url, opts); }",
        vec![],
    )
    .await;
    b.wait(".chat:not([hidden]) .chat-head-actions button[aria-haspopup=menu]")
        .await
        .click()
        .await;
    b.wait_text(".menu-item", "Spara utskrift till post")
        .await
        .click()
        .await;
    let choice = b
        .wait_text("dialog .choice-box", "Skrivaren i Malmö")
        .await
        .text()
        .await;
    assert!(choice.contains("· Ärende"), "{choice}");
    assert!(!choice.contains("· case"), "{choice}");
    b.wait_text("dialog .dialog-foot button", "Spara utskrift")
        .await
        .click()
        .await;
    b.wait(".toast").await;
    let sent = b
        .js(
            "return window.__sent.filter((x) => x.includes('time_zone')).map((x) => JSON.parse(x).time_zone)",
            vec![],
        )
        .await;
    assert_eq!(sent, json!(["Asia/Tokyo"]));

    // An administrator renamed "Case" to "Ticket" and its priority to "Severity" (in the
    // stored definition): those stay as named; the built-in texts left alone stay Swedish.
    app.store
        .execute_raw(
            "UPDATE record_types SET definition = replace(replace(definition, \
             '\"display_name\":\"Case\"', '\"display_name\":\"Ticket\"'), \
             '\"label\":\"Priority\"', '\"label\":\"Severity\"') WHERE name = 'case'",
        )
        .await
        .unwrap();
    b.goto(&format!("{}/records/case/{case_id}", app.base))
        .await;
    b.wait_text("#type-records-link", "Poster: Ticket").await;
    assert_eq!(eyebrow(&b).await, "Ticket · CAS-00001");
    b.wait_text("[data-field=priority] label", "Severity").await;
    // The renamed type has no Swedish words: the reason names it as the administrator did.
    b.wait_text(&per_reasons, "Ägde den här posten (ticket) tidigare")
        .await;
    b.wait_text("[data-field=title] label", "Ärendets rubrik")
        .await;
    assert_eq!(priority_options(&b).await, swedish_priorities("low"));
    b.goto(&format!("{}/records/case", app.base)).await;
    b.wait_text("h1#records-title", "Poster: Ticket").await;
    b.wait_text("#new-record", "Ny post: Ticket").await;
    let defects = b.console_defects().await;
    if !defects.is_empty() {
        b.screenshot(&screenshot_path("i18n-records-swedish")).await;
    }
    assert_eq!(defects, Vec::<String>::new());
}

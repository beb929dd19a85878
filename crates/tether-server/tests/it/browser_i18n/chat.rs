//! The chat app, the panel and administration in Swedish.

use super::*;

/// The chat app, the chat control (chat, composer, messages, dock, people picker, message
/// search), the record's collaboration panel and administration speak Swedish in a Swedish
/// browser: at least one string of every converted module.
#[tokio::test]
async fn the_chat_app_the_panel_and_administration_speak_swedish() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (olga_id, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (per_id, _) = app
        .user(&admin, "per@example.com", "Per Lind", &["agent"], &[])
        .await;
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({"fields": {"title": "Skrivaren i Malmö", "priority": "high"}, "owner": {"user_id": olga_id}}),
        )
        .await
        .expect(201);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    // A connected chat with its introduction card, written in English when it began.
    let connected = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [per_id], "record": {"type": "case", "id": case_id}, "send_intro": true}),
        )
        .await
        .expect(201);
    let connected_id = connected.body["id"].as_str().unwrap().to_owned();
    let chat = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [per_id], "name": "Skrivargruppen"}),
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
    app.post(
        &format!("/chats/{chat_id}/messages"),
        &olga,
        json!({"body": format!("Se {}/records/case/{case_id}", app.base)}),
    )
    .await
    .expect(201);

    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.accept_language("sv-SE,sv;q=0.9,en;q=0.5").await;
    sign_in(&b, &app.base, "olga@example.com").await;

    // The chat app (chats.js) opens the latest chat (dock.js, chat.js, messages.js, composer.js).
    b.goto(&format!("{}/chats", app.base)).await;
    b.wait_text(".chatlist-head h1", "Chattar").await;
    b.wait_text(".msgs .msg-body", "Skrivaren på plan tre")
        .await;
    // The record card the server wrote in English shows the standard type's Swedish words.
    b.wait(".record-card").await;
    let card = b
        .js(
            "const c = document.querySelector('.record-card'); \
             return [c.querySelector('.record-card-eyebrow').textContent, \
                     [...c.querySelectorAll('dt')].map((x) => x.textContent), \
                     [...c.querySelectorAll('dd')].map((x) => x.textContent)];",
            vec![],
        )
        .await;
    assert_eq!(card[0], "Tether · Ärende", "{card}");
    assert_eq!(
        card[1],
        json!(["Prioritet", "Ursprung", "Produkt", "Status"]),
        "{card}"
    );
    assert_eq!(
        (&card[2][0], &card[2][3]),
        (&json!("Hög"), &json!("Aktiv")),
        "{card}"
    );
    let words = b
        .js(
            "return [document.querySelector('.dock').getAttribute('aria-label'), \
                     document.querySelector('.chat-sub span').textContent, \
                     document.querySelector('.msg-tools .icon-btn').getAttribute('aria-label'), \
                     document.querySelector('.composer-hint').textContent, \
                     document.querySelector('.composer-input').placeholder];",
            vec![],
        )
        .await;
    assert_eq!(words[0], "Öppna chattar", "{words}");
    assert_eq!(words[1], "Gruppchatt", "{words}");
    assert_eq!(words[2], "Lägg till en reaktion", "{words}");
    assert!(
        words[3].as_str().unwrap().starts_with("Enter skickar"),
        "{words}"
    );
    assert_eq!(words[4], "Meddelande till Skrivargruppen", "{words}");
    // Members (chat.js) and their picker (people.js).
    b.wait(".members-btn").await.click().await;
    b.wait_text(".members-panel .member-name", "(du)").await;
    let placeholder = b
        .js(
            "return document.querySelector('.members-panel .people-picker input').placeholder",
            vec![],
        )
        .await;
    assert_eq!(placeholder, "Skriv ett namn eller en e-postadress");
    // Message search (search.js): a plural count in Swedish.
    b.wait("#chat-filter").await.send_keys("skrivaren").await;
    b.wait_text(
        "#message-hits .search-status",
        "1 meddelande matchar ”skrivaren”.",
    )
    .await;
    // The new-chat dialog (dock.js).
    b.wait("#new-chat").await.click().await;
    b.wait_text("dialog h2", "Ny chatt").await;
    b.wait_text("dialog .dialog-foot button", "Starta chatt")
        .await;

    // The introduction card shows the type's Swedish words too.
    b.goto(&format!("{}/chats/{connected_id}", app.base)).await;
    b.wait(".intro-card .record-card-eyebrow").await;
    let intro = b
        .js(
            "const c = document.querySelector('.intro-card'); \
             return [c.querySelector('.record-card-eyebrow').textContent, \
                     [...c.querySelectorAll('dt')].map((x) => x.textContent)];",
            vec![],
        )
        .await;
    assert_eq!(intro[0], "Tether · Ärende", "{intro}");
    assert!(
        intro[1]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "Prioritet"),
        "{intro}"
    );
    assert!(
        !intro[1].as_array().unwrap().iter().any(|l| l == "Priority"),
        "{intro}"
    );

    // The record's collaboration panel (panel.js), without the tour in the way.
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;
    b.goto(&format!("{}/records/case/{case_id}", app.base))
        .await;
    b.wait_text("#panel-new-connected", "Ny ansluten chatt")
        .await;
    // The button is there before the panel's data; the sections come with the data, together.
    b.wait("#section-connected .section-title").await;
    let titles = b
        .js(
            "return [...document.querySelectorAll('.panel-section .section-title')].map((x) => x.firstChild.textContent)",
            vec![],
        )
        .await;
    assert_eq!(
        titles,
        json!([
            "Anslutna till posten",
            "Föreslagna kontakter",
            "Anslutna till andra poster",
            "Andra chattar",
            "Anslutna kanaler"
        ])
    );
    b.wait_text("#panel-tab-channels", "Kanaler").await;

    // Administration (admin.js, admin-types.js, admin-labels.js), as the administrator.
    let admin_driver = driver.browser().await;
    admin_driver
        .accept_language("sv-SE,sv;q=0.9,en;q=0.5")
        .await;
    admin_driver.goto(&format!("{}/login", app.base)).await;
    admin_driver
        .wait("#email")
        .await
        .send_keys(common::ADMIN_EMAIL)
        .await;
    admin_driver
        .wait("#password")
        .await
        .send_keys(PASSWORD)
        .await;
    admin_driver
        .wait("form button[type=submit]")
        .await
        .click()
        .await;
    admin_driver.wait_url("/").await;
    admin_driver
        .goto(&format!("{}/admin#users", app.base))
        .await;
    admin_driver.wait_text("#nav-users", "Användare").await;
    admin_driver
        .wait_text(".admin-content .section-head button", "Ny användare")
        .await;
    // A refused value is explained in Swedish, with the field named in Swedish (the server's
    // English detail is not shown).
    admin_driver
        .wait_text(".admin-content .section-head button", "Ny användare")
        .await
        .click()
        .await;
    // The standard roles by their Swedish names, not their API names.
    admin_driver
        .wait_text("dialog[open] .checks label", "Handläggare")
        .await;
    admin_driver
        .wait_text("dialog[open] .checks label", "Kunskapsansvarig")
        .await;
    admin_driver
        .wait("dialog[open] #nu-name")
        .await
        .send_keys("Test Testsson")
        .await;
    admin_driver
        .wait("#nu-email")
        .await
        .send_keys("inte-en-adress")
        .await;
    admin_driver
        .wait("#nu-password")
        .await
        .send_keys(PASSWORD)
        .await;
    admin_driver
        .wait_text("dialog .dialog-foot button", "Skapa användare")
        .await
        .click()
        .await;
    // At the field it names (tied to it for assistive technology), the dialog's foot pointing
    // there.
    let said = admin_driver
        .wait_text(
            "dialog[open] [data-field=email] .field-error",
            "Ange en e-postadress",
        )
        .await
        .text()
        .await;
    assert!(!said.contains("is not an e-mail"), "{said}");
    admin_driver
        .wait_text(
            "dialog[open] .form-error",
            "Kontrollera de markerade fälten",
        )
        .await;
    let email = admin_driver.wait("#nu-email").await;
    assert_eq!(email.prop("ariaInvalid").await, json!("true"));
    assert_eq!(
        admin_driver
            .js(
                "const e = document.getElementById('nu-email'); \
                 return e.getAttribute('aria-describedby').split(/\\s+/) \
                   .map((id) => document.getElementById(id)?.textContent).join(' | ')",
                vec![]
            )
            .await,
        json!(format!("{said} | Kontrollera de markerade fälten."))
    );
    assert_eq!(
        admin_driver
            .js("return document.activeElement.id", vec![])
            .await,
        json!("nu-email")
    );
    admin_driver.press(&[keys::ESCAPE]).await;
    admin_driver
        .goto(&format!("{}/admin#types", app.base))
        .await;
    admin_driver
        .wait_text(".admin-content .section-head h2", "Posttyper")
        .await;
    admin_driver
        .wait_text(".type-card summary .muted", "fält")
        .await;
    admin_driver
        .goto(&format!("{}/admin#roles", app.base))
        .await;
    admin_driver
        .wait_text(
            ".privileges .tag",
            "Administration: användare, team, roller, posttyper och inställningar",
        )
        .await;
    let defects = [
        b.console_defects().await,
        admin_driver.console_defects().await,
    ]
    .concat();
    if !defects.is_empty() {
        b.screenshot(&screenshot_path("i18n-chat-swedish")).await;
    }
    assert_eq!(defects, Vec::<String>::new());
}

//! Choosing Swedish in the user menu, or by the browser's language from the sign-in page on.

use super::*;

async fn menu_item(b: &Browser, label: &str) {
    b.wait("#user-menu").await.click().await;
    b.wait_text(".menu .menu-item", label).await.click().await;
}

#[tokio::test]
async fn swedish_chosen_in_the_user_menu_turns_the_screens_swedish() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (olga_id, _) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({"fields": {"title": "Skrivaren i Malmö skriver inte ut", "priority": "high"}, "owner": {"user_id": olga_id}}),
        )
        .await
        .expect(201);
    let case_id = case.body["id"].as_str().unwrap().to_owned();

    let driver = Driver::start().await;
    let b = driver.browser().await;
    // The browser asks for English: the sign-in page and my work are in English.
    b.goto(&format!("{}/login", app.base)).await;
    b.wait_text("h1#login-title", "Sign in").await;
    sign_in(&b, &app.base, "olga@example.com").await;
    b.wait_text("h2#my-records", "My records").await;
    assert_eq!(
        b.js("return document.documentElement.lang", vec![]).await,
        "en"
    );

    // Choose Swedish and Tokyo time in the user menu.
    menu_item(&b, "Language and time zone").await;
    b.wait("dialog #pref-locale").await;
    b.js(
        "const l = document.getElementById('pref-locale'); l.value = 'sv'; \
         const z = document.getElementById('pref-time-zone'); z.value = 'Asia/Tokyo';",
        vec![],
    )
    .await;
    b.wait_text("dialog .dialog-foot button", "Save")
        .await
        .click()
        .await;

    // The page reloads in Swedish.
    b.wait_text("h2#my-records", "Mina poster").await;
    assert_eq!(
        b.js("return document.documentElement.lang", vec![]).await,
        "sv"
    );
    assert_eq!(
        b.js("return document.title", vec![]).await,
        "Mitt arbete · Tether"
    );
    b.wait_text(".mainnav a", "Mitt arbete").await;
    b.wait_text(".mainnav a", "Chattar").await;
    b.wait_text("#signout", "Logga ut").await;
    b.wait_text("h1", "Olga").await;
    b.wait_text("#my-chats", "Senaste chattar").await;
    b.wait_text(".record-table th", "Namn").await;
    b.wait_text(".record-table th", "Uppdaterad").await;
    b.wait_text(".record-table .state", "Aktiv").await;
    // The standard record types by their Swedish names (issue 16 item 1).
    b.wait_text("#type-tab-case", "Ärende").await;
    b.wait_text("#type-tab-account", "Kund").await;
    b.wait_text("#all-records-link", "Alla ärenden").await;
    // "just now" in Swedish, from Intl.RelativeTimeFormat's neighbour in the catalog.
    b.wait_text(".record-table td", "nyss").await;
    b.screenshot(&screenshot_path("my-work-sv.png")).await;
    let me = app
        .get("/me", &app.login("olga@example.com", PASSWORD).await)
        .await
        .expect(200)
        .body;
    assert_eq!(
        (me["locale"].as_str(), me["time_zone"].as_str()),
        (Some("sv"), Some("Asia/Tokyo"))
    );

    // Times follow the chosen zone and the language's conventions.
    let formatted = b
        .js(
            "const href = document.querySelector('link[rel=modulepreload][href*=\"js/format.js\"]').href; \
             return import(href).then((f) => [f.timeZone, f.fmtTime('2026-01-01T00:00:00Z'), f.fmtNumber(1234.5)]);",
            vec![],
        )
        .await;
    assert_eq!(formatted[0], "Asia/Tokyo");
    assert_eq!(formatted[1], "09:00");
    assert_eq!(formatted[2], "1\u{a0}234,5");

    // The user menu and its dialogs are Swedish; a problem is shown by its code, in Swedish.
    b.wait("#user-menu").await.click().await;
    b.wait_text(".menu .menu-item", "Språk och tidszon").await;
    b.wait_text(".menu .menu-item", "Byt lösenord")
        .await
        .click()
        .await;
    b.wait_text("dialog h2", "Byt lösenord").await;
    b.wait_text("dialog label", "Nuvarande lösenord").await;
    b.wait("#pw-current")
        .await
        .send_keys("inte mitt lösenord")
        .await;
    b.wait("#pw-new")
        .await
        .send_keys("ett nytt långt lösenord")
        .await;
    b.wait("#pw-repeat")
        .await
        .send_keys("ett nytt långt lösenord")
        .await;
    b.wait_text("dialog .dialog-foot button", "Byt lösenord")
        .await
        .click()
        .await;
    b.wait_text(
        "dialog .form-error",
        "Nuvarande lösenord: Det här är inte ditt nuvarande lösenord.",
    )
    .await;
    b.wait_text("dialog .dialog-foot button", "Avbryt")
        .await
        .click()
        .await;

    // The record page's tour (R21) is Swedish.
    b.goto(&format!("{}/records/case/{case_id}", app.base))
        .await;
    b.wait_text(".tour", "Steg 1 av").await;
    b.wait_text(".tour h2", "Samarbeta kring posten").await;
    b.wait_text("#tour-next", "Nästa").await.click().await;
    b.wait_text(".tour", "Steg 2 av").await;
    b.wait_text("#tour-skip", "Hoppa över").await.click().await;

    // Back to following the browser: English again.
    b.goto(&format!("{}/", app.base)).await;
    menu_item(&b, "Språk och tidszon").await;
    b.wait("dialog #pref-locale").await;
    b.js("document.getElementById('pref-locale').value = '';", vec![])
        .await;
    b.wait_text("dialog .dialog-foot button", "Spara")
        .await
        .click()
        .await;
    b.wait_text("h2#my-records", "My records").await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

#[tokio::test]
async fn a_swedish_browser_gets_swedish_from_the_sign_in_page_on() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    app.user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.accept_language("sv-SE,sv;q=0.9,en;q=0.5").await;

    b.goto(&format!("{}/login", app.base)).await;
    b.wait_text("h1#login-title", "Logga in").await;
    b.wait_text("label[for=email]", "E-postadress").await;
    assert_eq!(
        b.js("return document.documentElement.lang", vec![]).await,
        "sv"
    );
    // A refused sign-in is said in Swedish, from the problem's code.
    b.wait("#email").await.send_keys("olga@example.com").await;
    b.wait("#password").await.send_keys("inte lösenordet").await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_text("#login-error", "Fel e-postadress eller lösenord.")
        .await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url("/").await;
    // No language chosen: the browser's.
    b.wait_text("h2#my-records", "Mina poster").await;
    b.wait_text(".mainnav a", "Mitt arbete").await;
    // The user menu says "as my browser says" with the browser's own zone.
    menu_item(&b, "Språk och tidszon").await;
    b.wait("dialog #pref-locale").await;
    let chosen = b
        .js(
            "const t = (id) => { const s = document.getElementById(id); return s.options[s.selectedIndex].text; }; \
             return [t('pref-locale'), t('pref-time-zone')];",
            vec![],
        )
        .await;
    assert_eq!(chosen[0], "Som min webbläsare");
    assert!(
        chosen[1]
            .as_str()
            .unwrap()
            .starts_with("Som min webbläsare ("),
        "{chosen}"
    );
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

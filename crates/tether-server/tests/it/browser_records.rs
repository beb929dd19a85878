//! Every record reachable, owner and sharing from the record page (issue 16, items 1 and 2), in
//! headless Chromium: the top-bar finder (`/`, Ctrl-K, arrow keys, Enter), the records page of
//! a type with its filters (a person or a team as owner) and *New record* form, related records
//! as links, the owner picker with a visible hand-over, the share dialog, states per type, and
//! the 390 px layout. The pickers that search as you type (a lookup, the owner filter, the
//! share dialog's person; `combobox.js`) are used by keyboard alone, and axe finds nothing
//! serious with their lists open.

use crate::browser_axe::axe;
use crate::browser_support::{Browser, Driver, keys, screenshot_path};
use crate::common::{PASSWORD, TestApp, spawn_app};
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    anna: String,
    bo_id: String,
    dora_id: String,
    cilla_id: String,
    cilla: String,
    dora_case: String,
    anna_case: String,
    account_id: String,
    contact_id: String,
    alpha: String,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Anna and Bo (agents) are in team Alpha, Dora (agent) in Beta; Cilla reads and writes only
/// her own cases (and what is shared with her). Anna owns a case connected to a group chat;
/// team Alpha owns one.
async fn world() -> World {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);
    app.post(
        "/roles",
        &admin,
        json!({"name": "solo", "privileges": ["collab.use", "case.read:own", "case.write:own"]}),
    )
    .await
    .expect(201);
    let alpha = id(&app
        .post("/teams", &admin, json!({"name": "Alpha"}))
        .await
        .expect(201)
        .body);
    let beta = id(&app
        .post("/teams", &admin, json!({"name": "Beta"}))
        .await
        .expect(201)
        .body);
    let (_, anna) = app
        .user(&admin, "anna@example.com", "Anna Ek", &["agent"], &[&alpha])
        .await;
    let (bo_id, _) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&alpha])
        .await;
    let (dora_id, dora) = app
        .user(
            &admin,
            "dora@example.com",
            "Dora Nyström",
            &["agent"],
            &[&beta],
        )
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Berg", &["solo"], &[])
        .await;
    let account = app
        .post(
            "/records/account",
            &anna,
            json!({"fields": {"name": "Contoso AB", "city": "Malmö"}}),
        )
        .await
        .expect(201)
        .body;
    let contact = id(&app
        .post(
            "/records/contact",
            &anna,
            json!({"fields": {"full_name": "Sven Svensson", "email": "sven@contoso.example"}}),
        )
        .await
        .expect(201)
        .body);
    let dora_case = id(&app
        .post(
            "/records/case",
            &dora,
            json!({"fields": {"title": "Printer jams on tray 2", "description": "Toner smudges on every page"}}),
        )
        .await
        .expect(201)
        .body);
    let anna_case = id(&app
        .post(
            "/records/case",
            &anna,
            json!({"fields": {"title": "VPN drops every hour"}, "related": {"account": account["id"]}}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        "/chats",
        &anna,
        json!({"member_ids": [dora_id], "name": "VPN investigation", "record": {"type": "case", "id": anna_case}}),
    )
    .await
    .expect(201);
    app.post(
        "/records/case",
        &admin,
        json!({"fields": {"title": "Alpha weekend rota"}, "owner": {"team_id": alpha}}),
    )
    .await
    .expect(201);
    World {
        app,
        admin,
        anna,
        bo_id,
        dora_id,
        cilla_id,
        cilla,
        dora_case,
        anna_case,
        account_id: id(&account),
        contact_id: contact,
        alpha,
    }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base)
    }
}

async fn sign_in(b: &Browser, base: &str, email: &str, then: &str) {
    b.goto(&format!("{base}/login?next={then}")).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url(then).await;
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;
}

/// Presses a key on the page (not in a field), as the finder's shortcuts expect.
async fn press(b: &Browser, key: &str, ctrl: bool) {
    b.js(
        "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], ctrlKey: arguments[1], bubbles: true, cancelable: true}))",
        vec![json!(key), json!(ctrl)],
    )
    .await;
}

/// Sets a `<select>` and tells the page.
async fn choose(b: &Browser, css: &str, value: &str) {
    b.wait(css).await;
    b.js(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}))",
        vec![json!(css), json!(value)],
    )
    .await;
}

/// The value of a property of the element `css` selects.
async fn prop(b: &Browser, css: &str, name: &str) -> Value {
    b.js(
        "const e = document.querySelector(arguments[0]); return e ? e[arguments[1]] ?? null : null",
        vec![json!(css), json!(name)],
    )
    .await
}

/// What a combobox says to assistive technology: `aria-expanded`, and the text of the option
/// `aria-activedescendant` names (with its `aria-selected`), or null.
async fn combobox_state(b: &Browser, css: &str) -> Value {
    b.js(
        "const i = document.querySelector(arguments[0]); \
         const id = i.getAttribute('aria-activedescendant'); const o = id && document.getElementById(id); \
         const list = document.getElementById(i.getAttribute('aria-controls')); \
         return {expanded: i.getAttribute('aria-expanded'), listShown: !!list && !list.hidden, \
                 active: o ? o.textContent : null, selected: o ? o.getAttribute('aria-selected') : null}",
        vec![json!(css)],
    )
    .await
}

fn assert_no_axe(defects: &[String]) {
    assert!(
        defects.is_empty(),
        "{} axe defects:\n{}",
        defects.len(),
        defects.join("\n")
    );
}

async fn table_names(b: &Browser) -> Vec<String> {
    b.js(
        "return [...document.querySelectorAll('#records-list .record-link')].map(a => a.textContent)",
        vec![],
    )
    .await
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_owned())
    .collect()
}

/// No control of the page's own content (the main area, the finder, dialogs) reaches past the
/// viewport. (The rest of the top bar is the layout work of issue 16 item 4.)
async fn assert_fits(b: &Browser, what: &str, scope: &str) {
    let v = b
        .js(
            "const w = document.documentElement.clientWidth; \
             const wide = [...document.querySelectorAll(arguments[0] + ' :is(button, input, select, a, label, h1, table)')] \
               .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > w + 1) \
               .map(e => e.outerHTML.slice(0, 80)); \
             const box = document.querySelector(arguments[0]); \
             return {scroll: box.scrollWidth, w: box.clientWidth, wide}",
            vec![json!(scope)],
        )
        .await;
    assert!(
        v["scroll"].as_i64().unwrap() <= v["w"].as_i64().unwrap() && v["wide"] == json!([]),
        "{what} overflows: {v}"
    );
}

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

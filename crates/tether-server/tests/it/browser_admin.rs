//! Administration in a real browser (issue 16, item 3): the Roles dialog keeps a user's roles,
//! the Users page shows roles and teams, teams gain and lose members and admins, risky
//! switches ask first, and the audit log speaks in names and exports CSV; a webhook
//! delivery sent again is followed on screen until it is delivered; an API key made there is
//! shown once, works and is refused once revoked, and an integration is registered and deleted.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver`.

use crate::browser_support::{Browser, Driver, keys};
use crate::common::{ADMIN_EMAIL, PASSWORD, TestApp, spawn_app, spawn_app_with};
use crate::webhooks::{Receiver, connected_chat, deliveries, desk_with_ticket, quick, register};
use serde_json::{Value, json};
use tether_store::Backend;

/// Signs in through the sign-in page and waits for `then`.
async fn sign_in(b: &Browser, base: &str, email: &str, then: &str) {
    b.goto(&format!("{base}/login?next={then}")).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url(then).await;
}

/// Clicks the dialog button labelled `label`.
async fn dialog_button(b: &Browser, label: &str) {
    b.wait_text("dialog .dialog-foot button", label)
        .await
        .click()
        .await;
}

/// Clicks the button labelled `label` in the users table row that mentions `needle`.
async fn row_button(b: &Browser, needle: &str, label: &str) {
    b.wait_js(
        &format!(
            "return [...document.querySelectorAll('.table tbody tr')].some((r) => r.textContent.includes({needle:?}))"
        ),
        "the user's row",
    )
    .await;
    b.js(
        "const [needle, label] = arguments; const row = [...document.querySelectorAll('.table tbody tr')].find((r) => r.textContent.includes(needle)); [...row.querySelectorAll('button')].find((x) => x.textContent.trim() === label).click();",
        vec![json!(needle), json!(label)],
    )
    .await;
}

async fn user(app: &TestApp, admin: &str, email: &str, name: &str, roles: &[&str]) -> String {
    app.post(
        "/users",
        admin,
        json!({"name": name, "email": email, "password": PASSWORD, "roles": roles}),
    )
    .await
    .expect(201)
    .body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A user's roles as the store holds them (read through the Users list, as an administrator).
async fn roles_of(app: &TestApp, admin: &str, id: &str) -> Vec<String> {
    let list = app
        .get("/users?q=example.com&limit=200", admin)
        .await
        .expect(200);
    let v: &Value = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == json!(id))
        .unwrap();
    let mut r: Vec<String> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    r.sort();
    r
}

#[tokio::test]
async fn roles_dialog_opens_with_the_users_roles_and_saves_exactly_the_ticked_set() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let dana = user(
        &app,
        &admin,
        "dana@example.com",
        "Dana Ek",
        &["agent", "supervisor"],
    )
    .await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, ADMIN_EMAIL, "/admin").await;
    b.goto(&format!("{}/admin#users", app.base)).await;
    row_button(&b, "dana@example.com", "Roles").await;
    b.wait_text("dialog h2", "Dana Ek").await;
    let ticked = b
        .js(
            "return [...document.querySelectorAll('dialog input[type=checkbox]:checked')].map((i) => i.value).sort()",
            vec![],
        )
        .await;
    assert_eq!(
        ticked,
        json!(["agent", "supervisor"]),
        "the dialog opens with the user's current roles ticked"
    );
    // Saving unchanged keeps the roles.
    dialog_button(&b, "Save roles").await;
    b.wait_js(
        "return !document.querySelector('dialog')",
        "the dialog to close",
    )
    .await;
    assert_eq!(
        roles_of(&app, &admin, &dana).await,
        vec!["agent", "supervisor"]
    );

    // Untick one: exactly the ticked set is saved.
    row_button(&b, "dana@example.com", "Roles").await;
    b.wait_text("dialog h2", "Dana Ek").await;
    b.js(
        "[...document.querySelectorAll('dialog input[type=checkbox]')].find((i) => i.value === 'supervisor').click()",
        vec![],
    )
    .await;
    dialog_button(&b, "Save roles").await;
    b.wait_js(
        "return !document.querySelector('dialog')",
        "the dialog to close",
    )
    .await;
    assert_eq!(roles_of(&app, &admin, &dana).await, vec!["agent"]);
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

#[tokio::test]
async fn users_page_teams_risky_switches_and_audit_speak_plainly() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let dana = user(&app, &admin, "dana@example.com", "Dana Ek", &["agent"]).await;
    let erik = user(&app, &admin, "erik@example.com", "Erik Falk", &["viewer"]).await;
    let team = app
        .post(
            "/teams",
            &admin,
            json!({"name": "Network support", "admin_ids": [dana], "member_ids": []}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({"fields": {"title": "Printer on fire"}}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/records/case/{case}/shares"),
        &admin,
        json!({"user_id": dana, "access": "read"}),
    )
    .await
    .expect(201);
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, ADMIN_EMAIL, "/admin").await;

    // The global switch tells the truth, and turning it off asks first.
    b.wait_text(
        "label[for=collab-switch]",
        "Collaboration is on for everyone",
    )
    .await;
    b.wait("#collab-switch").await.click().await;
    b.wait_text("dialog h2", "Turn collaboration off for everyone?")
        .await;
    dialog_button(&b, "Cancel").await;
    b.wait_js(
        "return !document.querySelector('dialog')",
        "the dialog to close",
    )
    .await;
    assert_eq!(
        b.wait("#collab-switch").await.prop("checked").await,
        json!(true)
    );
    assert_eq!(
        app.get("/settings", &admin).await.expect(200).body["collaboration_enabled"],
        json!(true),
        "cancelling changes nothing"
    );
    b.wait("#collab-switch").await.click().await;
    dialog_button(&b, "Turn off for everyone").await;
    b.wait_text(
        "label[for=collab-switch]",
        "Collaboration is off for everyone",
    )
    .await;
    assert_eq!(
        app.get("/settings", &admin).await.expect(200).body["collaboration_enabled"],
        json!(false)
    );
    // No rule ids or internal names on the page.
    let text = b
        .js("return document.querySelector('main').innerText", vec![])
        .await;
    assert!(
        !text.as_str().unwrap().contains("R1") && !text.as_str().unwrap().contains("collab.use"),
        "{text}"
    );

    // Users: roles and teams in words; deactivating asks first.
    b.goto(&format!("{}/admin#users", app.base)).await;
    b.wait_text(".table tbody", "Network support").await;
    let dana_row = b
        .js(
            "return [...document.querySelectorAll('.table tbody tr')].find((r) => r.textContent.includes('dana@example.com')).innerText",
            vec![],
        )
        .await;
    let dana_row = dana_row.as_str().unwrap();
    assert!(
        dana_row.contains("Agent") && dana_row.contains("Network support"),
        "{dana_row}"
    );
    row_button(&b, "erik@example.com", "Deactivate").await;
    b.wait_text("dialog h2", "Deactivate Erik Falk?").await;
    dialog_button(&b, "Cancel").await;
    b.wait_js(
        "return !document.querySelector('dialog')",
        "the dialog to close",
    )
    .await;
    let active = |body: &Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == json!(erik))
            .unwrap()["active"]
            .clone()
    };
    assert_eq!(
        active(&app.get("/users?q=erik", &admin).await.body),
        json!(true)
    );
    row_button(&b, "erik@example.com", "Deactivate").await;
    dialog_button(&b, "Deactivate").await;
    b.wait_text(".toast", "Erik Falk is deactivated").await;
    assert_eq!(
        active(&app.get("/users?q=erik", &admin).await.body),
        json!(false)
    );

    // Teams: add Erik as a member, make him admin, take Dana's admin role, remove Dana.
    b.goto(&format!("{}/admin#teams", app.base)).await;
    b.wait_text(".team-card h3", "Network support").await;
    b.wait(".team-card details summary").await.click().await;
    // Erik is deactivated, so the picker does not offer him: reactivate through the API.
    app.patch(&format!("/users/{erik}"), &admin, json!({"active": true}))
        .await
        .expect(200);
    let input = b.wait(".team-card .people-picker input").await;
    input.send_keys("Erik").await;
    b.wait_text(".team-card .listbox .option", "Erik Falk")
        .await
        .click()
        .await;
    b.wait_text(".team-card details button.primary", "Add")
        .await
        .click()
        .await;
    b.wait_text(".team-card .member-list", "Erik Falk").await;
    b.wait(&format!(
        "[data-user-id='{erik}'] button[aria-label^='Make']"
    ))
    .await
    .click()
    .await;
    b.wait_text(&format!(".team-card [data-user-id='{erik}']"), "Team admin")
        .await;
    b.wait(&format!(
        "[data-user-id='{dana}'] button[aria-label$='no longer a team admin of Network support']"
    ))
    .await
    .click()
    .await;
    b.wait_js(
        &format!("return !document.querySelector(\".team-card [data-user-id='{dana}']\").textContent.includes('Team admin')"),
        "Dana to be a plain member",
    )
    .await;
    b.wait(&format!(
        "[data-user-id='{dana}'] button[aria-label^='Remove Dana']"
    ))
    .await
    .click()
    .await;
    b.wait_text("dialog h2", "Remove Dana Ek from Network support?")
        .await;
    dialog_button(&b, "Remove from team").await;
    b.wait_js(
        &format!("return !document.querySelector(\".team-card [data-user-id='{dana}']\")"),
        "Dana to leave the list",
    )
    .await;
    let teams = app.get("/teams", &admin).await.expect(200);
    let t = teams.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == json!(team))
        .unwrap()
        .clone();
    assert_eq!(
        t["members"],
        json!([{"user": {"id": erik, "name": "Erik Falk"}, "is_admin": true}])
    );
    // The last admin cannot be removed: the reason shows on the card.
    b.wait(&format!(
        "[data-user-id='{erik}'] button[aria-label^='Remove Erik']"
    ))
    .await
    .click()
    .await;
    dialog_button(&b, "Remove from team").await;
    b.wait_text(".team-card .form-error", "only team admin")
        .await;

    // Roles in plain words.
    b.goto(&format!("{}/admin#roles", app.base)).await;
    b.wait_text(".table tbody", "Case: write — own team").await;
    b.wait_text(".table tbody", "Knowledge article: write — all records")
        .await;
    let roles_text = b
        .js("return document.querySelector('main').innerText", vec![])
        .await;
    for internal in ["knowledge_article", "collab.use", "*.read", "R1"] {
        assert!(
            !roles_text.as_str().unwrap().contains(internal),
            "the Roles page shows {internal:?}"
        );
    }

    // Record types and their settings by display names and labels.
    b.goto(&format!("{}/admin#types", app.base)).await;
    b.wait_text(".type-card summary", "Knowledge article").await;
    b.goto(&format!(
        "{}/admin#type-settings/knowledge_article",
        app.base
    ))
    .await;
    b.wait("#set-join_chat").await;
    for section in ["#types", "#type-settings/knowledge_article"] {
        b.goto(&format!("{}/admin{section}", app.base)).await;
        b.wait(".admin-content h2").await;
        let text = b
            .js(
                "return document.querySelector('main').innerText + [...document.querySelectorAll('main select option')].map((o) => o.textContent).join(' ')",
                vec![],
            )
            .await;
        assert!(
            !text.as_str().unwrap().contains("knowledge_article"),
            "{section} shows an internal name"
        );
    }

    // The audit log: names, an action chosen by name, a person filter, a CSV link.
    b.goto(&format!("{}/admin#audit", app.base)).await;
    b.wait_text(".audit-table tbody", "Team member removed")
        .await;
    b.wait_text(".audit-table tbody", "Person: Dana Ek").await;
    b.js(
        "const s = document.getElementById('au-action'); s.value = 'user.deactivated'; document.querySelector('.audit-filters button[type=submit]').click();",
        vec![],
    )
    .await;
    b.wait_text("[role=status]", "1 entry").await;
    b.wait_text(".audit-table tbody", "Person: Erik Falk").await;
    let input = b.wait(".audit-filters .people-picker input").await;
    input.send_keys("Erik").await;
    b.wait_text(".audit-filters .listbox .option", "Erik Falk")
        .await
        .click()
        .await;
    b.wait("#au-action").await;
    b.js(
        "document.getElementById('au-action').value = ''; document.querySelector('.audit-filters button[type=submit]').click();",
        vec![],
    )
    .await;
    b.wait_text("[role=status]", "No entries match").await;
    let href = b
        .js(
            "return document.getElementById('audit-csv').getAttribute('href')",
            vec![],
        )
        .await;
    assert!(
        href.as_str().unwrap().starts_with("/api/v1/audit.csv?")
            && href.as_str().unwrap().contains(&erik),
        "{href}"
    );
    // A record chosen with the keyboard: its entries only, the record named and linked.
    b.wait(".audit-filters .chip-x").await.click().await;
    let input = b.wait("#au-record").await;
    input.send_keys("Printer").await;
    b.wait_text("#au-record-list .option", "Printer on fire")
        .await;
    input.send_keys(keys::ENTER).await;
    let chosen = b.wait("#au-record").await.value().await;
    assert!(
        chosen.ends_with("Printer on fire"),
        "Enter chooses the highlighted record: {chosen}"
    );
    b.wait(".audit-filters button[type=submit]")
        .await
        .click()
        .await;
    b.wait_text("[role=status]", "1 entry").await;
    b.wait_text(".audit-table tbody", "Record shared").await;
    b.wait_text(".audit-table tbody a", "Printer on fire").await;
    b.wait_text(".audit-table tbody", "Person: Dana Ek").await;
    let href = b
        .js(
            "return document.getElementById('audit-csv').getAttribute('href')",
            vec![],
        )
        .await;
    assert!(href.as_str().unwrap().contains(&case), "{href}");

    let page = b
        .js("return document.querySelector('main').innerText", vec![])
        .await;
    let page = page.as_str().unwrap();
    for internal in [
        "user.deactivated",
        "team.member_removed",
        "collab.use",
        &dana,
        &team,
    ] {
        assert!(
            !page.contains(internal),
            "the page shows {internal:?}: {page}"
        );
    }
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

/// The deliveries table holds one row, delivered on its first attempt.
const ROWS_SHOWN_DELIVERED_1: &str = "const rows = document.querySelectorAll('.card.webhook tbody tr'); \
     return rows.length === 1 && rows[0].children[1].textContent === 'Delivered' && rows[0].children[2].textContent === '1';";
/// The deliveries table holds two rows, the newer one delivered on its fourth attempt.
const ROWS_SHOWN_DELIVERED_4: &str = "const rows = document.querySelectorAll('.card.webhook tbody tr'); \
     return rows.length === 2 && rows[0].children[1].textContent === 'Delivered' && rows[0].children[2].textContent === '4';";

/// Administration → Webhooks: after "Send again" the endpoint's counts and the new delivery
/// are looked at again until nothing waits, so the row turns from waiting to delivered and
/// the counts go back to none waiting, without a reload.
#[tokio::test]
async fn a_delivery_sent_again_is_followed_until_it_is_delivered() {
    let (desk, ticket) = desk_with_ticket(spawn_app_with(Backend::Sqlite, quick).await).await;
    let app = &desk.app;
    let receiver = Receiver::start("127.0.0.1:0").await;
    let hook = register(app, &desk.admin, &receiver.url(), &["chat.connected"]).await;
    connected_chat(app, &desk.olga.token, &[&desk.bo.id], &ticket).await;
    receiver.wait_for(1).await;
    for _ in 0..200 {
        if deliveries(app, &desk.admin, &hook).await[0]["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }

    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, ADMIN_EMAIL, "/admin").await;
    b.goto(&format!("{}/admin#webhooks", app.base)).await;
    b.wait_text(".card.webhook .webhook-summary", "0 waiting · 0 failed")
        .await;
    b.wait_js(ROWS_SHOWN_DELIVERED_1, "the delivery shown delivered")
        .await;
    // The next three attempts fail: the new delivery waits about two seconds (quick backoff).
    receiver.answer(&[500, 500, 500]);
    b.js("window.notReloaded = true;", vec![]).await;
    b.wait_text(".card.webhook tbody tr button", "Send again")
        .await
        .click()
        .await;
    // At once: the new delivery waits, and the endpoint's counts say so.
    b.wait_text(".card.webhook .webhook-summary", "1 waiting · 0 failed")
        .await;
    // Then, without a reload, it is seen delivered on its fourth attempt.
    b.wait_js(
        ROWS_SHOWN_DELIVERED_4,
        "the delivery sent again shown delivered",
    )
    .await;
    b.wait_text(".card.webhook .webhook-summary", "0 waiting · 0 failed")
        .await;
    assert_eq!(
        b.js("return window.notReloaded === true;", vec![]).await,
        json!(true),
        "the page was not reloaded"
    );
    assert_eq!(receiver.got().len(), 5);
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

/// Administration → API keys and Integrations (issue 19): a key made in the dialog is shown
/// once, works on the record sync endpoint, and once revoked there (after a confirmation) is
/// refused with 401; an integration registered with a generated secret is listed without it
/// and deleted after a confirmation that says its agents' embed sessions end. The server's
/// field errors are shown at the fields.
#[tokio::test]
async fn api_keys_and_integrations_are_made_shown_once_revoked_and_deleted_in_administration() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &app.base, ADMIN_EMAIL, "/admin").await;

    // A key: no scope chosen is refused at the scopes; then one scope.
    b.goto(&format!("{}/admin#api-keys", app.base)).await;
    b.wait_text(".admin-content [role=status]", "No API keys")
        .await;
    b.wait_text(".admin-content button", "New API key")
        .await
        .click()
        .await;
    b.wait("#nk-name").await.send_keys("Helpdesk sync").await;
    dialog_button(&b, "Create key").await;
    b.wait("dialog [data-field=scopes] .field-error").await;
    b.wait("#nk-scope-0").await.click().await;
    dialog_button(&b, "Create key").await;
    let key = b.wait("#new-key-value").await.value().await;
    assert!(key.starts_with("tk_") && key.len() > 40, "{key}");
    b.wait_text("dialog .notice", "shown only now").await;
    b.wait_text("dialog .copy-field button", "Copy")
        .await
        .click()
        .await;
    b.wait_js(
        "return document.querySelector('dialog .copy-field [role=status]').textContent !== ''",
        "the copy answered",
    )
    .await;
    dialog_button(&b, "I have copied it").await;
    b.wait_text(".api-keys tbody tr", "Helpdesk sync").await;
    b.wait_text(".api-keys tbody tr", "records:write").await;
    b.wait_text(".api-keys tbody tr", "Never").await;
    assert_eq!(
        b.js(
            "return document.body.innerHTML.includes(arguments[0]) || [...document.querySelectorAll('input')].some((i) => i.value === arguments[0])",
            vec![json!(key)]
        )
        .await,
        json!(false),
        "the key is shown only once"
    );

    // The key works where a host system uses it.
    let path = "/records/case/by-external/x/1";
    app.put(
        path,
        &key,
        json!({"fields": {"title": "Synced with the new key"}}),
    )
    .await
    .expect(201);

    // Revoked in the page, after a confirmation: refused from the next request.
    row_button(&b, "Helpdesk sync", "Revoke").await;
    b.wait_text("dialog[open] p", "cannot be undone").await;
    dialog_button(&b, "Revoke").await;
    b.wait_text(".api-keys tbody tr", "Revoked").await;
    app.put(path, &key, json!({"fields": {"title": "After revoking"}}))
        .await
        .expect(401);

    // An integration: a bad source is refused at its field; then a generated secret.
    b.goto(&format!("{}/admin#integrations", app.base)).await;
    b.wait_text(".admin-content", "No integrations are registered")
        .await;
    b.wait_text(".admin-content button", "New integration")
        .await
        .click()
        .await;
    b.wait("#ni-name").await.send_keys("Acme desk").await;
    b.wait("#ni-source").await.send_keys("Acme Desk").await;
    b.wait("#ni-origins")
        .await
        .send_keys("https://acme.example.com")
        .await;
    b.wait("#ni-generate").await.click().await;
    let secret = b.wait("#ni-secret").await.value().await;
    assert!(secret.len() >= 43, "{secret}");
    b.wait("#ni-provision").await.click().await;
    dialog_button(&b, "Register integration").await;
    b.wait("dialog [data-field=source] .field-error").await;
    let source = b.wait("#ni-source").await;
    source.clear().await;
    source.send_keys("acme").await;
    dialog_button(&b, "Register integration").await;
    b.wait_text(".card.integration", "Acme desk").await;
    b.wait_text(".card.integration", "https://acme.example.com")
        .await;
    b.wait_text(".card.integration", "HS256").await;
    b.wait_text(".card.integration", "Yes, as Agent").await;
    let listed = app.get("/integrations", &admin).await.expect(200);
    assert_eq!(listed.body["items"][0]["source"], "acme");
    assert_eq!(listed.body["items"][0]["default_role"], "agent");
    assert!(!listed.text.contains(&secret), "the secret is never listed");
    assert!(
        !b.js("return document.body.innerHTML", vec![])
            .await
            .as_str()
            .unwrap()
            .contains(&secret),
        "the secret is gone from the page"
    );

    b.wait("[aria-label='Delete the integration Acme desk']")
        .await
        .click()
        .await;
    b.wait_text("dialog[open] p", "embed session").await;
    dialog_button(&b, "Delete").await;
    b.wait_text(".admin-content", "No integrations are registered")
        .await;
    let listed = app.get("/integrations", &admin).await.expect(200);
    assert_eq!(listed.body["items"], json!([]));
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

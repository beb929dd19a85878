//! Administration and its dialogs fit every width and pass axe.

use super::*;

/// Administration's dialogs, each opened by a button of a section: (section, the button's text
/// or, starting with `#` or `[`, a selector).
const ADMIN_DIALOGS: [(&str, &str); 11] = [
    ("general", "#collab-switch"),
    ("users", "New user"),
    ("users", "Roles"),
    ("users", "Set password"),
    ("users", "Deactivate"),
    ("teams", "New team"),
    ("teams", "[aria-label^='Remove Maximiliana']"),
    ("roles", "New role"),
    ("types", "New record type"),
    ("api-keys", "New API key"),
    ("integrations", "New integration"),
];

/// Every section of administration and every dialog it opens fit each size and pass axe.
#[tokio::test]
async fn admin_and_its_dialogs_fit_every_width_and_pass_axe() {
    let w = world().await;
    // A webhook endpoint with a delivery waiting (its address refuses connections).
    let admin = w.app.admin().await;
    w.app
        .post(
            "/webhooks",
            &admin,
            serde_json::json!({"url": "http://127.0.0.1:9/hooks/a-rather-long-path-for-the-phone",
                               "secret": "layout-secret-0123456789", "events": ["message.created"]}),
        )
        .await
        .expect(201);
    // A key and an integration with long words, so their lists are not empty.
    w.app
        .post(
            "/api/v1/api-keys",
            &admin,
            serde_json::json!({"name": "Helpdesk synchronisation for the northern region",
                               "scopes": ["records:write", "users:write", "webhooks"]}),
        )
        .await
        .expect(201);
    w.app
        .post(
            "/integrations",
            &admin,
            serde_json::json!({"name": "Acme helpdesk", "source": "acme-helpdesk",
                               "allowed_origins": ["https://a-rather-long-subdomain.acme-helpdesk.example.com"],
                               "secret": "layout-secret-0123456789-0123456789-0123456789",
                               "audience": "https://tether.example.com",
                               "provision_users": true, "default_role": "agent"}),
        )
        .await
        .expect(201);
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w.app.base, ADMIN_EMAIL, "/admin").await;
    let mut defects = Vec::new();
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        for section in [
            "general",
            "users",
            "teams",
            "roles",
            "types",
            "type-settings",
            "audit",
            "webhooks",
            "api-keys",
            "integrations",
        ] {
            go(&b, &w.url(&format!("/admin#{section}"))).await;
            b.wait(&format!("#nav-{section}[aria-current=page]")).await;
            b.wait(".admin-content h2").await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            defects.extend(layout_defects(&b, &format!("admin #{section}"), size).await);
            defects.extend(axe(&b, &format!("admin #{section} at {}", size.0), None).await);
            if section == "users" && [1440, 390].contains(&size.0) {
                b.mouse_away().await;
                b.screenshot(&screenshot_path(&format!("admin-{}.png", size.0)))
                    .await;
            }
            for (_, opener) in ADMIN_DIALOGS.iter().filter(|(s, _)| *s == section) {
                let button = if opener.starts_with(['#', '[']) {
                    b.wait(&format!(".admin-content {opener}")).await
                } else {
                    b.wait_text(".admin-content button", opener).await
                };
                button.click().await;
                b.wait("dialog[open] .dialog-foot button").await;
                tokio::time::sleep(Duration::from_millis(150)).await;
                check_here(
                    &b,
                    &format!("admin {opener:?} dialog"),
                    size,
                    "dialog[open]",
                    &mut defects,
                )
                .await;
                b.press(&[keys::ESCAPE]).await;
                dialog_closed(&b).await;
            }
        }
    }
    // The phone's top bar holds the administrator's longer Swedish words too.
    let sv = driver.browser().await;
    sv.accept_language("sv-SE,sv").await;
    sign_in(&sv, &w.app.base, ADMIN_EMAIL, "/admin").await;
    sv.set_window_size(PHONE.0, PHONE.1).await;
    for section in ["general", "users", "audit", "api-keys", "integrations"] {
        go(&sv, &w.url(&format!("/admin#{section}"))).await;
        sv.wait(&format!("#nav-{section}[aria-current=page]")).await;
        sv.wait(".admin-content h2").await;
        defects.extend(layout_defects(&sv, &format!("admin #{section} in Swedish"), PHONE).await);
    }
    assert_none(&defects);
}

//! Signing in, my work, the record page and readable errors; each page's policy and cached
//! assets.

use super::*;

#[tokio::test]
async fn sign_in_my_work_record_page_and_readable_errors() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;

    // Unauthenticated pages lead to the sign-in page, which explains a wrong password.
    b.goto(&w.url("/")).await;
    b.wait_url("/login?next=/").await;
    b.wait("#email").await.send_keys("alice@example.com").await;
    b.wait("#password")
        .await
        .send_keys("not the password")
        .await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_text("#login-error", "wrong e-mail or password")
        .await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    // The password field was selected after the error: typing replaced it.
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url("/").await;

    // My work: my records by type, with search.
    b.wait_text(".record-table a.record-link", "VPN drops every hour")
        .await;
    b.wait_text(".record-table a.record-link", "Invoice shows the wrong VAT")
        .await;
    b.screenshot(&screenshot_path("my-work.png")).await;
    b.wait("#record-search").await.send_keys("invoice").await;
    b.wait_gone(".record-table a.record-link", "VPN drops")
        .await;
    b.wait("#record-search").await.clear().await;
    b.wait("#record-search").await.send_keys("VPN").await;
    b.wait_text(".record-table a.record-link", "VPN drops every hour")
        .await
        .click()
        .await;

    // The record page: fields, timeline, collaboration panel.
    b.wait_url(&format!("/records/case/{}", w.case_id)).await;
    b.wait_text("h1#record-title", &w.case_title).await;
    b.wait_text(".record-facts", "Alice Berg").await;
    let product = b.wait("[data-field=product] input").await;
    assert_eq!(product.value().await, "Tether VPN");
    b.wait_text(".tl-item", "Customer called about the drops")
        .await;

    // R21: the panel's tour shows the first time, and can be reopened from its help button.
    b.wait_text(".tour", "Step 1 of").await;
    b.wait("#tour-next").await.click().await;
    b.wait_text(".tour", "Step 2 of").await;
    b.wait("#tour-skip").await.click().await;
    b.wait_js(
        "return !document.querySelector('.tour')",
        "the tour to close",
    )
    .await;
    b.goto(&w.case_url()).await;
    b.wait_text("h1#record-title", &w.case_title).await;
    b.wait("#panel-help").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        b.find(".tour").await.is_none(),
        "the tour shows once per user"
    );
    b.wait("#panel-help").await.click().await;
    b.wait_text(".tour", "Step 1 of").await;
    b.wait("#tour-next").await.send_keys(keys::ESCAPE).await;
    b.wait_js(
        "return !document.querySelector('.tour')",
        "Escape to close the tour",
    )
    .await;

    // The panel is never blank or raw JSON: whatever the server answers is said in words.
    let panel_text = b.wait("#collab-panel").await.text().await;
    assert!(
        !panel_text.contains('{'),
        "panel shows raw JSON: {panel_text}"
    );

    // Edit a field and the state; the change is saved through the API.
    let product = b.wait("[data-field=product] input").await;
    product.clear().await;
    product.send_keys("Tether VPN 2").await;
    b.js(
        "const s = document.querySelector('[data-field=priority] select'); s.value = 'urgent'; s.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    )
    .await;
    b.wait_text(".fields-form button[type=submit]", "Save changes")
        .await
        .click()
        .await;
    b.wait_text(".toast", "Changes saved").await;
    let rec = w
        .app
        .get(&format!("/records/case/{}", w.case_id), &w.alice)
        .await
        .expect(200);
    assert_eq!(rec.body["fields"]["product"], "Tether VPN 2");
    assert_eq!(rec.body["fields"]["priority"], "urgent");

    // Log an activity: it appears on the timeline.
    b.wait(".add-activity summary").await.click().await;
    b.wait("#act-subject")
        .await
        .send_keys("Asked for the router logs")
        .await;
    b.wait_text(".activity-form button", "Add to timeline")
        .await
        .click()
        .await;
    b.wait_text(".tl-item", "Asked for the router logs").await;

    // New chat from the panel (R8) opens the chat pane beside the record.
    b.wait("#panel-new-chat").await.click().await;
    pick_person(&b, "dialog", "Bo", "Bo Lind").await;
    dialog_button(&b, "Start chat").await;
    b.wait_text(&format!("{ACTIVE} .chat-name"), "Bo Lind")
        .await;
    let input = b.wait(&format!("{ACTIVE} .composer-input")).await;
    input
        .send_keys("Could you look at the tunnel logs for **Nordic Freight**?")
        .await;
    input.send_keys(keys::ENTER).await;
    b.wait_text(&format!("{ACTIVE} .msg-body strong"), "Nordic Freight")
        .await;
    // R5: a chat started outside any record is under "Other chats".
    b.wait_text("#section-other-chats .entry", "Bo Lind").await;

    // An API error is shown in words, in place.
    b.goto(&w.url("/records/case/does-not-exist")).await;
    b.wait_text(".error", "there is no case record with id does-not-exist")
        .await;
    // Sign out leads back to the sign-in page; pages then ask to sign in again.
    assert_eq!(b.console_defects().await, Vec::<String>::new());
    b.wait("#signout").await.click().await;
    b.wait_url("/login").await;
    b.goto(&w.url("/chats")).await;
    b.wait_url("/login?next=/chats").await;
}

#[tokio::test]
async fn pages_send_their_policy_and_assets_are_cached_by_version() {
    let app = spawn_app(Backend::Sqlite).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Unauthenticated pages go to the sign-in page, keeping where they were going.
    let res = http
        .get(format!("{}/records/case/x?tab=1", app.base))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(
        res.headers()["location"],
        "/login?next=/records/case/x%3Ftab%3D1"
    );
    // The sign-in page: HTML with its own policy, no inline script allowed.
    let res = http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    let html = res.text().await.unwrap();
    let module = html
        .split("<script type=\"module\" src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    assert!(module.starts_with("/assets/") && module.ends_with("/js/login.js"));
    // Versioned assets are immutable, with their type and an ETag; a stale version is not.
    let res = http
        .get(format!("{}{module}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = res.headers()["etag"].clone();
    let res = http
        .get(format!("{}{module}", app.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    let res = http
        .get(format!("{}/assets/old/app.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let res = http
        .get(format!("{}/assets/old/nope.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// A page whose session ends elsewhere (here: an administrator resets the password, which ends
/// every session of that person) goes to the sign-in page by itself: its event socket is
/// closed, it asks the API, and the 401 sends it there — rather than reconnecting for ever.
#[tokio::test]
async fn a_page_whose_session_ended_goes_to_sign_in_without_a_click() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w.app.base, "bo@example.com", "/chats").await;
    // Live first, so the socket is the one that notices.
    b.wait("#chat-list, .chat-list, main").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    w.app
        .post(
            &format!("/users/{}/password", w.bo_id),
            &w.admin,
            json!({"new_password": "another long passphrase"}),
        )
        .await
        .expect(204);
    b.wait_url("/login?next=%2Fchats").await;
}

//! On a phone: the finder opens from a button over the top bar, and a tap on a message shows its
//! tools.

use super::*;

/// On a phone the finder is a labelled search button in the top bar, reached with Tab: it opens
/// the finder over the whole bar, where a record is found; Escape and the close button put the
/// bar back with the focus on the button, and `/` and Ctrl-K still open it.
#[tokio::test]
async fn on_a_phone_the_finder_opens_from_a_button_over_the_top_bar() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    b.set_window_size(PHONE.0, PHONE.1).await;
    go(&b, &w.url("/")).await;
    b.wait_text(".record-table a.record-link", "VPN tunnel drops")
        .await;
    let shown = |id: &str| {
        format!(
            "return !!document.getElementById({}).checkVisibility()",
            json!(id)
        )
    };
    let focused = |id: &str| {
        format!(
            "return document.activeElement && document.activeElement.id === {}",
            json!(id)
        )
    };
    // The box gives way to a button with a name.
    let opener = b.wait("#finder-open").await;
    assert_eq!(opener.prop("ariaLabel").await, json!("Find a record"));
    assert_eq!(b.js(&shown("finder-input"), vec![]).await, json!(false));
    let mut defects = layout_defects(&b, "phone finder closed", PHONE).await;

    // Tab reaches it; Enter opens the finder over the whole top bar.
    b.js("document.activeElement?.blur()", vec![]).await;
    let mut reached = false;
    for _ in 0..15 {
        b.press(&[keys::TAB]).await;
        if b.js(&focused("finder-open"), vec![]).await == json!(true) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the finder's button");
    b.press(&[keys::ENTER]).await;
    b.wait_js(
        &focused("finder-input"),
        "the finder to open with the focus",
    )
    .await;
    let over = b
        .js(
            "const f = document.querySelector('.finder').getBoundingClientRect();
             const bar = document.querySelector('.topbar').getBoundingClientRect();
             return f.left <= 0.5 && f.right >= bar.right - 0.5 && f.top <= bar.top + 0.5 && f.bottom >= bar.bottom - 0.5
               && bar.left <= 0.5 && bar.right >= document.documentElement.clientWidth - 0.5;",
            vec![],
        )
        .await;
    assert_eq!(over, json!(true), "the finder covers the top bar");
    assert_eq!(opener.prop("ariaExpanded").await, json!("true"));
    defects.extend(layout_defects(&b, "phone finder open", PHONE).await);
    defects.extend(axe(&b, "phone finder open", None).await);

    // Results as you type, checked like every page.
    b.wait("#finder-input").await.send_keys("VPN").await;
    b.wait_text(".finder-option", "VPN tunnel drops").await;
    defects.extend(layout_defects(&b, "phone finder results", PHONE).await);
    b.screenshot(&screenshot_path("finder-390.png")).await;
    defects.extend(axe(&b, "phone finder results", None).await);

    // Escape closes the list, then the finder; the focus goes back to the button.
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(
        "return document.getElementById('finder-results').hidden",
        "Escape to close the results",
    )
    .await;
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(&focused("finder-open"), "Escape to give the focus back")
        .await;
    assert_eq!(b.js(&shown("finder-input"), vec![]).await, json!(false));
    assert_eq!(opener.prop("ariaExpanded").await, json!("false"));

    // `/` opens it; the close button puts the bar back.
    b.press(&["/"]).await;
    b.wait_js(&focused("finder-input"), "/ to open the finder")
        .await;
    b.wait("#finder-close").await.click().await;
    b.wait_js(
        &focused("finder-open"),
        "the close button to give the focus back",
    )
    .await;
    assert_eq!(b.js(&shown("finder-input"), vec![]).await, json!(false));

    // Ctrl-K opens it, and a record is found and opened through it.
    b.press(&[keys::CONTROL, "k"]).await;
    b.wait_js(&focused("finder-input"), "Ctrl-K to open the finder")
        .await;
    b.wait("#finder-input").await.send_keys("Göteborg").await;
    b.wait_text(".finder-option", "VPN tunnel drops")
        .await
        .click()
        .await;
    b.wait_url(&format!("/records/case/{}", w.case_id)).await;
    b.wait("h1#record-title").await;

    // The top bar's Sign out made room for the finder's button: it is in the user menu.
    assert_eq!(b.js(&shown("signout"), vec![]).await, json!(false));
    b.wait("#user-menu").await.click().await;
    b.wait_text(".menu .menu-item", "Sign out")
        .await
        .click()
        .await;
    b.wait_url("/login*").await;
    assert_none(&defects);
    assert!(b.console_defects().await.is_empty());
}

/// On a touch phone (no hover), a tap on a message shows its tools — react, edit, delete —
/// and a reaction is added by touch alone.
#[tokio::test]
async fn on_a_touch_phone_a_tap_on_a_message_shows_its_tools() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    b.set_window_size(PHONE.0, PHONE.1).await;
    b.emulate_touch().await;
    go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
    let chat = ".chatapp .chat:not([hidden])";
    b.wait_text(&format!("{chat} .msg"), "renegotiating").await;
    assert_eq!(
        b.js(
            "return matchMedia('(hover: none)').matches && matchMedia('(pointer: coarse)').matches",
            vec![]
        )
        .await,
        json!(true),
        "the page is a touch device without hover"
    );
    let id = b
        .js(
            "return [...document.querySelectorAll(arguments[0])].find((li) => li.textContent.includes('renegotiating')).id",
            vec![json!(format!("{chat} .msg"))],
        )
        .await;
    let msg = format!("#{}", id.as_str().unwrap());
    // Whether a tool of the message can be seen and touched.
    let usable = |label: &str| {
        format!(
            "const b = document.querySelector({});
             if (!b) return false;
             const r = b.getBoundingClientRect();
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             return getComputedStyle(b.closest('.msg-tools')).opacity === '1' && !!hit && b.contains(hit);",
            json!(format!("{msg} button[aria-label='{label}']"))
        )
    };
    assert_eq!(
        b.js(&usable("Add a reaction"), vec![]).await,
        json!(false),
        "the tools wait for a tap"
    );
    b.tap(&b.wait(&format!("{msg} .msg-body")).await).await;
    for label in ["Add a reaction", "Edit message", "Delete message"] {
        b.wait_js(&usable(label), &format!("{label} to show after a tap"))
            .await;
    }
    let mut defects = layout_defects(&b, "a message's tools on a touch phone", PHONE).await;
    b.tap(
        &b.wait(&format!("{msg} button[aria-label='Add a reaction']"))
            .await,
    )
    .await;
    b.tap(&b.wait(&format!("{msg} [aria-label='React with 👍']")).await)
        .await;
    b.wait_text(&format!("{msg} .reaction[aria-pressed=true]"), "👍")
        .await;
    defects.extend(layout_defects(&b, "a reaction added by touch", PHONE).await);
    // A tap on another message moves the tools there.
    let other = b
        .js(
            "return [...document.querySelectorAll(arguments[0])].find((li) => li.textContent.includes('workaround')).id",
            vec![json!(format!("{chat} .msg"))],
        )
        .await;
    let other = format!("#{}", other.as_str().unwrap());
    // (Its body is mostly a link: tap beside it.)
    b.tap(&b.wait(&format!("{other} .avatar-gap")).await).await;
    b.wait_js(
        &format!(
            "return getComputedStyle(document.querySelector({})).opacity === '1'
               && getComputedStyle(document.querySelector({})).opacity === '0'",
            json!(format!("{other} .msg-tools")),
            json!(format!("{msg} .msg-tools"))
        ),
        "the tools to follow the tap",
    )
    .await;
    // A tap outside the messages puts them away.
    b.tap(&b.wait(&format!("{chat} .composer-hint")).await)
        .await;
    b.wait_js(
        &format!(
            "return getComputedStyle(document.querySelector({})).opacity === '0'",
            json!(format!("{other} .msg-tools"))
        ),
        "the tools to hide after a tap elsewhere",
    )
    .await;
    assert_none(&defects);
    assert!(b.console_defects().await.is_empty());
}

//! The web UI at every screen size, and accessible (issue 16, items 4 and 9): headless Chromium
//! against the real server, at 1920×1080, 1440×900, 1280×800, 1024×768 and a 390×844 phone.
//!
//! - [`LAYOUT_CHECK`] is a reusable in-page check: the page never scrolls sideways, no control
//!   leaves the window or is cut off by an `overflow: hidden` ancestor, no box scrolls sideways
//!   unless it is a tab strip made for it, and text cut short with an ellipsis shows its whole
//!   on hover (`title`).
//! - axe-core (the npm package, pinned at [`browser_axe::AXE_VERSION`]) is injected into every page and
//!   dialog: no serious or critical violation. `scripts/test` installs it before the suite;
//!   run alone, the test installs it itself with `npm` (into `target/tmp`), so nothing
//!   third-party is vendored into the repository.
//! - Every dialog, "…" menu and the tour get both checks at every size: one browser session
//!   resized to each width, opening each in turn.
//! - The phone: the finder opens from a search button over the top bar; on a touch device
//!   without hover, a tap on a message shows its tools.
//! - Keyboard: Tab reaches the main controls, and the focused control shows an outline.
//! - Form errors are tied to their fields (`aria-invalid` and `aria-describedby`).

use crate::browser_axe::axe;
use crate::browser_support::{Browser, Driver, keys, screenshot_path};
use crate::common::{ADMIN_EMAIL, PASSWORD, TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use tether_store::Backend;

/// The widths (and heights) the UI must work at; the last is a phone.
const SIZES: [(u32, u32); 5] = [
    (1920, 1080),
    (1440, 900),
    (1280, 800),
    (1024, 768),
    (390, 844),
];
const PHONE: (u32, u32) = (390, 844);

/// Finds what breaks the layout at the current size; returns one sentence per defect.
const LAYOUT_CHECK: &str = r#"
const vw = document.documentElement.clientWidth;
const out = [];
const label = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\s+/).join('.');
  const t = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return t ? `${s} “${t}”` : s;
};
const shown = (el) => el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true });
// Boxes made to scroll sideways: tab strips, code blocks.
const SIDEWAYS_OK = '.tabs, .dock-tabs, .panel-tabs, .pane-switch, .msg-body pre, .table-scroll';
const doc = document.documentElement;
if (doc.scrollWidth > innerWidth) out.push(`the page scrolls sideways (${doc.scrollWidth} > ${innerWidth})`);
for (const el of document.querySelectorAll('body *')) {
  if (!shown(el)) continue;
  const cs = getComputedStyle(el);
  if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !el.matches(SIDEWAYS_OK))
    out.push(`${label(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
}
const CONTROLS = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=tab], [tabindex]:not([tabindex="-1"]), h1, h2, h3';
for (const el of document.querySelectorAll(CONTROLS)) {
  if (!shown(el) || el.closest('.skip-link, .visually-hidden')) continue;
  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) continue;
  let sideways = false;
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (a.matches(SIDEWAYS_OK)) { sideways = true; break; }
    const ar = a.getBoundingClientRect();
    const cutX = r.left < ar.left - 1 || r.right > ar.right + 1;
    const cutY = r.top < ar.top - 1 || r.bottom > ar.bottom + 1;
    const hides = (o) => o === 'hidden' || o === 'clip';
    if ((hides(cs.overflowX) && cutX) || (hides(cs.overflowY) && cutY)) { out.push(`${label(el)} is cut off by ${label(a)}`); break; }
    // A scrolling box: what lies outside it is reached by scrolling it.
    if (['auto', 'scroll'].includes(cs.overflowY) || ['auto', 'scroll'].includes(cs.overflowX)) break;
  }
  if (!sideways && (r.left < -1 || r.right > vw + 1)) out.push(`${label(el)} leaves the window (${Math.round(r.left)}…${Math.round(r.right)} of ${vw})`);
}
for (const el of document.querySelectorAll('body *')) {
  if (!shown(el) || el.matches('input, textarea, select') || el.closest('.visually-hidden')) continue;
  const cs = getComputedStyle(el);
  if (cs.textOverflow !== 'ellipsis' || el.scrollWidth <= el.clientWidth + 1) continue;
  el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
  const whole = el.textContent.trim().replace(/\s+/g, ' ');
  const t = el.closest('[title]');
  if (!t || !t.title.replace(/\s+/g, ' ').includes(whole.slice(0, 40))) out.push(`${label(el)} is cut short without its whole text on hover`);
}
return [...new Set(out)];
"#;

/// The people, records and chats every test starts from. The names are long on purpose.
struct World {
    app: TestApp,
    admin: String,
    alice: String,
    alice_id: String,
    max_id: String,
    case_id: String,
    chat_id: String,
    long_chat_name: String,
}

async fn world() -> World {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (alice_id, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let (max_id, _) = app
        .user(
            &admin,
            "max@example.com",
            "Maximiliana Charlotte Wilhelmina von Hohenzollern-Sigmaringen",
            &["agent"],
            &[],
        )
        .await;
    app.post(
        "/teams",
        &admin,
        json!({"name": "Network support and escalations for the Nordic region", "admin_ids": [alice_id], "member_ids": [max_id]}),
    )
    .await
    .expect(201);
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({
                "fields": {"title": "VPN tunnel drops at the top of every hour for every laptop in the Göteborg office since the firmware update",
                           "priority": "high", "origin": "phone", "product": "Tether VPN",
                           "description": "Since Monday the tunnel drops at the top of every hour."},
                "owner": {"user_id": alice_id}
            }),
        )
        .await
        .expect(201);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/records/case/{case_id}/activities"),
        &alice,
        json!({"kind": "phone_call", "subject": "Customer called about the drops", "body": "Happens on all laptops."}),
    )
    .await
    .expect(201);
    let chat = app
        .post(
            "/chats",
            &alice,
            json!({"member_ids": [max_id], "name": "VPN drops", "record": {"type": "case", "id": case_id}}),
        )
        .await
        .expect(201);
    let chat_id = chat.body["id"].as_str().unwrap().to_owned();
    let long_chat_name =
        "Escalation: VPN tunnel drops at the top of every hour in the Göteborg office, \
         firmware 4.2.1 suspected, customer waiting for a workaround before the quarterly closing \
         week starts"
            .to_owned();
    assert!(long_chat_name.chars().count() <= 200);
    app.patch(
        &format!("/chats/{chat_id}"),
        &alice,
        json!({"name": long_chat_name}),
    )
    .await
    .expect(200);
    for body in [
        "The logs show the tunnel renegotiating at :00 each hour.",
        "See https://support.example.com/knowledge-base/articles/vpn-tunnel-renegotiation-at-the-top-of-the-hour-firmware-4-2-1-and-later for the workaround.",
    ] {
        app.post(
            &format!("/chats/{chat_id}/messages"),
            &alice,
            json!({"body": body}),
        )
        .await
        .expect(201);
    }
    World {
        app,
        admin,
        alice,
        alice_id,
        max_id,
        case_id,
        chat_id,
        long_chat_name,
    }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base)
    }
}

/// With `TETHER_DEV_CSS=1`, the page is styled from the working tree's `app.css` instead of
/// the one built into the server: a way to work on the layout without rebuilding.
async fn dev_css(b: &Browser) {
    if std::env::var_os("TETHER_DEV_CSS").is_none() {
        return;
    }
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/app.css")).unwrap();
    b.js(
        "for (const s of document.styleSheets) s.disabled = true;
         const sheet = new CSSStyleSheet(); sheet.replaceSync(arguments[0]);
         document.adoptedStyleSheets = [sheet]; return true;",
        vec![json!(css)],
    )
    .await;
}

/// Waits until an element matching `css` exists, shown or not (on a phone, the panel is drawn
/// while the record shows).
async fn exists(b: &Browser, css: &str) {
    b.wait_js(
        &format!("return !!document.querySelector({})", json!(css)),
        &format!("{css} to exist"),
    )
    .await;
}

/// Opens a page.
async fn go(b: &Browser, url: &str) {
    b.goto(url).await;
    dev_css(b).await;
}

/// Signs in through the sign-in page and waits for `then`.
async fn sign_in(b: &Browser, base: &str, email: &str, then: &str) {
    b.goto(&format!("{base}/login?next={then}")).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url(then).await;
    dev_css(b).await;
}

/// Marks the panel tour as seen, so it does not cover the page.
async fn skip_tour(b: &Browser) {
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;
}

/// A browser signed in as Alice on the world's server, with the panel tour marked seen (keep
/// the driver alive as long as the browser).
async fn alice(w: &World) -> (Driver, Browser) {
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&b).await;
    (driver, b)
}

/// The layout defects of the page as it is now, with where and at which size.
async fn layout_defects(b: &Browser, what: &str, (w, h): (u32, u32)) -> Vec<String> {
    // Let the layout settle after a resize (fonts, images, the composer's container queries).
    tokio::time::sleep(Duration::from_millis(150)).await;
    let v = b.js(LAYOUT_CHECK, vec![]).await;
    v.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(|d| format!("{what} at {w}×{h}: {d}"))
        .collect()
}

fn assert_none(defects: &[String]) {
    assert!(
        defects.is_empty(),
        "{} defects:\n{}",
        defects.len(),
        defects.join("\n")
    );
}

/// Opens the chat of the record page in the chat pane (from the timeline).
async fn open_record_chat(b: &Browser) {
    b.wait_text(".tl-item button", "Open chat")
        .await
        .click()
        .await;
    b.wait(".record-chat .chat:not([hidden]) .chat-log .msg")
        .await;
}

#[tokio::test]
async fn every_page_fits_every_width_and_the_phone_has_one_column() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    let mut defects = Vec::new();
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url("/login")).await;
        b.wait("#email").await;
        defects.extend(layout_defects(&b, "sign-in page", size).await);
    }
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&b).await;
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url("/admin")).await;
        b.wait_text("main .error", "admin privilege").await;
        defects.extend(layout_defects(&b, "administration refused", size).await);
        let shot = |name: &str| {
            [1440, 390]
                .contains(&size.0)
                .then(|| screenshot_path(&format!("{name}-{}.png", size.0)))
        };

        // My work.
        go(&b, &w.url("/")).await;
        b.wait_text(".record-table a.record-link", "VPN tunnel drops")
            .await;
        b.wait_text(".chat-item", "Escalation").await;
        defects.extend(layout_defects(&b, "my work", size).await);
        if let Some(p) = shot("my-work") {
            b.mouse_away().await;
            b.screenshot(&p).await;
        }

        // The record page with a chat open beside it.
        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, "#panel-new-connected").await;
        defects.extend(layout_defects(&b, "record page", size).await);
        if size == PHONE {
            // One column; a labelled switch shows the panel, and a chat opened from the
            // timeline shows in place of the record.
            let switch = b.wait(".pane-switch").await;
            assert!(
                switch.prop("ariaLabel").await.as_str().is_some(),
                "the switch has a name"
            );
            b.wait_text(".pane-switch [role=tab]", "Collaboration")
                .await
                .click()
                .await;
            b.wait("#panel-new-connected").await;
            b.wait_js(
                "return !document.querySelector('.record-main').checkVisibility()
                   && document.querySelector('.collab-panel').getBoundingClientRect().width === innerWidth",
                "one column: the record gives way to the panel",
            )
            .await;
            defects.extend(layout_defects(&b, "record page, panel", size).await);
            b.wait_text(".pane-switch [role=tab]", "Record")
                .await
                .click()
                .await;
            b.wait("h1#record-title").await;
        }
        open_record_chat(&b).await;
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab][aria-selected=true]", "Chat")
                .await;
        }
        defects.extend(layout_defects(&b, "record page with a chat open", size).await);
        if size.0 == 1024 {
            // Two columns: the panel stays; the record and the chat share the left one, and the
            // switch (without a panel tab) chooses.
            let shown = |css: &str| {
                format!(
                    "return !!document.querySelector({}).checkVisibility()",
                    json!(css)
                )
            };
            for (css, expected) in [
                (".collab-panel", true),
                (".record-chat", true),
                (".record-main", false),
                ("#pane-tab-panel", false),
            ] {
                assert_eq!(
                    b.js(&shown(css), vec![]).await,
                    json!(expected),
                    "{css} at 1024"
                );
            }
            b.wait("#pane-tab-record").await.click().await;
            b.wait("h1#record-title").await;
            assert_eq!(b.js(&shown(".record-chat"), vec![]).await, json!(false));
            defects.extend(layout_defects(&b, "record page, record beside the panel", size).await);
            b.wait("#pane-tab-chat").await.click().await;
            b.wait(".record-chat .chat:not([hidden]) .composer textarea")
                .await;
        }
        if let Some(p) = shot("record-page") {
            b.mouse_away().await;
            b.screenshot(&p).await;
        }

        // The chat app with the long-named chat open.
        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        b.wait(".chatapp .chat:not([hidden]) .chat-log .msg").await;
        defects.extend(layout_defects(&b, "chat app", size).await);
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab][aria-selected=true]", "Chat")
                .await;
            b.wait_text(".pane-switch [role=tab]", "All chats")
                .await
                .click()
                .await;
            b.wait("#chat-filter").await;
            defects.extend(layout_defects(&b, "chat app, list", size).await);
            b.wait_text(".chat-item", "Escalation").await.click().await;
            b.wait(".chatapp .chat:not([hidden]) .composer textarea")
                .await;
        }
        if let Some(p) = shot("chat-app") {
            b.mouse_away().await;
            b.screenshot(&p).await;
        }

        // Dialogs: a new chat.
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "All chats")
                .await
                .click()
                .await;
        }
        b.wait("#new-chat").await.click().await;
        b.wait("dialog[open] .people-picker input").await;
        defects.extend(layout_defects(&b, "new chat dialog", size).await);
        b.press(&[keys::ESCAPE]).await;
        b.wait_js(
            "return !document.querySelector('dialog[open]')",
            "the dialog to close",
        )
        .await;
    }
    assert_none(&defects);
    assert!(b.console_defects().await.is_empty());
}

/// Administration's dialogs, each opened by a button of a section: (section, the button's text
/// or, starting with `#` or `[`, a selector).
const ADMIN_DIALOGS: [(&str, &str); 9] = [
    ("general", "#collab-switch"),
    ("users", "New user"),
    ("users", "Roles"),
    ("users", "Set password"),
    ("users", "Deactivate"),
    ("teams", "New team"),
    ("teams", "[aria-label^='Remove Maximiliana']"),
    ("roles", "New role"),
    ("types", "New record type"),
];

/// Every section of administration and every dialog it opens fit each size and pass axe.
#[tokio::test]
async fn admin_and_its_dialogs_fit_every_width_and_pass_axe() {
    let w = world().await;
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
    for section in ["general", "users", "audit"] {
        go(&sv, &w.url(&format!("/admin#{section}"))).await;
        sv.wait(&format!("#nav-{section}[aria-current=page]")).await;
        sv.wait(".admin-content h2").await;
        defects.extend(layout_defects(&sv, &format!("admin #{section} in Swedish"), PHONE).await);
    }
    assert_none(&defects);
}

#[tokio::test]
async fn long_names_ellipsize_with_the_whole_on_hover_and_wrap_in_system_messages() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    for size in [(1280, 800), PHONE] {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        // The rename's system message holds the whole name, wrapped inside the log.
        let sys = b
            .wait_text(".msg-system .sys-text", "renamed the chat")
            .await;
        assert!(sys.text().await.contains(&w.long_chat_name));
        let fits = b
            .js(
                "const s = arguments[0]; const log = s.closest('.chat-log');
                 const r = s.getBoundingClientRect(), l = log.getBoundingClientRect();
                 return r.left >= l.left && r.right <= l.right && log.scrollWidth <= log.clientWidth
                   && r.height > 2 * parseFloat(getComputedStyle(s).lineHeight);",
                vec![sys.arg()],
            )
            .await;
        assert_eq!(fits, json!(true), "the system message wraps inside the log");
        // The chat's title is cut short, and says the whole name when pointed at.
        let title = b.wait(".chat:not([hidden]) .chat-name").await;
        let cut = b
            .js(
                "const e = arguments[0]; return e.scrollWidth > e.clientWidth",
                vec![title.arg()],
            )
            .await;
        assert_eq!(cut, json!(true), "a 200-character name is cut short");
        b.hover(&title).await;
        let shown = b
            .js(
                "return arguments[0].closest('[title]')?.title || ''",
                vec![title.arg()],
            )
            .await;
        assert_eq!(shown, json!(w.long_chat_name));
        assert_none(&layout_defects(&b, "chat app", size).await);
    }
}

#[tokio::test]
async fn axe_finds_nothing_serious_on_any_page_or_dialog() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    let mut found = Vec::new();
    go(&b, &w.url("/login")).await;
    b.wait("#email").await;
    found.extend(axe(&b, "sign-in page", None).await);
    sign_in(&b, &w.app.base, "alice@example.com", "/").await;
    skip_tour(&b).await;
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        let at = |what: &str| format!("{what} at {}", size.0);
        go(&b, &w.url("/")).await;
        b.wait_text(".record-table a.record-link", "VPN tunnel drops")
            .await;
        found.extend(axe(&b, &at("my work"), None).await);

        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, ".entry").await;
        found.extend(axe(&b, &at("record page"), None).await);
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "Collaboration")
                .await
                .click()
                .await;
        }
        for tab in ["channels", "search"] {
            b.wait(&format!("#panel-tab-{tab}")).await.click().await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            found.extend(axe(&b, &at(&format!("record page, panel tab {tab}")), None).await);
        }
        b.wait("#panel-tab-chats").await.click().await;
        b.wait("#panel-new-connected").await.click().await;
        b.wait("dialog[open] .people-picker input").await;
        found.extend(axe(&b, &at("new connected chat dialog"), Some("dialog[open]")).await);
        found.extend(layout_defects(&b, "new connected chat dialog", size).await);
        b.press(&[keys::ESCAPE]).await;
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "Record")
                .await
                .click()
                .await;
        }
        open_record_chat(&b).await;
        found.extend(axe(&b, &at("record page with a chat"), None).await);

        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        b.wait(".chatapp .chat:not([hidden]) .chat-log .msg").await;
        found.extend(axe(&b, &at("chat app"), None).await);
        if size == PHONE {
            b.wait_text(".pane-switch [role=tab]", "All chats")
                .await
                .click()
                .await;
        }
        b.wait("#new-chat").await.click().await;
        b.wait("dialog[open] .people-picker input").await;
        found.extend(axe(&b, &at("new chat dialog"), Some("dialog[open]")).await);
        b.press(&[keys::ESCAPE]).await;

        // The chat's transcript dialog (from its "…" menu).
        if size == PHONE {
            b.wait("#pane-tab-chat").await.click().await;
        }
        b.wait(".chatapp .chat:not([hidden]) [aria-label='Chat actions']")
            .await
            .click()
            .await;
        b.wait_text(".menu .menu-item", "Save transcript")
            .await
            .click()
            .await;
        b.wait("dialog[open] .dialog-foot button").await;
        found.extend(axe(&b, &at("transcript dialog"), Some("dialog[open]")).await);
        found.extend(layout_defects(&b, "transcript dialog", size).await);
        b.press(&[keys::ESCAPE]).await;

        // The user menu's Change password dialog.
        b.wait(".topbar .me-btn").await.click().await;
        b.wait_text(".menu .menu-item", "Change password")
            .await
            .click()
            .await;
        b.wait("dialog[open] #pw-current").await;
        found.extend(axe(&b, &at("change password dialog"), Some("dialog[open]")).await);
        b.press(&[keys::ESCAPE]).await;
    }

    // A page refused in words (administration for a non-administrator).
    go(&b, &w.url("/admin")).await;
    b.wait_text("main .error", "admin privilege").await;
    found.extend(axe(&b, "administration refused", None).await);

    assert_none(&found);
}

/// What has the focus: `tag#id “name”`.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body) return null;
const cs = getComputedStyle(el);
const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
// A field inside a box that shows the focus for it (`:focus-within`) counts as shown.
const box = el.closest('.composer-box, .picker-box');
const ring = (cs.boxShadow && cs.boxShadow !== 'none') || (box && getComputedStyle(box).boxShadow !== 'none');
const name = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || el.placeholder || '').trim().replace(/\s+/g, ' ').slice(0, 40);
return { what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} “${name}”`, visible: outline || ring, focusVisible: el.matches(':focus-visible') };
"#;

#[tokio::test]
async fn the_keyboard_reaches_the_main_controls_with_a_visible_focus() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    for size in [(1440, 900), PHONE] {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, ".entry").await;
        let mut reached: Vec<String> = Vec::new();
        let mut unseen = Vec::new();
        for _ in 0..60 {
            b.press(&[keys::TAB]).await;
            let f = b.js(FOCUSED, vec![]).await;
            let Some(what) = f["what"].as_str() else {
                continue;
            };
            if f["visible"] != json!(true) {
                unseen.push(what.to_owned());
            }
            reached.push(what.to_owned());
        }
        let all = reached.join("\n");
        assert!(
            reached
                .first()
                .is_some_and(|f| f.contains("Skip to content")),
            "Skip to content comes first at {size:?}:\n{all}"
        );
        let mut wanted = vec![
            "My work",
            "Chats",
            "user-menu",
            "f3-title",
            "Log an activity",
        ];
        if size == PHONE {
            // The finder is a button, Sign out is in the user menu; the switch is one stop (its
            // selected tab), arrows move within it.
            wanted.extend(["finder-open", "pane-tab-record"]);
        } else {
            wanted.extend([
                "finder-input",
                "Sign out",
                "panel-new-connected",
                "panel-tab-chats",
                "panel-filter",
            ]);
        }
        for want in wanted {
            assert!(all.contains(want), "Tab reaches {want} at {size:?}:\n{all}");
        }
        if size == PHONE {
            b.wait("#pane-tab-record").await.click().await;
            b.press(&[keys::ARROW_RIGHT]).await;
            let f = b.js(FOCUSED, vec![]).await;
            assert!(
                f["what"].as_str().unwrap_or("").contains("pane-tab-panel"),
                "→ moves to the panel's tab: {f}"
            );
            exists(&b, "#pane-tab-panel[aria-selected=true]").await;
            b.wait("#panel-new-connected").await;
        }
        assert!(
            unseen.is_empty(),
            "focus shows on every control at {size:?}; not on:\n{}",
            unseen.join("\n")
        );
    }

    // The chat app: the box, New chat, the chats and the open chat's composer.
    b.set_window_size(1440, 900).await;
    go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
    b.wait(".chatapp .chat:not([hidden]) .composer textarea")
        .await;
    b.js(
        "document.activeElement?.blur(); window.scrollTo(0, 0)",
        vec![],
    )
    .await;
    let mut reached = Vec::new();
    let mut unseen = Vec::new();
    for _ in 0..40 {
        b.press(&[keys::TAB]).await;
        let f = b.js(FOCUSED, vec![]).await;
        let Some(what) = f["what"].as_str() else {
            continue;
        };
        if f["visible"] != json!(true) {
            unseen.push(what.to_owned());
        }
        reached.push(what.to_owned());
    }
    let all = reached.join("\n");
    for want in ["chat-filter", "new-chat", "Escalation", "-input “Message"] {
        assert!(
            all.contains(want),
            "Tab reaches {want} in the chat app:\n{all}"
        );
    }
    assert!(
        unseen.is_empty(),
        "focus shows on every control of the chat app; not on:\n{}",
        unseen.join("\n")
    );
    // The open chat's tab: Delete closes the chat (the tab's × is for the mouse only).
    let tab = b.wait(".dock-tabs [role=tab][aria-selected=true]").await;
    b.js("arguments[0].focus()", vec![tab.arg()]).await;
    b.press(&[keys::DELETE]).await;
    b.wait_js(
        "return !document.querySelector('.dock-tabs [role=tab]')",
        "Delete to close the chat",
    )
    .await;
}

#[tokio::test]
async fn form_errors_are_tied_to_their_fields() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    // Sign-in: a wrong password marks the fields and names the error.
    go(&b, &w.url("/login")).await;
    b.wait("#email").await.send_keys("alice@example.com").await;
    b.wait("#password")
        .await
        .send_keys("not the password")
        .await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_text("#login-error", "wrong e-mail or password")
        .await;
    let tied = |sel: &str| {
        format!(
            "const i = document.querySelector('{sel}');
             const ids = (i.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
             return i.getAttribute('aria-invalid') === 'true'
               && ids.some((id) => (document.getElementById(id)?.textContent || '').trim().length > 0);"
        )
    };
    b.wait_js(&tied("#password"), "the password field to name its error")
        .await;
    // Change password: the server's refusal of the current password names its field.
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url("/").await;
    b.wait(".topbar .me-btn").await.click().await;
    b.wait_text(".menu .menu-item", "Change password")
        .await
        .click()
        .await;
    b.wait("dialog[open] #pw-current")
        .await
        .send_keys("not my password")
        .await;
    b.wait("#pw-new")
        .await
        .send_keys("a much longer new password")
        .await;
    b.wait("#pw-repeat")
        .await
        .send_keys("a much longer new password")
        .await;
    b.wait_text("dialog .dialog-foot button", "Change password")
        .await
        .click()
        .await;
    b.wait_js(
        &tied("#pw-current"),
        "the current password to name its error",
    )
    .await;
    // The hint of the new password stays described too.
    let hint = b
        .js(
            "return document.querySelector('#pw-new').getAttribute('aria-describedby')",
            vec![],
        )
        .await;
    assert!(hint.as_str().unwrap_or("").contains("pw-new-hint"));
    // Mismatched repeat: the repeat field is marked and described; the other is not.
    b.wait("#pw-repeat").await.send_keys("x").await;
    b.wait_text("dialog .dialog-foot button", "Change password")
        .await
        .click()
        .await;
    b.wait_js(
        &tied("#pw-repeat"),
        "the repeated password to name its error",
    )
    .await;
    let current_clean = b
        .js(
            "return !document.querySelector('#pw-current').hasAttribute('aria-invalid')
               && !(document.querySelector('#pw-current').getAttribute('aria-describedby') || '').trim()",
            vec![],
        )
        .await;
    assert_eq!(
        current_clean,
        json!(true),
        "a field without error is not described by it"
    );
}

/// Opens a dialog with the button `opener`, waits for `inside`, checks its layout and axe, and
/// closes it with Escape.
async fn check_dialog(
    b: &Browser,
    what: &str,
    (opener, inside): (&str, &str),
    size: (u32, u32),
    defects: &mut Vec<String>,
) {
    b.wait(opener).await.click().await;
    b.wait(&format!("dialog[open] {inside}")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    defects.extend(layout_defects(b, what, size).await);
    defects.extend(axe(b, &format!("{what} at {}", size.0), Some("dialog[open]")).await);
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(
        "return !document.querySelector('dialog[open]')",
        "the dialog to close",
    )
    .await;
}

/// The screens that make every record reachable (the records page, the finder, the new-record,
/// owner and share dialogs) fit every width and pass axe like the others.
#[tokio::test]
async fn records_page_finder_and_record_dialogs_fit_every_width_and_pass_axe() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    let mut defects = Vec::new();
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url("/records/case")).await;
        b.wait_text("#records-list", "VPN tunnel drops").await;
        defects.extend(layout_defects(&b, "records page", size).await);
        defects.extend(axe(&b, &format!("records page at {}", size.0), None).await);
        check_dialog(
            &b,
            "new record dialog",
            ("#new-record", "#new-record-form"),
            size,
            &mut defects,
        )
        .await;

        // The finder's results, as they show while typing (on a phone the top bar's search
        // button opens the finder).
        if size == PHONE {
            b.wait("#finder-open").await.click().await;
        }
        b.wait("#finder-input").await.click().await;
        b.wait("#finder-input").await.send_keys("VPN").await;
        b.wait_text(".finder-option", "VPN tunnel drops").await;
        defects.extend(layout_defects(&b, "finder results", size).await);
        defects.extend(axe(&b, &format!("finder results at {}", size.0), None).await);
        b.press(&[keys::ESCAPE]).await;

        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        exists(&b, "#change-owner").await;
        check_dialog(
            &b,
            "owner dialog",
            ("#change-owner", "#owner-options"),
            size,
            &mut defects,
        )
        .await;
        check_dialog(
            &b,
            "share dialog",
            ("#share-record", "#share-list"),
            size,
            &mut defects,
        )
        .await;
    }
    assert_none(&defects);
}

/// The layout of the page as it is now and axe on `scope` (an open dialog, menu or box).
async fn check_here(
    b: &Browser,
    what: &str,
    size: (u32, u32),
    scope: &str,
    defects: &mut Vec<String>,
) {
    defects.extend(layout_defects(b, what, size).await);
    defects.extend(axe(b, &format!("{what} at {}", size.0), Some(scope)).await);
}

/// Opens a "…" menu with `button`, checks it, and closes it with Escape (focus goes back).
async fn check_menu(
    b: &Browser,
    what: &str,
    button: &str,
    size: (u32, u32),
    defects: &mut Vec<String>,
) {
    b.wait(button).await.click().await;
    b.wait(".menu[role=menu] .menu-item").await;
    check_here(b, what, size, ".menu", defects).await;
    b.press(&[keys::ESCAPE]).await;
    b.wait_js(
        "return !document.querySelector('.menu')",
        "the menu to close",
    )
    .await;
}

/// Waits until no dialog is open.
async fn dialog_closed(b: &Browser) {
    b.wait_js(
        "return !document.querySelector('dialog[open]')",
        "the dialog to close",
    )
    .await;
}

/// Chooses `item` in the menu opened with `button` and waits for the dialog it opens.
async fn menu_dialog(b: &Browser, button: &str, item: &str) {
    b.wait(button).await.click().await;
    b.wait_text(".menu .menu-item", item).await.click().await;
    b.wait("dialog[open] .dialog-foot button").await;
}

/// Every dialog, menu and box that opens over a page — the panel's "…" menu and its
/// disconnect question, the tour (each step), Connect a channel, a chat's members panel and
/// "…" menu, a message's tools and reactions, the delete question, the user menu and its two
/// dialogs — fits each of the five sizes, with axe on it.
#[tokio::test]
async fn every_dialog_menu_and_the_tour_fit_every_width_and_pass_axe() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    let mut defects = Vec::new();
    let entry_menu = "#section-connected .entry-actions [aria-haspopup=menu]";
    for size in SIZES {
        b.set_window_size(size.0, size.1).await;
        go(&b, &w.url(&format!("/records/case/{}", w.case_id))).await;
        b.wait("h1#record-title").await;
        exists(&b, entry_menu).await;
        if size == PHONE {
            b.wait("#pane-tab-panel").await.click().await;
        }

        // The panel: a chat's "…" menu, and the question its Disconnect asks.
        check_menu(&b, "panel chat menu", entry_menu, size, &mut defects).await;
        menu_dialog(&b, entry_menu, "Disconnect").await;
        check_here(
            &b,
            "disconnect question",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // The tour, every step.
        b.wait("#panel-help").await.click().await;
        let mut step = 0;
        while b.find(".tour").await.is_some() {
            step += 1;
            assert!(step < 10, "the tour ends");
            b.wait("#tour-next").await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            check_here(
                &b,
                &format!("tour step {step}"),
                size,
                ".tour",
                &mut defects,
            )
            .await;
            b.wait("#tour-next").await.click().await;
        }
        assert!(step >= 3, "the tour has its steps ({step})");

        // Connect a channel.
        b.wait("#panel-tab-channels").await.click().await;
        b.wait("#connect-channel").await.click().await;
        b.wait("dialog[open] #channel-name").await;
        check_here(
            &b,
            "connect a channel dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
        b.wait("#panel-tab-chats").await.click().await;

        // The chat beside the record: members, its menu, a message's tools.
        if size == PHONE {
            b.wait("#pane-tab-record").await.click().await;
        }
        open_record_chat(&b).await;
        let chat = ".record-chat .chat:not([hidden])";
        b.wait(&format!("{chat} .members-btn")).await.click().await;
        b.wait(&format!("{chat} .members-panel .people-picker input"))
            .await;
        check_here(
            &b,
            "members panel beside the record",
            size,
            &format!("{chat} .members-panel"),
            &mut defects,
        )
        .await;
        b.wait(&format!("{chat} .members-head .icon-btn"))
            .await
            .click()
            .await;
        check_menu(
            &b,
            "chat menu beside the record",
            &format!("{chat} [aria-label='Chat actions']"),
            size,
            &mut defects,
        )
        .await;
        let msg = b.wait_text(&format!("{chat} .msg"), "renegotiating").await;
        b.hover(&msg).await;
        b.wait(&format!("{chat} .msg [aria-label='Add a reaction']"))
            .await
            .click()
            .await;
        b.wait(&format!("{chat} .quick-react .quick-emoji")).await;
        check_here(
            &b,
            "a message's tools and reactions",
            size,
            &format!("{chat} .chat-log"),
            &mut defects,
        )
        .await;
        b.wait(&format!("{chat} .msg [aria-label='Add a reaction']"))
            .await
            .click()
            .await;
        let msg = b.wait_text(&format!("{chat} .msg"), "renegotiating").await;
        b.hover(&msg).await;
        b.wait(&format!("{chat} .msg [aria-label='Delete message']"))
            .await
            .click()
            .await;
        b.wait("dialog[open] .dialog-foot button").await;
        check_here(&b, "delete question", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // The chat app: the members panel of the open chat.
        go(&b, &w.url(&format!("/chats/{}", w.chat_id))).await;
        let chat = ".chatapp .chat:not([hidden])";
        b.wait(&format!("{chat} .chat-log .msg")).await;
        b.wait(&format!("{chat} .members-btn")).await.click().await;
        b.wait(&format!("{chat} .members-panel .people-picker input"))
            .await;
        check_here(
            &b,
            "members panel in the chat app",
            size,
            &format!("{chat} .members-panel"),
            &mut defects,
        )
        .await;

        // The user menu and its dialogs.
        check_menu(&b, "user menu", ".topbar .me-btn", size, &mut defects).await;
        menu_dialog(&b, ".topbar .me-btn", "Change password").await;
        check_here(
            &b,
            "change password dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
        menu_dialog(&b, ".topbar .me-btn", "Language and time zone").await;
        check_here(
            &b,
            "language and time zone dialog",
            size,
            "dialog[open]",
            &mut defects,
        )
        .await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;
    }
    assert_none(&defects);
    assert!(b.console_defects().await.is_empty());
}

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

/// The panel's rarer dialogs and notes — the offer of a new connected chat when a one-on-one
/// chat is to be connected (R11), a connect and a disconnect that fail (the chat changed since
/// the panel loaded), "You can't join" (joining was turned off meanwhile) and the note on why
/// connected chats are not listed — fit each of the five sizes, with axe on each.
#[tokio::test]
async fn the_panels_rare_dialogs_fit_every_width_and_pass_axe() {
    let w = world().await;
    let (_driver, b) = alice(&w).await;
    b.allow_holding_live_events().await;
    let app = &w.app;
    let case = format!("/records/case/{}", w.case_id);
    let settings = "/record-types/case/settings";
    // A one-on-one chat of Alice's, not connected: the panel lists it under other chats.
    let direct = app
        .post("/chats", &w.alice, json!({"member_ids": [w.max_id]}))
        .await
        .expect(201);
    assert_eq!(direct.body["kind"], "one_on_one");
    let direct_id = direct.body["id"].as_str().unwrap().to_owned();
    let menu_of =
        |id: &str| format!("li.entry[data-chat-id='{id}'] .entry-actions [aria-haspopup=menu]");
    let mut defects = Vec::new();
    for (i, size) in SIZES.into_iter().enumerate() {
        b.set_window_size(size.0, size.1).await;
        // A group chat to connect, a connected one to disconnect, and one Alice may join.
        let spare = app
            .post(
                "/chats",
                &w.alice,
                json!({"member_ids": [w.max_id], "name": format!("Spare group {i}")}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let gone = app
            .post(
                "/chats",
                &w.alice,
                json!({"member_ids": [w.max_id], "name": format!("Handled elsewhere {i}"), "record": {"type": "case", "id": w.case_id}}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let joinable = app
            .post(
                "/chats",
                &w.admin,
                json!({"member_ids": [w.max_id], "name": format!("Escalation desk {i}"), "record": {"type": "case", "id": w.case_id}}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        go(&b, &w.url(&case)).await;
        b.wait("h1#record-title").await;
        if size == PHONE {
            b.wait("#pane-tab-panel").await.click().await;
        }
        exists(&b, &menu_of(&direct_id)).await;
        exists(&b, &menu_of(&spare)).await;
        exists(&b, &menu_of(&gone)).await;
        exists(
            &b,
            &format!("li.entry[data-chat-id='{joinable}'] .btn.join"),
        )
        .await;
        // What follows changes things behind the panel's back; it must not redraw meanwhile.
        b.hold_live_events().await;

        // R11: connecting a one-on-one chat offers a new connected chat instead.
        menu_dialog(&b, &menu_of(&direct_id), "Connect").await;
        b.wait_text("dialog[open] h2", "private").await;
        check_here(&b, "one-on-one offer", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // Connect fails: Alice left the chat after the panel loaded.
        let leave = format!("/chats/{spare}/members/{}", w.alice_id);
        app.send(Method::DELETE, &leave, Some(&w.alice), None)
            .await
            .expect(204);
        menu_dialog(&b, &menu_of(&spare), "Connect").await;
        b.wait_text("dialog[open] h2", "could not be connected")
            .await;
        check_here(&b, "connect failed", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // Disconnect fails: someone disconnected it first.
        let disconnect = format!("{case}/chats/{gone}");
        app.send(Method::DELETE, &disconnect, Some(&w.alice), None)
            .await
            .expect(204);
        menu_dialog(&b, &menu_of(&gone), "Disconnect").await;
        b.wait_text("dialog[open] .dialog-foot button", "Disconnect")
            .await
            .click()
            .await;
        b.wait_text("dialog[open] h2", "could not be disconnected")
            .await;
        check_here(&b, "disconnect failed", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // "You can't join": joining was turned off after the panel loaded.
        app.put(settings, &w.admin, json!({"join_chat": false}))
            .await
            .expect(200);
        b.wait(&format!("li.entry[data-chat-id='{joinable}'] .btn.join"))
            .await
            .click()
            .await;
        b.wait_text("dialog[open] h2", "can't join").await;
        check_here(&b, "cannot join", size, "dialog[open]", &mut defects).await;
        b.press(&[keys::ESCAPE]).await;
        dialog_closed(&b).await;

        // With joining off, the panel says why connected chats Alice is not in are not listed.
        go(&b, &w.url(&case)).await;
        if size == PHONE {
            b.wait("#pane-tab-panel").await.click().await;
        }
        b.wait_text("#join-denied", "Joining is turned off").await;
        check_here(
            &b,
            "join denied note",
            size,
            "#section-connected",
            &mut defects,
        )
        .await;
        app.put(settings, &w.admin, json!({"join_chat": true}))
            .await
            .expect(200);
    }
    assert_none(&defects);
}

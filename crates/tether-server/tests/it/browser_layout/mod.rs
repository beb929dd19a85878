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

mod accessibility;
mod admin;
mod dialogs;
mod keyboard;
mod phone;
mod records;
mod widths;

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

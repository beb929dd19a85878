//! Swedish in a real browser (issue 16, item 8): a user whose browser speaks English chooses
//! Swedish and a time zone in the user menu; the converted screens (top bar, my work, the user
//! menu and its dialogs, the panel's tour) then speak Swedish, problems are shown by their code
//! in Swedish, and times follow the chosen zone. Headless Chromium, as in `browser/`.

mod chat;
mod english;
mod menu;
mod records;

use crate::browser_support::{Browser, Driver, keys, screenshot_path};
use crate::common;
use crate::common::{PASSWORD, spawn_app};
use serde_json::{Value, json};
use tether_store::Backend;

async fn sign_in(b: &Browser, base: &str, email: &str) {
    b.goto(&format!("{base}/login")).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url("/").await;
}

/// The texts of the elements matching `css`, in order.
async fn reason_texts(b: &Browser, css: &str) -> Value {
    b.js(
        "return [...document.querySelectorAll(arguments[0])].map((x) => x.textContent)",
        vec![json!(css)],
    )
    .await
}

/// The record page's line above the title (type and number), as written (the style shows it
/// in capitals).
async fn eyebrow(b: &Browser) -> Value {
    b.js(
        "return document.querySelector('.record-head .eyebrow').textContent",
        vec![],
    )
    .await
}

/// The priority control's options as (value, text) pairs, and the chosen value.
async fn priority_options(b: &Browser) -> Value {
    b.wait("[data-field=priority] select").await;
    b.js(
        "const s = document.querySelector('[data-field=priority] select'); \
         return {options: [...s.options].map(o => [o.value, o.textContent]), chosen: s.value}",
        vec![],
    )
    .await
}

/// What [`priority_options`] gives in Swedish with `chosen` chosen.
fn swedish_priorities(chosen: &str) -> Value {
    json!({
        "options": [["", "—"], ["low", "Låg"], ["normal", "Normal"], ["high", "Hög"], ["urgent", "Brådskande"]],
        "chosen": chosen,
    })
}

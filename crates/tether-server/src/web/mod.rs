//! The web UI (issue 6): server-rendered HTML shells plus small plain ES modules, all embedded
//! in the binary, so `tether serve` alone serves the whole product.
//!
//! A page handler checks the session cookie, renders a shell (`templates/page.html`: top bar, the
//! signed-in user, the page's ids as `data-` attributes, the CSRF token in a `<meta>`), and names
//! the page's entry module; the module then talks to the public API (`/api/v1`) and the event
//! WebSocket exactly as any other client would. There is no server-side view logic beyond "who
//! is signed in", so the UI can never see more than the API allows.
//!
//! Every page carries its own Content-Security-Policy: scripts and styles only from this
//! origin, no inline script or style, no framing — except the embedded panel (`embed.rs`),
//! which only the launching integration's allowed origins may frame.

mod assets;
mod embed;
mod pages;
mod shell;

use crate::AppState;
use axum::Router;
use axum::routing::get;

/// The address of an embedded asset (or of a JSON catalog, `i18n/<lang>.json`) in this build.
pub fn asset_url(path: &str) -> String {
    assets::url(path)
}

/// Page and asset routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login))
        .route("/", get(pages::home))
        .route("/records/{type}", get(pages::records))
        .route("/records/{type}/{id}", get(pages::record))
        .route("/chats", get(pages::chat_app))
        .route("/chats/{id}", get(pages::chat_app_with))
        .route("/admin", get(pages::admin))
        .route("/embed/launch", get(embed::launch))
        .route("/embed/records/{type}/{id}", get(embed::record))
        .route("/favicon.ico", get(assets::favicon))
        .route("/assets/{version}/{*path}", get(assets::asset))
}

//! The web UI (pages and embedded assets). Being written.

use crate::AppState;
use axum::Router;

/// Page and asset routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}

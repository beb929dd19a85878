//! The helpdesk's page (`static/index.html`, `static/host.js`) and the small JSON API it reads.

use crate::Host;
use crate::tickets::{Note, TICKETS, Ticket, ticket};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};
use serde_json::{Value, json};
use std::sync::Arc;

/// # `GET /` — the ticket list, the open ticket with its notes, and Tether's frame beside it.
pub(crate) async fn index() -> Html<&'static str> {
    Html(include_str!("../static/index.html"))
}

/// # `GET /host.js` — the page's script.
pub(crate) async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/host.js"),
    )
}

/// # `GET /api/config` → `{tether_origin, source}`: whom the page talks to.
pub(crate) async fn config(State(host): State<Arc<Host>>) -> Json<Value> {
    Json(json!({
        "tether_origin": host.config.tether_origin(),
        "source": host.config.source,
        "agent": host.config.agent.name,
    }))
}

/// # `GET /api/tickets` → `[ticket]`
pub(crate) async fn tickets() -> Json<&'static [Ticket]> {
    Json(TICKETS)
}

/// # `GET /api/tickets/{id}/notes` → `[note]`, oldest first: what the webhooks wrote.
pub(crate) async fn notes(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Note>>, StatusCode> {
    let ticket = ticket(&id).ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(host.desk.notes(ticket.id)))
}

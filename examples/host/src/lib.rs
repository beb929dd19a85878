//! A stand-in helpdesk that embeds Tether beside its tickets (issue 19, part 6).
//!
//! It is what a host system does to integrate, and no more: a page that lists tickets and
//! frames Tether's panel beside the open one ([`page`]), launch tokens signed here on the server
//! with the integration's shared secret — the browser never sees the secret ([`launch`]), a
//! webhook receiver that checks Tether's signature and writes what happened in the ticket's
//! chats to the ticket's notes ([`hooks`]), and an optional sync of the agent and the tickets
//! to Tether by external id with an API key ([`sync`]), so that switching tickets inside the
//! frame finds every ticket.
//!
//! The tickets and their notes live in memory: this is an example, not a helpdesk.

pub mod hooks;
pub mod launch;
pub mod page;
pub mod sync;
pub mod tickets;

use axum::Router;
use axum::routing::{get, post};
use std::sync::Arc;
use tickets::Desk;

/// What the helpdesk needs to know about Tether and itself.
#[derive(Clone, Debug)]
pub struct Config {
    /// Tether's address as the agent's browser reaches it (`https://tether.example.com`): the
    /// frame loads from it, and its origin is the only one the page talks to.
    pub tether_url: String,
    /// This helpdesk's own address as agents reach it: the ticket links Tether shows lead here.
    pub public_url: String,
    /// The integration's `id` (the tokens' `iss`).
    pub integration_id: String,
    /// The integration's `audience` (the tokens' `aud`).
    pub audience: String,
    /// The integration's shared secret (HS256). It never leaves this server.
    pub secret: String,
    /// The webhook endpoint's secret: deliveries are signed with it.
    pub webhook_secret: String,
    /// The integration's `source`: the name Tether files this helpdesk's ids under.
    pub source: String,
    /// The signed-in agent. A real helpdesk knows them from its own session; here it is fixed.
    pub agent: Agent,
}

/// The helpdesk's agent, as the launch names them.
#[derive(Clone, Debug)]
pub struct Agent {
    /// Their id in this helpdesk (the token's `sub`).
    pub id: String,
    pub email: String,
    pub name: String,
}

impl Config {
    /// Tether's origin (`scheme://host[:port]`): the frame's origin, the only one whose
    /// messages the page reads and the only one it posts to.
    pub fn tether_origin(&self) -> String {
        origin_of(&self.tether_url)
    }

    /// The address of a ticket's page in this helpdesk.
    pub fn ticket_url(&self, id: &str) -> String {
        format!("{}/?ticket={id}", self.public_url.trim_end_matches('/'))
    }
}

/// `scheme://host[:port]` of an absolute URL (the URL itself when it has no path).
fn origin_of(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    url[..end].to_owned()
}

/// The shared state of the handlers.
pub(crate) struct Host {
    pub(crate) config: Config,
    pub(crate) desk: Desk,
}

/// The helpdesk's routes: the page, its small JSON API, launches and the webhook receiver.
pub fn app(config: Config) -> Router {
    let host = Arc::new(Host {
        config,
        desk: Desk::default(),
    });
    Router::new()
        .route("/", get(page::index))
        .route("/host.js", get(page::script))
        .route("/api/config", get(page::config))
        .route("/api/tickets", get(page::tickets))
        .route("/api/tickets/{id}/notes", get(page::notes))
        .route("/api/tickets/{id}/launch", post(launch::launch))
        .route("/hooks/tether", post(hooks::receive))
        .with_state(host)
}

/// Serves [`app`] on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("https://t.example/sub/"), "https://t.example");
    }
}

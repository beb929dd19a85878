//! Tether's HTTP server: a thin axum layer over the domain rules and the store.
//!
//! The server is [`router`] plus [`serve`]`(listener, state, shutdown)`, so tests start the
//! real thing on a random port with their own database. Handlers live in [`api`], one module
//! per resource of API.md; they extract who is asking ([`auth`]), call a domain decision or the
//! store, and map the result to JSON or a problem document ([`error`]).

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
mod middleware;

use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tether_store::Store;
use tokio::net::TcpListener;

/// Settings of one server process, built once by the binary and passed in.
#[derive(Clone, Debug)]
pub struct Config {
    /// Base of the addresses the server hands out (`<public-url>/records/<type>/<id>`).
    pub public_url: String,
    /// Where attachments and other files live.
    pub data_dir: PathBuf,
    /// How long a sign-in lasts.
    pub session_ttl: Duration,
    /// Largest JSON request body.
    pub json_body_limit: usize,
    /// Failed sign-ins per account within `login_window` before 429.
    pub login_failures_per_account: i64,
    /// Failed sign-ins per client address within `login_window` before 429.
    pub login_failures_per_address: i64,
    pub login_window: Duration,
    /// Longest time one request may take before 503.
    pub request_timeout: Duration,
}

impl Config {
    /// Defaults for a server reachable at `public_url`.
    pub fn new(public_url: impl Into<String>, data_dir: PathBuf) -> Config {
        Config {
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            data_dir,
            session_ttl: Duration::from_secs(12 * 3600),
            json_body_limit: 1024 * 1024,
            login_failures_per_account: 10,
            login_failures_per_address: 50,
            login_window: Duration::from_secs(15 * 60),
            request_timeout: Duration::from_secs(30),
        }
    }

    /// Cookies are `Secure` when the public address is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// A real Argon2 hash of nothing in particular: verifying against it when an account does
    /// not exist makes a failed sign-in take as long whether or not the address is known.
    pub(crate) dummy_hash: Arc<str>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> anyhow::Result<AppState> {
        let dummy = auth::hash_password(&auth::new_token())?;
        // Install the metrics recorder before the first request is counted.
        let _ = middleware::metrics_handle();
        Ok(AppState { store, config: Arc::new(config), dummy_hash: dummy.into() })
    }
}

/// The whole application: API under `/api/v1`, health and metrics at the root.
pub fn router(state: AppState) -> Router {
    api::router(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

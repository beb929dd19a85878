//! Tether's HTTP server: a thin axum layer over the domain rules and the store.
//!
//! The server is [`router`] plus [`serve`]`(listener, state, shutdown)`, so tests start the
//! real thing on a random port with their own database. The use cases live in [`app`], one
//! module per concept: each takes who is asking ([`auth`]) and typed input, decides through the
//! domain, writes through the store and answers what it wrote plus the events it caused. The
//! HTTP handlers in [`api`], one module per resource of API.md, extract, call, publish the
//! events and map the result to JSON or a problem document ([`error`]).

pub mod api;
pub mod app;
pub mod auth;
mod conn;
pub mod error;
pub mod events;
pub mod extract;
pub mod i18n;
pub mod limits;
mod middleware;
pub mod nats;
mod tasks;
pub mod web;
pub mod ws;

use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tether_domain::UserId;
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
    /// Sign-in throttling within `login_window` ([`tether_domain::signin`]): failures for one
    /// account from one address, and from one address, before 429; failures for one account
    /// from every address past which its sign-ins are slowed down (never refused).
    pub sign_in: tether_domain::signin::SignInLimits,
    pub login_window: Duration,
    /// Longest time one request may take before 503.
    pub request_timeout: Duration,
    /// Largest attachment in bytes.
    pub max_attachment_bytes: usize,
    /// Bytes of uploads one user may have waiting unsent (413 past it).
    pub max_unsent_upload_bytes: usize,
    /// How long an upload may wait unsent before it is removed.
    pub unsent_upload_ttl: Duration,
    /// Open event connections allowed per user.
    pub max_connections_per_user: usize,
    /// Events queued per connection before the client is told to resync.
    pub event_queue: usize,
    /// NATS subject the nodes share events on (with `--nats`).
    pub nats_subject: String,
    /// Events a node holds for NATS when NATS takes them slower than they come; past it they
    /// are dropped and every node's clients are told to resync (with `--nats`).
    pub nats_queue: usize,
    /// Per-user rate limits (requests per minute; 0 turns one off).
    pub limits: limits::Limits,
    /// How long a client has to send a request's line and headers: from the accept for a
    /// connection's first request, from the first byte for a later one.
    pub header_read_timeout: Duration,
    /// How long a connection may move no byte either way before it is closed: between
    /// requests (keep-alive), a response the client does not read, a WebSocket (the server
    /// pings every 25 s, so keep this above that).
    pub idle_timeout: Duration,
    /// Open connections (WebSockets included) this node accepts; past it, new ones get a 503.
    pub max_connections: usize,
    /// Password checks and hashes run at once (each holds 19 MiB); the number of cores.
    pub hash_slots: usize,
    /// How long a sign-in waits for a free hashing slot before 503 with `Retry-After`.
    pub hash_wait: Duration,
    /// How webhook deliveries are sent and retried (issue 19, part 4).
    pub webhooks: app::webhooks::Settings,
    /// E-mail for what was missed (issue 19, part 5); off until an SMTP host is set.
    pub email: app::digest::Settings,
}

impl Config {
    /// Defaults for a server reachable at `public_url`.
    pub fn new(public_url: impl Into<String>, data_dir: PathBuf) -> Config {
        Config {
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            data_dir,
            session_ttl: Duration::from_secs(12 * 3600),
            json_body_limit: 1024 * 1024,
            sign_in: tether_domain::signin::SignInLimits::default(),
            login_window: Duration::from_secs(15 * 60),
            request_timeout: Duration::from_secs(30),
            max_attachment_bytes: 25 * 1024 * 1024,
            max_unsent_upload_bytes: 256 * 1024 * 1024,
            unsent_upload_ttl: Duration::from_secs(24 * 3600),
            max_connections_per_user: 20,
            event_queue: events::CONNECTION_QUEUE,
            nats_subject: "tether.events".into(),
            nats_queue: 16_384,
            limits: limits::Limits::default(),
            header_read_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            hash_slots: auth::Hasher::default_slots(),
            hash_wait: Duration::from_secs(10),
            webhooks: app::webhooks::Settings::default(),
            email: app::digest::Settings::default(),
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
    /// This node's live connections.
    pub hub: Arc<events::Hub>,
    /// Where changes are published (in-process, or NATS across nodes).
    pub bus: Arc<dyn events::EventBus>,
    /// Attachment bytes (a local directory by default; any object store).
    pub blobs: Arc<dyn object_store::ObjectStore>,
    /// A real Argon2 hash of nothing in particular: verifying against it when an account does
    /// not exist makes a failed sign-in take as long whether or not the address is known.
    pub(crate) dummy_hash: Arc<str>,
    /// Where passwords are hashed and checked: a few slots with reused memory ([`auth::Hasher`]).
    pub hasher: Arc<auth::Hasher>,
    /// Where rate-limit hits are counted (see [`limits`]).
    pub(crate) counter: Arc<limits::Counter>,
    /// When `/healthz` last wrote its probe row (at most one probe write a second).
    pub(crate) last_write_probe: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// Where similarity rankings are asked for ([`app::similar`]).
    pub similar: Arc<app::similar::Warmer>,
    /// The member lists of chats being sent to ([`app::member_lists`]).
    pub member_lists: Arc<app::member_lists::MemberLists>,
}

impl AppState {
    /// A single-node state: in-process event bus, attachments under `<data_dir>/attachments`.
    pub fn new(store: Store, config: Config) -> anyhow::Result<AppState> {
        let dir = config.data_dir.join("attachments");
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        let blobs = Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&dir)?);
        let hub = Arc::new(events::Hub::with_queue(config.event_queue));
        let bus = Arc::new(events::LocalBus::new(hub.clone()));
        let dummy = auth::hash_password(&auth::new_token())?;
        let hasher = Arc::new(auth::Hasher::new(config.hash_slots, config.hash_wait));
        let store_backend = store.backend();
        // Install the metrics recorder before the first request is counted.
        let _ = middleware::metrics_handle();
        Ok(AppState {
            store,
            config: Arc::new(config),
            hub,
            bus,
            blobs,
            dummy_hash: dummy.into(),
            hasher,
            counter: Arc::new(limits::Counter::for_backend(store_backend)),
            last_write_probe: Arc::default(),
            similar: Arc::default(),
            member_lists: Arc::default(),
        })
    }

    /// A state for one of several nodes: events travel over NATS at `nats_url`, so every node's
    /// clients get them.
    pub async fn with_nats(
        store: Store,
        config: Config,
        nats_url: &str,
    ) -> anyhow::Result<AppState> {
        let mut state = AppState::new(store, config)?;
        let bus = nats::NatsBus::connect(
            nats_url,
            &state.config.nats_subject,
            state.config.nats_queue,
            state.hub.clone(),
        )
        .await?;
        state.bus = Arc::new(bus);
        Ok(state)
    }

    /// Closes the user's live-event sockets on every node: those of one session (its token
    /// hash) after a sign-out, or all of them when the account is deactivated.
    pub fn end_sessions(&self, user_id: &UserId, session: Option<&str>) {
        self.bus
            .publish(events::Envelope::Nodes(events::Control::SessionEnded(
                events::SessionEnded {
                    user_id: user_id.to_string(),
                    session: session.map(str::to_owned),
                    except: None,
                },
            )));
    }

    /// Closes the user's live-event sockets on every node except those of session `keep` (a
    /// token hash): after the user changed their own password.
    pub fn end_other_sessions(&self, user_id: &UserId, keep: &str) {
        self.bus
            .publish(events::Envelope::Nodes(events::Control::SessionEnded(
                events::SessionEnded {
                    user_id: user_id.to_string(),
                    session: None,
                    except: Some(keep.to_owned()),
                },
            )));
    }

    /// Makes every node read `user_id`'s sessions afresh (or everyone's, `None`), after a change
    /// to what a session may do: sign-out, deactivation, roles, teams. Travels over the bus like
    /// any event (NATS between nodes) and is applied in order with the others.
    pub fn forget_callers(&self, user_id: Option<&UserId>) {
        self.bus
            .publish(events::Envelope::Nodes(events::Control::CallersChanged {
                user_id: user_id.map(|u| u.to_string()),
            }));
    }

    /// The global settings, from this node's cache when it read them in the last seconds.
    pub async fn global_settings(
        &self,
    ) -> tether_store::Result<tether_domain::settings::GlobalSettings> {
        if let Some(s) = self.hub.settings.get() {
            return Ok(s);
        }
        let s = self.store.global_settings().await?;
        self.hub.settings.put(s.clone());
        Ok(s)
    }

    /// The record types with their settings, from this node's cache when it read them in the
    /// last seconds.
    pub async fn record_types(
        &self,
    ) -> tether_store::Result<Arc<Vec<tether_store::record_types::RecordType>>> {
        if let Some(t) = self.hub.record_types.get() {
            return Ok(t);
        }
        let t = Arc::new(self.store.record_types().await?);
        self.hub.record_types.put(t.clone());
        Ok(t)
    }

    /// One record type with its settings (see [`AppState::record_types`]).
    pub async fn record_type(
        &self,
        name: &str,
    ) -> tether_store::Result<Option<tether_store::record_types::RecordType>> {
        Ok(self
            .record_types()
            .await?
            .iter()
            .find(|t| t.def.name == name)
            .cloned())
    }

    /// Makes this node, at once, and every other node read the record types afresh (after a
    /// type was created or its settings changed).
    pub fn forget_record_types(&self) {
        self.hub.dispatch(&events::Envelope::Nodes(
            events::Control::RecordTypesChanged,
        ));
        self.bus
            .publish(events::Envelope::Nodes(events::Control::RecordTypesChanged));
    }

    /// Makes every node read the global settings afresh (after they changed).
    pub fn forget_settings(&self) {
        self.bus
            .publish(events::Envelope::Nodes(events::Control::SettingsChanged));
    }
}

/// The whole application: API under `/api/v1`, health and metrics at the root.
pub fn router(state: AppState) -> Router {
    api::router(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes in-flight requests.
/// Connections are capped and timed out as `state.config` says (see [`conn`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tasks, tasks_stopped) = tokio::sync::watch::channel(false);
    let background = tokio::spawn(tasks::run(state.clone(), tasks_stopped.clone()));
    let ranking = tokio::spawn(app::similar::run(state.clone(), tasks_stopped.clone()));
    let webhooks = tokio::spawn(app::webhooks::run(state.clone(), tasks_stopped));
    let limits = conn::Limits {
        header_read: state.config.header_read_timeout,
        idle: state.config.idle_timeout,
        max_connections: state.config.max_connections,
    };
    let result = conn::serve(listener, router(state), limits, shutdown).await;
    let _ = stop_tasks.send(true);
    let _ = background.await;
    let _ = ranking.await;
    let _ = webhooks.await;
    result
}

/// Raises this process's soft limit on open files to its hard limit (each connection holds
/// one) and returns the limit now in force.
pub fn raise_open_files_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// This process's (soft) limit on open files.
pub fn open_files_limit() -> std::io::Result<u64> {
    rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft)
}

/// The default cap on open connections: three quarters of the open-file limit (the rest is
/// for the database, attachments and NATS), at most 25,000 (about what a 2-core, 2 GiB node
/// serves; see docs/deploy.md).
pub fn default_max_connections() -> usize {
    let files = open_files_limit().unwrap_or(1024);
    usize::try_from((files / 4 * 3).clamp(16, 25_000)).unwrap_or(25_000)
}

//! Connections: the accept loop over hyper's HTTP/1.1 server, with what `axum::serve` lacks —
//! a cap on open connections, a header-read timeout and an idle timeout — and problem
//! documents for the requests hyper refuses before the router sees them (400, 414, 431).
//!
//! The timeouts are kept by [`Guarded`], the socket wrapper every connection reads and writes
//! through, from what the connection's requests tell it (its [`Phase`]):
//!
//! - **waiting for a request**: the first request of a connection must have arrived whole
//!   (request line and headers) within the header-read timeout of the accept. Between requests
//!   (keep-alive) a connection may stay silent for the idle timeout; once the next request's
//!   first byte arrives, its head must be complete within the header-read timeout. A client
//!   that trickles a byte now and then cannot hold a connection.
//! - **during a request**: the handler's own deadline (`Config::request_timeout`) applies, and
//!   a connection on which no byte moves either way for the idle timeout is closed (a client
//!   that stops reading its response).
//! - **after a WebSocket upgrade**: closed once no byte has moved either way for the idle
//!   timeout. The server pings every event socket every 25 s and a live client answers, so a
//!   working socket is never idle that long (the binary refuses an idle timeout of 25 s or
//!   less).
//!
//! Past the cap on open connections (`Config::max_connections`; WebSockets count, they hold a
//! socket too), a new connection gets a 503 problem document with `Retry-After`, written on the
//! accepted socket once its request head has arrived (or after a second), and is closed; the
//! request itself is never handled. A clear answer lets a client or a load balancer back off
//! instead of retrying a silently reset connection. It is bounded: at most
//! [`REFUSALS_IN_FLIGHT`] refusals at a time, each done within about three seconds; past that,
//! a connection is closed without an answer.

mod answers;
mod guarded;
mod phase;

use answers::refuse;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use guarded::Guarded;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use phase::{Phase, RequestGuard, Tracked, lock};
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

/// The connection limits of one server (from [`crate::Config`]).
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    pub header_read: Duration,
    pub idle: Duration,
    pub max_connections: usize,
}

/// Largest request head (request line and headers) read; past it, 431. The router refuses
/// headers over 32 KiB itself (`middleware::header_limit`) with a more precise answer; this
/// bounds what a connection can make the server buffer before that.
pub(crate) const MAX_HEAD_BYTES: usize = 128 * 1024;
/// Refusals (past the connection cap) answered at once; past it, a refused connection is
/// closed without an answer.
const REFUSALS_IN_FLIGHT: usize = 256;
/// How long a refused or rejected connection is read and discarded after its answer before it
/// is closed (closing a socket with unread data resets it, and the client may lose the answer).
const LINGER: Duration = Duration::from_secs(2);
/// How long a refused connection's request head is waited for before the refusal is written.
const REFUSAL_READ: Duration = Duration::from_secs(1);
/// The `Retry-After` of a refusal, in seconds.
pub(crate) const REFUSAL_RETRY_AFTER_SECS: u64 = 5;

/// Accepts connections on `listener` and serves `app` on them until `shutdown` resolves; then
/// stops accepting, lets requests in flight finish and closes idle connections.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let permits = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let refusals = Arc::new(Semaphore::new(REFUSALS_IN_FLIGHT));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(connection(
                    stream,
                    peer,
                    permit,
                    app.clone(),
                    limits.clone(),
                    stop_rx.clone(),
                ));
            }
            Err(_) => refuse(stream, &refusals, limits.max_connections),
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task holds a receiver: wait until the last one has finished.
    drop(stop_rx);
    stop_tx.closed().await;
    Ok(())
}

/// An accept that failed. Errors of the one connection are ignored; others (above all
/// `EMFILE`, out of file descriptors) are logged and the loop pauses so that connections can
/// close, as hyper and axum do.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(
        "accept error: {e} (with `Too many open files`, raise the open-file limit or lower --max-connections)"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// Serves one connection until it closes, or until shutdown once its request in flight is done.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
    app: Router,
    limits: Arc<Limits>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let phase = Arc::new(Mutex::new(Phase::Waiting {
        since: Instant::now(),
        first: true,
        first_byte: None,
    }));
    let io = Guarded::new(stream, permit, phase.clone(), limits);
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        let guard = RequestGuard::begin(phase.clone());
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let res = match app.oneshot(req.map(Body::new)).await {
                Ok(res) => res,
                Err(never) => match never {},
            };
            if res.status() == StatusCode::SWITCHING_PROTOCOLS {
                *lock(&guard.0) = Phase::Upgraded;
            }
            Ok::<_, Infallible>(res.map(|body| {
                Body::new(Tracked {
                    body,
                    _guard: guard,
                })
            }))
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    // The timeouts are `Guarded`'s: hyper's header-read timeout also runs between requests.
    http.header_read_timeout(None)
        .max_header_size(MAX_HEAD_BYTES);
    let conn = http
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                break;
            }
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

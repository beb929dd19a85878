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

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, Sleep};
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

/// Answers a connection past the cap with a 503 problem and closes it.
fn refuse(stream: TcpStream, refusals: &Arc<Semaphore>, cap: usize) {
    metrics::counter!("tether_connections_refused_total").increment(1);
    warn_refusals(cap);
    let Ok(slot) = refusals.clone().try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _slot = slot;
        let mut stream = stream;
        let answer = raw_problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server has as many open connections as it accepts; try again in a few seconds",
            Some(REFUSAL_RETRY_AFTER_SECS),
        );
        // The request's head first (for a moment at most): HTTP clients take an answer that
        // comes before their request for a broken connection.
        let mut scratch = [0u8; 2048];
        let mut tail = [0u8; 4];
        let _ = tokio::time::timeout(REFUSAL_READ, async {
            loop {
                let n = stream.read(&mut scratch).await?;
                let Some(read) = scratch.get(..n).filter(|r| !r.is_empty()) else {
                    return Ok(());
                };
                for &b in read {
                    tail = [tail[1], tail[2], tail[3], b];
                    if &tail == b"\r\n\r\n" {
                        return Ok(());
                    }
                }
            }
        })
        .await
        .unwrap_or(Ok::<_, io::Error>(()));
        let _ = tokio::time::timeout(LINGER, async {
            stream.write_all(&answer).await?;
            stream.shutdown().await?;
            while stream.read(&mut scratch).await? > 0 {}
            Ok::<_, io::Error>(())
        })
        .await;
    });
}

/// Logs refusals at most once every 10 s, however many there are.
fn warn_refusals(cap: usize) {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = tether_store::now_ms().unsigned_abs();
    let last = LAST.load(Ordering::Relaxed);
    if now.saturating_sub(last) >= 10_000
        && LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        tracing::warn!(
            max_connections = cap,
            "refusing connections: the node holds as many open connections as --max-connections allows"
        );
    }
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

/// Where a connection stands, as far as its timeouts go.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Waiting for a request head: since the accept (`first`) or since the last response
    /// ended, and when the head's first byte came.
    Waiting {
        since: Instant,
        first: bool,
        first_byte: Option<Instant>,
    },
    /// Requests being answered.
    Busy(usize),
    /// Handed over to another protocol (WebSocket).
    Upgraded,
}

fn lock(phase: &Mutex<Phase>) -> MutexGuard<'_, Phase> {
    phase.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Holds a connection busy from a request's head until its response has been written (or
/// dropped).
struct RequestGuard(Arc<Mutex<Phase>>);

impl RequestGuard {
    fn begin(phase: Arc<Mutex<Phase>>) -> RequestGuard {
        {
            let mut p = lock(&phase);
            *p = match *p {
                Phase::Waiting { .. } => Phase::Busy(1),
                Phase::Busy(n) => Phase::Busy(n + 1),
                Phase::Upgraded => Phase::Upgraded,
            };
        }
        RequestGuard(phase)
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let mut p = lock(&self.0);
        *p = match *p {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            Phase::Busy(_) => Phase::Waiting {
                since: Instant::now(),
                first: false,
                first_byte: None,
            },
            other => other,
        };
    }
}

/// A response body that keeps its request's [`RequestGuard`] until hyper has written it.
struct Tracked {
    body: Body,
    _guard: RequestGuard,
}

impl HttpBody for Tracked {
    type Data = <Body as HttpBody>::Data;
    type Error = <Body as HttpBody>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Why a connection was closed by a timeout.
#[derive(Clone, Copy)]
enum Expired {
    HeaderRead,
    Idle,
}

impl Expired {
    fn error(self) -> io::Error {
        let (reason, text) = match self {
            Expired::HeaderRead => (
                "header_read",
                "the request's head did not arrive within the header-read timeout",
            ),
            Expired::Idle => (
                "idle",
                "nothing moved on the connection for the idle timeout",
            ),
        };
        metrics::counter!("tether_connections_timed_out_total", "reason" => reason).increment(1);
        io::Error::new(io::ErrorKind::TimedOut, text)
    }
}

/// A client's socket with the connection's timeouts, its place under the connection cap, and
/// problem documents in place of hyper's empty error answers.
struct Guarded {
    io: TcpStream,
    phase: Arc<Mutex<Phase>>,
    limits: Arc<Limits>,
    last_activity: Instant,
    read_timer: Pin<Box<Sleep>>,
    write_timer: Pin<Box<Sleep>>,
    /// A problem document being written in place of hyper's empty answer, and how much of it
    /// is written.
    answer: Option<(Vec<u8>, usize)>,
    /// After such an answer: read and discard until the client closes (or [`LINGER`]) before
    /// closing, so the answer is not lost to a reset.
    linger: bool,
    linger_until: Option<Instant>,
    write_shut: bool,
    _open: OpenConnection,
}

/// One connection under the cap: its permit, and the `tether_connections_open` gauge.
struct OpenConnection(#[allow(dead_code)] OwnedSemaphorePermit);

impl OpenConnection {
    fn new(permit: OwnedSemaphorePermit) -> OpenConnection {
        metrics::gauge!("tether_connections_open").increment(1.0);
        OpenConnection(permit)
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        metrics::gauge!("tether_connections_open").decrement(1.0);
    }
}

impl Guarded {
    fn new(
        io: TcpStream,
        permit: OwnedSemaphorePermit,
        phase: Arc<Mutex<Phase>>,
        limits: Arc<Limits>,
    ) -> Guarded {
        let now = Instant::now();
        Guarded {
            io,
            phase,
            read_timer: Box::pin(tokio::time::sleep_until(now + limits.header_read)),
            write_timer: Box::pin(tokio::time::sleep_until(now + limits.idle)),
            limits,
            last_activity: now,
            answer: None,
            linger: false,
            linger_until: None,
            write_shut: false,
            _open: OpenConnection::new(permit),
        }
    }

    fn read_some(&mut self) {
        let now = Instant::now();
        self.last_activity = now;
        if let Phase::Waiting {
            first_byte: first_byte @ None,
            ..
        } = &mut *lock(&self.phase)
        {
            *first_byte = Some(now);
        }
    }

    /// When a read that is waiting for the client gives up.
    fn read_deadline(&self) -> (Instant, Expired) {
        let (header_read, idle) = (self.limits.header_read, self.limits.idle);
        match *lock(&self.phase) {
            Phase::Waiting {
                since, first: true, ..
            } => (since + header_read, Expired::HeaderRead),
            Phase::Waiting {
                first_byte: Some(at),
                ..
            } => (at + header_read, Expired::HeaderRead),
            Phase::Waiting { since, .. } => (since + idle, Expired::Idle),
            Phase::Busy(_) | Phase::Upgraded => (self.last_activity + idle, Expired::Idle),
        }
    }

    fn waiting(&self) -> bool {
        matches!(*lock(&self.phase), Phase::Waiting { .. })
    }

    /// Runs a write on the socket; a write the client does not take for the idle timeout fails.
    fn poll_write_io<T>(
        &mut self,
        cx: &mut Context<'_>,
        write: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<T>>,
        wrote: impl FnOnce(&T) -> bool,
    ) -> Poll<io::Result<T>> {
        match write(Pin::new(&mut self.io), cx) {
            Poll::Ready(Ok(n)) => {
                if wrote(&n) {
                    self.last_activity = Instant::now();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let deadline = self.last_activity + self.limits.idle;
                match poll_until(&mut self.write_timer, deadline, cx) {
                    Poll::Ready(()) => Poll::Ready(Err(Expired::Idle.error())),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    /// Writes the rest of a problem document that replaces hyper's empty answer.
    fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = self.answer.take() {
            if written >= bytes.len() {
                break;
            }
            let rest = bytes.get(written..).unwrap_or_default();
            match self.poll_write_io(cx, |io, cx| io.poll_write(cx, rest), |n| *n > 0) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.answer = Some((bytes, written + n)),
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    self.answer = Some((bytes, written));
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes hyper's automatic answer to a request it could not read (`buf`), if it is one,
    /// and writes a problem document in its place.
    fn poll_replace(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Option<Poll<io::Result<usize>>> {
        if self.answer.is_none() {
            if !self.waiting() {
                return None;
            }
            self.answer = Some((automatic_answer(buf)?, 0));
            self.linger = true;
        }
        Some(self.poll_answer(cx).map_ok(|()| buf.len()))
    }
}

/// Polls `timer` set to `deadline`.
fn poll_until(timer: &mut Pin<Box<Sleep>>, deadline: Instant, cx: &mut Context<'_>) -> Poll<()> {
    if timer.deadline() != deadline {
        timer.as_mut().reset(deadline);
    }
    timer.as_mut().poll(cx)
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.read_some();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let (deadline, expired) = this.read_deadline();
                match poll_until(&mut this.read_timer, deadline, cx) {
                    Poll::Ready(()) => Poll::Ready(Err(expired.error())),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(replaced) = this.poll_replace(cx, buf) {
            return replaced;
        }
        this.poll_write_io(cx, |io, cx| io.poll_write(cx, buf), |n| *n > 0)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(first) = bufs.iter().find(|b| !b.is_empty())
            && let Some(replaced) = this.poll_replace(cx, first)
        {
            return replaced;
        }
        this.poll_write_io(cx, |io, cx| io.poll_write_vectored(cx, bufs), |n| *n > 0)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_answer(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_answer(cx))?;
        if !this.write_shut {
            ready!(Pin::new(&mut this.io).poll_shutdown(cx))?;
            this.write_shut = true;
        }
        if this.linger {
            let until = *this
                .linger_until
                .get_or_insert_with(|| Instant::now() + LINGER);
            let mut scratch = [0u8; 2048];
            loop {
                let mut buf = ReadBuf::new(&mut scratch);
                match Pin::new(&mut this.io).poll_read(cx, &mut buf) {
                    Poll::Ready(Ok(())) if !buf.filled().is_empty() => continue,
                    Poll::Ready(_) => break,
                    Poll::Pending => {
                        if poll_until(&mut this.read_timer, until, cx).is_ready() {
                            break;
                        }
                        return Poll::Pending;
                    }
                }
            }
            this.linger = false;
        }
        Poll::Ready(Ok(()))
    }
}

/// A problem document in place of hyper's automatic answer to a request it could not read:
/// `HTTP/1.1 <400|414|431> …`, no body (`content-length: 0`). Anything else is `None`.
fn automatic_answer(buf: &[u8]) -> Option<Vec<u8>> {
    let status = buf.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = buf.get(..end + 2)?;
    let empty = b"\r\ncontent-length: 0\r\n";
    if end + 4 != buf.len() || !head.windows(empty.len()).any(|w| w == empty) {
        return None;
    }
    let (status, detail) = match status {
        b"400" => (
            StatusCode::BAD_REQUEST,
            "the request is not valid HTTP/1.1: its request line or a header could not be read"
                .to_owned(),
        ),
        b"414" => (
            StatusCode::URI_TOO_LONG,
            "the request's address (path and query) is longer than 64 KiB, the most this server reads"
                .to_owned(),
        ),
        b"431" => (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "the request's head is too large: at most {} KiB (request line and headers together) and 100 header fields are read",
                MAX_HEAD_BYTES / 1024
            ),
        ),
        _ => return None,
    };
    Some(raw_problem(status, &detail, None))
}

/// A whole HTTP/1.1 response carrying a problem document, for answers written on the socket
/// outside the router; the connection closes after it.
fn raw_problem(status: StatusCode, detail: &str, retry_after_secs: Option<u64>) -> Vec<u8> {
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = json!({
        "type": "about:blank",
        "title": reason,
        "status": status.as_u16(),
        "detail": detail,
        "code": crate::error::status_code(status),
    })
    .to_string();
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nconnection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n",
        status.as_u16(),
        body.len()
    );
    if let Some(secs) = retry_after_secs {
        head.push_str(&format!("retry-after: {secs}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_error_answers_are_replaced() {
        let head = |status: &str| {
            format!(
                "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: 0\r\ndate: Fri, 04 Dec 2026 18:36:58 GMT\r\n\r\n"
            )
        };
        for (status, code) in [
            ("400 Bad Request", "400"),
            ("414 URI Too Long", "414"),
            ("431 Request Header Fields Too Large", "431"),
        ] {
            let answer = automatic_answer(head(status).as_bytes()).map(String::from_utf8);
            let Some(Ok(answer)) = answer else {
                panic!("{status} is replaced");
            };
            assert!(answer.starts_with(&format!("HTTP/1.1 {code} ")), "{answer}");
            assert!(answer.contains("content-type: application/problem+json\r\n"));
            let (_, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
            let doc: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            assert_eq!(doc["status"].to_string(), code);
            assert!(doc["detail"].as_str().is_some_and(|d| !d.is_empty()));
        }
        // Other answers pass untouched: other statuses, bodies, a head split over writes.
        assert!(automatic_answer(head("404 Not Found").as_bytes()).is_none());
        let with_body = "HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}";
        assert!(automatic_answer(with_body.as_bytes()).is_none());
        let h = head("431 Request Header Fields Too Large");
        assert!(automatic_answer(&h.as_bytes()[..20]).is_none());
        assert!(automatic_answer(format!("{h}HTTP/1.1 200 OK").as_bytes()).is_none());
    }
}

//! The socket wrapper every connection reads and writes through: its timeouts, its place under
//! the cap, and the answers written in place of hyper's.

use super::answers::automatic_answer;
use super::phase::{Phase, lock};
use super::{LINGER, Limits};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, Sleep};

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
pub(super) struct Guarded {
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
    pub(super) fn new(permit: OwnedSemaphorePermit) -> OpenConnection {
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
    pub(super) fn new(
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

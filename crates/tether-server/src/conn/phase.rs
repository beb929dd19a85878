//! Where a connection stands, as its requests tell it: waiting, busy or upgraded.

use axum::body::{Body, HttpBody};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use tokio::time::Instant;

/// Where a connection stands, as far as its timeouts go.
#[derive(Clone, Copy, Debug)]
pub(super) enum Phase {
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

pub(super) fn lock(phase: &Mutex<Phase>) -> MutexGuard<'_, Phase> {
    phase.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Holds a connection busy from a request's head until its response has been written (or
/// dropped).
pub(super) struct RequestGuard(pub(super) Arc<Mutex<Phase>>);

impl RequestGuard {
    pub(super) fn begin(phase: Arc<Mutex<Phase>>) -> RequestGuard {
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
pub(super) struct Tracked {
    pub(super) body: Body,
    pub(super) _guard: RequestGuard,
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

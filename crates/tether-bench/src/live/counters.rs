//! What the clients and senders of a run count, in one shared place, and the message bodies
//! that carry their send time to whoever receives them.

use crate::report::{Errors, Histogram};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The marker in a message body before its send time.
const MARKER: &str = "tbench:";

/// Counters shared by clients and senders.
pub(super) struct Shared {
    clock: Instant,
    /// The measured window, in µs since `clock`; `u64::MAX` until the window is known.
    window_start: AtomicU64,
    window_end: AtomicU64,
    pub(super) delivered: AtomicU64,
    pub(super) events: AtomicU64,
    pub(super) accepted: AtomicU64,
    pub(super) expected: AtomicU64,
    pub(super) skipped: AtomicU64,
    pub(super) latency: Histogram,
    pub(super) request_latency: Histogram,
    pub(super) errors: Arc<Errors>,
}

impl Shared {
    pub(super) fn new() -> Shared {
        Shared {
            clock: Instant::now(),
            window_start: AtomicU64::new(u64::MAX),
            window_end: AtomicU64::new(u64::MAX),
            delivered: AtomicU64::new(0),
            events: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
            expected: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            latency: Histogram::default(),
            request_latency: Histogram::default(),
            errors: Arc::new(Errors::default()),
        }
    }

    pub(super) fn now_us(&self) -> u64 {
        u64::try_from(self.clock.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Opens the measured window: it starts `warmup` from now and lasts `seconds`. Returns its
    /// end, in µs since the clock's start.
    pub(super) fn open_window(&self, warmup: Duration, seconds: Duration) -> u64 {
        let start = self.now_us();
        let window_start = start + micros(warmup);
        let window_end = window_start + micros(seconds);
        self.window_start.store(window_start, Ordering::Relaxed);
        self.window_end.store(window_end, Ordering::Relaxed);
        window_end
    }

    pub(super) fn in_window(&self, t: u64) -> bool {
        t >= self.window_start.load(Ordering::Relaxed)
            && t < self.window_end.load(Ordering::Relaxed)
    }

    /// One text frame from the server.
    pub(super) fn received(&self, text: &str) {
        self.events.fetch_add(1, Ordering::Relaxed);
        if text.contains("\"type\":\"message.created\"") {
            if let Some(sent) = sent_at(text)
                && self.in_window(sent)
            {
                self.delivered.fetch_add(1, Ordering::Relaxed);
                self.latency.record(self.now_us().saturating_sub(sent));
            }
        } else if text.contains("\"type\":\"resync\"") {
            self.errors.add("resync (a client fell behind)", 1);
        }
    }
}

/// The send time in a `message.created` event.
pub(crate) fn sent_at(text: &str) -> Option<u64> {
    let start = text.find(MARKER)? + MARKER.len();
    let digits = text.get(start..)?;
    let end = digits.find(|c: char| !c.is_ascii_digit())?;
    digits.get(..end)?.parse().ok()
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A message body of about `len` bytes that carries its send time.
pub(crate) fn body(sent: u64, len: usize) -> String {
    const FILLER: &str = "Customer called again about the invoice; can someone from billing look at the order history before noon? ";
    let mut b = format!("{MARKER}{sent}: ");
    while b.len() < len {
        let room = len - b.len();
        b.push_str(FILLER.get(..room.min(FILLER.len())).unwrap_or(FILLER));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_send_time_travels_in_the_body() {
        let b = body(123_456, 100);
        assert!(b.len() >= 100 && b.len() < 110, "{}", b.len());
        let event = format!(
            r#"{{"chat_id":"c","message":{{"body":"{b}","html":"<p>{b}</p>"}},"type":"message.created"}}"#
        );
        assert_eq!(sent_at(&event), Some(123_456));
        assert_eq!(sent_at("no marker"), None);
    }
}

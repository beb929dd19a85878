//! Webhooks out (issue 19, part 4): a host system hears of what happens in the chats
//! connected to its records — a message, a connection or disconnection, a join, a saved
//! transcript, a hand-over — as signed `POST`s to the endpoints it registered.
//!
//! - [`manage`]: the use cases behind `/webhooks` (register, list, remove, list deliveries,
//!   redeliver), for an administrator's session or an API key with the `webhooks` scope.
//! - The outbox: a change writes its webhook event in its own transaction (the store does,
//!   `tether_store::webhooks`); [`run`], a background task of every node, renders each event's
//!   payload ([`payload`]), queues one delivery per subscribed endpoint, and sends the due
//!   ones ([`send`]), retrying with [`tether_domain::webhook::Backoff`] and keeping the order
//!   per record. Its state is all in the database, so it survives restarts, and several nodes
//!   share the work without sending a delivery twice at once.

pub mod manage;
pub mod payload;
mod run;
pub mod send;

pub use run::run;

use std::time::Duration;
use tether_domain::webhook::Backoff;

/// How the outbox task works (`Config::webhooks`); tests shorten the times.
#[derive(Clone, Debug)]
pub struct Settings {
    /// When failed deliveries are tried again, and for how long.
    pub backoff: Backoff,
    /// How often an idle node looks for work (a busy one goes on at once).
    pub poll: Duration,
    /// Longest wait for a receiver's TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Longest a whole delivery may take, connection and answer included.
    pub timeout: Duration,
    /// Deliveries sent at once by one node.
    pub concurrency: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            backoff: Backoff::default(),
            poll: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            concurrency: 8,
        }
    }
}

impl Settings {
    /// How long a node holds the deliveries it claimed: past the longest attempt, so another
    /// node takes one over only when the first died (or stopped) while sending it.
    pub fn hold(&self) -> Duration {
        self.timeout + Duration::from_secs(5)
    }
}

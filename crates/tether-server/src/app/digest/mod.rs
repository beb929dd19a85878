//! E-mail for what was missed (issue 19, part 5). A person who was mentioned, got an urgent
//! message, or was added to a chat by someone else, and has not read it within
//! `Settings::delay`, gets one e-mail listing what they missed, grouped by chat, each chat
//! linked (`<public-url>/chats/<id>`), in their language.
//!
//! - The queue is the store's (`tether_store::digest`): a scan of what happened queues, once,
//!   what is unread a few seconds later (`Settings::settle`); nothing is written on the send
//!   path. A person's e-mail is due `delay` after the oldest of their waiting items and takes
//!   all of them, so one stretch of missed things makes one e-mail.
//! - [`run`], a background task of every node, scans and then sends the due e-mails: it claims
//!   a person (no other node sends their e-mail meanwhile), reads their items *as they are
//!   now* and keeps only those still missed (R2: never anything of a chat they left; nothing
//!   they read since; nothing to an opted-out, deactivated or address-less person), composes
//!   the e-mail ([`compose`], with the domain's [`tether_domain::digest::compose`]) and sends
//!   it over SMTP ([`mail`]). The items are removed only once the SMTP server accepted the
//!   e-mail; a failure is retried on [`Backoff`] and given up after its window.
//! - E-mail is off when no SMTP host is configured (`Settings::smtp` is `None`).

pub mod compose;
pub mod mail;
mod run;

pub use mail::{Smtp, SmtpPassword, SmtpTls};
pub use run::{run, send_due};

use std::time::Duration;
use tether_domain::digest::Limits;
use tether_domain::locale::Locale;
use tether_domain::webhook::Backoff;

/// How the digest works (`Config::email`); tests shorten the times.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where e-mail is sent; `None` turns the digest off.
    pub smtp: Option<Smtp>,
    /// How long something may stay unread before it is e-mailed.
    pub delay: Duration,
    /// How old what happened must be before the scan looks at it: writes in flight have
    /// committed by then, and the nodes' clocks agree within it.
    pub settle: Duration,
    /// How often a node looks for work.
    pub poll: Duration,
    /// When a failed e-mail is tried again, and for how long.
    pub backoff: Backoff,
    /// The language of e-mails to people who have not chosen one (`PATCH /me {locale}`).
    pub default_locale: Locale,
    /// How big one e-mail may grow.
    pub limits: Limits,
}

impl Default for Settings {
    /// Off; when on, a 15-minute delay, a look every 10 s at what is 10 s old, and retries from
    /// 30 s doubling up to an hour apart for a day.
    fn default() -> Settings {
        Settings {
            smtp: None,
            delay: Duration::from_secs(15 * 60),
            settle: Duration::from_secs(10),
            poll: Duration::from_secs(10),
            backoff: Backoff {
                first_ms: 30_000,
                cap_ms: 3_600_000,
                give_up_after_ms: 24 * 3_600_000,
            },
            default_locale: Locale::En,
            limits: Limits::default(),
        }
    }
}

impl Settings {
    /// How long a node holds a person it claimed: past the longest SMTP exchange (four times
    /// the command timeout, `mail::send`) and the reads and writes around it, so another node
    /// takes over only when the first died (or stopped) while sending.
    pub fn hold(&self) -> Duration {
        let timeout = self
            .smtp
            .as_ref()
            .map_or(Duration::from_secs(30), |s| s.timeout);
        timeout * 4 + Duration::from_secs(30)
    }
}

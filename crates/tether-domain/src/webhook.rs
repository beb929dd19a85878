//! Webhooks out (issue 19, part 4): Tether tells a host system (a helpdesk) what happens in the
//! chats connected to its records, by `POST`ing a signed JSON document to an address the host
//! registered.
//!
//! Here are the rules, as plain functions and values parsed at the edge: the event types an
//! endpoint subscribes to ([`EventType`], [`EventTypes`]), its address ([`WebhookUrl`]: http or
//! https, nothing else) and its secret ([`WebhookSecret`]), the signature a delivery carries
//! ([`signature`], over [`signed_content`]), the retry schedule ([`Backoff`]), what counts as
//! delivered ([`is_success`]) and the bounds that keep an endpoint from growing without end.

use crate::invalid::{Invalid, InvalidValue};
use crate::people::has_forbidden_control;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The most endpoints an installation registers (a 409 past it).
pub const MAX_ENDPOINTS: i64 = 50;
/// The most deliveries one endpoint may have waiting. A new delivery past it is not queued: it
/// is stored as failed at once, saying why, and can be sent again by hand (redeliver) once the
/// endpoint catches up. The waiting ones keep their order.
pub const MAX_PENDING_PER_ENDPOINT: i64 = 10_000;
/// The largest delivery body. A message is at most 28 KiB of markdown, so every payload fits;
/// one that does not is stored as failed rather than sent.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;
/// How long a finished (delivered or failed) delivery stays listed.
pub const KEEP_FINISHED_MS: i64 = 7 * 24 * 3600 * 1000;
/// The most of a receiver's answer body a delivery reads (the rest is not waited for).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// The most of a receiver's answer kept with a failed attempt, in characters.
pub const MAX_ERROR_CHARS: usize = 300;

/// What happened, as a delivery's `type` names it. Every event is about a chat connected to a
/// record; a chat connected to nothing produces none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// A chat was connected to the record (also a chat started from it).
    #[serde(rename = "chat.connected")]
    ChatConnected,
    /// A chat was disconnected from the record.
    #[serde(rename = "chat.disconnected")]
    ChatDisconnected,
    /// Someone wrote in a chat connected to the record (system messages are not sent).
    #[serde(rename = "message.created")]
    MessageCreated,
    /// Someone joined a chat connected to the record (R14).
    #[serde(rename = "chat.joined")]
    ChatJoined,
    /// A chat's transcript was saved to the record's timeline (R26).
    #[serde(rename = "transcript.saved")]
    TranscriptSaved,
    /// The record's new owner was handed its connected chat (R25).
    #[serde(rename = "record.handed_over")]
    RecordHandedOver,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::ChatConnected,
        EventType::ChatDisconnected,
        EventType::MessageCreated,
        EventType::ChatJoined,
        EventType::TranscriptSaved,
        EventType::RecordHandedOver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ChatConnected => "chat.connected",
            EventType::ChatDisconnected => "chat.disconnected",
            EventType::MessageCreated => "message.created",
            EventType::ChatJoined => "chat.joined",
            EventType::TranscriptSaved => "transcript.saved",
            EventType::RecordHandedOver => "record.handed_over",
        }
    }

    /// Whether the event is about the chat as a whole, so every record it is connected to
    /// hears of it; the others are about one record (the one connected, disconnected, saved
    /// to or handed over).
    pub fn is_about_the_chat(self) -> bool {
        matches!(self, EventType::MessageCreated | EventType::ChatJoined)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn event_options() -> String {
    let names: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
    names.join(", ")
}

impl FromStr for EventType {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| {
                InvalidValue::new(
                    Invalid::Option,
                    format!("'{s}' is no webhook event; use {}", event_options()),
                )
                .with("options", event_options())
            })
    }
}

/// The events one endpoint subscribes to: at least one, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTypes(BTreeSet<EventType>);

impl EventTypes {
    /// Parses the event names a client sent; names given twice count once.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<EventTypes, InvalidValue> {
        if names.is_empty() {
            return Err(InvalidValue::new(
                Invalid::Empty,
                format!("name at least one event: {}", event_options()),
            ));
        }
        names
            .iter()
            .map(|n| n.as_ref().parse())
            .collect::<Result<BTreeSet<EventType>, _>>()
            .map(EventTypes)
    }

    pub fn contains(&self, event: EventType) -> bool {
        self.0.contains(&event)
    }

    pub fn iter(&self) -> impl Iterator<Item = EventType> + '_ {
        self.0.iter().copied()
    }

    /// The event names, in a stable order.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|e| e.as_str().to_owned()).collect()
    }
}

/// Where deliveries go: an absolute `http` or `https` address with a host, no user name or
/// password in it (they would show in every listing) and no fragment. Addresses on private
/// networks are allowed on purpose — the host system often runs beside Tether — which makes
/// registering an endpoint a way to reach them (docs/security.md, *Webhooks*): only
/// administrators and keys with the `webhooks` scope may.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<WebhookUrl, InvalidValue> {
        let rule = "must be an absolute http or https address (https://helpdesk.example.com/hooks/tether), \
             without a user name, password or #fragment";
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(Invalid::TooLong, rule).with("max", Self::MAX_CHARS));
        }
        if raw.chars().any(char::is_whitespace) || has_forbidden_control(raw) {
            return Err(InvalidValue::new(Invalid::Format, rule));
        }
        let url = url::Url::parse(raw).map_err(|_| InvalidValue::new(Invalid::Format, rule))?;
        let fine = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| !h.is_empty())
            && url.username().is_empty()
            && url.password().is_none()
            && url.fragment().is_none();
        if !fine {
            return Err(InvalidValue::new(Invalid::Format, rule));
        }
        Ok(WebhookUrl(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// The host as it is connected to: a name, or an IP address (IPv6 without brackets).
    pub fn host(&self) -> &str {
        let host = self.0.host_str().unwrap_or_default();
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
    }

    /// The port, the scheme's when none is written.
    pub fn port(&self) -> u16 {
        self.0
            .port_or_known_default()
            .unwrap_or(if self.is_https() { 443 } else { 80 })
    }

    /// `host[:port]` as the `Host` header carries it.
    pub fn authority(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        match self.0.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// The path and query, as the request line carries them.
    pub fn path_and_query(&self) -> String {
        match self.0.query() {
            Some(q) => format!("{}?{q}", self.0.path()),
            None => self.0.path().to_owned(),
        }
    }
}

/// The secret an endpoint's deliveries are signed with: 16–256 characters, no control
/// characters. Tether keeps it (it must sign with it) and never shows it again.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl WebhookSecret {
    pub const MIN_CHARS: usize = 16;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<WebhookSecret, InvalidValue> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(InvalidValue::new(
                Invalid::TooShort,
                format!(
                    "must be at least {} characters; use a random value such as `openssl rand -hex 32`",
                    Self::MIN_CHARS
                ),
            )
            .with("min", Self::MIN_CHARS));
        }
        if n > Self::MAX_CHARS {
            return Err(InvalidValue::new(
                Invalid::TooLong,
                format!("must be at most {} characters", Self::MAX_CHARS),
            )
            .with("max", Self::MAX_CHARS));
        }
        if raw.chars().any(char::is_control) || has_forbidden_control(raw) {
            return Err(InvalidValue::new(
                Invalid::Characters,
                "must not hold control characters",
            ));
        }
        Ok(WebhookSecret(raw.to_owned()))
    }

    /// The secret itself, for storing and signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What a delivery signs: `"<timestamp>.<body>"`, the timestamp in Unix seconds as sent in
/// `Tether-Timestamp`. The timestamp is inside the signature, so a receiver that refuses old
/// timestamps refuses replays of a captured delivery.
pub fn signed_content(timestamp: i64, body: &str) -> String {
    format!("{timestamp}.{body}")
}

/// The `Tether-Signature` header's value: `v1=` and the lower-case hex HMAC-SHA256 of
/// [`signed_content`] under the endpoint's secret (in the style of Stripe's and GitHub's).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!(
        "v1={}",
        hmac_sha256_hex(
            secret.as_bytes(),
            signed_content(timestamp, body).as_bytes()
        )
    )
}

/// HMAC-SHA256 of `data` under `key`, as lower-case hex.
pub fn hmac_sha256_hex(key: &[u8], data: &[u8]) -> String {
    // HMAC takes a key of any length (a long one is hashed first): this cannot fail.
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(data);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a receiver's answer means it has the delivery: any 2xx. Everything else — other
/// statuses, redirects (not followed), timeouts, refused connections — is retried.
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet answered with a 2xx; tried again at its next attempt.
    Pending,
    /// A receiver answered 2xx.
    Delivered,
    /// Given up: retried for the whole window without a 2xx, or never queued (see
    /// [`MAX_PENDING_PER_ENDPOINT`], [`MAX_PAYLOAD_BYTES`]).
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// A stored status; `None` for text this version does not know (corrupt data).
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// When a failed delivery is tried again: `first_ms` after the first failure, twice as long
/// after each further one, never more than `cap_ms` apart, and not after `give_up_after_ms`
/// from when the delivery was made — then it has failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first_ms: i64,
    pub cap_ms: i64,
    pub give_up_after_ms: i64,
}

impl Default for Backoff {
    /// 10 s, doubling, at most an hour apart, for 24 hours (about 30 attempts).
    fn default() -> Backoff {
        Backoff {
            first_ms: 10_000,
            cap_ms: 3_600_000,
            give_up_after_ms: 24 * 3_600_000,
        }
    }
}

impl Backoff {
    /// The wait after the `failures`-th failed attempt (1 for the first).
    pub fn delay_ms(&self, failures: i64) -> i64 {
        let first = self.first_ms.max(1);
        let doublings = u32::try_from(failures.saturating_sub(1).clamp(0, 62)).unwrap_or(62);
        first
            .checked_mul(1_i64 << doublings)
            .unwrap_or(i64::MAX)
            .min(self.cap_ms.max(first))
    }

    /// When to try again after the `failures`-th failed attempt at `now`, for a delivery made
    /// at `created_at`; `None` when that would be past the window: the delivery has failed.
    pub fn next_attempt(&self, failures: i64, created_at: i64, now: i64) -> Option<i64> {
        let next = now.saturating_add(self.delay_ms(failures));
        (next <= created_at.saturating_add(self.give_up_after_ms)).then_some(next)
    }
}

/// How a node's `slots` sends at once are shared out between `endpoints` endpoints that have
/// work, as evenly as they go, the odd ones starting at endpoint `round % endpoints` (so no
/// endpoint is always first). A receiver that is down — each attempt waiting out its timeout —
/// so holds at most its share of the slots, and the other endpoints' deliveries go on. With
/// more endpoints than slots, each round serves `slots` of them in turn.
pub fn fair_shares(slots: usize, endpoints: usize, round: usize) -> Vec<usize> {
    if endpoints == 0 {
        return Vec::new();
    }
    let (each, odd) = (slots / endpoints, slots % endpoints);
    let first = round % endpoints;
    (0..endpoints)
        .map(|i| each + usize::from((i + endpoints - first) % endpoints < odd))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn i19_sends_are_shared_evenly_between_endpoints_in_turn() {
        assert_eq!(fair_shares(8, 1, 0), vec![8]);
        assert_eq!(fair_shares(8, 2, 5), vec![4, 4]);
        assert_eq!(fair_shares(8, 3, 0), vec![3, 3, 2]);
        assert_eq!(fair_shares(8, 3, 1), vec![2, 3, 3]);
        assert_eq!(fair_shares(8, 3, 2), vec![3, 2, 3]);
        assert_eq!(fair_shares(2, 5, 0), vec![1, 1, 0, 0, 0]);
        assert_eq!(fair_shares(2, 5, 4), vec![1, 0, 0, 0, 1]);
        assert!(fair_shares(8, 0, 3).is_empty());
        for endpoints in 1..60 {
            for round in 0..7 {
                let shares = fair_shares(8, endpoints, round);
                assert_eq!(shares.iter().sum::<usize>(), 8);
                let (lo, hi) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
                assert!(hi - lo <= 1, "{shares:?}");
            }
        }
    }

    #[test]
    fn i19_event_names_parse_and_unknown_ones_are_refused() {
        for e in EventType::ALL {
            assert_eq!(e.as_str().parse::<EventType>().ok(), Some(e));
            assert_eq!(
                serde_json::to_value(e).ok(),
                Some(serde_json::json!(e.as_str()))
            );
        }
        let set = EventTypes::parse(&["message.created", "chat.joined", "message.created"])
            .expect("known names");
        assert_eq!(set.names(), ["message.created", "chat.joined"]);
        let e = EventTypes::parse(&["message.sent"]).expect_err("unknown");
        assert_eq!(e.code, Invalid::Option);
        assert!(e.message.contains("record.handed_over"), "{}", e.message);
        let e = EventTypes::parse::<&str>(&[]).expect_err("empty");
        assert_eq!(e.code, Invalid::Empty);
    }

    #[test]
    fn i19_webhook_urls_are_http_or_https_with_a_host() {
        for good in [
            "https://helpdesk.example.com/hooks/tether",
            "http://10.0.0.5:8080/in?x=1",
            "http://[::1]:9000/",
            "https://localhost/",
        ] {
            assert!(WebhookUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "https://",
            "helpdesk.example.com/hook",
            "https://user:pw@example.com/",
            "https://example.com/#frag",
            "https://exa mple.com/",
            "javascript:alert(1)",
            "",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        let u = WebhookUrl::parse("http://[::1]:9000/a/b?c=d").expect("valid");
        assert_eq!((u.host(), u.port()), ("::1", 9000));
        assert_eq!(u.authority(), "[::1]:9000");
        assert_eq!(u.path_and_query(), "/a/b?c=d");
        let u = WebhookUrl::parse("https://h.example").expect("valid");
        assert_eq!((u.host(), u.port(), u.is_https()), ("h.example", 443, true));
        assert_eq!(u.path_and_query(), "/");
        let long = format!("https://e.com/{}", "a".repeat(2000));
        assert_eq!(
            WebhookUrl::parse(&long).expect_err("too long").code,
            Invalid::TooLong
        );
    }

    #[test]
    fn i19_secrets_are_16_to_256_characters_and_never_printed() {
        let short = WebhookSecret::parse("fifteen-chars!!").expect_err("15");
        assert_eq!(short.code, Invalid::TooShort);
        assert_eq!(short.params["min"], 16);
        let s = WebhookSecret::parse("sixteen-chars!!!").expect("16");
        assert_eq!(s.expose(), "sixteen-chars!!!");
        assert!(!format!("{s:?}").contains("sixteen"));
        assert!(WebhookSecret::parse(&"x".repeat(257)).is_err());
        assert!(WebhookSecret::parse("sixteen-chars!!\u{7}").is_err());
    }

    #[test]
    fn i19_the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(signed_content(1_700_000_000, "{}"), "1700000000.{}");
        assert_eq!(
            signature("Jefe", 1, "x"),
            format!("v1={}", hmac_sha256_hex(b"Jefe", b"1.x"))
        );
    }

    #[test]
    fn i19_only_2xx_delivers() {
        assert!(is_success(200) && is_success(204) && is_success(299));
        assert!(!is_success(199) && !is_success(301) && !is_success(500));
    }

    #[test]
    fn i19_the_default_backoff_doubles_from_10_s_to_an_hour_for_a_day() {
        let b = Backoff::default();
        assert_eq!(b.delay_ms(1), 10_000);
        assert_eq!(b.delay_ms(2), 20_000);
        assert_eq!(b.delay_ms(3), 40_000);
        assert_eq!(b.delay_ms(10), 3_600_000);
        assert_eq!(b.delay_ms(i64::MAX), 3_600_000);
        assert_eq!(b.next_attempt(1, 0, 0), Some(10_000));
        assert_eq!(b.next_attempt(30, 0, 23 * 3_600_000), Some(24 * 3_600_000));
        assert_eq!(b.next_attempt(30, 0, 23 * 3_600_000 + 1), None);
        // Attempts over a day at most: about thirty.
        let (mut now, mut failures) = (0, 0);
        while let Some(next) = b.next_attempt(failures + 1, 0, now) {
            failures += 1;
            now = next;
        }
        assert!((25..=35).contains(&failures), "{failures}");
    }

    proptest! {
        #[test]
        fn i19_backoff_grows_stays_capped_and_ends_within_the_window(
            first in 1i64..100_000, cap in 1i64..10_000_000, window in 0i64..100_000_000,
            failures in 1i64..100, created in 0i64..1_000_000, late in 0i64..100_000_000,
        ) {
            let b = Backoff { first_ms: first, cap_ms: cap, give_up_after_ms: window };
            let d = b.delay_ms(failures);
            prop_assert!(d >= 1 && d <= cap.max(first));
            prop_assert!(b.delay_ms(failures + 1) >= d);
            let now = created + late;
            match b.next_attempt(failures, created, now) {
                Some(next) => prop_assert!(next > now && next <= created + window),
                None => prop_assert!(now + d > created + window),
            }
        }
    }
}

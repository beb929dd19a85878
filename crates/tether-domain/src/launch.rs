//! Signed launch and the embedded panel (issue 19, parts 2 and 3): the rules a launch token and
//! an integration's settings are held to, without the cryptography (the server verifies the
//! signature with the algorithm the integration fixes). A token lives at most
//! [`MAX_LIFETIME_SECS`] ahead; an origin that may frame the panel is `scheme://host[:port]`;
//! an agent is found by the host's id for them, then by e-mail address, and created only when
//! the integration provisions people.

use std::fmt;

/// How far ahead a launch token's `exp` may be: a token is made for one click, not kept.
pub const MAX_LIFETIME_SECS: i64 = 300;

/// The clock difference tolerated between the host and Tether.
pub const LEEWAY_SECS: i64 = 30;

/// The shortest HS256 secret accepted: 256 bits, as RFC 7518 asks of an HMAC-SHA256 key.
pub const MIN_SECRET_BYTES: usize = 32;

/// What an embed session (one a launch started) may do as `subject`: everything the person's
/// roles grant except administration. A launch never signs an administrator in
/// ([`LaunchRefusal::Administrator`]); a person given `admin` after their launch keeps a
/// sidebar session that still cannot administer, nor read beyond their other roles. They
/// administer from a sign-in of their own.
pub fn embed_subject(mut subject: crate::access::Subject) -> crate::access::Subject {
    subject.privileges.admin = false;
    subject
}

/// Why a launch is refused. Each reason is shown on the 401 page (in the user's language, by
/// its [`LaunchRefusal::code`]) and none signs anyone in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaunchRefusal {
    /// Not a JWT, or a claim missing or of the wrong shape.
    Malformed,
    /// `iss` names no integration.
    UnknownIssuer,
    /// The signature does not verify with the integration's key and algorithm.
    BadSignature,
    Expired,
    /// `exp` is further ahead than [`MAX_LIFETIME_SECS`].
    TooLongLived,
    WrongAudience,
    /// The token's `jti` was used before.
    Replayed,
    /// No user matches and the integration does not create people.
    UnknownAgent,
    /// The matching user is deactivated.
    Deactivated,
    /// The matching user holds `admin`: a launch never signs in an administrator.
    Administrator,
    /// The record in the token could not be written (unknown type, invalid fields).
    RecordRefused,
}

impl LaunchRefusal {
    /// The stable code (the catalogs' `launch-<code>` words).
    pub fn code(self) -> &'static str {
        match self {
            LaunchRefusal::Malformed => "malformed",
            LaunchRefusal::UnknownIssuer => "unknown_issuer",
            LaunchRefusal::BadSignature => "bad_signature",
            LaunchRefusal::Expired => "expired",
            LaunchRefusal::TooLongLived => "too_long_lived",
            LaunchRefusal::WrongAudience => "wrong_audience",
            LaunchRefusal::Replayed => "replayed",
            LaunchRefusal::UnknownAgent => "unknown_agent",
            LaunchRefusal::Deactivated => "deactivated",
            LaunchRefusal::Administrator => "administrator",
            LaunchRefusal::RecordRefused => "record_refused",
        }
    }

    /// Every reason, for the catalog test.
    pub const ALL: [LaunchRefusal; 11] = [
        LaunchRefusal::Malformed,
        LaunchRefusal::UnknownIssuer,
        LaunchRefusal::BadSignature,
        LaunchRefusal::Expired,
        LaunchRefusal::TooLongLived,
        LaunchRefusal::WrongAudience,
        LaunchRefusal::Replayed,
        LaunchRefusal::UnknownAgent,
        LaunchRefusal::Deactivated,
        LaunchRefusal::Administrator,
        LaunchRefusal::RecordRefused,
    ];
}

impl fmt::Display for LaunchRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LaunchRefusal::Malformed => "the launch token is malformed or misses a claim",
            LaunchRefusal::UnknownIssuer => "the launch token's issuer is no integration here",
            LaunchRefusal::BadSignature => "the launch token's signature is not valid",
            LaunchRefusal::Expired => "the launch token has expired",
            LaunchRefusal::TooLongLived => {
                "the launch token lives too long (at most 5 minutes ahead)"
            }
            LaunchRefusal::WrongAudience => "the launch token is meant for another audience",
            LaunchRefusal::Replayed => "the launch token was used before",
            LaunchRefusal::UnknownAgent => "no user matches the launch token's agent",
            LaunchRefusal::Deactivated => "the user is deactivated",
            LaunchRefusal::Administrator => "an administrator cannot sign in through a launch",
            LaunchRefusal::RecordRefused => "the launch token's record could not be opened",
        })
    }
}

/// Checks a token's `exp` (seconds since the epoch) against `now`: not past (with
/// [`LEEWAY_SECS`]), and not more than [`MAX_LIFETIME_SECS`] ahead (with the same leeway).
pub fn check_expiry(now: i64, exp: i64) -> Result<(), LaunchRefusal> {
    if exp.saturating_add(LEEWAY_SECS) < now {
        Err(LaunchRefusal::Expired)
    } else if exp > now.saturating_add(MAX_LIFETIME_SECS + LEEWAY_SECS) {
        Err(LaunchRefusal::TooLongLived)
    } else {
        Ok(())
    }
}

/// An origin that may frame the embedded panel: `scheme://host[:port]`, lower case, no path,
/// no user, no query. Written as the browser sends `event.origin` and as CSP's
/// `frame-ancestors` takes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(String);

/// Why an origin is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadOrigin(&'static str);

impl Origin {
    /// Parses `scheme://host[:port]` (`http` or `https`; a DNS name, an IPv4 address or a
    /// bracketed IPv6 address; a port 1–65535). A trailing `/` is refused: an origin has no
    /// path.
    pub fn parse(s: &str) -> Result<Origin, BadOrigin> {
        let lower = s.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or(BadOrigin("an origin starts with https:// or http://"))?;
        if rest.is_empty() {
            return Err(BadOrigin("an origin names a host"));
        }
        if rest.contains(['/', '?', '#', '@', '*']) || rest.chars().any(char::is_whitespace) {
            return Err(BadOrigin(
                "an origin is scheme://host[:port], with no path, user, query or wildcard",
            ));
        }
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => {
                let (addr, after) = v6
                    .split_once(']')
                    .ok_or(BadOrigin("an IPv6 address is closed by ]"))?;
                if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                    return Err(BadOrigin("not an IPv6 address"));
                }
                let port = match after {
                    "" => None,
                    p => Some(p.strip_prefix(':').ok_or(BadOrigin("a port follows a :"))?),
                };
                (None, port)
            }
            None => match rest.rsplit_once(':') {
                Some((h, p)) => (Some(h), Some(p)),
                None => (Some(rest), None),
            },
        };
        if let Some(host) = host {
            let labels_ok = host.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
            if host.is_empty() || host.len() > 253 || !labels_ok {
                return Err(BadOrigin("not a host name"));
            }
        }
        if let Some(p) = port {
            let ok = !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n > 0);
            if !ok {
                return Err(BadOrigin("a port is a number from 1 to 65535"));
            }
        }
        Ok(Origin(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user a launch could sign in, as found by the host's id or by e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<Id> {
    pub id: Id,
    pub active: bool,
    pub admin: bool,
}

/// Whom a launch signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Agent<Id> {
    /// This user (their host id and details are then brought up to date).
    Known(Id),
    /// A new user, with the integration's default role.
    Create,
}

/// Whom a launch signs in: the user the host's id names, else the user with the token's
/// e-mail address, else a new user when the integration `provisions` people. A deactivated
/// user or an administrator is refused, never passed over for another match.
pub fn match_agent<Id>(
    by_external_id: Option<Candidate<Id>>,
    by_email: Option<Candidate<Id>>,
    provisions: bool,
) -> Result<Agent<Id>, LaunchRefusal> {
    match by_external_id.or(by_email) {
        Some(c) if !c.active => Err(LaunchRefusal::Deactivated),
        Some(c) if c.admin => Err(LaunchRefusal::Administrator),
        Some(c) => Ok(Agent::Known(c.id)),
        None if provisions => Ok(Agent::Create),
        None => Err(LaunchRefusal::UnknownAgent),
    }
}

/// Checks an HS256 secret's length (at least [`MIN_SECRET_BYTES`]).
pub fn check_secret(secret: &str) -> Result<(), &'static str> {
    if secret.len() < MIN_SECRET_BYTES {
        Err(
            "a shared secret has at least 32 bytes (256 bits); make one with `openssl rand -base64 48`",
        )
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn i19_an_embed_session_never_administers_and_keeps_the_rest() {
        use crate::privilege::{Privilege, PrivilegeSet};
        let ps: Vec<Privilege> = ["admin", "collab.use", "case.read:own", "case.write:team"]
            .iter()
            .map(|p| p.parse().unwrap())
            .collect();
        let person = crate::access::Subject {
            user_id: crate::UserId::new("u1"),
            active: true,
            privileges: PrivilegeSet::from_privileges(&ps),
            team_ids: Default::default(),
            teammate_ids: [crate::UserId::new("u1")].into(),
        };
        let mut expected = person.privileges.to_strings();
        expected.retain(|p| p != "admin");
        let embedded = embed_subject(person);
        assert!(!embedded.privileges.admin);
        assert_eq!(embedded.privileges.to_strings(), expected);
        assert!(embedded.active);
    }

    #[test]
    fn i19_origins_are_scheme_host_and_port_only() {
        for ok in [
            "https://acme.zendesk.com",
            "http://localhost:8081",
            "https://[::1]:9000",
            "HTTPS://Example.COM",
            "http://127.0.0.1",
        ] {
            assert!(Origin::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Origin::parse("HTTPS://Example.COM").map(|o| o.to_string()),
            Ok("https://example.com".into())
        );
        for bad in [
            "acme.zendesk.com",
            "https://",
            "https://acme.com/",
            "https://acme.com/app",
            "https://acme.com?x",
            "https://user@acme.com",
            "https://*.acme.com",
            "ftp://acme.com",
            "https://acme.com:0",
            "https://acme.com:70000",
            "https://acme.com:",
            "https://ac me.com",
            "javascript://x",
            "https://-acme.com",
            "'none'",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn i19_a_token_lives_at_most_five_minutes_ahead() {
        let now = 1_000_000;
        assert_eq!(check_expiry(now, now + 60), Ok(()));
        assert_eq!(check_expiry(now, now + 300), Ok(()));
        assert_eq!(check_expiry(now, now - 10), Ok(()), "leeway");
        assert_eq!(check_expiry(now, now - 31), Err(LaunchRefusal::Expired));
        assert_eq!(
            check_expiry(now, now + 3600),
            Err(LaunchRefusal::TooLongLived)
        );
        assert_eq!(
            check_expiry(now, i64::MAX),
            Err(LaunchRefusal::TooLongLived)
        );
        assert_eq!(check_expiry(now, i64::MIN), Err(LaunchRefusal::Expired));
    }

    #[test]
    fn i19_an_agent_is_matched_by_external_id_then_e_mail() {
        let c = |id: u8, active, admin| Some(Candidate { id, active, admin });
        assert_eq!(
            match_agent(c(1, true, false), c(2, true, false), false),
            Ok(Agent::Known(1))
        );
        assert_eq!(
            match_agent(None, c(2, true, false), false),
            Ok(Agent::Known(2))
        );
        assert_eq!(match_agent::<u8>(None, None, true), Ok(Agent::Create));
        assert_eq!(
            match_agent::<u8>(None, None, false),
            Err(LaunchRefusal::UnknownAgent)
        );
        assert_eq!(
            match_agent(c(1, false, false), c(2, true, false), true),
            Err(LaunchRefusal::Deactivated),
            "a deactivated match is refused, not passed over"
        );
        assert_eq!(
            match_agent(None, c(2, true, true), true),
            Err(LaunchRefusal::Administrator)
        );
    }

    #[test]
    fn i19_secrets_have_256_bits() {
        assert!(check_secret(&"x".repeat(31)).is_err());
        assert!(check_secret(&"x".repeat(32)).is_ok());
    }

    proptest! {
        #[test]
        fn i19_an_accepted_expiry_is_within_the_window(now in 0i64..4_000_000_000, d in -10_000i64..10_000) {
            let ok = check_expiry(now, now + d).is_ok();
            prop_assert_eq!(ok, (-LEEWAY_SECS..=MAX_LIFETIME_SECS + LEEWAY_SECS).contains(&d));
        }

        #[test]
        fn i19_a_parsed_origin_parses_to_itself(s in "https?://[a-z0-9]{1,10}(\\.[a-z]{2,5})?(:[1-9][0-9]{0,3})?") {
            let o = Origin::parse(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(Origin::parse(o.as_str()), Ok(o.clone()));
            prop_assert!(!o.as_str().ends_with('/'));
        }
    }
}

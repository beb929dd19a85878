//! Integrations (issue 19): a host system — a helpdesk that keeps its own tickets and agents —
//! keeps records and people in step with Tether through the API, authenticated by an API key.
//!
//! Here are the rules that decide what such a key may do ([`Scope`], [`key_allows`]) and the
//! names a host's records and people carry in Tether: the host's system name ([`Source`]), its
//! id for the thing ([`ExternalId`]) and the link back to the host's page ([`ExternalUrl`]).
//! Every value is parsed at the edge, so the use cases and the store only ever hold valid ones.

use crate::UserId;
use crate::access::Subject;
use crate::invalid::{Invalid, InvalidValue};
use crate::people::{has_forbidden_control, invisible_in_name};
use crate::privilege::{Access, Depth, Privilege, PrivilegeSet, TypeScope};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// How every API key begins: a bearer token that starts so is a key, any other a session, so
/// the server knows which table to read without trying both.
pub const KEY_PREFIX: &str = "tk_";

/// Whether a bearer token is an API key (by its prefix; whether it is a valid one is the
/// store's to say).
pub fn is_api_key(token: &str) -> bool {
    token.starts_with(KEY_PREFIX)
}

/// The most items one bulk upsert takes.
pub const MAX_BULK_ITEMS: usize = 1000;

/// What an API key may do. A key may do nothing else: no endpoint a person's session uses
/// answers a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Upsert and read records by external id.
    #[serde(rename = "records:write")]
    RecordsWrite,
    /// Upsert people by external id.
    #[serde(rename = "users:write")]
    UsersWrite,
    /// Register webhooks (issue 19, part 4).
    #[serde(rename = "webhooks")]
    Webhooks,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::RecordsWrite, Scope::UsersWrite, Scope::Webhooks];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::RecordsWrite => "records:write",
            Scope::UsersWrite => "users:write",
            Scope::Webhooks => "webhooks",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| {
                let options: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
                InvalidValue::new(
                    Invalid::Option,
                    format!("'{s}' is no scope; use {}", options.join(", ")),
                )
                .with("options", options.join(", "))
            })
    }
}

/// The scopes of one key: at least one, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    /// Parses the scope names a client sent; names given twice count once.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Scopes, InvalidValue> {
        if names.is_empty() {
            return Err(InvalidValue::new(
                Invalid::Empty,
                "name at least one scope: records:write, users:write or webhooks",
            ));
        }
        names
            .iter()
            .map(|n| n.as_ref().parse())
            .collect::<Result<BTreeSet<Scope>, _>>()
            .map(Scopes)
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// The scope names, in a stable order.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }
}

/// Why a key was refused: the scope it lacks. The text is the 403's detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "this API key does not have the scope '{0}'; an administrator can create a key that has it"
)]
pub struct MissingScope(pub Scope);

/// May a key with `scopes` do what needs `needed`?
pub fn key_allows(scopes: &Scopes, needed: Scope) -> Result<(), MissingScope> {
    if scopes.contains(needed) {
        Ok(())
    } else {
        Err(MissingScope(needed))
    }
}

/// What a host system's records and people are written with: every record of every type, at
/// every owner (`*.write:all`), and nothing else — no `admin`, no chats. `user_id` is the
/// administrator whose session syncs, or for a key an id no user has (`api-key:<id>`), so that
/// no `own` or `team` depth and no share could ever match it: only `*.write:all` grants.
pub fn sync_subject(user_id: UserId) -> Subject {
    let everything = Privilege::Record {
        scope: TypeScope::Any,
        access: Access::Write,
        depth: Depth::All,
    };
    Subject {
        user_id,
        active: true,
        privileges: PrivilegeSet::from_privileges([&everything]),
        team_ids: BTreeSet::new(),
        teammate_ids: BTreeSet::new(),
    }
}

/// The name of the host system a record or person comes from (`zendesk`, `zammad`): 1–40
/// characters of a–z, 0–9, `_` and `-`, so it reads the same in a URL path and a CSV file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Source(String);

impl Source {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(raw: &str) -> Result<Source, InvalidValue> {
        let rule = "must be 1–40 characters of a–z, 0–9, _ and - (for example zendesk)";
        if raw.is_empty() {
            return Err(InvalidValue::new(Invalid::Empty, rule));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(Invalid::TooLong, rule).with("max", Self::MAX_CHARS));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err(InvalidValue::new(
                Invalid::Format,
                format!("'{raw}' {rule}"),
            ));
        }
        Ok(Source(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The host system's id of a record or person: 1–200 visible characters, compared exactly
/// (case and all). No control, text-direction or invisible characters, no space at either end
/// (two ids that look the same are the same id).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ExternalId(String);

impl ExternalId {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<ExternalId, InvalidValue> {
        let rule = "must be 1–200 visible characters";
        if raw.trim().is_empty() {
            return Err(InvalidValue::new(Invalid::Empty, rule));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(Invalid::TooLong, rule).with("max", Self::MAX_CHARS));
        }
        if has_forbidden_control(raw)
            || raw.chars().any(char::is_control)
            || invisible_in_name(raw).is_some()
        {
            return Err(InvalidValue::new(
                Invalid::Characters,
                format!("{rule}: no control, invisible or text-direction characters"),
            ));
        }
        if raw.trim() != raw {
            return Err(InvalidValue::new(
                Invalid::Format,
                format!("{rule}, without spaces at the start or end"),
            ));
        }
        Ok(ExternalId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The address of the record's page in the host system (a link back to the ticket): `http` or
/// `https`, a host, at most 2,000 characters, no spaces or control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ExternalUrl(String);

impl ExternalUrl {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<ExternalUrl, InvalidValue> {
        let rule = "must be an http or https address of at most 2,000 characters";
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(Invalid::TooLong, rule).with("max", Self::MAX_CHARS));
        }
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"));
        let host = rest
            .map(|r| r.split(['/', '?', '#']).next().unwrap_or_default())
            .unwrap_or_default();
        if host.is_empty()
            || raw.chars().any(|c| c.is_whitespace() || c.is_control())
            || has_forbidden_control(raw)
        {
            return Err(InvalidValue::new(Invalid::Format, rule));
        }
        Ok(ExternalUrl(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A bulk request's size: at most [`MAX_BULK_ITEMS`] items.
pub fn check_bulk_size(items: usize) -> Result<(), InvalidValue> {
    if items > MAX_BULK_ITEMS {
        return Err(InvalidValue::new(
            Invalid::TooMany,
            format!(
                "holds {items} items; one request takes at most {MAX_BULK_ITEMS}, so send them in several"
            ),
        )
        .with("max", MAX_BULK_ITEMS));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Decision, decide, may_set_owner};
    use crate::{Owner, RecordFacts, TeamId};
    use proptest::prelude::*;

    #[test]
    fn keys_are_told_from_sessions_by_their_prefix() {
        assert!(is_api_key("tk_abc"));
        assert!(!is_api_key("abc"));
        assert!(!is_api_key("TK_abc"));
    }

    #[test]
    fn scopes_parse_each_once_and_name_what_is_wrong() {
        let s = Scopes::parse(&["users:write", "records:write", "users:write"]).unwrap();
        assert_eq!(s.names(), ["records:write", "users:write"]);
        let e = Scopes::parse(&["records:read"]).unwrap_err();
        assert_eq!(e.code, Invalid::Option);
        assert!(e.message.contains("records:read"), "{}", e.message);
        assert_eq!(Scopes::parse::<&str>(&[]).unwrap_err().code, Invalid::Empty);
    }

    #[test]
    fn a_key_may_only_what_its_scopes_name() {
        let s = Scopes::parse(&["records:write"]).unwrap();
        assert_eq!(key_allows(&s, Scope::RecordsWrite), Ok(()));
        let e = key_allows(&s, Scope::UsersWrite).unwrap_err();
        assert_eq!(e, MissingScope(Scope::UsersWrite));
        assert!(e.to_string().contains("'users:write'"), "{e}");
    }

    #[test]
    fn sources_are_lowercase_names() {
        for ok in ["zendesk", "zammad-eu", "a", "x_1", &"a".repeat(40)] {
            assert!(Source::parse(ok).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("", Invalid::Empty),
            ("Zendesk", Invalid::Format),
            ("zen desk", Invalid::Format),
            ("zen/desk", Invalid::Format),
            ("zendésk", Invalid::Format),
            (&"a".repeat(41), Invalid::TooLong),
        ] {
            assert_eq!(Source::parse(bad).unwrap_err().code, code, "{bad}");
        }
    }

    #[test]
    fn external_ids_are_visible_text() {
        for ok in ["4711", "T-4711/a b", "ärende 12", &"x".repeat(200)] {
            assert!(ExternalId::parse(ok).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("", Invalid::Empty),
            ("   ", Invalid::Empty),
            (" 12", Invalid::Format),
            ("12\n", Invalid::Characters),
            ("1\u{202E}2", Invalid::Characters),
            ("1\u{200B}2", Invalid::Characters),
            (&"x".repeat(201), Invalid::TooLong),
        ] {
            assert_eq!(ExternalId::parse(bad).unwrap_err().code, code, "{bad:?}");
        }
    }

    #[test]
    fn external_urls_are_web_addresses() {
        for ok in [
            "https://acme.zendesk.com/agent/tickets/4711",
            "http://helpdesk.local:8080/t?id=1#x",
        ] {
            assert!(ExternalUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "ftp://host/x",
            "https://host/a b",
            "https://host/\u{202E}",
            "//host/x",
        ] {
            assert!(ExternalUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ExternalUrl::parse(&format!("https://h/{}", "x".repeat(2000)))
                .unwrap_err()
                .code,
            Invalid::TooLong
        );
    }

    #[test]
    fn a_bulk_request_holds_at_most_a_thousand_items() {
        assert!(check_bulk_size(0).is_ok());
        assert!(check_bulk_size(MAX_BULK_ITEMS).is_ok());
        let e = check_bulk_size(MAX_BULK_ITEMS + 1).unwrap_err();
        assert_eq!(e.code, Invalid::TooMany);
        assert_eq!(e.params["max"], 1000);
    }

    proptest! {
        /// The sync subject writes (and so reads) every record of every type at every owner,
        /// and may give it to any owner; it holds no other privilege.
        #[test]
        fn the_sync_subject_writes_every_record_and_nothing_else(
            ty in "[a-z][a-z_]{1,10}",
            owner_is_team in any::<bool>(),
            id in "[a-f0-9]{8}",
        ) {
            let subject = sync_subject(UserId::new("api-key:k"));
            let owner = if owner_is_team {
                Owner::Team { team_id: TeamId::new(id) }
            } else {
                Owner::User { user_id: UserId::new(id) }
            };
            let facts = RecordFacts { record_type: &ty, owner: &owner, shared: None };
            prop_assert!(decide(&subject, Access::Write, facts).is_allowed());
            prop_assert!(decide(&subject, Access::Read, facts).is_allowed());
            prop_assert!(matches!(may_set_owner(&subject, &ty, Some(&owner), &owner), Decision::Allowed(_)));
            prop_assert!(!subject.privileges.admin);
            prop_assert!(!subject.privileges.collab_use);
            prop_assert!(!subject.privileges.collab_disconnect);
        }
    }
}

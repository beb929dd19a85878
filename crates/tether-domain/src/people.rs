//! People-facing values parsed at the edge: e-mail addresses, display names, passwords and
//! short names of teams and roles. A value of these types is valid by construction.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

/// Control characters other than tab and newline are never part of text we store: they break
/// terminals and logs, and PostgreSQL refuses NUL outright.
pub fn has_forbidden_control(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t' && c != '\r') || is_bidi_override(c))
}

/// Bidirectional overrides and isolates reorder how text is displayed ("unicode tricks"):
/// a name that renders as `exe.txt` but is `txt.exe`. We refuse them in names.
fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A normalized e-mail address: trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_lowercase();
        let bad = || InvalidValue(format!("'{}' is not an e-mail address", raw.trim()));
        if s.len() < 3
            || s.len() > 254
            || has_forbidden_control(&s)
            || s.contains(char::is_whitespace)
        {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Email(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short human name (a person, team, role or channel): trimmed, 1–100 characters, no
/// control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(what: &str, raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(InvalidValue(format!("{what} must not be empty")));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue(format!(
                "{what} is longer than {} characters",
                Self::MAX_CHARS
            )));
        }
        if has_forbidden_control(s) || s.contains('\n') {
            return Err(InvalidValue(format!(
                "{what} contains control or text-direction characters"
            )));
        }
        Ok(Name(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy: 10 to 1024 characters and not only whitespace.
/// Deliberately no composition rules (NIST SP 800-63B): length is what counts.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(InvalidValue(format!(
                "password must have at least {} characters",
                Self::MIN_CHARS
            )));
        }
        if n > Self::MAX_CHARS {
            return Err(InvalidValue(format!(
                "password must have at most {} characters",
                Self::MAX_CHARS
            )));
        }
        if raw.trim().is_empty() {
            return Err(InvalidValue("password must not be only spaces".into()));
        }
        Ok(Password(raw.to_owned()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse("  Olga.Berg@Example.COM ").unwrap().as_str(),
            "olga.berg@example.com"
        );
        for bad in [
            "",
            "a",
            "no-at.example",
            "a@b",
            "a@@b.se",
            "a b@c.se",
            "@x.se",
            "x@.se",
            "x@se.",
            "a\u{0}@b.se",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_refuse_control_and_bidi_characters() {
        assert!(Name::parse("name", "Support EMEA").is_ok());
        assert!(Name::parse("name", "   ").is_err());
        assert!(Name::parse("name", "evil\u{202E}gnp.exe").is_err());
        assert!(Name::parse("name", "a\u{7}b").is_err());
        assert!(Name::parse("name", &"x".repeat(101)).is_err());
    }

    #[test]
    fn password_policy_is_length() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("          ").is_err());
        assert!(Password::parse("correct horse").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("correct horse").unwrap()),
            "Password(<redacted>)"
        );
    }
}

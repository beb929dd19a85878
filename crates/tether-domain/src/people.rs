//! People-facing values parsed at the edge: e-mail addresses, display names, passwords and
//! short names of teams and roles. A value of these types is valid by construction.

use crate::invalid::Invalid;
pub use crate::invalid::InvalidValue;
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// Characters that show nothing: Unicode's default-ignorable code points (zero-width spaces and
/// joiners, direction marks, word joiners, variation selectors, tags, fillers, byte-order
/// mark; `DerivedCoreProperties.txt`, Unicode 16) and U+2800 BRAILLE PATTERN BLANK, which
/// shows as a blank. In a name they make two different names look the same, or a name look
/// empty.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// The first invisible or text-direction character of a name, if any (see [`is_invisible`]).
///
/// Two uses of invisible characters are writing, not tricks, and stay allowed: inside an emoji
/// (a ZWJ sequence such as 👩‍💻, a variation selector as in ❤️, the tags of a subdivision
/// flag), and a zero-width (non-)joiner between two letters of the Arabic and Indic scripts,
/// which need them to spell some words and names.
pub fn invisible_in_name(s: &str) -> Option<char> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !is_invisible(c) {
            i = emoji_end(&chars, i).unwrap_or(i + 1);
            continue;
        }
        let joins = matches!(c, ZWNJ | ZWJ)
            && i > 0
            && chars.get(i - 1).is_some_and(|&p| uses_joiners(p))
            && chars.get(i + 1).is_some_and(|&n| uses_joiners(n));
        if !joins {
            return Some(c);
        }
        i += 1;
    }
    None
}

/// Where the emoji starting at `chars[start]` ends, when it holds invisible characters (joiners,
/// variation selectors, tags) and is an emoji as Unicode lists them.
fn emoji_end(chars: &[char], start: usize) -> Option<usize> {
    let mut end = start + 1;
    while let Some(&c) = chars.get(end) {
        match c {
            '\u{FE0E}'
            | '\u{FE0F}'
            | '\u{20E3}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0020}'..='\u{E007F}' => end += 1,
            ZWJ if end + 1 < chars.len() => end += 2,
            _ => break,
        }
    }
    if end == start + 1 {
        return None;
    }
    let cluster: String = chars.get(start..end)?.iter().collect();
    let known = |s: &str| emojis::get(s).is_some();
    (cluster.chars().any(is_invisible)
        && (known(&cluster) || known(&cluster.replace('\u{FE0F}', ""))))
    .then_some(end)
}

/// Letters of the scripts that spell with zero-width joiners: Arabic, Syriac, Thaana and the
/// Indic scripts (U+0600–U+0DFF).
fn uses_joiners(c: char) -> bool {
    ('\u{0600}'..='\u{0DFF}').contains(&c) && !is_invisible(c) && !c.is_whitespace()
}

/// A normalized e-mail address: trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_lowercase();
        let bad = || {
            InvalidValue::new(
                Invalid::Email,
                format!("'{}' is not an e-mail address", raw.trim()),
            )
        };
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
/// control, text-direction or invisible characters (see [`invisible_in_name`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(what: &str, raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(InvalidValue::new(
                Invalid::Empty,
                format!("{what} must not be empty"),
            ));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(
                Invalid::TooLong,
                format!("{what} is longer than {} characters", Self::MAX_CHARS),
            )
            .with("max", Self::MAX_CHARS));
        }
        if has_forbidden_control(s) || s.contains('\n') {
            return Err(InvalidValue::new(
                Invalid::Characters,
                format!("{what} contains control or text-direction characters"),
            ));
        }
        if let Some(c) = invisible_in_name(s) {
            return Err(InvalidValue::new(
                Invalid::Characters,
                format!(
                    "{what} contains an invisible or text-direction character (U+{:04X}); use visible characters only",
                    u32::from(c)
                ),
            ));
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

/// A password that meets the policy: at least 10 visible characters, at most 1024 in all, and
/// not only whitespace. Invisible characters ([`is_invisible`]) and control characters do not
/// count toward the minimum: ten zero-width spaces are no password. Deliberately no composition
/// rules (NIST SP 800-63B): length is what counts.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::check(raw).map_err(|p| {
            let e = InvalidValue::new(p.code(), p.to_string());
            match p {
                PasswordProblem::TooShort => e.with("min", Self::MIN_CHARS),
                PasswordProblem::TooLong => e.with("max", Self::MAX_CHARS),
                PasswordProblem::OnlySpaces => e,
            }
        })
    }

    /// Like [`Password::parse`], with the reason as a value (its [`PasswordProblem::code`]
    /// lets a UI say it in its own language).
    pub fn check(raw: &str) -> Result<Self, PasswordProblem> {
        let n = raw.chars().count();
        let visible = raw
            .chars()
            .filter(|&c| !is_invisible(c) && !c.is_control())
            .count();
        if visible < Self::MIN_CHARS {
            return Err(PasswordProblem::TooShort);
        }
        if n > Self::MAX_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        if raw.trim().is_empty() {
            return Err(PasswordProblem::OnlySpaces);
        }
        Ok(Password(raw.to_owned()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Why a password is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    OnlySpaces,
}

impl PasswordProblem {
    /// The stable code of a field error (`errors[].code` of a 422).
    pub fn code(self) -> Invalid {
        match self {
            PasswordProblem::TooShort => Invalid::PasswordTooShort,
            PasswordProblem::TooLong => Invalid::PasswordTooLong,
            PasswordProblem::OnlySpaces => Invalid::PasswordOnlySpaces,
        }
    }
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordProblem::TooShort => write!(
                f,
                "password must have at least {} characters (invisible and control characters do not count)",
                Password::MIN_CHARS
            ),
            PasswordProblem::TooLong => write!(
                f,
                "password must have at most {} characters",
                Password::MAX_CHARS
            ),
            PasswordProblem::OnlySpaces => f.write_str("password must not be only spaces"),
        }
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
    fn names_refuse_invisible_characters() {
        for bad in [
            "Dana\u{200B}Ek",
            "\u{200B}",
            "Dana\u{200C}Ek",
            "Dana\u{200D}Ek",
            "Da\u{00AD}na",
            "Dana\u{2060}",
            "\u{FEFF}Dana",
            "Dana\u{200E}",
            "Dana\u{200F}",
            "\u{061C}Dana",
            "\u{2800}",
            "\u{3164}",
            "Dana\u{FE0F}",
            "Dana\u{E0041}",
            "a\u{200D}\u{1F4BB}",
            "\u{1F469}\u{200D}x",
            "\u{200C}\u{0645}",
        ] {
            let err = Name::parse("name", bad).expect_err(bad);
            assert!(err.message.contains("invisible"), "{bad:?}: {err}");
            assert_eq!(err.code, Invalid::Characters);
        }
        assert!(
            Name::parse("name", "Dana\u{200B}")
                .unwrap_err()
                .message
                .contains("(U+200B)")
        );
    }

    #[test]
    fn names_keep_emoji_and_joiners_that_spell_words() {
        for good in [
            "Dana \u{1F469}\u{200D}\u{1F4BB}",
            "Support \u{2764}\u{FE0F}",
            "\u{1F44D}\u{1F3FD} team",
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} fans",
            "\u{0031}\u{FE0F}\u{20E3} line",
            "\u{1F1F8}\u{1F1EA} Sverige",
            // Persian and Hindi spell these with a zero-width non-joiner and joiner.
            "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}",
            "\u{0915}\u{094D}\u{200D}\u{0937}",
            "Åsa Öberg-Ničić",
        ] {
            assert!(Name::parse("name", good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn passwords_count_only_visible_characters() {
        assert!(Password::parse(&"\u{200B}".repeat(10)).is_err());
        assert!(Password::parse(&"\u{200B}".repeat(100)).is_err());
        assert!(Password::parse(&format!("abc{}", "\u{FEFF}".repeat(7))).is_err());
        assert!(Password::parse(&format!("abcdefghi{}", "\u{200D}")).is_err());
        assert!(
            Password::parse(&"\u{200B}".repeat(10))
                .err()
                .unwrap()
                .message
                .contains("invisible")
        );
        assert!(Password::parse(&format!("abcdefghij{}", "\u{200B}")).is_ok());
        assert!(Password::parse("lösenord✓ñ").is_ok());
    }

    #[test]
    fn password_policy_is_length() {
        assert!(Password::parse("short").is_err());
        assert_eq!(
            Password::check("short").err(),
            Some(PasswordProblem::TooShort)
        );
        assert_eq!(
            Password::check(&"x".repeat(1025))
                .err()
                .map(|p| p.code().code()),
            Some("password.too_long")
        );
        assert!(Password::parse("          ").is_err());
        assert!(Password::parse("correct horse").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("correct horse").unwrap()),
            "Password(<redacted>)"
        );
    }
}

//! The user's language and time zone (issue 16, item 8): the UI is in Swedish or English, and
//! shows dates and times in the user's zone. Parsed at the edge (`PATCH /me`, the
//! `Accept-Language` header) into these types, so nothing further in can hold an unknown
//! language or a misspelt zone.

use std::fmt;
use std::str::FromStr;

/// A language the UI has a complete message catalog for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English, the fallback for any language without a catalog.
    #[default]
    En,
    /// Swedish.
    Sv,
}

/// Not a language with a catalog, or not an IANA time zone: the text says which and what is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unsupported(pub String);

impl Locale {
    /// Every supported language, the default first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Sv];

    /// The BCP 47 tag (`"en"`, `"sv"`), as stored and as used in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Sv => "sv",
        }
    }

    /// A stored or requested language: exactly `"en"` or `"sv"` (any case).
    pub fn parse(raw: &str) -> Result<Locale, Unsupported> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Locale::En),
            "sv" => Ok(Locale::Sv),
            _ => Err(Unsupported(format!(
                "\"{}\" is not a language Tether speaks; use \"en\" (English) or \"sv\" (Swedish)",
                raw.chars().take(40).collect::<String>()
            ))),
        }
    }

    /// The language for a language tag like `sv-SE` or `en-GB`: its primary subtag, when it has
    /// a catalog.
    fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Locale::parse(primary).ok()
    }

    /// The browser's choice from an `Accept-Language` header (RFC 9110 §12.5.4): the supported
    /// language with the highest weight, the earlier one on a tie; English when none is
    /// supported or the header is missing or unreadable. `*` does not choose.
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        let Some(header) = header else {
            return Locale::default();
        };
        let mut best: Option<(u16, Locale)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("");
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(parse_weight))
                .unwrap_or(Some(1000));
            let (Some(weight), Some(locale)) = (weight, Locale::from_tag(tag)) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// A `q` value in thousandths (`0.8` → 800); `None` when it is not one.
fn parse_weight(raw: &str) -> Option<u16> {
    let v: f32 = raw.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&v)
        // In 0..=1000 by the range check above.
        .then(|| (v * 1000.0).round() as u16)
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// An IANA time zone name (`Europe/Stockholm`, `UTC`), as the tz database spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZoneName(chrono_tz::Tz);

impl TimeZoneName {
    /// A zone the tz database knows, in its canonical spelling; anything else is refused.
    pub fn parse(raw: &str) -> Result<TimeZoneName, Unsupported> {
        let trimmed = raw.trim();
        match chrono_tz::Tz::from_str(trimmed) {
            Ok(tz) if trimmed.len() <= 64 => Ok(TimeZoneName(tz)),
            _ => Err(Unsupported(format!(
                "\"{}\" is not a time zone of the IANA database; use a name like \"Europe/Stockholm\" or \"UTC\"",
                trimmed.chars().take(64).collect::<String>()
            ))),
        }
    }

    pub fn as_str(&self) -> &'static str {
        self.0.name()
    }

    /// The zone itself, for converting times.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_languages_with_a_catalog_are_accepted() {
        assert_eq!(Locale::parse("sv"), Ok(Locale::Sv));
        assert_eq!(Locale::parse("EN"), Ok(Locale::En));
        for bad in ["", "de", "sv-SE", "svenska", "en_GB"] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
        assert!(Locale::parse("de").unwrap_err().0.contains("\"sv\""));
    }

    #[test]
    fn the_browser_language_is_the_best_supported_one() {
        let pick = |h: &str| Locale::from_accept_language(Some(h));
        assert_eq!(pick("sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7"), Locale::Sv);
        assert_eq!(pick("en-GB,en;q=0.9,sv;q=0.8"), Locale::En);
        assert_eq!(pick("de-DE,de;q=0.9,sv;q=0.5"), Locale::Sv);
        assert_eq!(pick("en;q=0.5, sv;q=0.6"), Locale::Sv);
        assert_eq!(pick("sv;q=0"), Locale::En);
        assert_eq!(pick("fi, *;q=0.1"), Locale::En);
        assert_eq!(pick("sv;q=banana, en;q=0.2"), Locale::En);
        assert_eq!(pick(""), Locale::En);
        assert_eq!(Locale::from_accept_language(None), Locale::En);
        assert_eq!(pick("SV_se"), Locale::Sv);
    }

    #[test]
    fn time_zones_come_from_the_iana_database() {
        assert_eq!(
            TimeZoneName::parse("Europe/Stockholm").unwrap().as_str(),
            "Europe/Stockholm"
        );
        assert_eq!(TimeZoneName::parse("UTC").unwrap().as_str(), "UTC");
        for bad in [
            "",
            "Mars/Olympus",
            "Europe/Stockholm; DROP",
            "+01:00",
            "local",
        ] {
            assert!(TimeZoneName::parse(bad).is_err(), "{bad}");
        }
    }
}

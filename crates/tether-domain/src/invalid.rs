//! Why a value is refused, as a stable code a UI can say in its own language.
//!
//! Every field error of a 422 (`errors[]` of the problem document) carries one [`Invalid`]
//! code, the English `message` the server writes for people, and the `params` the code's words
//! need (the limit that was passed, the options there are). The web UI's words for a code are
//! `problem-<code with . as ->` in its catalogs; `tests/it/i18n/` walks [`Invalid::ALL`], so a
//! code added here without words in both languages fails the build's tests.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// The stable code of a field error.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Invalid {
            $( $(#[$doc])* $variant, )*
        }

        impl Invalid {
            /// Every code, for the tests that check each has words and documentation.
            pub const ALL: &'static [Invalid] = &[$(Invalid::$variant),*];

            /// The code as the problem document carries it.
            pub const fn code(self) -> &'static str {
                match self {
                    $( Invalid::$variant => $code, )*
                }
            }
        }
    };
}

codes! {
    /// A required value is not given.
    Missing = "value.missing",
    /// The value is empty (or would clear a required field).
    Empty = "value.empty",
    /// Longer than `params.max` characters.
    TooLong = "value.too_long",
    /// Shorter than `params.min` characters.
    TooShort = "value.too_short",
    /// More than `params.max` items.
    TooMany = "value.too_many",
    /// Control, invisible or text-direction characters.
    Characters = "value.characters",
    /// Not of the field's kind (`params.kind`: text, long_text, number, boolean, date, choice,
    /// lookup).
    Kind = "value.kind",
    /// A number outside the range a field stores.
    Range = "value.range",
    /// Not one of `params.options`.
    Option = "value.option",
    /// Names no field of the type (`params.known` lists the fields there are).
    UnknownField = "value.unknown_field",
    /// Set by the server, never by a client.
    ReadOnly = "value.read_only",
    /// The id names nothing the caller can see.
    NotFound = "value.not_found",
    /// The person named (`params.name`) is deactivated.
    Deactivated = "value.deactivated",
    /// Not an e-mail address.
    Email = "value.email",
    /// Not an internal name (2–49 characters of a–z, 0–9 and _, starting with a letter).
    InternalName = "value.internal_name",
    /// Given twice where each must be different.
    Duplicate = "value.duplicate",
    /// Not in the form the endpoint reads; the message says which.
    Format = "value.format",
    /// A record number prefix is 2–5 capital letters.
    NumberPrefix = "value.number_prefix",
    /// A new chat names nobody but its creator.
    NoOtherMember = "chat.no_other_member",
    /// Everyone to be added is already a member.
    AlreadyMembers = "chat.already_members",
    /// The chat is not connected to the record.
    NotConnected = "record.not_connected",
    /// A range whose start is after its end.
    RangeOrder = "range.order",
    /// A range with nothing in it.
    RangeEmpty = "range.empty",
    /// A search with no word to search for.
    SearchEmpty = "search.empty",
    /// An uploaded file with no content.
    FileEmpty = "file.empty",
    /// The message would be longer than a renderer limit (`params.limit` names it).
    MessageLimit = "message.limit",
    PasswordTooShort = "password.too_short",
    PasswordTooLong = "password.too_long",
    PasswordOnlySpaces = "password.only_spaces",
    /// `current_password` is not the caller's password.
    PasswordWrong = "password.wrong",
    LocaleUnsupported = "locale.unsupported",
    TimeZoneUnknown = "time_zone.unknown",
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Invalid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A refused value before it is tied to a field: its code, the English words for people, and
/// the parameters the code's words use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidValue {
    pub code: Invalid,
    pub message: String,
    pub params: Map<String, Value>,
}

impl InvalidValue {
    pub fn new(code: Invalid, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            params: Map::new(),
        }
    }

    /// The same refusal with a parameter for the code's words (`max`, `options`, …).
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The refusal as the error of `field`.
    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            code: self.code,
            message: self.message,
            params: self.params,
        }
    }
}

/// A problem with one field of the input: the 422 detail names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub code: Invalid,
    /// What the code's words need: `max` of `value.too_long`, `options` of `value.option`, …
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: Invalid, message: impl Into<String>) -> Self {
        InvalidValue::new(code, message).at(field)
    }

    /// The same error with a parameter for the code's words.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Joins field errors into one sentence for a problem document's `detail`.
pub fn describe_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_dotted() {
        let mut seen = HashSet::new();
        for c in Invalid::ALL {
            assert!(seen.insert(c.code()), "{c} twice");
            assert!(c.code().contains('.'), "{c} names its area");
        }
    }

    #[test]
    fn a_field_error_serializes_its_code_and_params() {
        let e = InvalidValue::new(Invalid::TooLong, "is longer than 5 characters")
            .with("max", 5)
            .at("title");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "value.too_long");
        assert_eq!(v["params"]["max"], 5);
        assert_eq!(v["field"], "title");
        let bare = serde_json::to_value(FieldError::new("x", Invalid::Empty, "is empty")).unwrap();
        assert!(bare.get("params").is_none());
    }
}

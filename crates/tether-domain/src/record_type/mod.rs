//! Record types (standard and custom) and validation of record fields against them.

mod definition;
mod standard;
#[cfg(test)]
mod tests;
mod validate;

pub use standard::{NUMBER_FIELD, format_number, standard_record_types};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `^[a-z][a-z0-9_]{1,48}$`: logical names of record types and fields.
pub fn is_valid_logical_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() >= 2
        && s.len() <= 49
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// The kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text, up to 500 characters.
    Text,
    /// Multi-line text, up to 100,000 characters.
    LongText,
    /// A finite number.
    Number,
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// One of the field's `options`.
    Choice,
    /// The id of a record of the field's `target` type.
    Lookup,
}

impl FieldKind {
    /// The kind's name as the API writes it (`long_text`).
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Number => "number",
            FieldKind::Boolean => "boolean",
            FieldKind::Date => "date",
            FieldKind::Choice => "choice",
            FieldKind::Lookup => "lookup",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            FieldKind::Text | FieldKind::LongText => "a string",
            FieldKind::Number => "a number",
            FieldKind::Boolean => "true or false",
            FieldKind::Date => "a date (YYYY-MM-DD)",
            FieldKind::Choice => "one of the field's options",
            FieldKind::Lookup => "a record id",
        }
    }
}

/// One field of a record type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDef {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Allowed values of a `choice` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Record type a `lookup` field points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Set by the server, never by a client (a case's ticket number).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

/// A record type: a logical name, display name, primary-name field and typed fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordTypeDef {
    pub name: String,
    pub display_name: String,
    pub primary_field: String,
    pub fields: Vec<FieldDef>,
    /// One of the six types every installation has.
    #[serde(default)]
    pub standard: bool,
    /// Prefix of the record number (`CAS` gives `CAS-01042`); `None` for unnumbered types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_prefix: Option<String>,
}

pub const MAX_TEXT_CHARS: usize = 500;
pub const MAX_LONG_TEXT_CHARS: usize = 100_000;
pub const MAX_FIELDS: usize = 100;

/// Whether a whole record is being created (the primary name is then required) or patched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Create,
    Update,
}

/// The fields of a record after validation, plus the lookups the store must resolve.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidFields {
    /// Field name → value; `Value::Null` clears a field on update.
    pub values: BTreeMap<String, Value>,
    /// (field name, target type, record id) for each lookup value given.
    pub lookups: Vec<(String, String, String)>,
}

impl RecordTypeDef {
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The display value of the primary name in `fields`, if set.
    pub fn primary_name<'a>(&self, fields: &'a BTreeMap<String, Value>) -> Option<&'a str> {
        fields.get(&self.primary_field).and_then(Value::as_str)
    }
}

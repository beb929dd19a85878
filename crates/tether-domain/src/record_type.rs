//! Record types (standard and custom) and validation of record fields against them.

use crate::invalid::{FieldError, Invalid, InvalidValue};
use crate::people::has_forbidden_control;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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

const INTERNAL_NAME_RULE: &str =
    "must be 2–49 characters of a–z, 0–9 and _, starting with a letter";

/// A label people read (a type's or a field's): one line of 1–100 characters.
fn check_label(label: &str) -> Result<(), InvalidValue> {
    if label.trim().is_empty() {
        return Err(InvalidValue::new(
            Invalid::Empty,
            "must be 1–100 characters",
        ));
    }
    if label.chars().count() > 100 {
        return Err(
            InvalidValue::new(Invalid::TooLong, "must be 1–100 characters").with("max", 100),
        );
    }
    if has_forbidden_control(label) || label.contains('\n') {
        return Err(InvalidValue::new(
            Invalid::Characters,
            "contains control or text-direction characters",
        ));
    }
    Ok(())
}

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

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => return false,
            };
            y >= 1 && d >= 1 && d <= days
        }
        _ => false,
    }
}

impl RecordTypeDef {
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Checks a new type's definition: names, a primary field that is a text field, options
    /// for choices and targets for lookups (`known_types` are the types lookups may target).
    pub fn check_definition(&self, known_types: &[&str]) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !is_valid_logical_name(&self.name) {
            errors.push(FieldError::new(
                "name",
                Invalid::InternalName,
                INTERNAL_NAME_RULE,
            ));
        }
        if let Err(e) = check_label(&self.display_name) {
            errors.push(e.at("display_name"));
        }
        if self.fields.is_empty() || self.fields.len() > MAX_FIELDS {
            let code = if self.fields.is_empty() {
                Invalid::Missing
            } else {
                Invalid::TooMany
            };
            errors.push(
                FieldError::new(
                    "fields",
                    code,
                    format!("a record type needs 1–{MAX_FIELDS} fields"),
                )
                .with("max", MAX_FIELDS),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, f) in self.fields.iter().enumerate() {
            let at = format!("fields[{i}]");
            if !is_valid_logical_name(&f.name) {
                errors.push(FieldError::new(
                    format!("{at}.name"),
                    Invalid::InternalName,
                    INTERNAL_NAME_RULE,
                ));
            }
            if !seen.insert(f.name.as_str()) {
                errors.push(FieldError::new(
                    format!("{at}.name"),
                    Invalid::Duplicate,
                    format!("'{}' appears twice", f.name),
                ));
            }
            if let Err(e) = check_label(&f.label) {
                errors.push(e.at(format!("{at}.label")));
            }
            match f.kind {
                FieldKind::Choice if f.options.is_empty() => errors.push(FieldError::new(
                    format!("{at}.options"),
                    Invalid::Missing,
                    "a choice field needs at least one option",
                )),
                FieldKind::Lookup => match &f.target {
                    Some(t) if known_types.contains(&t.as_str()) || *t == self.name => {}
                    Some(t) => errors.push(FieldError::new(
                        format!("{at}.target"),
                        Invalid::NotFound,
                        format!("unknown record type '{t}'"),
                    )),
                    None => errors.push(FieldError::new(
                        format!("{at}.target"),
                        Invalid::Missing,
                        "a lookup field needs a target record type",
                    )),
                },
                _ => {}
            }
        }
        match self.field(&self.primary_field) {
            Some(f) if f.kind == FieldKind::Text => {}
            Some(_) => errors.push(
                FieldError::new(
                    "primary_field",
                    Invalid::Kind,
                    "the primary field must be a text field",
                )
                .with("kind", "text"),
            ),
            None => errors.push(FieldError::new(
                "primary_field",
                Invalid::NotFound,
                format!("'{}' is not one of the fields", self.primary_field),
            )),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Validates client-supplied fields: unknown fields, wrong kinds, read-only fields, and on
    /// create a missing or empty primary name or required field are errors naming the field.
    pub fn validate_fields(
        &self,
        input: &Map<String, Value>,
        mode: Mode,
    ) -> Result<ValidFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut out = ValidFields::default();
        for (name, value) in input {
            let Some(def) = self.field(name) else {
                let known: Vec<&str> = self
                    .fields
                    .iter()
                    .filter(|f| !f.read_only)
                    .map(|f| f.name.as_str())
                    .collect();
                errors.push(
                    FieldError::new(
                        name.clone(),
                        Invalid::UnknownField,
                        format!(
                            "unknown field for {}; known fields: {}",
                            self.name,
                            known.join(", ")
                        ),
                    )
                    .with("known", known.join(", ")),
                );
                continue;
            };
            if def.read_only {
                errors.push(FieldError::new(
                    name.clone(),
                    Invalid::ReadOnly,
                    "is set by the server and cannot be written",
                ));
                continue;
            }
            if value.is_null() {
                if def.required || def.name == self.primary_field {
                    errors.push(FieldError::new(
                        name.clone(),
                        Invalid::Empty,
                        "is required and cannot be cleared",
                    ));
                } else {
                    out.values.insert(name.clone(), Value::Null);
                }
                continue;
            }
            match check_value(def, value) {
                Ok(v) => {
                    if def.kind == FieldKind::Lookup
                        && let (Some(target), Some(id)) = (&def.target, v.as_str())
                    {
                        out.lookups
                            .push((name.clone(), target.clone(), id.to_owned()));
                    }
                    out.values.insert(name.clone(), v);
                }
                Err(e) => errors.push(e.at(name.clone())),
            }
        }
        if mode == Mode::Create {
            for def in &self.fields {
                let needed = def.required || def.name == self.primary_field;
                if needed && !def.read_only && !input.contains_key(&def.name) {
                    let what = if def.name == self.primary_field {
                        "the primary name"
                    } else {
                        "a required field"
                    };
                    errors.push(FieldError::new(
                        def.name.clone(),
                        Invalid::Missing,
                        format!("is missing: {what} of a {}", self.display_name),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The display value of the primary name in `fields`, if set.
    pub fn primary_name<'a>(&self, fields: &'a BTreeMap<String, Value>) -> Option<&'a str> {
        fields.get(&self.primary_field).and_then(Value::as_str)
    }
}

fn check_value(def: &FieldDef, value: &Value) -> Result<Value, InvalidValue> {
    let wrong = || {
        InvalidValue::new(Invalid::Kind, format!("must be {}", def.kind.describe()))
            .with("kind", def.kind.name())
    };
    match def.kind {
        FieldKind::Text | FieldKind::LongText => {
            let s = value.as_str().ok_or_else(wrong)?;
            let limit = if def.kind == FieldKind::Text {
                MAX_TEXT_CHARS
            } else {
                MAX_LONG_TEXT_CHARS
            };
            if s.chars().count() > limit {
                return Err(InvalidValue::new(
                    Invalid::TooLong,
                    format!("is longer than {limit} characters"),
                )
                .with("max", limit));
            }
            if has_forbidden_control(s) || (def.kind == FieldKind::Text && s.contains('\n')) {
                return Err(InvalidValue::new(
                    Invalid::Characters,
                    "contains control or text-direction characters",
                ));
            }
            let trimmed = s.trim();
            if def.required && trimmed.is_empty() {
                return Err(InvalidValue::new(Invalid::Empty, "must not be empty"));
            }
            Ok(Value::String(if def.kind == FieldKind::Text {
                trimmed.to_owned()
            } else {
                s.to_owned()
            }))
        }
        FieldKind::Number => match value.as_f64() {
            Some(n) if n.is_finite() && n.abs() < 1e15 => Ok(value.clone()),
            Some(_) => Err(InvalidValue::new(
                Invalid::Range,
                "is out of range (at most 15 digits)",
            )),
            None => Err(wrong()),
        },
        FieldKind::Boolean => value.as_bool().map(Value::Bool).ok_or_else(wrong),
        FieldKind::Date => match value.as_str() {
            Some(s) if valid_date(s) => Ok(value.clone()),
            _ => Err(wrong()),
        },
        FieldKind::Choice => match value.as_str() {
            Some(s) if def.options.iter().any(|o| o == s) => Ok(value.clone()),
            _ => Err(InvalidValue::new(
                Invalid::Option,
                format!("must be one of: {}", def.options.join(", ")),
            )
            .with("options", def.options.join(", "))),
        },
        FieldKind::Lookup => match value.as_str() {
            Some(s)
                if !s.is_empty()
                    && s.len() <= 64
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                Ok(value.clone())
            }
            _ => Err(wrong()),
        },
    }
}

fn field(name: &str, label: &str, kind: FieldKind) -> FieldDef {
    FieldDef {
        name: name.into(),
        label: label.into(),
        kind,
        required: false,
        options: Vec::new(),
        target: None,
        read_only: false,
    }
}

fn choice(name: &str, label: &str, options: &[&str]) -> FieldDef {
    FieldDef {
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        ..field(name, label, FieldKind::Choice)
    }
}

fn lookup(name: &str, label: &str, target: &str) -> FieldDef {
    FieldDef {
        target: Some(target.into()),
        ..field(name, label, FieldKind::Lookup)
    }
}

fn required(f: FieldDef) -> FieldDef {
    FieldDef {
        required: true,
        ..f
    }
}

/// The field holding a numbered type's record number.
pub const NUMBER_FIELD: &str = "ticket_number";

/// The six standard record types every installation has (SPEC concepts table).
pub fn standard_record_types() -> Vec<RecordTypeDef> {
    use FieldKind::*;
    let std_type =
        |name: &str, display: &str, primary: &str, fields: Vec<FieldDef>, prefix: Option<&str>| {
            RecordTypeDef {
                name: name.into(),
                display_name: display.into(),
                primary_field: primary.into(),
                fields,
                standard: true,
                number_prefix: prefix.map(Into::into),
            }
        };
    vec![
        std_type(
            "case",
            "Case",
            "title",
            vec![
                FieldDef {
                    read_only: true,
                    ..field(NUMBER_FIELD, "Case number", Text)
                },
                required(field("title", "Case title", Text)),
                field("description", "Description", LongText),
                choice("priority", "Priority", &["low", "normal", "high", "urgent"]),
                choice("origin", "Origin", &["phone", "email", "web", "chat"]),
                field("product", "Product", Text),
                lookup("account", "Account", "account"),
                lookup("contact", "Contact", "contact"),
            ],
            Some("CAS"),
        ),
        std_type(
            "account",
            "Account",
            "name",
            vec![
                required(field("name", "Account name", Text)),
                field("industry", "Industry", Text),
                field("phone", "Phone", Text),
                field("website", "Website", Text),
                field("city", "City", Text),
                field("description", "Description", LongText),
            ],
            None,
        ),
        std_type(
            "contact",
            "Contact",
            "full_name",
            vec![
                required(field("full_name", "Full name", Text)),
                field("email", "E-mail", Text),
                field("phone", "Phone", Text),
                field("job_title", "Job title", Text),
                lookup("account", "Account", "account"),
            ],
            None,
        ),
        std_type(
            "knowledge_article",
            "Knowledge article",
            "title",
            vec![
                FieldDef {
                    read_only: true,
                    ..field(NUMBER_FIELD, "Article number", Text)
                },
                required(field("title", "Title", Text)),
                field("summary", "Summary", LongText),
                field("content", "Content", LongText),
                field("keywords", "Keywords", Text),
            ],
            Some("KA"),
        ),
        std_type(
            "email",
            "Email",
            "subject",
            vec![
                required(field("subject", "Subject", Text)),
                field("from", "From", Text),
                field("to", "To", Text),
                field("body", "Body", LongText),
                lookup("regarding_case", "Regarding case", "case"),
            ],
            None,
        ),
        std_type(
            "conversation",
            "Conversation",
            "subject",
            vec![
                required(field("subject", "Subject", Text)),
                choice("channel", "Channel", &["chat", "voice", "sms", "social"]),
                lookup("customer", "Customer", "contact"),
                field("summary", "Summary", LongText),
            ],
            None,
        ),
    ]
}

/// Formats a record number: `CAS-01042`.
pub fn format_number(prefix: &str, n: i64) -> String {
    format!("{prefix}-{n:05}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case() -> RecordTypeDef {
        standard_record_types()
            .into_iter()
            .find(|t| t.name == "case")
            .unwrap()
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn standard_types_are_well_formed() {
        let all = standard_record_types();
        let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "case",
                "account",
                "contact",
                "knowledge_article",
                "email",
                "conversation"
            ]
        );
        for t in &all {
            t.check_definition(&names).unwrap();
        }
    }

    #[test]
    fn valid_case_passes_and_collects_lookups() {
        let v = case()
            .validate_fields(
                &obj(json!({"title": " Printer jams ", "priority": "high", "account": "abc123"})),
                Mode::Create,
            )
            .unwrap();
        assert_eq!(v.values["title"], json!("Printer jams"));
        assert_eq!(
            v.lookups,
            vec![("account".into(), "account".into(), "abc123".into())]
        );
    }

    #[test]
    fn errors_name_the_field() {
        let errs = case()
            .validate_fields(
                &obj(json!({"colour": "red", "priority": "extreme", "description": 7})),
                Mode::Create,
            )
            .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"colour"));
        assert!(fields.contains(&"priority"));
        assert!(fields.contains(&"description"));
        assert!(fields.contains(&"title"), "missing primary name: {errs:?}");
    }

    #[test]
    fn update_does_not_need_primary_but_cannot_clear_it() {
        assert!(
            case()
                .validate_fields(&obj(json!({"priority": "low"})), Mode::Update)
                .is_ok()
        );
        let errs = case()
            .validate_fields(&obj(json!({"title": null})), Mode::Update)
            .unwrap_err();
        assert_eq!(errs[0].field, "title");
        let errs = case()
            .validate_fields(&obj(json!({"title": "   "})), Mode::Update)
            .unwrap_err();
        assert_eq!(errs[0].field, "title");
    }

    #[test]
    fn read_only_and_hostile_values_are_refused() {
        let errs = case()
            .validate_fields(&obj(json!({"ticket_number": "CAS-1"})), Mode::Update)
            .unwrap_err();
        assert_eq!(errs[0].field, "ticket_number");
        for bad in ["nul\u{0}byte", "flip\u{202E}txt", "line\nbreak"] {
            assert!(
                case()
                    .validate_fields(&obj(json!({"title": bad})), Mode::Update)
                    .is_err(),
                "{bad:?}"
            );
        }
        assert!(
            case()
                .validate_fields(&obj(json!({"title": "x".repeat(501)})), Mode::Update)
                .is_err()
        );
        assert!(
            case()
                .validate_fields(&obj(json!({"account": "../../etc"})), Mode::Update)
                .is_err()
        );
    }

    #[test]
    fn dates_are_real_calendar_dates() {
        for good in ["2024-02-29", "2026-12-31", "0001-01-01"] {
            assert!(valid_date(good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-1",
            "20260101",
            "2026-04-31",
            "abcd-ef-gh",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn custom_type_definitions_are_checked() {
        let def = RecordTypeDef {
            name: "work_order".into(),
            display_name: "Work order".into(),
            primary_field: "summary".into(),
            fields: vec![
                field("summary", "Summary", FieldKind::Text),
                field("summary", "Again", FieldKind::Text),
                FieldDef {
                    kind: FieldKind::Choice,
                    ..field("status", "Status", FieldKind::Text)
                },
                lookup("site", "Site", "nowhere"),
            ],
            standard: false,
            number_prefix: None,
        };
        let errs = def.check_definition(&["case"]).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["fields[1].name", "fields[2].options", "fields[3].target"]
        );
    }

    #[test]
    fn numbers_look_like_ticket_numbers() {
        assert_eq!(format_number("CAS", 1042), "CAS-01042");
    }
}

//! The standard record types every installation has, and record numbers.

use super::{FieldDef, FieldKind, RecordTypeDef};

pub(super) fn field(name: &str, label: &str, kind: FieldKind) -> FieldDef {
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

pub(super) fn lookup(name: &str, label: &str, target: &str) -> FieldDef {
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

//! Field values in words: intro cards (R10) and announced changes (R23).

use crate::record::RecordState;
use crate::record_type::{FieldKind, RecordTypeDef};
use crate::settings::RecordTypeSettings;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One label/value line of a card.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardField {
    pub name: String,
    pub label: String,
    pub value: String,
}

/// Text of a field value for people: choices capitalized, booleans as Yes/No, lookups by the
/// name the caller resolved (`lookup_names`), missing values as "—".
pub fn display_value(
    def: &RecordTypeDef,
    field: &str,
    value: Option<&Value>,
    lookup_names: &BTreeMap<String, String>,
) -> String {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return "—".into();
    };
    let kind = def.field(field).map(|f| f.kind);
    match (kind, value) {
        (Some(FieldKind::Choice), Value::String(s)) => capitalize(s),
        (Some(FieldKind::Lookup), Value::String(id)) => lookup_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| "a record".into()),
        (_, Value::Bool(b)) => {
            if *b {
                "Yes".into()
            } else {
                "No".into()
            }
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first
            .to_uppercase()
            .chain(c)
            .collect::<String>()
            .replace('_', " "),
        None => String::new(),
    }
}

/// The label of a field or record attribute.
pub fn field_label(def: &RecordTypeDef, field: &str) -> String {
    match field {
        "state" => "State".into(),
        "owner" => "Owner".into(),
        _ => def
            .field(field)
            .map(|f| f.label.clone())
            .unwrap_or_else(|| field.to_owned()),
    }
}

/// R10: the intro card's lines — the configured fields (at most five), as they are now.
pub fn intro_fields(
    def: &RecordTypeDef,
    settings: &RecordTypeSettings,
    fields: &BTreeMap<String, Value>,
    state: RecordState,
    owner_name: &str,
    lookup_names: &BTreeMap<String, String>,
) -> Vec<CardField> {
    settings
        .intro_message
        .fields
        .iter()
        .take(crate::settings::MAX_SETTING_FIELDS)
        .map(|name| {
            let value = match name.as_str() {
                "state" => state.label().to_owned(),
                "owner" => owner_name.to_owned(),
                _ => display_value(def, name, fields.get(name), lookup_names),
            };
            CardField {
                name: name.clone(),
                label: field_label(def, name),
                value,
            }
        })
        .collect()
}

/// One announced change (R23).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub old: String,
    pub new: String,
    /// The stored values (a state's or a choice's API name), so a UI can name them in its own
    /// language; `null` where the field was empty.
    pub old_value: Value,
    pub new_value: Value,
}

impl FieldChange {
    /// "Priority changed from Normal to High by Olga Berg".
    pub fn sentence(&self, by: &str) -> String {
        format!(
            "{} changed from {} to {} by {by}",
            self.label, self.old, self.new
        )
    }
}

/// R23: the changes of the configured fields between two versions of a record.
pub fn announced_changes(
    def: &RecordTypeDef,
    settings: &RecordTypeSettings,
    before: (&BTreeMap<String, Value>, RecordState),
    after: (&BTreeMap<String, Value>, RecordState),
    lookup_names: &BTreeMap<String, String>,
) -> Vec<FieldChange> {
    if !settings.field_notifications.enabled {
        return Vec::new();
    }
    settings
        .field_notifications
        .fields
        .iter()
        .take(crate::settings::MAX_SETTING_FIELDS)
        .filter_map(|name| {
            let (old, new, old_value, new_value) = if name == "state" {
                if before.1 == after.1 {
                    return None;
                }
                (
                    before.1.label().to_owned(),
                    after.1.label().to_owned(),
                    Value::from(before.1.as_str()),
                    Value::from(after.1.as_str()),
                )
            } else {
                let (o, n) = (before.0.get(name), after.0.get(name));
                if o == n {
                    return None;
                }
                (
                    display_value(def, name, o, lookup_names),
                    display_value(def, name, n, lookup_names),
                    o.cloned().unwrap_or(Value::Null),
                    n.cloned().unwrap_or(Value::Null),
                )
            };
            Some(FieldChange {
                field: name.clone(),
                label: field_label(def, name),
                old,
                new,
                old_value,
                new_value,
            })
        })
        .collect()
}

//! Checking the definition of a new (custom) record type.

use super::{FieldKind, MAX_FIELDS, RecordTypeDef, is_valid_logical_name};
use crate::invalid::{FieldError, Invalid, InvalidValue};
use crate::people::has_forbidden_control;

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

impl RecordTypeDef {
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
}

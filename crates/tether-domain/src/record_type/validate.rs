//! Validating a record's fields against its type.

use super::{
    FieldDef, FieldKind, MAX_LONG_TEXT_CHARS, MAX_TEXT_CHARS, Mode, RecordTypeDef, ValidFields,
};
use crate::invalid::{FieldError, Invalid, InvalidValue};
use crate::people::has_forbidden_control;
use serde_json::{Map, Value};

pub(super) fn valid_date(s: &str) -> bool {
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

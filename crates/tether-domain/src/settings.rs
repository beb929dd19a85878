//! Collaboration settings (SPEC R1, R19): the global switch and the per-record-type switches,
//! with the defaults of the foundation issue.

use crate::invalid::{FieldError, Invalid};
use crate::record_type::RecordTypeDef;
use serde::{Deserialize, Serialize};

/// Installation-wide settings. `collaboration_enabled` is off on a new installation (R1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalSettings {
    pub collaboration_enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IntroMessage {
    pub enabled: bool,
    /// Up to five fields shown on the introduction card (R10).
    pub fields: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Suggestions {
    pub rule_based: bool,
    pub similarity_based: bool,
    /// The rule-based rules in order; a rule left out is switched off.
    #[serde(default = "default_rules")]
    pub rules: Vec<crate::suggest::Rule>,
}

fn default_rules() -> Vec<crate::suggest::Rule> {
    crate::suggest::DEFAULT_RULES.to_vec()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldNotifications {
    pub enabled: bool,
    /// Up to five fields (or `state`) whose changes are announced in connected chats (R23).
    pub fields: Vec<String>,
}

/// The per-record-type switches of API.md `GET|PUT /record-types/{type}/settings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordTypeSettings {
    pub chats_enabled: bool,
    pub auto_name_chats: bool,
    pub intro_message: IntroMessage,
    pub join_chat: bool,
    pub owner_may_disconnect: bool,
    pub last_connector_may_disconnect: bool,
    pub show_on_timeline: bool,
    pub suggestions: Suggestions,
    pub channels_enabled: bool,
    pub field_notifications: FieldNotifications,
    pub hand_over_chats: bool,
}

/// Most fields an intro card or field notifications may name.
pub const MAX_SETTING_FIELDS: usize = 5;

/// Pseudo-fields every record has besides its type's fields.
pub const RECORD_ATTRIBUTES: [&str; 2] = ["state", "owner"];

impl RecordTypeSettings {
    /// Defaults: everything on except `last_connector_may_disconnect` and `hand_over_chats`;
    /// `join_chat` on for cases only; field notifications on case priority and state; the intro
    /// card shows the type's first (up to five) fields after the primary name.
    pub fn defaults_for(def: &RecordTypeDef) -> Self {
        let intro_fields = def
            .fields
            .iter()
            .filter(|f| {
                f.name != def.primary_field && f.kind != crate::record_type::FieldKind::LongText
            })
            .take(MAX_SETTING_FIELDS)
            .map(|f| f.name.clone())
            .collect();
        let is_case = def.name == "case";
        RecordTypeSettings {
            chats_enabled: true,
            auto_name_chats: true,
            intro_message: IntroMessage {
                enabled: true,
                fields: intro_fields,
            },
            join_chat: is_case,
            owner_may_disconnect: true,
            last_connector_may_disconnect: false,
            show_on_timeline: true,
            suggestions: Suggestions {
                rule_based: true,
                similarity_based: true,
                rules: default_rules(),
            },
            channels_enabled: true,
            field_notifications: FieldNotifications {
                enabled: is_case,
                fields: if is_case {
                    vec!["priority".into(), "state".into()]
                } else {
                    Vec::new()
                },
            },
            hand_over_chats: false,
        }
    }

    /// Field lists must name fields of the type (or `state` / `owner`), at most five each.
    pub fn check(&self, def: &RecordTypeDef) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let known = |n: &str| def.field(n).is_some() || RECORD_ATTRIBUTES.contains(&n);
        for (at, list) in [
            ("intro_message.fields", &self.intro_message.fields),
            (
                "field_notifications.fields",
                &self.field_notifications.fields,
            ),
        ] {
            if list.len() > MAX_SETTING_FIELDS {
                errors.push(
                    FieldError::new(
                        at,
                        Invalid::TooMany,
                        format!("at most {MAX_SETTING_FIELDS} fields"),
                    )
                    .with("max", MAX_SETTING_FIELDS),
                );
            }
            for name in list {
                if !known(name) {
                    errors.push(FieldError::new(
                        at,
                        Invalid::NotFound,
                        format!("'{name}' is not a field of {}", def.name),
                    ));
                }
            }
            let mut dedup = list.clone();
            dedup.sort();
            dedup.dedup();
            if dedup.len() != list.len() {
                errors.push(FieldError::new(
                    at,
                    Invalid::Duplicate,
                    "names a field twice",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record_type::standard_record_types;

    #[test]
    fn defaults_match_the_foundation_issue() {
        for def in standard_record_types() {
            let s = RecordTypeSettings::defaults_for(&def);
            assert!(
                s.chats_enabled
                    && s.auto_name_chats
                    && s.owner_may_disconnect
                    && s.show_on_timeline
            );
            assert!(!s.last_connector_may_disconnect && !s.hand_over_chats);
            assert_eq!(s.join_chat, def.name == "case");
            s.check(&def).unwrap();
            if def.name == "case" {
                assert_eq!(s.field_notifications.fields, ["priority", "state"]);
                assert!(s.intro_message.fields.len() <= MAX_SETTING_FIELDS);
            }
        }
        assert!(!GlobalSettings::default().collaboration_enabled);
    }

    #[test]
    fn field_lists_are_checked() {
        let def = standard_record_types().remove(0);
        let mut s = RecordTypeSettings::defaults_for(&def);
        s.intro_message.fields = vec!["priority".into(), "nope".into()];
        s.field_notifications.fields = vec![
            "a".into(),
            "b".into(),
            "c".into(),
            "d".into(),
            "e".into(),
            "f".into(),
        ];
        let errs = s.check(&def).unwrap_err();
        assert!(errs.iter().any(|e| e.message.contains("'nope'")));
        assert!(errs.iter().any(|e| e.message.contains("at most 5")));
    }
}

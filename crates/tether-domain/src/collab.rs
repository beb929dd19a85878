//! Record-connected collaboration rules (SPEC R1, R3, R9–R11a, R14, R15, R23): the gate, who may
//! connect, disconnect and join, how a connected chat is named, what an intro card shows, and
//! which field changes are announced. Each decision carries its reason, so a 403's detail and
//! the UI's explanation come from here. What a viewer sees of a connected chat, built from
//! these, is `crate::viewer`.

use crate::record::RecordState;
use crate::record_type::{FieldKind, RecordTypeDef};
use crate::settings::{GlobalSettings, RecordTypeSettings};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Why collaboration is not available (R1). `Display` is the 403 detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GateDenied {
    FeatureOff,
    NoCollabUse,
    ChatsOff { record_type: String },
    ChannelsOff { record_type: String },
}

impl GateDenied {
    /// The stable `code` of the 403 problem document for this refusal (docs/api.md).
    pub fn code(&self) -> &'static str {
        match self {
            GateDenied::FeatureOff => "collab.disabled",
            GateDenied::NoCollabUse => "collab.privilege_missing",
            GateDenied::ChatsOff { .. } => "collab.chats_off",
            GateDenied::ChannelsOff { .. } => "collab.channels_off",
        }
    }
}

impl std::fmt::Display for GateDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GateDenied::FeatureOff => f.write_str("collaboration is turned off on this server; an administrator can enable it in the settings"),
            GateDenied::NoCollabUse => f.write_str("you need the collab.use privilege to use chats; ask an administrator"),
            GateDenied::ChatsOff { record_type } => write!(f, "chats are turned off for {record_type} records; an administrator can turn them on in the record type's settings"),
            GateDenied::ChannelsOff { record_type } => write!(f, "channels are turned off for {record_type} records; an administrator can turn them on in the record type's settings"),
        }
    }
}

/// R1 for one record type: the feature on, the privilege held, chats on for the type.
pub fn record_gate(
    global: &GlobalSettings,
    collab_use: bool,
    record_type: &str,
    settings: &RecordTypeSettings,
) -> Result<(), GateDenied> {
    if !global.collaboration_enabled {
        return Err(GateDenied::FeatureOff);
    }
    if !collab_use {
        return Err(GateDenied::NoCollabUse);
    }
    if !settings.chats_enabled {
        return Err(GateDenied::ChatsOff {
            record_type: record_type.to_owned(),
        });
    }
    Ok(())
}

/// The facts R11a needs about one user, one record and one connection.
#[derive(Clone, Copy, Debug)]
pub struct DisconnectFacts {
    pub owns_record: bool,
    pub owner_may_disconnect: bool,
    pub is_last_connector: bool,
    pub last_connector_may_disconnect: bool,
    pub holds_disconnect_privilege: bool,
}

impl DisconnectFacts {
    /// The facts for one viewer of one connection under the record type's `settings`.
    pub fn new(
        settings: &RecordTypeSettings,
        owns_record: bool,
        is_last_connector: bool,
        holds_disconnect_privilege: bool,
    ) -> Self {
        DisconnectFacts {
            owns_record,
            owner_may_disconnect: settings.owner_may_disconnect,
            is_last_connector,
            last_connector_may_disconnect: settings.last_connector_may_disconnect,
            holds_disconnect_privilege,
        }
    }
}

/// Which of the three R11a rights allowed a disconnect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisconnectRight {
    Owner,
    LastConnector,
    Privilege,
}

/// The sentence that names the three ways (R11a): every refusal says it.
pub const DISCONNECT_DENIED: &str = "you cannot disconnect this chat: only the record's owner (when the record type's \
     \"owner may disconnect\" setting is on), the last person who connected it (when \"last connector may disconnect\" is on), \
     or a holder of the collab.disconnect privilege can";

/// R11a: exactly three ways to disconnect a chat from a record.
pub fn may_disconnect(f: DisconnectFacts) -> Result<DisconnectRight, &'static str> {
    if f.owns_record && f.owner_may_disconnect {
        Ok(DisconnectRight::Owner)
    } else if f.is_last_connector && f.last_connector_may_disconnect {
        Ok(DisconnectRight::LastConnector)
    } else if f.holds_disconnect_privilege {
        Ok(DisconnectRight::Privilege)
    } else {
        Err(DISCONNECT_DENIED)
    }
}

/// Whether someone who is **not** a member of a chat connected to a record they can read sees
/// that connection from the record: as a timeline entry (R15, *show chats on timeline*) or as a
/// locked panel entry they may join (R3, R14). Only then may they disconnect it under R11a (the
/// record's owner, a holder of `collab.disconnect`); otherwise the connection stays as invisible
/// to them as the chat is (R2) and the answer is 404.
pub fn connection_seen_from_record(show_on_timeline: bool, may_join: bool) -> bool {
    show_on_timeline || may_join
}

/// Why someone cannot join a connected chat (R14).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinDenied {
    SettingOff { record_type: String },
    ReadOnly,
}

impl std::fmt::Display for JoinDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JoinDenied::SettingOff { record_type } => write!(
                f,
                "joining chats is turned off for {record_type} records; a member of the chat can add you instead"
            ),
            JoinDenied::ReadOnly => f.write_str("you can only read this record, and joining its chats needs write access; a member of the chat can add you instead"),
        }
    }
}

impl JoinDenied {
    /// A short machine-readable reason for clients (`setting_off`, `read_only`).
    pub fn code(&self) -> &'static str {
        match self {
            JoinDenied::SettingOff { .. } => "setting_off",
            JoinDenied::ReadOnly => "read_only",
        }
    }
}

/// R14: the type's *join chat* setting on, and write access to the record.
pub fn may_join(
    record_type: &str,
    settings: &RecordTypeSettings,
    can_write: bool,
) -> Result<(), JoinDenied> {
    if !settings.join_chat {
        return Err(JoinDenied::SettingOff {
            record_type: record_type.to_owned(),
        });
    }
    if !can_write {
        return Err(JoinDenied::ReadOnly);
    }
    Ok(())
}

/// How a record is named in system messages every chat member sees: the type and its number
/// ("Case CAS-01042") — never fields a member might not be allowed to read. Unnumbered
/// records are named by type only ("an account").
pub fn record_label(def: &RecordTypeDef, number: Option<&str>) -> String {
    match number {
        Some(n) => format!("{} {n}", def.display_name),
        None => {
            let lower = def.display_name.to_lowercase();
            let article = if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {lower}")
        }
    }
}

/// R9: the name of a new connected chat: the record's primary name when *auto-name chats* is
/// on, else the members' names.
pub fn connected_chat_name(
    settings: &RecordTypeSettings,
    record_name: &str,
    member_names: &[&str],
) -> Option<String> {
    if settings.auto_name_chats && !record_name.trim().is_empty() {
        Some(
            record_name
                .chars()
                .take(crate::chat::MAX_CHAT_NAME_CHARS)
                .collect(),
        )
    } else {
        let mut names = member_names.to_vec();
        names.sort_unstable();
        Some(crate::chat::names_list(&names))
    }
}

/// One label/value line of a card.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// R25: when a record passes to a new user owner and the type's *hand over chats* is on, the
/// new owner is added to the connected group chats (with the full history). Otherwise they see
/// those chats as joinable under R14's rules.
pub fn hands_over(
    settings: &RecordTypeSettings,
    new_owner_is_user: bool,
    owner_changed: bool,
) -> bool {
    settings.hand_over_chats && new_owner_is_user && owner_changed
}

/// R26: the plain-text transcript of messages, one line each:
/// `[2026-11-24 09:30 UTC] Olga Berg: text (attachments: a.png, b.pdf)`.
pub fn transcript_line(when: &str, sender: &str, text: &str, attachments: &[&str]) -> String {
    let mut line = format!("[{when}] {sender}: {}", text.trim());
    if !attachments.is_empty() {
        line.push_str(&format!(" (attachments: {})", attachments.join(", ")));
    }
    line
}

/// A transcript's time zone (R26): an IANA name the tz database knows (`Europe/Stockholm`, the
/// same rule as a user's chosen zone), UTC when none is given, or why not — a sentence for the 422.
pub fn transcript_zone(raw: Option<&str>) -> Result<chrono_tz::Tz, String> {
    raw.map_or(Ok(chrono_tz::Tz::UTC), |raw| {
        crate::locale::TimeZoneName::parse(raw)
            .map(|zone| zone.tz())
            .map_err(|e| e.0)
    })
}

/// A message time in a transcript, to the minute, in the saver's zone with its abbreviation:
/// "2026-11-24 10:30 CET". An instant outside the calendar reads as milliseconds.
pub fn transcript_time(ms: i64, zone: chrono_tz::Tz) -> String {
    use chrono::TimeZone;
    match chrono::Utc.timestamp_millis_opt(ms).single() {
        Some(utc) => utc
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string(),
        None => ms.to_string(),
    }
}

/// A message body as transcript text: its markdown kept as written (readable as it is), each
/// `<@user_id>` of a known person as `@Name` (people are names, never ids). Unknown ids stay.
pub fn readable_mentions(body: &str, people: &crate::markdown::MentionResolver) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("<@") {
        let (before, tail) = rest.split_at(at);
        out.push_str(before);
        let name = tail
            .get(2..)
            .and_then(|t| t.find('>').map(|end| (t, end)))
            .filter(|(t, end)| {
                *end > 0
                    && *end <= 64
                    && t.get(..*end).is_some_and(|id| {
                        id.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    })
            })
            .and_then(|(t, end)| {
                t.get(..end)
                    .and_then(|id| people.name(id))
                    .map(|n| (n, end))
            });
        match name {
            Some((n, end)) => {
                out.push('@');
                out.push_str(n);
                rest = tail.get(end + 3..).unwrap_or("");
            }
            None => {
                out.push_str("<@");
                rest = tail.get(2..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record_type::standard_record_types;
    use serde_json::json;

    #[test]
    fn r1_each_gate_refusal_has_its_own_code() {
        let codes = [
            GateDenied::FeatureOff.code(),
            GateDenied::NoCollabUse.code(),
            GateDenied::ChatsOff {
                record_type: "case".into(),
            }
            .code(),
            GateDenied::ChannelsOff {
                record_type: "case".into(),
            }
            .code(),
        ];
        assert_eq!(
            codes,
            [
                "collab.disabled",
                "collab.privilege_missing",
                "collab.chats_off",
                "collab.channels_off"
            ]
        );
    }

    fn case() -> (RecordTypeDef, RecordTypeSettings) {
        let def = standard_record_types().remove(0);
        let s = RecordTypeSettings::defaults_for(&def);
        (def, s)
    }

    fn facts(
        owns: bool,
        owner_on: bool,
        last: bool,
        last_on: bool,
        privilege: bool,
    ) -> DisconnectFacts {
        DisconnectFacts {
            owns_record: owns,
            owner_may_disconnect: owner_on,
            is_last_connector: last,
            last_connector_may_disconnect: last_on,
            holds_disconnect_privilege: privilege,
        }
    }

    #[test]
    fn r26_transcripts_read_names_and_local_times() {
        let people = crate::markdown::MentionResolver::new([("U1", "Ann Lee"), ("U2", "Bo")]);
        assert_eq!(
            readable_mentions("**Hi** <@U1>, ask <@U2> or <@ZZ>; a<b <@", &people),
            "**Hi** @Ann Lee, ask @Bo or <@ZZ>; a<b <@"
        );
        assert_eq!(readable_mentions("<@U1>", &people), "@Ann Lee");
        assert_eq!(readable_mentions("å <@U1>ö", &people), "å @Ann Leeö");
        // 2026-01-15 09:30 UTC is 10:30 in Stockholm (CET) and 09:30 in UTC.
        let ms = 1_768_469_400_000;
        let sthlm = transcript_zone(Some("Europe/Stockholm")).expect("a known zone");
        assert_eq!(transcript_time(ms, sthlm), "2026-01-15 10:30 CET");
        assert_eq!(
            transcript_time(ms, transcript_zone(None).expect("UTC")),
            "2026-01-15 09:30 UTC"
        );
        // Summer time in July.
        assert!(transcript_time(ms + 181 * 86_400_000, sthlm).ends_with("CEST"));
        assert!(
            transcript_zone(Some("Mars/Olympus"))
                .unwrap_err()
                .contains("IANA")
        );
    }

    #[test]
    fn r11a_non_member_sees_a_connection_only_from_timeline_or_as_joinable() {
        assert!(connection_seen_from_record(true, false));
        assert!(connection_seen_from_record(false, true));
        assert!(connection_seen_from_record(true, true));
        assert!(!connection_seen_from_record(false, false));
    }

    #[test]
    fn r11a_exactly_three_ways_to_disconnect() {
        assert_eq!(
            may_disconnect(facts(true, true, false, false, false)),
            Ok(DisconnectRight::Owner)
        );
        assert!(
            may_disconnect(facts(true, false, false, false, false)).is_err(),
            "owner with the setting off"
        );
        assert_eq!(
            may_disconnect(facts(false, true, true, true, false)),
            Ok(DisconnectRight::LastConnector)
        );
        assert!(
            may_disconnect(facts(false, true, true, false, false)).is_err(),
            "last connector with the setting off (the default)"
        );
        assert_eq!(
            may_disconnect(facts(false, false, false, false, true)),
            Ok(DisconnectRight::Privilege)
        );
        let denied = may_disconnect(facts(false, true, false, true, false)).unwrap_err();
        assert!(
            denied.contains("owner")
                && denied.contains("last person")
                && denied.contains("collab.disconnect")
        );
        // Exhaustively: allowed exactly when one of the three holds.
        for bits in 0..32u8 {
            let b = |i: u8| bits & (1 << i) != 0;
            let f = facts(b(0), b(1), b(2), b(3), b(4));
            let expected = (b(0) && b(1)) || (b(2) && b(3)) || b(4);
            assert_eq!(may_disconnect(f).is_ok(), expected, "{bits:05b}");
        }
    }

    #[test]
    fn r14_join_needs_the_setting_and_write_access() {
        let (_, mut s) = case();
        assert_eq!(may_join("case", &s, true), Ok(()));
        assert_eq!(may_join("case", &s, false), Err(JoinDenied::ReadOnly));
        s.join_chat = false;
        let denied = may_join("case", &s, true).unwrap_err();
        assert_eq!(denied.code(), "setting_off");
        assert!(
            denied
                .to_string()
                .contains("a member of the chat can add you")
        );
    }

    #[test]
    fn r1_gate_says_what_is_missing() {
        let (_, mut s) = case();
        let on = GlobalSettings {
            collaboration_enabled: true,
        };
        assert_eq!(
            record_gate(&GlobalSettings::default(), true, "case", &s),
            Err(GateDenied::FeatureOff)
        );
        assert_eq!(
            record_gate(&on, false, "case", &s),
            Err(GateDenied::NoCollabUse)
        );
        s.chats_enabled = false;
        assert!(
            record_gate(&on, true, "case", &s)
                .unwrap_err()
                .to_string()
                .contains("turned off for case records")
        );
    }

    #[test]
    fn r9_names_and_labels() {
        let (def, mut s) = case();
        assert_eq!(
            connected_chat_name(&s, "Printer jams", &["Bo Lind", "Alice Berg"]).unwrap(),
            "Printer jams"
        );
        s.auto_name_chats = false;
        assert_eq!(
            connected_chat_name(&s, "Printer jams", &["Bo Lind", "Alice Berg"]).unwrap(),
            "Alice Berg, Bo Lind"
        );
        assert_eq!(record_label(&def, Some("CAS-01042")), "Case CAS-01042");
        let account = standard_record_types().remove(1);
        assert_eq!(record_label(&account, None), "an account");
    }

    #[test]
    fn r10_intro_fields_follow_the_settings() {
        let (def, mut s) = case();
        s.intro_message.fields = vec![
            "priority".into(),
            "state".into(),
            "account".into(),
            "owner".into(),
        ];
        let fields: BTreeMap<String, Value> = [
            ("priority".to_owned(), json!("high")),
            ("account".to_owned(), json!("a1")),
        ]
        .into();
        let names: BTreeMap<String, String> = [("a1".to_owned(), "Contoso".to_owned())].into();
        let lines = intro_fields(&def, &s, &fields, RecordState::Active, "Olga Berg", &names);
        let values: Vec<(&str, &str)> = lines
            .iter()
            .map(|l| (l.label.as_str(), l.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("Priority", "High"),
                ("State", "Active"),
                ("Account", "Contoso"),
                ("Owner", "Olga Berg")
            ]
        );
    }

    #[test]
    fn r23_changes_of_configured_fields_only() {
        let (def, s) = case();
        let before: BTreeMap<String, Value> = [
            ("priority".to_owned(), json!("normal")),
            ("title".to_owned(), json!("A")),
        ]
        .into();
        let after: BTreeMap<String, Value> = [
            ("priority".to_owned(), json!("high")),
            ("title".to_owned(), json!("B")),
        ]
        .into();
        let changes = announced_changes(
            &def,
            &s,
            (&before, RecordState::Active),
            (&after, RecordState::Resolved),
            &BTreeMap::new(),
        );
        let sentences: Vec<String> = changes.iter().map(|c| c.sentence("Olga Berg")).collect();
        assert_eq!(
            sentences,
            [
                "Priority changed from Normal to High by Olga Berg",
                "State changed from Active to Resolved by Olga Berg"
            ]
        );
        let mut off = s.clone();
        off.field_notifications.enabled = false;
        assert!(
            announced_changes(
                &def,
                &off,
                (&before, RecordState::Active),
                (&after, RecordState::Resolved),
                &BTreeMap::new()
            )
            .is_empty()
        );
    }
}

#[cfg(test)]
mod hand_over_tests {
    use super::*;
    use crate::record_type::standard_record_types;

    #[test]
    fn r25_hand_over_only_with_the_setting_to_a_user() {
        let def = standard_record_types().remove(0);
        let mut s = RecordTypeSettings::defaults_for(&def);
        assert!(!hands_over(&s, true, true), "off by default");
        s.hand_over_chats = true;
        assert!(hands_over(&s, true, true));
        assert!(
            !hands_over(&s, false, true),
            "a team owner is not added to chats"
        );
        assert!(
            !hands_over(&s, true, false),
            "no owner change, no hand-over"
        );
    }

    #[test]
    fn r26_transcript_lines() {
        assert_eq!(
            transcript_line("2026-11-24 09:30 UTC", "Olga Berg", " Hi ", &[]),
            "[2026-11-24 09:30 UTC] Olga Berg: Hi"
        );
        assert_eq!(
            transcript_line("t", "Bo", "See file", &["a.png", "b.pdf"]),
            "[t] Bo: See file (attachments: a.png, b.pdf)"
        );
    }
}

use super::*;
use crate::record::RecordState;
use crate::record_type::RecordTypeDef;
use crate::record_type::standard_record_types;
use crate::settings::{GlobalSettings, RecordTypeSettings};
use serde_json::Value;
use serde_json::json;
use std::collections::BTreeMap;

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

//! Record-connected collaboration rules (SPEC R1, R3, R9–R11a, R14, R15, R23): the gate, who may
//! connect, disconnect and join, how a connected chat is named, what an intro card shows, and
//! which field changes are announced. Each decision carries its reason, so a 403's detail and
//! the UI's explanation come from here. What a viewer sees of a connected chat, built from
//! these, is `crate::viewer`.

mod fields;
mod gate;
mod names;
mod rights;
#[cfg(test)]
mod tests;
mod transcript;

pub use fields::{
    CardField, FieldChange, announced_changes, display_value, field_label, intro_fields,
};
pub use gate::{GateDenied, record_gate};
pub use names::{connected_chat_name, record_label};
pub use rights::{
    DISCONNECT_DENIED, DisconnectFacts, DisconnectRight, JoinDenied, connection_seen_from_record,
    hands_over, may_disconnect, may_join,
};
pub use transcript::{readable_mentions, transcript_line, transcript_time, transcript_zone};

#[cfg(test)]
mod hand_over_tests {
    use super::*;
    use crate::record_type::standard_record_types;
    use crate::settings::RecordTypeSettings;

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

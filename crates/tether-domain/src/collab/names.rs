//! How records and connected chats are named where every member reads it (R9).

use crate::record_type::RecordTypeDef;
use crate::settings::RecordTypeSettings;

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

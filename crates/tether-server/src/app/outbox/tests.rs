//! The event types against their documented shapes and the table in `docs/api.md`.

use super::*;

fn person(id: &str) -> PersonRef {
    PersonRef {
        id: id.into(),
        name: format!("Person {id}"),
    }
}

/// One event of every kind, as the server would build it.
fn one_of_each() -> Vec<Event> {
    let record = || RecordKey::new("case", "r1");
    vec![
        Event::MemberAdded {
            chat_id: "c".into(),
            users: vec![person("u")],
            by: Some(person("b")),
            joined_from: None,
        },
        Event::MemberRemoved {
            chat_id: "c".into(),
            user: person("u"),
            by: person("b"),
        },
        Event::ConnectionAdded {
            chat_id: "c".into(),
            record: record(),
        },
        Event::ConnectionRemoved {
            chat_id: "c".into(),
            record: record(),
        },
        Event::TimelineChanged { record: record() },
        Event::Notification {
            kind: NotificationKind::Urgent,
            chat_id: "c".into(),
            message_id: "m".into(),
            from: Some(person("b")),
            text: Some("Now".into()),
            reminder: false,
        },
        Event::ReactionChanged {
            chat_id: "c".into(),
            message_id: "m".into(),
            reactions: Vec::new(),
        },
    ]
}

#[test]
fn each_event_says_its_type_as_kind_names_it() {
    for e in one_of_each() {
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(v["type"], e.kind(), "{v}");
        assert!(Event::TYPES.contains(&e.kind()), "{}", e.kind());
    }
}

#[test]
fn events_keep_the_documented_shapes() {
    let v: Vec<serde_json::Value> = one_of_each()
        .iter()
        .map(|e| serde_json::to_value(e).unwrap_or_default())
        .collect();
    assert_eq!(
        v[0],
        serde_json::json!({"type": "member.added", "chat_id": "c",
            "users": [{"id": "u", "name": "Person u"}], "by": {"id": "b", "name": "Person b"}})
    );
    assert_eq!(
        v[2],
        serde_json::json!({"type": "connection.added", "chat_id": "c",
            "record": {"type": "case", "id": "r1"}})
    );
    assert_eq!(
        v[5],
        serde_json::json!({"type": "notification", "kind": "urgent", "chat_id": "c",
            "message_id": "m", "from": {"id": "b", "name": "Person b"}, "text": "Now"})
    );
}

#[test]
fn docs_list_exactly_the_event_types() {
    let api = include_str!("../../../../../docs/api.md");
    let start = api.find("## Live events").unwrap_or(0);
    let section = &api[start..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let documented: Vec<&str> = section[..end]
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert_eq!(documented, Event::TYPES, "the event table of docs/api.md");
}

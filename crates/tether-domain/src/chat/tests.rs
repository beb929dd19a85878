//! Tests of the chat rules: message bodies, history windows, names, reactions and importance.

use super::*;

#[test]
fn bodies_are_checked() {
    assert!(MessageBody::parse("hi", false).is_ok());
    assert_eq!(MessageBody::parse("   ", false), Err(InvalidBody::Empty));
    assert!(
        MessageBody::parse("", true).is_ok(),
        "an attachment alone is a message"
    );
    assert_eq!(
        MessageBody::parse(&"x".repeat(MAX_MESSAGE_BYTES + 1), false),
        Err(InvalidBody::TooLarge(MAX_MESSAGE_BYTES + 1))
    );
    assert!(MessageBody::parse(&"x".repeat(MAX_MESSAGE_BYTES), false).is_ok());
    assert_eq!(
        MessageBody::parse("a\u{0}b", false),
        Err(InvalidBody::Control)
    );
    assert!(MessageBody::parse("line one\nline two\ttab", false).is_ok());
}

#[test]
fn history_windows() {
    let now = 1_000_000_000_000;
    assert_eq!(HistoryWindow::All.visible_from(now), 0);
    assert_eq!(HistoryWindow::None.visible_from(now), now);
    assert_eq!(
        HistoryWindow::Days(2).visible_from(now),
        now - 2 * 86_400_000
    );
    assert!(may_see_message(now, now));
    assert!(!may_see_message(now, now - 1));
}

#[test]
fn names() {
    let members = [("a", "Alice Berg"), ("b", "Bo Lind"), ("c", "Cilla Ek")];
    assert_eq!(
        display_name(ChatKind::OneOnOne, None, &members[..2], "a"),
        "Bo Lind"
    );
    assert_eq!(
        display_name(ChatKind::Group, None, &members, "a"),
        "Bo Lind, Cilla Ek"
    );
    assert_eq!(
        display_name(ChatKind::Group, Some("Escalation"), &members, "a"),
        "Escalation"
    );
    assert_eq!(names_list(&["A", "B", "C", "D", "E", "F"]), "A, B, C, D +2");
    assert_eq!(names_in_sentence(&[]), "");
    assert_eq!(names_in_sentence(&["A"]), "A");
    assert_eq!(names_in_sentence(&["A", "B"]), "A and B");
    assert_eq!(names_in_sentence(&["A", "B", "C"]), "A, B and C");
    assert_eq!(pair_key("b", "a"), pair_key("a", "b"));
    assert!(ChatName::parse("  ").is_err());
    assert!(ChatName::parse("x\ny").is_err());
    assert_eq!(
        ChatName::parse(" Escalation ").unwrap().as_str(),
        "Escalation"
    );
}

#[test]
fn chat_names_refuse_invisible_characters() {
    for bad in [
        "Escalation\u{200B}",
        "\u{202E}noitalacse",
        "\u{2060}",
        "a\u{FEFF}b",
    ] {
        assert!(
            matches!(
                ChatName::parse(bad),
                Err(InvalidChat::Invisible(..) | InvalidChat::Control(_))
            ),
            "{bad:?}"
        );
    }
    let err = ChatName::parse("Escalation\u{200B}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("invisible") && err.contains("U+200B"), "{err}");
    assert!(ChatName::parse("Escalation \u{1F469}\u{200D}\u{1F692}").is_ok());
}

#[test]
fn r17_reactions_are_one_emoji() {
    for good in [
        "👍",
        "👍🏽",
        "👩‍💻",
        "👨‍👩‍👧‍👦",
        "🧑🏿‍🚒",
        "❤️",
        "🇸🇪",
        "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
        "1️⃣",
        " 🎉 ",
    ] {
        assert!(Reaction::parse(good).is_ok(), "{good:?}");
    }
    // The web client's quick reactions (`assets/js/messages.js`) are kept as sent.
    for quick in ["👍", "❤️", "😂", "🎉", "👀", "✅", "🙏"] {
        assert_eq!(Reaction::parse(quick).map(|r| r.as_str()), Ok(quick));
    }
    for bad in [
        "",
        " ",
        "x",
        "X",
        "1",
        "#",
        "\u{202E}",
        "\u{200B}",
        "\u{200D}",
        "👍👍",
        "👍x",
        "x👍",
        "👍\u{202E}",
        "\u{202E}👍",
        "🇸",
        "<script>",
        ":nope_not_a_code:",
        "::",
        ":tada",
    ] {
        assert_eq!(Reaction::parse(bad), Err(InvalidReaction), "{bad:?}");
    }
    assert_eq!(
        Reaction::parse("❤").unwrap(),
        Reaction::parse("❤️").unwrap()
    );
    assert_eq!(Reaction::parse("❤").unwrap().as_str(), "❤️");
    assert_eq!(Reaction::parse(":tada:").unwrap().as_str(), "🎉");
    assert_eq!(Reaction::parse(":+1:").unwrap().as_str(), "👍");
}

#[test]
fn importance_parses() {
    assert_eq!(Importance::parse("urgent"), Some(Importance::Urgent));
    assert_eq!(Importance::parse("URGENT"), None);
    assert_eq!(Importance::default(), Importance::Normal);
}

//! What one viewer sees of one chat, looked at from one record (R2, R3, R4, R11a, R13, R14,
//! R15): the single rule behind the record's collaboration panel, its timeline entries and the
//! disconnect check. Handlers gather the facts (in a constant number of queries for any number
//! of chats) and map the answer to their output; none of them decides visibility itself.
//!
//! In short:
//! - a **member** sees everything: the chat's display name, its members, last sender and time,
//!   and the records it is connected to;
//! - a non-member of a **group** chat connected to the record, where R14 lets them join, sees it
//!   **locked**: its own name (or "Group chat"), member count and last activity — never member
//!   names, the last sender, messages or records (R2, R3);
//! - anything else is **hidden**: no name, no count, no times, no join (a one-on-one chat or a
//!   channel is never joinable; a channel's non-members are outside its team, R13).
//!
//! Separately from the chat, the record may show a non-member the *connection* itself — its
//! timeline entry while *show chats on timeline* is on, or the locked entry — and only then may
//! they act on it under R11a; a channel's non-members never (R13).

use crate::chat::{ChatKind, display_name};
use crate::collab::{DisconnectFacts, connection_seen_from_record, may_disconnect};

/// The name a locked viewer sees of a chat without a name of its own (R3).
pub const LOCKED_CHAT_NAME: &str = "Group chat";

/// How a chat appears to a viewer (R2, R3, R14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatVisibility {
    /// A member: everything.
    Member,
    /// Not a member but may join: name, member count, last activity; no content.
    Locked,
    /// Nothing of the chat.
    Hidden,
}

/// The facts about the viewer and the chat's connection to the record being looked at.
#[derive(Clone, Copy, Debug)]
pub struct ViewerFacts {
    /// Whether the viewer is a member of the chat (for a channel: of its team).
    pub is_member: bool,
    /// R14 for this viewer and this record: `collab::may_join(..).is_ok()`.
    pub may_join: bool,
    /// The record type's *show chats on timeline* setting (R15).
    pub show_on_timeline: bool,
    /// `Some` while the chat is connected to the record, with R11a's facts for this viewer and
    /// this connection; `None` when it is not connected (any more).
    pub connection: Option<DisconnectFacts>,
}

/// What a viewer may know of and do with a connected chat, without its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChatAccess {
    pub visibility: ChatVisibility,
    /// R14: a group chat connected to the record, the viewer not in it, joining allowed.
    pub can_join: bool,
    /// Whether the record shows the viewer this connection at all: a member's chat, or for a
    /// non-member its timeline entry or locked entry. Otherwise the connection is as invisible
    /// as the chat (R2) and acting on it is a 404.
    pub connection_seen: bool,
    /// R11a, where the connection is seen.
    pub can_disconnect: bool,
}

/// R2, R3, R11a, R13, R14: visibility and the viewer's rights on one chat from one record.
pub fn chat_access(kind: ChatKind, viewer: ViewerFacts) -> ChatAccess {
    let connected = viewer.connection.is_some();
    let can_join = !viewer.is_member && connected && kind == ChatKind::Group && viewer.may_join;
    let visibility = if viewer.is_member {
        ChatVisibility::Member
    } else if can_join {
        ChatVisibility::Locked
    } else {
        ChatVisibility::Hidden
    };
    let connection_seen = connected
        && (viewer.is_member
            || (kind != ChatKind::Channel
                && connection_seen_from_record(viewer.show_on_timeline, can_join)));
    let can_disconnect =
        connection_seen && viewer.connection.is_some_and(|f| may_disconnect(f).is_ok());
    ChatAccess {
        visibility,
        can_join,
        connection_seen,
        can_disconnect,
    }
}

/// The facts about one chat a view may be made of.
#[derive(Clone, Copy, Debug)]
pub struct ChatFacts<'a> {
    pub kind: ChatKind,
    /// The chat's own name, if it has one.
    pub name: Option<&'a str>,
    /// Every member as (user id, name).
    pub members: &'a [(&'a str, &'a str)],
    /// Who sent the last message, as (user id, name).
    pub last_sender: Option<(&'a str, &'a str)>,
    /// When the chat was last active (epoch ms), as the surface shows it: the panel its last
    /// activity, the timeline its last message.
    pub last_at: Option<i64>,
}

/// Everything a viewer sees of one chat from one record. `None` and `false` mean "not shown".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatView<'a> {
    pub access: ChatAccess,
    /// Members: the chat's display name (R20's rules for unnamed chats); locked viewers: its
    /// own name or "Group chat".
    pub name: Option<String>,
    pub member_count: Option<usize>,
    /// Members only: a name is a member's name (R2).
    pub last_sender: Option<(&'a str, &'a str)>,
    pub last_at: Option<i64>,
    /// Whether the records the chat is connected to may be listed (R4): members only.
    pub shows_records: bool,
}

/// The one viewer rule: what `viewer_id` sees of `chat` from the record `viewer` describes.
pub fn view_chat<'a>(viewer_id: &str, viewer: ViewerFacts, chat: ChatFacts<'a>) -> ChatView<'a> {
    let access = chat_access(chat.kind, viewer);
    let own_name = chat.name.filter(|n| !n.is_empty());
    match access.visibility {
        ChatVisibility::Member => ChatView {
            access,
            name: Some(display_name(chat.kind, own_name, chat.members, viewer_id)),
            member_count: Some(chat.members.len()),
            last_sender: chat.last_sender,
            last_at: chat.last_at,
            shows_records: true,
        },
        ChatVisibility::Locked => ChatView {
            access,
            name: Some(own_name.unwrap_or(LOCKED_CHAT_NAME).to_owned()),
            member_count: Some(chat.members.len()),
            last_sender: None,
            last_at: chat.last_at,
            shows_records: false,
        },
        ChatVisibility::Hidden => ChatView {
            access,
            name: None,
            member_count: None,
            last_sender: None,
            last_at: None,
            shows_records: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VIEWER: &str = "viewer";
    const MEMBERS: [(&str, &str); 3] = [
        ("viewer", "Member Vera"),
        ("u2", "Member Bo"),
        ("u3", "Member Eve"),
    ];

    fn kind_strategy() -> impl Strategy<Value = ChatKind> {
        prop_oneof![
            Just(ChatKind::OneOnOne),
            Just(ChatKind::Group),
            Just(ChatKind::Channel)
        ]
    }

    fn facts_strategy() -> impl Strategy<Value = DisconnectFacts> {
        any::<[bool; 5]>().prop_map(|b| DisconnectFacts {
            owns_record: b[0],
            owner_may_disconnect: b[1],
            is_last_connector: b[2],
            last_connector_may_disconnect: b[3],
            holds_disconnect_privilege: b[4],
        })
    }

    fn viewer_strategy() -> impl Strategy<Value = ViewerFacts> {
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(facts_strategy()),
        )
            .prop_map(
                |(is_member, may_join, show_on_timeline, connection)| ViewerFacts {
                    is_member,
                    may_join,
                    show_on_timeline,
                    connection,
                },
            )
    }

    fn name_strategy() -> impl Strategy<Value = Option<&'static str>> {
        prop_oneof![Just(None), Just(Some("")), Just(Some("Tray 2 hunt"))]
    }

    fn view(
        viewer: ViewerFacts,
        kind: ChatKind,
        name: Option<&'static str>,
        members: usize,
    ) -> ChatView<'static> {
        view_chat(
            VIEWER,
            viewer,
            ChatFacts {
                kind,
                name,
                members: MEMBERS.get(..members).unwrap_or(&MEMBERS),
                last_sender: Some(("u2", "Member Bo")),
                last_at: Some(1_700_000_000_000),
            },
        )
    }

    proptest! {
        /// R2: a non-member never gets member names, the last sender or the records.
        #[test]
        fn r2_non_members_get_no_member_names(viewer in viewer_strategy(), kind in kind_strategy(),
                                              name in name_strategy(), members in 0..=3usize) {
            let viewer = ViewerFacts { is_member: false, ..viewer };
            let v = view(viewer, kind, name, members);
            prop_assert!(v.last_sender.is_none());
            prop_assert!(!v.shows_records);
            let shown = v.name.unwrap_or_default();
            prop_assert!(!shown.contains("Member"), "{shown}");
            prop_assert_ne!(v.access.visibility, ChatVisibility::Member);
        }

        /// R14: joining is for group chats connected to the record that the viewer is not in,
        /// where the record lets them join — exactly then.
        #[test]
        fn r14_can_join_exactly_a_connected_group_one_is_not_in(viewer in viewer_strategy(),
                                                                  kind in kind_strategy()) {
            let a = chat_access(kind, viewer);
            let expected = kind == ChatKind::Group && viewer.connection.is_some()
                && !viewer.is_member && viewer.may_join;
            prop_assert_eq!(a.can_join, expected);
            prop_assert_eq!(a.visibility == ChatVisibility::Locked, expected);
        }

        /// R11a: disconnecting needs one of the three rights and a connection the record shows.
        #[test]
        fn r11a_can_disconnect_needs_a_right_and_a_seen_connection(viewer in viewer_strategy(),
                                                                    kind in kind_strategy()) {
            let a = chat_access(kind, viewer);
            if a.can_disconnect {
                prop_assert!(a.connection_seen);
                prop_assert!(viewer.connection.is_some_and(|f| may_disconnect(f).is_ok()));
            }
            if a.connection_seen && viewer.connection.is_some_and(|f| may_disconnect(f).is_ok()) {
                prop_assert!(a.can_disconnect);
            }
        }

        /// R11a, R15, R14: a non-member sees a connection only through the timeline or as a
        /// joinable lock; a member sees every connection of their chat.
        #[test]
        fn r11a_connection_seen_from_timeline_lock_or_membership(viewer in viewer_strategy(),
                                                                  kind in kind_strategy()) {
            let a = chat_access(kind, viewer);
            let connected = viewer.connection.is_some();
            let expected = connected && (viewer.is_member
                || (kind != ChatKind::Channel && (viewer.show_on_timeline || a.can_join)));
            prop_assert_eq!(a.connection_seen, expected);
        }

        /// R13: a channel's non-members (outside its team) see nothing of it and cannot act on it.
        #[test]
        fn r13_channel_non_members_see_and_do_nothing(viewer in viewer_strategy(),
                                                       name in name_strategy(), members in 0..=3usize) {
            let viewer = ViewerFacts { is_member: false, ..viewer };
            let v = view(viewer, ChatKind::Channel, name, members);
            prop_assert_eq!(v.access, ChatAccess {
                visibility: ChatVisibility::Hidden,
                can_join: false,
                connection_seen: false,
                can_disconnect: false,
            });
            prop_assert!(v.name.is_none() && v.last_at.is_none() && v.member_count.is_none());
        }

        /// Hidden means nothing of the chat: every output empty; and where the connection is
        /// not seen either, no right on it.
        #[test]
        fn hidden_shows_nothing(viewer in viewer_strategy(), kind in kind_strategy(),
                                name in name_strategy(), members in 0..=3usize) {
            let v = view(viewer, kind, name, members);
            if v.access.visibility == ChatVisibility::Hidden {
                prop_assert!(v.name.is_none());
                prop_assert!(v.member_count.is_none());
                prop_assert!(v.last_sender.is_none());
                prop_assert!(v.last_at.is_none());
                prop_assert!(!v.shows_records);
                prop_assert!(!v.access.can_join);
                if !v.access.connection_seen {
                    prop_assert!(!v.access.can_disconnect);
                }
            } else {
                prop_assert!(v.name.is_some() && v.member_count.is_some() && v.last_at.is_some());
            }
        }

        /// A member sees everything: the display name, the last sender and the records.
        #[test]
        fn members_see_everything(viewer in viewer_strategy(), kind in kind_strategy(),
                                  name in name_strategy(), members in 0..=3usize) {
            let viewer = ViewerFacts { is_member: true, ..viewer };
            let v = view(viewer, kind, name, members);
            let list = MEMBERS.get(..members).unwrap_or(&MEMBERS);
            let own = name.filter(|n| !n.is_empty());
            prop_assert_eq!(v.access.visibility, ChatVisibility::Member);
            prop_assert!(!v.access.can_join);
            prop_assert_eq!(v.name, Some(display_name(kind, own, list, VIEWER)));
            prop_assert_eq!(v.last_sender, Some(("u2", "Member Bo")));
            prop_assert!(v.shows_records);
            prop_assert_eq!(v.access.connection_seen, viewer.connection.is_some());
        }
    }

    fn joinable() -> ViewerFacts {
        ViewerFacts {
            is_member: false,
            may_join: true,
            show_on_timeline: false,
            connection: Some(DisconnectFacts {
                owns_record: true,
                owner_may_disconnect: true,
                is_last_connector: false,
                last_connector_may_disconnect: false,
                holds_disconnect_privilege: false,
            }),
        }
    }

    #[test]
    fn r3_locked_entries_show_the_chats_own_name_or_group_chat() {
        let v = view(joinable(), ChatKind::Group, Some("Tray 2 hunt"), 3);
        assert_eq!(v.access.visibility, ChatVisibility::Locked);
        assert_eq!(v.name.as_deref(), Some("Tray 2 hunt"));
        assert_eq!(v.member_count, Some(3));
        assert!(v.access.can_join && v.access.can_disconnect);
        let unnamed = view(joinable(), ChatKind::Group, None, 3);
        assert_eq!(unnamed.name.as_deref(), Some(LOCKED_CHAT_NAME));
        assert_eq!(
            view(joinable(), ChatKind::Group, Some(""), 3)
                .name
                .as_deref(),
            Some(LOCKED_CHAT_NAME)
        );
    }

    #[test]
    fn r14_a_connected_one_on_one_is_never_locked_or_joinable() {
        let v = view(joinable(), ChatKind::OneOnOne, None, 2);
        assert_eq!(v.access.visibility, ChatVisibility::Hidden);
        assert!(!v.access.can_join);
        assert!(v.name.is_none());
        // Without a timeline entry or a lock, the owner does not see the connection either.
        assert!(!v.access.connection_seen && !v.access.can_disconnect);
        let on_timeline = ViewerFacts {
            show_on_timeline: true,
            ..joinable()
        };
        let a = chat_access(ChatKind::OneOnOne, on_timeline);
        assert!(a.connection_seen && a.can_disconnect);
    }

    #[test]
    fn r11a_a_disconnected_chat_offers_nothing() {
        let gone = ViewerFacts {
            connection: None,
            show_on_timeline: true,
            ..joinable()
        };
        let a = chat_access(ChatKind::Group, gone);
        assert_eq!(a.visibility, ChatVisibility::Hidden);
        assert!(!a.can_join && !a.connection_seen && !a.can_disconnect);
        let member = chat_access(
            ChatKind::Group,
            ViewerFacts {
                is_member: true,
                ..gone
            },
        );
        assert_eq!(member.visibility, ChatVisibility::Member);
        assert!(!member.can_disconnect);
    }
}

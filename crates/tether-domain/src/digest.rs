//! The e-mail digest of what a person missed (issue 19, part 5): what goes into it, in what
//! order, and how much of it.
//!
//! A person is owed an item when they were mentioned, got an urgent message (not their own), or
//! were added to a group chat by someone else, and had not read it when the server's delay ran
//! out.
//! The e-mail is composed only when it is sent, from the facts as they are then: [`still_missed`]
//! keeps an item only while its person is a member of its chat, may see its message (R2),
//! and has still not read it. [`compose`] groups what is left by chat (chats with something
//! urgent first, then the most recent), merges a message that both mentions the person and is
//! urgent into one entry, and bounds the e-mail: [`Limits`] caps the chats, the entries per
//! chat and each excerpt's length, and counts what it left out ("and 3 more").

use std::collections::BTreeMap;

/// What a waiting item is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// A message that mentions the person.
    Mention,
    /// A message marked urgent (R17) in a chat the person is in.
    Urgent,
    /// The person was added to the group chat by someone else.
    Added,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Mention => "mention",
            ItemKind::Urgent => "urgent",
            ItemKind::Added => "added",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "mention" => Some(ItemKind::Mention),
            "urgent" => Some(ItemKind::Urgent),
            "added" => Some(ItemKind::Added),
            _ => None,
        }
    }
}

/// The person's membership of an item's chat when the e-mail is composed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberNow {
    pub joined_at: i64,
    pub visible_from: i64,
    pub last_read_seq: i64,
}

/// An item's message when the e-mail is composed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageNow {
    pub created_at: i64,
    pub deleted: bool,
}

/// Whether an item (of `kind`, about the message at `seq`, or the person added at `at`) still
/// belongs in the person's e-mail. Never when they are no longer a member of the chat (R2:
/// nothing of a chat reaches a non-member), nor for a message that is gone or from before
/// what they may see. A message is missed while their read marker is below it; being added,
/// while they have not opened the chat since (their marker is still where a new member's
/// starts) and it is the same membership (not one that ended and began again).
pub fn still_missed(
    kind: ItemKind,
    seq: i64,
    at: i64,
    member: Option<MemberNow>,
    message: Option<MessageNow>,
) -> bool {
    let Some(member) = member else {
        return false;
    };
    match kind {
        ItemKind::Added => member.last_read_seq == 0 && member.joined_at == at,
        ItemKind::Mention | ItemKind::Urgent => match message {
            Some(m) => {
                !m.deleted
                    && crate::chat::may_see_message(member.visible_from, m.created_at)
                    && member.last_read_seq < seq
            }
            None => false,
        },
    }
}

/// One thing a person missed, with what the e-mail shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missed {
    pub chat_id: String,
    /// The chat's name as the person sees it.
    pub chat_title: String,
    pub kind: ItemKind,
    /// The message, for mentions and urgent messages.
    pub message_id: Option<String>,
    pub at: i64,
    /// Who wrote the message or added the person (`None`: no person, a host system).
    pub actor: Option<String>,
    /// The message as plain text (mentions as `@Name`), for mentions and urgent messages.
    pub text: Option<String>,
}

/// How big a digest may grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub chats: usize,
    pub entries_per_chat: usize,
    /// Characters of a message shown, an ellipsis after.
    pub excerpt_chars: usize,
}

impl Default for Limits {
    /// Ten chats, five entries each, 200 characters of each message.
    fn default() -> Limits {
        Limits {
            chats: 10,
            entries_per_chat: 5,
            excerpt_chars: 200,
        }
    }
}

/// One line of the e-mail: a message (that mentions the person, is urgent, or both), or being
/// added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub mention: bool,
    pub urgent: bool,
    pub added: bool,
    pub at: i64,
    pub actor: Option<String>,
    /// The message's beginning, at most `Limits::excerpt_chars` characters and an ellipsis.
    pub excerpt: Option<String>,
}

/// A chat's part of the e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatPart {
    pub chat_id: String,
    pub title: String,
    /// Oldest first.
    pub entries: Vec<Entry>,
    /// Entries of this chat left out.
    pub more: usize,
}

/// A person's digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    pub chats: Vec<ChatPart>,
    /// Chats left out, and the entries in them.
    pub more_chats: usize,
    pub more_chat_entries: usize,
    /// Every entry, shown or not.
    pub total: usize,
    pub any_urgent: bool,
}

/// A chat's entries by message id (or `""` and the time, for being added).
type Entries = BTreeMap<(String, i64), Entry>;

/// Builds the digest of `items` (already checked with [`still_missed`]); `None` when nothing
/// is left. Entries of one message merge. Chats with something urgent come first, then the one
/// with the latest entry; within a chat the urgent and then the latest entries are kept, and
/// shown oldest first.
pub fn compose(items: Vec<Missed>, limits: &Limits) -> Option<Digest> {
    // Chat id → (title, entries keyed by message id, or "" + time for being added).
    let mut chats: BTreeMap<String, (String, Entries)> = BTreeMap::new();
    for item in items {
        let (_, entries) = chats
            .entry(item.chat_id.clone())
            .or_insert_with(|| (item.chat_title.clone(), BTreeMap::new()));
        let key = match &item.message_id {
            Some(id) => (id.clone(), 0),
            None => (String::new(), item.at),
        };
        let entry = entries.entry(key).or_insert_with(|| Entry {
            mention: false,
            urgent: false,
            added: false,
            at: item.at,
            actor: item.actor.clone(),
            excerpt: item
                .text
                .as_deref()
                .map(|t| excerpt(t, limits.excerpt_chars)),
        });
        match item.kind {
            ItemKind::Mention => entry.mention = true,
            ItemKind::Urgent => entry.urgent = true,
            ItemKind::Added => entry.added = true,
        }
    }
    let total: usize = chats.values().map(|(_, e)| e.len()).sum();
    if total == 0 {
        return None;
    }
    let mut parts: Vec<ChatPart> = chats
        .into_iter()
        .map(|(chat_id, (title, entries))| {
            let mut entries: Vec<Entry> = entries.into_values().collect();
            // Urgent first, then the latest: what is kept when not all fit.
            entries.sort_by(|a, b| b.urgent.cmp(&a.urgent).then(b.at.cmp(&a.at)));
            let more = entries.len().saturating_sub(limits.entries_per_chat);
            entries.truncate(limits.entries_per_chat);
            entries.sort_by_key(|e| e.at);
            ChatPart {
                chat_id,
                title,
                entries,
                more,
            }
        })
        .collect();
    let urgent = |p: &ChatPart| p.entries.iter().any(|e| e.urgent);
    let latest = |p: &ChatPart| p.entries.iter().map(|e| e.at).max().unwrap_or(0);
    parts.sort_by(|a, b| {
        urgent(b)
            .cmp(&urgent(a))
            .then(latest(b).cmp(&latest(a)))
            .then(a.chat_id.cmp(&b.chat_id))
    });
    let any_urgent = parts.iter().any(urgent);
    let hidden = parts.split_off(limits.chats.min(parts.len()));
    Some(Digest {
        more_chats: hidden.len(),
        more_chat_entries: hidden.iter().map(|p| p.entries.len() + p.more).sum(),
        chats: parts,
        total,
        any_urgent,
    })
}

/// `text` on one line (runs of white space become one space), cut after `max` characters with
/// an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(read: i64) -> Option<MemberNow> {
        Some(MemberNow {
            joined_at: 100,
            visible_from: 0,
            last_read_seq: read,
        })
    }

    fn msg(created_at: i64) -> Option<MessageNow> {
        Some(MessageNow {
            created_at,
            deleted: false,
        })
    }

    fn item(chat: &str, kind: ItemKind, message: Option<&str>, at: i64) -> Missed {
        Missed {
            chat_id: chat.into(),
            chat_title: format!("Chat {chat}"),
            kind,
            message_id: message.map(str::to_owned),
            at,
            actor: Some("Anna Berg".into()),
            text: message.map(|m| format!("text of {m}")),
        }
    }

    #[test]
    fn r2_i19_an_item_stays_only_while_its_person_is_a_member_who_may_see_it_and_has_not_read_it() {
        use ItemKind::*;
        assert!(still_missed(Mention, 5, 200, member(4), msg(200)));
        assert!(still_missed(Urgent, 5, 200, member(0), msg(200)));
        assert!(
            !still_missed(Mention, 5, 200, None, msg(200)),
            "removed from the chat"
        );
        assert!(
            !still_missed(Mention, 5, 200, member(5), msg(200)),
            "read since"
        );
        assert!(
            !still_missed(Urgent, 5, 200, member(9), msg(200)),
            "read past it"
        );
        assert!(
            !still_missed(Mention, 5, 200, member(0), None),
            "message gone"
        );
        let deleted = Some(MessageNow {
            created_at: 200,
            deleted: true,
        });
        assert!(!still_missed(Urgent, 5, 200, member(0), deleted), "deleted");
        let late_window = Some(MemberNow {
            joined_at: 300,
            visible_from: 300,
            last_read_seq: 0,
        });
        assert!(
            !still_missed(Mention, 5, 200, late_window, msg(200)),
            "removed and added again without that history"
        );
        assert!(still_missed(Added, 0, 100, member(0), None));
        assert!(
            !still_missed(Added, 0, 100, member(3), None),
            "opened the chat since"
        );
        assert!(!still_missed(Added, 0, 100, None, None), "removed again");
        assert!(
            !still_missed(Added, 0, 50, member(0), None),
            "a later membership is not the one the item is about"
        );
    }

    #[test]
    fn i19_a_digest_groups_by_chat_urgent_first_then_latest_and_merges_one_messages_items() {
        let d = compose(
            vec![
                item("a", ItemKind::Mention, Some("m1"), 10),
                item("b", ItemKind::Mention, Some("m2"), 30),
                item("c", ItemKind::Urgent, Some("m3"), 5),
                item("c", ItemKind::Mention, Some("m3"), 5),
                item("a", ItemKind::Added, None, 1),
            ],
            &Limits::default(),
        )
        .unwrap();
        let order: Vec<&str> = d.chats.iter().map(|c| c.chat_id.as_str()).collect();
        assert_eq!(order, vec!["c", "b", "a"]);
        assert_eq!(d.total, 4, "the urgent mention is one entry");
        assert!(d.any_urgent);
        let c = &d.chats[0];
        assert_eq!(c.entries.len(), 1);
        assert!(c.entries[0].urgent && c.entries[0].mention && !c.entries[0].added);
        let a = &d.chats[2];
        assert_eq!(a.title, "Chat a");
        assert!(a.entries[0].added, "oldest first");
        assert_eq!(a.entries[1].excerpt.as_deref(), Some("text of m1"));
        assert_eq!((d.more_chats, d.more_chat_entries), (0, 0));
        assert_eq!(compose(Vec::new(), &Limits::default()), None);
    }

    #[test]
    fn i19_a_digest_is_bounded_and_says_how_much_it_left_out() {
        let limits = Limits {
            chats: 2,
            entries_per_chat: 2,
            excerpt_chars: 10,
        };
        let mut items = Vec::new();
        for i in 0..5 {
            items.push(item(
                "busy",
                ItemKind::Mention,
                Some(&format!("b{i}")),
                100 + i,
            ));
        }
        items.push(item("busy", ItemKind::Urgent, Some("old-urgent"), 1));
        items.push(item("quiet", ItemKind::Mention, Some("q"), 50));
        items.push(item("old", ItemKind::Mention, Some("o1"), 2));
        items.push(item("old", ItemKind::Mention, Some("o2"), 3));
        let d = compose(items, &limits).unwrap();
        assert_eq!(d.total, 9);
        let busy = &d.chats[0];
        assert_eq!(busy.chat_id, "busy");
        // The urgent one is kept however old, then the latest.
        assert!(busy.entries[0].urgent);
        assert_eq!(busy.entries[1].at, 104);
        assert_eq!(busy.more, 4);
        assert_eq!(d.chats[1].chat_id, "quiet");
        assert_eq!((d.more_chats, d.more_chat_entries), (1, 2));
        assert_eq!(busy.entries[1].excerpt.as_deref(), Some("text of b4"));
        assert_eq!(excerpt("one  two\n\nthree four five", 13), "one two three…");
        assert_eq!(excerpt("åäö åäö", 5), "åäö å…");
        assert_eq!(excerpt("short", 10), "short");
    }
}

//! What must never leak to whom: the needles searched for in every answer.

use super::*;

/// People who are not in the chat and may not join it (R2, R3: only those who may join see
/// a locked entry with the chat's name). The deactivated member is in the chat but may see
/// nothing at all.
const CHAT_OUTSIDERS: &[usize] = &[ANON, GONE, NOCOL, NONMEMBER, READER];
/// People not in the chat who may join it (R14: write access, *join chat* on): they see a
/// locked entry — the chat's name, member count and last activity, never member names or
/// messages (R3, docs/api.md) — until they join.
const MAY_JOIN: &[usize] = &[WRITER, TEAM_ADMIN, ADMIN];
/// People who cannot read the case (R4, R16, docs/security.md).
const NON_READERS: &[usize] = &[ANON, GONE, MEMBER, NONMEMBER];
/// People who cannot read Hal's account (issue 15: a lookup to it must not reveal it).
const ACCOUNT_NON_READERS: &[usize] = &[ANON, GONE, NOCOL, MEMBER, NONMEMBER, READER];
/// People outside Support, the team that owns the channel (R13).
const TEAM_OUTSIDERS: &[usize] = &[ANON, GONE, MEMBER, NONMEMBER, READER, DISCONNECTOR, ADMIN];

pub(super) const NEEDLES: &[Needle] = &[
    Needle {
        text: "zephyr",
        what: "the chat's name",
        hidden_from: CHAT_OUTSIDERS,
        by_design: &[],
    },
    Needle {
        text: MESSAGE_WORD,
        what: "the chat's message text or attachment name",
        hidden_from: CHAT_OUTSIDERS,
        by_design: &[],
    },
    Needle {
        text: "quist",
        what: "a chat member's name",
        hidden_from: CHAT_OUTSIDERS,
        // The people picker lists every user to every signed-in user (docs/security.md), and
        // so do the owner options, as people one may hand the record to.
        by_design: &[
            ("get", "/api/v1/users"),
            ("get", "/api/v1/records/{type}/{id}/owner-options"),
        ],
    },
    Needle {
        text: MESSAGE_WORD,
        what: "the chat's message text (a locked entry has no content)",
        hidden_from: MAY_JOIN,
        // Joining shows the chat as a member sees it.
        by_design: &[("post", "/api/v1/chats/{id}/join")],
    },
    Needle {
        text: "quist",
        what: "a chat member's name (a locked entry names no members)",
        hidden_from: MAY_JOIN,
        // The people picker (docs/security.md), joining, and the audit log, which names who
        // changed a chat's members (R22, administrators only).
        by_design: &[
            ("get", "/api/v1/users"),
            ("get", "/api/v1/records/{type}/{id}/owner-options"),
            ("post", "/api/v1/chats/{id}/join"),
            ("get", "/api/v1/audit"),
            ("get", "/api/v1/audit.csv"),
        ],
    },
    Needle {
        text: "zanzibar",
        what: "the record's name",
        hidden_from: NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "quokka",
        what: "a field value of the record",
        hidden_from: NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "marmalade",
        what: "a field value of the record",
        hidden_from: NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "yarrowdale",
        what: "the name of an account the caller cannot read",
        hidden_from: ACCOUNT_NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "fjord",
        what: "the team channel's name",
        hidden_from: TEAM_OUTSIDERS,
        by_design: &[],
    },
    Needle {
        text: "narwhal",
        what: "the team channel's message text",
        hidden_from: TEAM_OUTSIDERS,
        by_design: &[],
    },
];

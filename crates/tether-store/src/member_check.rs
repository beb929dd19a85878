//! Who may write to a chat, read inside the write's own transaction. A use case checks before
//! it writes (so a refusal costs no write); these make the same check where no change can
//! overtake it: [`require_member!`] for one person, and for SQLite's group commit, how a batch
//! of sends splits into the messages of members, written, and the others, refused.

use crate::outgoing::{NewMessage, Written};
use crate::{Result, StoreError};
use serde_json::{Value, json};
use std::collections::HashSet;

/// Returns `NotFound("chat")` from the enclosing function unless user `$user` is a member of
/// chat `$chat` now, read on `$conn` (an open transaction) with `$sql`, the
/// [`crate::dialect::member_now`] of the store's backend — the answer a non-member gets (R2).
macro_rules! require_member {
    ($conn:expr, $sql:expr, $chat:expr, $user:expr) => {
        if sqlx::query($sql)
            .bind($chat.as_str())
            .bind($user.as_str())
            .fetch_optional($conn)
            .await?
            .is_none()
        {
            return Err($crate::StoreError::NotFound("chat"));
        }
    };
}
pub(crate) use require_member;

/// Each message's chat and sender as `{"c", "u"}`, for the SQLite batch's membership read.
pub(crate) fn senders_json<'a>(messages: impl IntoIterator<Item = &'a NewMessage>) -> String {
    Value::Array(
        messages
            .into_iter()
            .map(|m| json!({"c": m.chat_id, "u": m.sender_id}))
            .collect(),
    )
    .to_string()
}

/// The messages of a batch whose sender is a member of their chat now (`members`, as the
/// batch's membership read answered inside the write's transaction), and for every
/// message of the batch whether it is among them.
pub(crate) fn from_members<'a>(
    messages: &[(&'a NewMessage, i64)],
    members: &[(String, String)],
) -> (Vec<(&'a NewMessage, i64)>, Vec<bool>) {
    let members: HashSet<(&str, &str)> = members
        .iter()
        .map(|(c, u)| (c.as_str(), u.as_str()))
        .collect();
    let allowed: Vec<bool> = messages
        .iter()
        .map(|(m, _)| members.contains(&(m.chat_id.as_str(), m.sender_id.as_str())))
        .collect();
    let kept = messages
        .iter()
        .zip(&allowed)
        .filter(|(_, ok)| **ok)
        .map(|(m, _)| *m)
        .collect();
    (kept, allowed)
}

/// The answers for a whole batch: the written messages in order where the sender was a
/// member, and where not, the answer a non-member gets for the chat (it is not theirs to see).
pub(crate) fn answers(allowed: Vec<bool>, written: Vec<Result<Written>>) -> Vec<Result<Written>> {
    let mut written = written.into_iter();
    allowed
        .into_iter()
        .map(|ok| match ok {
            true => written.next().unwrap_or(Err(StoreError::NotFound("chat"))),
            false => Err(StoreError::NotFound("chat")),
        })
        .collect()
}

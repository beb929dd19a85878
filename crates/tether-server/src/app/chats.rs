//! Chats (SPEC R2, R8, R9, R11b, R17, R20): start, list, read, rename, add and remove members.
//!
//! A chat is private to its members (R2): a chat that does not exist and a chat the caller is
//! not in get the same 404, so nothing about it leaks.

use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::{member_chat, not_a_member, require_collaboration};
use crate::app::html::system_message;
use crate::app::outbox::{Added, Effect, MessageChange, RecordKey};
use crate::app::views::{ChatOut, PersonRef, chat_out, chat_view, records_for_chats};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tether_domain::ChatId;
use tether_domain::UserId;
use tether_domain::chat::{ChatKind, ChatName, HistoryWindow, names_in_sentence};
use tether_domain::invalid::{FieldError, Invalid};
use tether_store::chats::NewChat;

/// What starting a chat asks for (R8, R9).
pub struct NewChatRequest {
    /// The other people (the caller is always a member).
    pub member_ids: Vec<String>,
    pub name: Option<ChatName>,
    /// A new group chat connected to this record (R9)…
    pub record: Option<RecordKey>,
    /// …with the introduction card where the record type enables it (R10).
    pub send_intro: bool,
}

/// Checks that every id is an active user; returns them deduplicated, without the caller.
async fn active_users(
    state: &AppState,
    ids: &[String],
    caller: &UserId,
) -> ApiResult<Vec<tether_store::people::UserSummary>> {
    let wanted: BTreeSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| *id != caller)
        .collect();
    let wanted: Vec<UserId> = wanted.into_iter().map(UserId::from).collect();
    let found = state.store.users_by_ids(&wanted).await?;
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|id| !found.iter().any(|u| u.id == **id))
        .map(UserId::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::invalid(
            "member_ids",
            Invalid::NotFound,
            format!("unknown user id(s): {}", missing.join(", ")),
        ));
    }
    if let Some(inactive) = found.iter().find(|u| !u.active) {
        return Err(ApiError::fields(vec![
            FieldError::new(
                "member_ids",
                Invalid::Deactivated,
                format!("{} is deactivated", inactive.name),
            )
            .with("name", inactive.name.clone()),
        ]));
    }
    Ok(found)
}

/// R8: one other person and no name is the one-on-one chat with that person (the existing one
/// if there is one: `created` is false); otherwise a group chat of the caller and the others,
/// named or not. With a record, a new group chat connected to it (R9).
pub async fn create_chat(
    state: &AppState,
    caller: &Caller,
    req: NewChatRequest,
) -> ApiResult<Outcome<(ChatOut, bool)>> {
    require_collaboration(state, caller).await?;
    let others = active_users(state, &req.member_ids, caller.id()).await?;
    if others.is_empty() {
        return Err(ApiError::invalid(
            "member_ids",
            Invalid::NoOtherMember,
            "name at least one other person",
        ));
    }
    let name = req.name;
    if let Some(record) = req.record {
        let started = super::collab::create_connected_chat(
            state,
            caller,
            &record,
            others,
            name,
            req.send_intro,
        )
        .await?;
        return Ok(started.map(|chat| (chat, true)));
    }
    let kind = if others.len() == 1 && name.is_none() {
        ChatKind::OneOnOne
    } else {
        ChatKind::Group
    };
    let mut members = vec![(caller.id().clone(), 0)];
    members.extend(others.iter().map(|u| (u.id.clone(), 0)));
    let opening = (kind == ChatKind::Group).then(|| {
        let names: Vec<&str> = others.iter().map(|u| u.name.as_str()).collect();
        system_message(
            Some(caller.id()),
            format!(
                "{} started the chat with {}",
                caller.user.name,
                names_in_sentence(&names)
            ),
            json!({"event": "chat.created",
                   "users": others.iter().map(|u| json!({"id": u.id, "name": u.name})).collect::<Vec<_>>()}),
        )
    });
    let (chat, created) = state
        .store
        .create_chat(
            &NewChat {
                kind,
                name: name.map(ChatName::into_string),
                team_id: None,
                created_by: caller.id().clone(),
                members,
            },
            opening.as_ref(),
        )
        .await?;
    let members = state.store.members(&chat.id).await?;
    let mut events = Vec::new();
    if created {
        let ids: Vec<UserId> = members.iter().map(|m| m.user_id.clone()).collect();
        events.push(Effect::ChatCreated {
            chat: chat.clone(),
            members: members.clone(),
            users: ids,
        });
        if opening.is_some() {
            for message in state.store.first_messages(&chat.id, 1).await? {
                events.push(Effect::Message {
                    change: MessageChange::Created,
                    message,
                });
            }
        }
    }
    let out = chat_out(chat, &members, 0, caller.id());
    Ok(Outcome::new((out, created), events))
}

/// A page of the caller's chats (one-on-one and group), most recent activity first, with unread
/// counts and records; `before` pages back. The filter searches every chat however old (R27).
/// The second value is the `before` of the next page, on a full page.
pub async fn list_chats(
    state: &AppState,
    caller: &Caller,
    filter: Option<&str>,
    before: Option<i64>,
    page: i64,
) -> ApiResult<(Vec<ChatOut>, Option<i64>)> {
    require_collaboration(state, caller).await?;
    let items = state
        .store
        .list_chats(
            caller.id(),
            filter,
            &[ChatKind::OneOnOne, ChatKind::Group],
            before,
            page,
        )
        .await?;
    let next_before = (items.len() as i64 == page)
        .then(|| items.last().map(|i| i.chat.last_activity_at))
        .flatten();
    let ids: Vec<ChatId> = items.iter().map(|i| i.chat.id.clone()).collect();
    let mut records = records_for_chats(state, caller, &ids).await?;
    let items = items
        .into_iter()
        .map(|i| {
            let id = i.chat.id.clone();
            let mut out = chat_out(i.chat, &i.members, i.unread, caller.id());
            out.records = records.remove(&id).unwrap_or_default();
            out
        })
        .collect();
    Ok((items, next_before))
}

/// A chat of the caller's, as they see it, with their unread count.
pub async fn get_chat(state: &AppState, caller: &Caller, id: &ChatId) -> ApiResult<ChatOut> {
    member_chat(state, caller, id).await?;
    let unread = state
        .store
        .unread_counts(caller.id(), &[id.to_owned()])
        .await?
        .get(id)
        .copied()
        .unwrap_or(0);
    let mut out = chat_view(state, caller, id).await?;
    out.unread = unread;
    Ok(out)
}

/// Renames a group chat; every member may (R9). Writes a system message naming who did it.
pub async fn rename_chat(
    state: &AppState,
    caller: &Caller,
    id: &ChatId,
    name: ChatName,
) -> ApiResult<Outcome<ChatOut>> {
    let (chat, _) = member_chat(state, caller, id).await?;
    if chat.kind == ChatKind::OneOnOne {
        return Err(ApiError::conflict(
            "a one-on-one chat has no name of its own; start a group chat to name it",
        ));
    }
    let sys = system_message(
        Some(caller.id()),
        format!(
            "{} renamed the chat to “{}”",
            caller.user.name,
            name.as_str()
        ),
        json!({"event": "chat.renamed", "name": name.as_str()}),
    );
    let written = state
        .store
        .rename_chat(id, name.as_str(), caller.id(), &sys)
        .await?;
    let chat = state
        .store
        .chat(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("chat".into()))?;
    let members = state.store.members(id).await?;
    let events = vec![
        Effect::ChatUpdated {
            chat: chat.clone(),
            members: members.clone(),
        },
        Effect::Written(written),
    ];
    Ok(Outcome::new(
        chat_out(chat, &members, 0, caller.id()),
        events,
    ))
}

/// The history an added member sees, as a system message's data: `"all"`, `"none"` or
/// `{"days": N}` (the form `POST /chats/{id}/members` takes).
fn history_data(w: HistoryWindow) -> Value {
    match w {
        HistoryWindow::All => json!("all"),
        HistoryWindow::None => json!("none"),
        HistoryWindow::Days(d) => json!({ "days": d }),
    }
}

fn history_words(w: HistoryWindow) -> String {
    match w {
        HistoryWindow::All => "they can see the full history".into(),
        HistoryWindow::None => "they can see new messages only".into(),
        HistoryWindow::Days(1) => "they can see the last day".into(),
        HistoryWindow::Days(d) => format!("they can see the last {d} days"),
    }
}

/// R11b: any member of a group chat adds people, choosing how much history they see. A
/// one-on-one chat never changes members, nor does a channel (its team's members do).
pub async fn add_members(
    state: &AppState,
    caller: &Caller,
    id: &ChatId,
    user_ids: &[String],
    window: HistoryWindow,
) -> ApiResult<Outcome<ChatOut>> {
    let (chat, _) = member_chat(state, caller, id).await?;
    match chat.kind {
        ChatKind::OneOnOne => {
            return Err(ApiError::conflict(
                "a one-on-one chat never changes members; start a group chat with everyone instead (POST /chats)",
            ));
        }
        ChatKind::Channel => {
            return Err(ApiError::conflict(
                "a channel's members are its team's members; add people to the team instead",
            ));
        }
        ChatKind::Group => {}
    }
    let users = active_users(state, user_ids, caller.id()).await?;
    let current: BTreeSet<UserId> = state.store.member_ids(id).await?.into_iter().collect();
    let new: Vec<_> = users
        .into_iter()
        .filter(|u| !current.contains(&u.id))
        .collect();
    if new.is_empty() {
        return Err(ApiError::invalid(
            "user_ids",
            Invalid::AlreadyMembers,
            "everyone named is already a member",
        ));
    }
    let visible_from = window.visible_from(tether_store::now_ms());
    let names: Vec<&str> = new.iter().map(|u| u.name.as_str()).collect();
    let sys = system_message(
        Some(caller.id()),
        format!(
            "{} added {} ({})",
            caller.user.name,
            names_in_sentence(&names),
            history_words(window)
        ),
        json!({"event": "member.added",
               "user_ids": new.iter().map(|u| &u.id).collect::<Vec<_>>(),
               "users": new.iter().map(|u| json!({"id": u.id, "name": u.name})).collect::<Vec<_>>(),
               "history": history_data(window)}),
    );
    let pairs: Vec<(UserId, i64)> = new.iter().map(|u| (u.id.clone(), visible_from)).collect();
    // The adder's membership is read again inside the write, where a removal cannot
    // overtake it; the members answered are those the write left.
    let mut tx = state.store.begin().await?;
    if !tx.member_now(id, caller.id()).await? {
        return Err(not_a_member(id));
    }
    let added = tx.add_members(id, &pairs, Some(caller.id()), &sys).await?;
    let members = tx.members(id).await?;
    tx.commit().await?;
    let added_people: Vec<PersonRef> = new
        .iter()
        .filter(|u| added.users.contains(&u.id))
        .map(|u| PersonRef {
            id: u.id.clone(),
            name: u.name.clone(),
        })
        .collect();
    let chat_now = state
        .store
        .chat(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("chat".into()))?;
    let mut events = Vec::new();
    if let Some(written) = added.message_id {
        events.push(Effect::MembersAdded {
            chat_id: id.to_owned(),
            users: added_people,
            how: Added::By(PersonRef::from(caller)),
            members: members.clone(),
        });
        events.push(Effect::ChatCreated {
            chat,
            members: members.clone(),
            users: added.users,
        });
        events.push(Effect::ChatUpdated {
            chat: chat_now.clone(),
            members: members.clone(),
        });
        events.push(Effect::Written(written));
    }
    Ok(Outcome::new(
        chat_out(chat_now, &members, 0, caller.id()),
        events,
    ))
}

/// Removes a member of a group chat, or leaves it when `user_id` is the caller. The removed
/// person stops receiving the chat's events at once.
pub async fn remove_member(
    state: &AppState,
    caller: &Caller,
    id: &ChatId,
    user_id: &UserId,
) -> ApiResult<Outcome<()>> {
    let (chat, _) = member_chat(state, caller, id).await?;
    if chat.kind != ChatKind::Group {
        return Err(ApiError::conflict(
            "only group chats change members; a one-on-one chat is always the two of you",
        ));
    }
    let target = state
        .store
        .member(id, user_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{user_id} is not a member of this chat")))?;
    let leaving = user_id == caller.id();
    let sys = if leaving {
        system_message(
            Some(caller.id()),
            format!("{} left the chat", caller.user.name),
            json!({"event": "member.left", "user_id": user_id, "name": caller.user.name}),
        )
    } else {
        system_message(
            Some(caller.id()),
            format!("{} removed {}", caller.user.name, target.name),
            json!({"event": "member.removed", "user_id": user_id, "name": target.name}),
        )
    };
    let mut events = Vec::new();
    if let Some(removed) = state
        .store
        .remove_member(id, user_id, caller.id(), &sys)
        .await?
    {
        let user = PersonRef {
            id: user_id.clone(),
            name: target.name,
        };
        events.push(Effect::MemberRemoved {
            chat_id: id.to_owned(),
            user,
            by: PersonRef::from(caller),
            audience: removed.members_before,
        });
        events.push(Effect::ChatChanged(id.to_owned()));
        events.push(Effect::Written(removed.message_id));
    }
    Ok(Outcome::new((), events))
}

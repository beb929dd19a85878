//! Chats (SPEC R2, R8, R11b, R17, R20): create, list, read, rename, members, and the gate of
//! R1 that every chat endpoint passes first.
//!
//! A chat is private to its members (R2): a chat that does not exist and a chat the caller is
//! not in get the same 404, so nothing about it leaks.

use super::outbox::{self, Added, MessageChange};
use super::{PersonRef, limit, rfc3339};
use crate::AppState;
use crate::api::guard::{member_chat, require_collaboration};
use crate::api::html::system_message;
use crate::api::views::{ChatOut, chat_out};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tether_domain::chat::{ChatKind, ChatName, HistoryWindow, names_in_sentence};
use tether_domain::invalid::{FieldError, Invalid};
use tether_store::chats::{ChatListItem, NewChat};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_chat, list_chats))
        .routes(routes!(get_chat, rename_chat))
        .routes(routes!(add_members))
        .routes(routes!(remove_member))
}

fn list_item_out(item: ChatListItem, viewer: &str) -> ChatOut {
    chat_out(item.chat, &item.members, item.unread, viewer)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChat {
    /// The other people (the caller is always a member).
    pub member_ids: Vec<String>,
    pub name: Option<String>,
    /// Start a new group chat connected to this record (R9).
    pub record: Option<super::collab::RecordRefIn>,
    /// With `record`: post the introduction card where the record type enables it (R10).
    #[serde(default)]
    pub send_intro: bool,
}

/// Checks that every id is an active user; returns them deduplicated, without the caller.
async fn active_users(
    state: &AppState,
    ids: &[String],
    caller: &str,
) -> ApiResult<Vec<tether_store::people::UserSummary>> {
    let wanted: BTreeSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| *id != caller)
        .collect();
    let wanted: Vec<String> = wanted.into_iter().map(str::to_owned).collect();
    let found = state.store.users_by_ids(&wanted).await?;
    let missing: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|id| !found.iter().any(|u| u.id == *id))
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

/// # `POST /api/v1/chats`
///
/// Starts a chat (R8). One other person and no name: the one-on-one chat with that person (the
/// existing one if there is one, answered 200). Otherwise a group chat of the caller and the
/// others, named or not (201).
#[utoipa::path(post, path = "/chats", tag = "chats", request_body = CreateChat,
    responses((status = 201, body = ChatOut), (status = 200, body = ChatOut, description = "the existing one-on-one chat"), (status = 403), (status = 422)))]
async fn create_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateChat>,
) -> ApiResult<(StatusCode, Json<ChatOut>)> {
    require_collaboration(&state, &caller).await?;
    let others = active_users(&state, &req.member_ids, caller.id()).await?;
    if others.is_empty() {
        return Err(ApiError::invalid(
            "member_ids",
            Invalid::NoOtherMember,
            "name at least one other person",
        ));
    }
    let name = req
        .name
        .as_deref()
        .map(ChatName::parse)
        .transpose()
        .map_err(|e| ApiError::refused("name", e))?;
    if let Some(record) = req.record {
        let chat = super::collab::create_connected_chat(
            &state,
            &caller,
            record,
            others,
            name,
            req.send_intro,
        )
        .await?;
        return Ok((StatusCode::CREATED, Json(chat)));
    }
    let kind = if others.len() == 1 && name.is_none() {
        ChatKind::OneOnOne
    } else {
        ChatKind::Group
    };
    let mut members = vec![(caller.id().to_owned(), 0)];
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
                created_by: caller.id().to_owned(),
                members,
            },
            opening.as_ref(),
        )
        .await?;
    let members = state.store.members(&chat.id).await?;
    if created {
        let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
        outbox::chat_created(&state, &chat, &members, &ids);
        if opening.is_some() {
            for m in state.store.first_messages(&chat.id, 1).await? {
                outbox::message(&state, MessageChange::Created, &m).await?;
            }
        }
    }
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(chat_out(chat, &members, 0, caller.id()))))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChatQuery {
    /// Part of the chat's name or of a member's name, any case.
    pub filter: Option<String>,
    /// Only chats last active before this time (RFC 3339): the next page.
    pub before: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ChatList {
    pub items: Vec<ChatOut>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<String>,
}

/// # `GET /api/v1/chats?filter=&limit=`
///
/// The caller's chats, most recent activity first, with unread counts. Paginated with
/// `before`; the filter searches every chat however old (R27).
#[utoipa::path(get, path = "/chats", tag = "chats", params(ChatQuery), responses((status = 200, body = ChatList), (status = 403)))]
async fn list_chats(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ChatQuery>,
) -> ApiResult<Json<ChatList>> {
    require_collaboration(&state, &caller).await?;
    let before = q
        .before
        .as_deref()
        .map(|b| super::parse_rfc3339("before", b))
        .transpose()?;
    let page = limit(q.limit, 50, 200);
    let items = state
        .store
        .list_chats(
            caller.id(),
            q.filter.as_deref(),
            &[ChatKind::OneOnOne, ChatKind::Group],
            before,
            page,
        )
        .await?;
    let next_before = (items.len() as i64 == page)
        .then(|| items.last().map(|i| rfc3339(i.chat.last_activity_at)))
        .flatten();
    let ids: Vec<String> = items.iter().map(|i| i.chat.id.clone()).collect();
    let mut records = crate::api::views::records_for_chats(&state, &caller, &ids).await?;
    let items = items
        .into_iter()
        .map(|i| {
            let id = i.chat.id.clone();
            let mut out = list_item_out(i, caller.id());
            out.records = records
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|r| json!(r))
                .collect();
            out
        })
        .collect();
    Ok(Json(ChatList { items, next_before }))
}

/// # `GET /api/v1/chats/{id}`
#[utoipa::path(get, path = "/chats/{id}", tag = "chats", params(("id" = String, Path)), responses((status = 200, body = ChatOut), (status = 403), (status = 404)))]
async fn get_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ChatOut>> {
    member_chat(&state, &caller, &id).await?;
    let unread = state
        .store
        .unread_counts(caller.id(), std::slice::from_ref(&id))
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    let mut out = crate::api::views::chat_view(&state, &caller, &id).await?;
    out.unread = unread;
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameChat {
    pub name: String,
}

/// # `PATCH /api/v1/chats/{id}`
///
/// Renames a group chat; every member may (R9). Posts a system message naming who did it.
#[utoipa::path(patch, path = "/chats/{id}", tag = "chats", params(("id" = String, Path)), request_body = RenameChat,
    responses((status = 200, body = ChatOut), (status = 404), (status = 409), (status = 422)))]
async fn rename_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<RenameChat>,
) -> ApiResult<Json<ChatOut>> {
    let (chat, _) = member_chat(&state, &caller, &id).await?;
    if chat.kind == ChatKind::OneOnOne {
        return Err(ApiError::conflict(
            "a one-on-one chat has no name of its own; start a group chat to name it",
        ));
    }
    let name = ChatName::parse(&req.name).map_err(|e| ApiError::refused("name", e))?;
    let sys = system_message(
        Some(caller.id()),
        format!(
            "{} renamed the chat to “{}”",
            caller.user.name,
            name.as_str()
        ),
        json!({"event": "chat.renamed", "name": name.as_str()}),
    );
    let written = state.store.rename_chat(&id, name.as_str(), &sys).await?;
    outbox::chat_updated_now(&state, &id).await?;
    outbox::written(&state, &written).await?;
    let chat = state
        .store
        .chat(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound("chat".into()))?;
    let members = state.store.members(&id).await?;
    Ok(Json(chat_out(chat, &members, 0, caller.id())))
}

/// `"all"`, `"none"` or `{"days": N}`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum HistoryIn {
    Word(String),
    Days { days: u32 },
}

impl HistoryIn {
    fn parse(self) -> ApiResult<HistoryWindow> {
        match self {
            HistoryIn::Word(w) if w == "all" => Ok(HistoryWindow::All),
            HistoryIn::Word(w) if w == "none" => Ok(HistoryWindow::None),
            HistoryIn::Days { days } if (1..=HistoryWindow::MAX_DAYS).contains(&days) => {
                Ok(HistoryWindow::Days(days))
            }
            _ => Err(ApiError::invalid(
                "history",
                Invalid::Format,
                "use \"all\", \"none\" or {\"days\": N} with N from 1 to 3650",
            )),
        }
    }
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMembers {
    pub user_ids: Vec<String>,
    #[schema(value_type = Object)]
    pub history: HistoryIn,
}

/// # `POST /api/v1/chats/{id}/members`
///
/// Any member of a group chat adds people, choosing how much history they see (R11b). A
/// one-on-one chat never changes members: 409, start a group chat instead.
#[utoipa::path(post, path = "/chats/{id}/members", tag = "chats", params(("id" = String, Path)), request_body = AddMembers,
    responses((status = 200, body = ChatOut), (status = 404), (status = 409), (status = 422)))]
async fn add_members(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<AddMembers>,
) -> ApiResult<Json<ChatOut>> {
    let (chat, _) = member_chat(&state, &caller, &id).await?;
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
    let window = req.history.parse()?;
    let users = active_users(&state, &req.user_ids, caller.id()).await?;
    let current: BTreeSet<String> = state.store.member_ids(&id).await?.into_iter().collect();
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
    let pairs: Vec<(String, i64)> = new.iter().map(|u| (u.id.clone(), visible_from)).collect();
    let added = state
        .store
        .add_members(&id, &pairs, caller.id(), &sys)
        .await?;
    let members = state.store.members(&id).await?;
    let added_people: Vec<PersonRef> = new
        .iter()
        .filter(|u| added.users.contains(&u.id))
        .map(|u| PersonRef {
            id: u.id.clone(),
            name: u.name.clone(),
        })
        .collect();
    if let Some(written) = added.message_id {
        outbox::members_added(
            &state,
            &id,
            added_people,
            Added::By(PersonRef::from(&caller)),
            &members,
        );
        outbox::chat_created(&state, &chat, &members, &added.users);
        outbox::chat_updated_now(&state, &id).await?;
        outbox::written(&state, &written).await?;
    }
    let chat = state
        .store
        .chat(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound("chat".into()))?;
    Ok(Json(chat_out(chat, &members, 0, caller.id())))
}

/// # `DELETE /api/v1/chats/{id}/members/{user_id}`
///
/// Removes a member of a group chat, or leaves it when `user_id` is the caller. The removed
/// person stops receiving the chat's events at once.
#[utoipa::path(delete, path = "/chats/{id}/members/{user_id}", tag = "chats", params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 404), (status = 409)))]
async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let (chat, _) = member_chat(&state, &caller, &id).await?;
    if chat.kind != ChatKind::Group {
        return Err(ApiError::conflict(
            "only group chats change members; a one-on-one chat is always the two of you",
        ));
    }
    let target = state
        .store
        .member(&id, &user_id)
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
    if let Some(removed) = state.store.remove_member(&id, &user_id, &sys).await? {
        let user = PersonRef {
            id: user_id.clone(),
            name: target.name,
        };
        let by = PersonRef::from(&caller);
        outbox::member_removed(&state, &id, user, by, removed.members_before);
        outbox::chat_updated_now(&state, &id).await?;
        outbox::written(&state, &removed.message_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

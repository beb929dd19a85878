//! The HTTP face of chats (SPEC R2, R8, R11b, R17, R20): extract, call `crate::app::chats`,
//! publish what the change caused, answer.

use super::{limit, rfc3339};
use crate::AppState;
use crate::app::chats::{self, NewChatRequest};
use crate::app::views::ChatOut;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tether_domain::chat::{ChatName, HistoryWindow};
use tether_domain::invalid::Invalid;
use tether_domain::{ChatId, UserId};
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

fn chat_name(raw: &str) -> ApiResult<ChatName> {
    ChatName::parse(raw).map_err(|e| ApiError::refused("name", e))
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
    let req = NewChatRequest {
        member_ids: req.member_ids,
        name: req.name.as_deref().map(chat_name).transpose()?,
        record: req.record.map(Into::into),
        send_intro: req.send_intro,
    };
    let (chat, created) = chats::create_chat(&state, &caller, req)
        .await?
        .publish(&state)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(chat)))
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
    let before = q
        .before
        .as_deref()
        .map(|b| super::parse_rfc3339("before", b))
        .transpose()?;
    let page = limit(q.limit, 50, 200);
    let (items, next) =
        chats::list_chats(&state, &caller, q.filter.as_deref(), before, page).await?;
    Ok(Json(ChatList {
        items,
        next_before: next.map(rfc3339),
    }))
}

/// # `GET /api/v1/chats/{id}`
#[utoipa::path(get, path = "/chats/{id}", tag = "chats", params(("id" = String, Path)), responses((status = 200, body = ChatOut), (status = 403), (status = 404)))]
async fn get_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ChatId>,
) -> ApiResult<Json<ChatOut>> {
    chats::get_chat(&state, &caller, &id).await.map(Json)
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
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<RenameChat>,
) -> ApiResult<Json<ChatOut>> {
    let name = chat_name(&req.name)?;
    chats::rename_chat(&state, &caller, &id, name)
        .await?
        .publish(&state)
        .await
        .map(Json)
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMembers {
    pub user_ids: Vec<String>,
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
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<AddMembers>,
) -> ApiResult<Json<ChatOut>> {
    let window = req.history.parse()?;
    chats::add_members(&state, &caller, &id, &req.user_ids, window)
        .await?
        .publish(&state)
        .await
        .map(Json)
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
    ApiPath((id, user_id)): ApiPath<(ChatId, UserId)>,
) -> ApiResult<StatusCode> {
    chats::remove_member(&state, &caller, &id, &user_id)
        .await?
        .publish(&state)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

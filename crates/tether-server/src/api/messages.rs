//! The HTTP face of messages (SPEC R17): extract, call `crate::app::messages`, publish what the
//! change caused, answer.

use super::limit;
use crate::AppState;
use crate::app::messages::{self, Send};
use crate::app::views::MessageOut;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tether_domain::chat::Importance;
use tether_domain::invalid::Invalid;
use tether_domain::{ChatId, MessageId};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages, send_message))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(mark_read))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Only messages with a lower `seq` (the next page back).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageOut>,
}

/// # `GET /api/v1/chats/{id}/messages?before=&limit=`
///
/// A page of messages, newest first, within the caller's history window.
#[utoipa::path(get, path = "/chats/{id}/messages", tag = "messages", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = MessagePage), (status = 403), (status = 404)))]
pub(crate) async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ChatId>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<MessagePage>> {
    let items =
        messages::list_messages(&state, &caller, &id, q.before, limit(q.limit, 50, 200)).await?;
    Ok(Json(MessagePage { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// Markdown; mention a member with `<@user_id>`; `:shortcode:` emoji.
    pub body: String,
    /// normal, important or urgent
    pub importance: Option<String>,
    #[serde(default)]
    pub attachment_ids: Vec<String>,
    /// Record-link URLs whose cards the sender removed in the composer.
    #[serde(default)]
    pub without_cards: Vec<String>,
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v
                .to_str()
                .map_err(|_| {
                    ApiError::BadRequest("the Idempotency-Key header must be printable text".into())
                })?
                .trim();
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::BadRequest(
                    "the Idempotency-Key header must be 1–200 characters".into(),
                ));
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// # `POST /api/v1/chats/{id}/messages`
///
/// Sends a message. Mentioned members get a `notification`; an urgent message notifies every
/// member and repeats every 2 minutes for 20 minutes to those who have not read it. With an
/// `Idempotency-Key` header a retry returns the first message instead of sending a second.
#[utoipa::path(post, path = "/chats/{id}/messages", tag = "messages", request_body = SendMessage,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = MessageOut), (status = 404), (status = 413), (status = 422), (status = 429)))]
pub(crate) async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ChatId>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    let importance = match req.importance.as_deref() {
        None => Importance::Normal,
        Some(s) => Importance::parse(s).ok_or_else(|| {
            ApiError::invalid(
                "importance",
                Invalid::Option,
                "use normal, important or urgent",
            )
        })?,
    };
    let send = Send {
        body: req.body,
        importance,
        attachment_ids: req.attachment_ids,
        without_cards: req.without_cards,
        idempotency_key: idempotency_key(&headers)?,
    };
    let message = messages::send_message(&state, &caller, &id, send)
        .await?
        .publish(&state)
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessage {
    pub body: String,
}

/// # `PATCH /api/v1/chats/{id}/messages/{message_id}`
///
/// Edits one's own message; it is marked edited. An edit is checked as a send is: it counts
/// against the send limit and meets the same body and render limits.
#[utoipa::path(patch, path = "/chats/{id}/messages/{message_id}", tag = "messages", request_body = EditMessage,
    params(("id" = String, Path), ("message_id" = String, Path)),
    responses((status = 200, body = MessageOut), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422), (status = 429)))]
async fn edit_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(ChatId, MessageId)>,
    ApiJson(req): ApiJson<EditMessage>,
) -> ApiResult<Json<MessageOut>> {
    messages::edit_message(&state, &caller, &id, &message_id, &req.body)
        .await?
        .publish(&state)
        .await
        .map(Json)
}

/// # `DELETE /api/v1/chats/{id}/messages/{message_id}`
///
/// Deletes one's own message, leaving a tombstone; its files are removed.
#[utoipa::path(delete, path = "/chats/{id}/messages/{message_id}", tag = "messages", params(("id" = String, Path), ("message_id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
async fn delete_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(ChatId, MessageId)>,
) -> ApiResult<StatusCode> {
    messages::delete_message(&state, &caller, &id, &message_id)
        .await?
        .publish(&state)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionIn {
    /// One emoji (skin tones and ZWJ sequences included) or the `:shortcode:` of one.
    pub emoji: String,
}

async fn react(
    state: AppState,
    caller: Caller,
    (id, message_id): (ChatId, MessageId),
    emoji: &str,
    add: bool,
) -> ApiResult<Json<MessageOut>> {
    messages::react(&state, &caller, &id, &message_id, emoji, add)
        .await?
        .publish(&state)
        .await
        .map(Json)
}

/// # `POST /api/v1/chats/{id}/messages/{message_id}/reactions`
///
/// Adds the caller's reaction: one emoji. 409 when the message already has the most different
/// reactions a message can have and this is not one of them.
#[utoipa::path(post, path = "/chats/{id}/messages/{message_id}/reactions", tag = "messages", request_body = ReactionIn,
    params(("id" = String, Path), ("message_id" = String, Path)), responses((status = 200, body = MessageOut), (status = 404), (status = 409), (status = 422), (status = 429)))]
async fn add_reaction(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ids): ApiPath<(ChatId, MessageId)>,
    ApiJson(req): ApiJson<ReactionIn>,
) -> ApiResult<Json<MessageOut>> {
    react(state, caller, ids, &req.emoji, true).await
}

/// # `DELETE /api/v1/chats/{id}/messages/{message_id}/reactions`
#[utoipa::path(delete, path = "/chats/{id}/messages/{message_id}/reactions", tag = "messages", request_body = ReactionIn,
    params(("id" = String, Path), ("message_id" = String, Path)), responses((status = 200, body = MessageOut), (status = 404), (status = 422), (status = 429)))]
async fn remove_reaction(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ids): ApiPath<(ChatId, MessageId)>,
    ApiJson(req): ApiJson<ReactionIn>,
) -> ApiResult<Json<MessageOut>> {
    react(state, caller, ids, &req.emoji, false).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadIn {
    #[schema(value_type = String)]
    pub message_id: MessageId,
}

#[derive(Serialize, ToSchema)]
pub struct ReadOut {
    pub unread: i64,
}

/// # `POST /api/v1/chats/{id}/read`
///
/// Moves the caller's read marker to this message (never backwards); answers the unread count.
#[utoipa::path(post, path = "/chats/{id}/read", tag = "messages", request_body = ReadIn, params(("id" = String, Path)),
    responses((status = 200, body = ReadOut), (status = 404)))]
async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<ReadIn>,
) -> ApiResult<Json<ReadOut>> {
    let unread = messages::mark_read(&state, &caller, &id, &req.message_id).await?;
    Ok(Json(ReadOut { unread }))
}

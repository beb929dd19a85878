//! The HTTP face of record-connected collaboration (SPEC R3–R15): extract, call the use case
//! in `crate::app::collab`, publish its events, answer. What each action decides is there.

use crate::AppState;
use crate::app::collab::{self, ChannelChoice, Panel};
use crate::app::outbox::RecordKey;
use crate::app::views::ChatOut;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::ChatId;
use tether_domain::RecordId;
use tether_domain::invalid::Invalid;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(panel))
        .routes(routes!(connect_chat))
        .routes(routes!(disconnect_chat))
        .routes(routes!(connect_channel))
        .routes(routes!(disconnect_channel))
        .routes(routes!(join_chat))
}

/// A record named in a request body.
#[derive(Deserialize, ToSchema)]
pub struct RecordRefIn {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: RecordId,
}

impl From<RecordRefIn> for RecordKey {
    fn from(r: RecordRefIn) -> RecordKey {
        RecordKey {
            record_type: r.record_type,
            id: r.id,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PanelQuery {
    /// Part of a chat's name (any case): filters every chat section; with a filter the
    /// *Other chats* section is not cut at 50, so every chat stays findable (R27).
    pub filter: Option<String>,
}

/// # `GET /api/v1/records/{type}/{id}/collaboration?filter=`
///
/// The record's collaboration panel in one call (R3–R7): chats connected to this record (member
/// ones, plus locked ones the caller may join), the caller's chats connected to other records,
/// the 50 most recent unconnected chats, suggested contacts, and connected channels.
#[utoipa::path(get, path = "/records/{type}/{id}/collaboration", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path), PanelQuery),
    responses((status = 200, body = Panel), (status = 403), (status = 404)))]
async fn panel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiQuery(q): ApiQuery<PanelQuery>,
) -> ApiResult<Json<Panel>> {
    let record = RecordKey::new(&ty, id);
    collab::panel(&state, &caller, &record, q.filter.as_deref())
        .await
        .map(Json)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectChat {
    #[schema(value_type = String)]
    pub chat_id: ChatId,
}

/// # `POST /api/v1/records/{type}/{id}/chats`
///
/// Connects one of the caller's group chats to the record (R11): the caller must be a member of
/// the chat and able to write the record. Connecting twice changes nothing. A one-on-one chat
/// cannot be connected: 409 with `offer: "new_connected_chat"` and the other person.
#[utoipa::path(post, path = "/records/{type}/{id}/chats", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path)), request_body = ConnectChat,
    responses((status = 200, body = ChatOut), (status = 403), (status = 404), (status = 409)))]
async fn connect_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiJson(req): ApiJson<ConnectChat>,
) -> ApiResult<Json<ChatOut>> {
    let record = RecordKey::new(&ty, id);
    collab::connect_chat(&state, &caller, &record, &req.chat_id)
        .await?
        .publish(&state)
        .await
        .map(Json)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectChannel {
    /// An existing channel of one of the caller's teams…
    #[schema(value_type = Option<String>)]
    pub channel_id: Option<ChatId>,
    /// …or a new channel with this name in this team.
    pub team_id: Option<String>,
    pub name: Option<String>,
}

/// # `POST /api/v1/records/{type}/{id}/channels`
///
/// Connects an existing channel (`channel_id`), or creates a channel in one of the caller's
/// teams (`team_id`, `name`) connected to the record (R13). Needs write access to the record.
#[utoipa::path(post, path = "/records/{type}/{id}/channels", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path)), request_body = ConnectChannel,
    responses((status = 200, body = ChatOut), (status = 201, body = ChatOut), (status = 403), (status = 404), (status = 422)))]
async fn connect_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiJson(req): ApiJson<ConnectChannel>,
) -> ApiResult<(StatusCode, Json<ChatOut>)> {
    let choice = match (req.channel_id, req.team_id, req.name) {
        (Some(id), None, None) => ChannelChoice::Existing(id),
        (None, Some(team_id), Some(name)) => ChannelChoice::New {
            team_id: team_id.into(),
            name,
        },
        _ => {
            return Err(ApiError::invalid(
                "channel_id",
                Invalid::Format,
                "send either channel_id, or team_id and name",
            ));
        }
    };
    let record = RecordKey::new(&ty, id);
    let (chat, created) = collab::connect_channel(&state, &caller, &record, choice)
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

/// # `DELETE /api/v1/records/{type}/{id}/chats/{chat_id}`
///
/// Disconnects a chat (R11a) — only the record's owner (setting *owner may disconnect*), the
/// last connector (setting *last connector may disconnect*) or a holder of `collab.disconnect`.
/// The chat and its messages stay.
#[utoipa::path(delete, path = "/records/{type}/{id}/chats/{chat_id}", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path), ("chat_id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
async fn disconnect_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id, chat_id)): ApiPath<(String, RecordId, ChatId)>,
) -> ApiResult<StatusCode> {
    let record = RecordKey::new(&ty, id);
    collab::disconnect(&state, &caller, &record, &chat_id, false)
        .await?
        .publish(&state)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// # `DELETE /api/v1/records/{type}/{id}/channels/{channel_id}`
///
/// Disconnects a channel, with the same rights as chats (R11a).
#[utoipa::path(delete, path = "/records/{type}/{id}/channels/{channel_id}", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path), ("channel_id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
async fn disconnect_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id, channel_id)): ApiPath<(String, RecordId, ChatId)>,
) -> ApiResult<StatusCode> {
    let record = RecordKey::new(&ty, id);
    collab::disconnect(&state, &caller, &record, &channel_id, true)
        .await?
        .publish(&state)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub record: RecordRefIn,
}

/// # `POST /api/v1/chats/{id}/join`
///
/// Joins a chat connected to the record, with the full history (R14): needs the type's *join
/// chat* setting and write access to the record; otherwise 403 saying which (`reason`:
/// `setting_off` or `read_only`) and that a member can add the caller instead.
#[utoipa::path(post, path = "/chats/{id}/join", tag = "collaboration", params(("id" = String, Path)), request_body = JoinRequest,
    responses((status = 200, body = ChatOut), (status = 403), (status = 404), (status = 409)))]
async fn join_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(chat_id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<JoinRequest>,
) -> ApiResult<Json<ChatOut>> {
    collab::join_chat(&state, &caller, &chat_id, &req.record.into())
        .await?
        .publish(&state)
        .await
        .map(Json)
}

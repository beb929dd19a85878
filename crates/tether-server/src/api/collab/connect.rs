//! Connecting an existing chat or a channel to a record (R11, R13).

use super::{ConnectionStep, connection_message};
use crate::AppState;
use crate::api::PersonRef;
use crate::api::guard::record_context;
use crate::api::outbox::publish_connection;
use crate::api::views::{ChatOut, chat_view};

use crate::api::outbox::Connection;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, json};
use tether_domain::chat::ChatKind;
use tether_domain::collab::{self};
use tether_domain::invalid::Invalid;
use tether_store::collab::ConnectionChange;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectChat {
    pub chat_id: String,
}

/// # `POST /api/v1/records/{type}/{id}/chats`
///
/// Connects one of the caller's group chats to the record (R11): the caller must be a member of
/// the chat and able to write the record. Connecting twice changes nothing. A one-on-one chat
/// cannot be connected: 409 with `offer: "new_connected_chat"` and the other person.
#[utoipa::path(post, path = "/records/{type}/{id}/chats", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path)), request_body = ConnectChat,
    responses((status = 200, body = ChatOut), (status = 403), (status = 404), (status = 409)))]
pub(super) async fn connect_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<ConnectChat>,
) -> ApiResult<Json<ChatOut>> {
    let ctx = record_context(&state, &caller, &ty, &id).await?;
    let (chat, _) = state
        .store
        .chat_for_member(&req.chat_id, caller.id())
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "there is no chat {} that you are a member of",
                req.chat_id
            ))
        })?;
    match chat.kind {
        ChatKind::OneOnOne => {
            let other = state
                .store
                .members(&chat.id)
                .await?
                .into_iter()
                .find(|m| m.user_id != caller.id());
            let mut extra = Map::new();
            extra.insert("offer".into(), json!("new_connected_chat"));
            extra.insert(
                "with".into(),
                json!(other.map(|m| PersonRef {
                    id: m.user_id,
                    name: m.name
                })),
            );
            return Err(ApiError::Conflict { detail: "a one-on-one chat cannot be connected to a record; start a new connected chat with this person instead".into(), extra });
        }
        ChatKind::Channel => {
            return Err(ApiError::conflict(
                "this is a channel; connect it with POST /records/{type}/{id}/channels",
            ));
        }
        ChatKind::Group => {}
    }
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "connecting a chat needs write access to the record".into(),
        ));
    }
    let sys = connection_message(&caller, &ctx, ConnectionStep::Connected, false);
    let change = ConnectionChange {
        chat_id: &chat.id,
        record_type: &ty,
        record_id: &id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Chat connected",
    };
    if let Some(written) = state.store.connect_chat(&change).await? {
        publish_connection(&state, Connection::Added, &chat.id, &ty, &id, &written).await?;
    }
    chat_view(&state, &caller, &chat.id).await.map(Json)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectChannel {
    /// An existing channel of one of the caller's teams…
    pub channel_id: Option<String>,
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
pub(super) async fn connect_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<ConnectChannel>,
) -> ApiResult<(StatusCode, Json<ChatOut>)> {
    let ctx = record_context(&state, &caller, &ty, &id).await?;
    if !ctx.rt.settings.channels_enabled {
        return Err(ApiError::Forbidden(
            collab::GateDenied::ChannelsOff {
                record_type: ty.clone(),
            }
            .to_string(),
        ));
    }
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "connecting a channel needs write access to the record".into(),
        ));
    }
    let (channel_id, status) = match (req.channel_id, req.team_id, req.name) {
        (Some(cid), None, None) => {
            let chat = state
                .store
                .chat(&cid)
                .await?
                .filter(|c| c.kind == ChatKind::Channel);
            let member = state.store.member(&cid, caller.id()).await?;
            match (chat, member) {
                (Some(c), Some(_)) => (c.id, StatusCode::OK),
                _ => {
                    return Err(ApiError::NotFound(format!(
                        "there is no channel {cid} in your teams"
                    )));
                }
            }
        }
        (None, Some(team_id), Some(name)) => {
            let chat =
                crate::api::channels::create_channel_for(&state, &caller, &team_id, &name).await?;
            (chat.id, StatusCode::CREATED)
        }
        _ => {
            return Err(ApiError::invalid(
                "channel_id",
                Invalid::Format,
                "send either channel_id, or team_id and name",
            ));
        }
    };
    let sys = connection_message(&caller, &ctx, ConnectionStep::Connected, true);
    let change = ConnectionChange {
        chat_id: &channel_id,
        record_type: &ty,
        record_id: &id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Channel connected",
    };
    if let Some(written) = state.store.connect_chat(&change).await? {
        publish_connection(&state, Connection::Added, &channel_id, &ty, &id, &written).await?;
    }
    Ok((status, Json(chat_view(&state, &caller, &channel_id).await?)))
}

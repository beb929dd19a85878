//! Joining a record's connected chat (R14).

use super::RecordRefIn;
use crate::AppState;
use crate::api::PersonRef;
use crate::api::guard::record_context;
use crate::api::html::system_message;
use crate::api::outbox::timeline_changed;
use crate::api::outbox::{self, Added, RecordKey};
use crate::api::views::{ChatOut, chat_view};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;
use tether_domain::chat::ChatKind;
use tether_domain::collab::{may_join, record_label};
use utoipa::ToSchema;

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
pub(super) async fn join_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(chat_id): ApiPath<String>,
    ApiJson(req): ApiJson<JoinRequest>,
) -> ApiResult<Json<ChatOut>> {
    let (ty, id) = (req.record.record_type, req.record.id);
    let ctx = record_context(&state, &caller, &ty, &id).await?;
    let connected = state.store.connection(&chat_id, &id).await?.is_some();
    let chat = state
        .store
        .chat(&chat_id)
        .await?
        .filter(|c| connected && c.kind == ChatKind::Group);
    let Some(chat) = chat else {
        return Err(ApiError::NotFound(format!(
            "there is no chat {chat_id} connected to this record"
        )));
    };
    if let Err(denied) = may_join(&ty, &ctx.rt.settings, ctx.can_write) {
        return Err(ApiError::Forbidden(denied.to_string()));
    }
    if state.store.member(&chat.id, caller.id()).await?.is_some() {
        return Err(ApiError::conflict("you are already a member of this chat"));
    }
    let label = record_label(&ctx.rt.def, ctx.view.record.number.as_deref());
    let sys = system_message(
        Some(caller.id()),
        format!(
            "{} joined from {label} and can see the full history",
            caller.user.name
        ),
        json!({"event": "member.joined", "user_id": caller.id(),
               "record": {"type": ty, "id": id, "number": ctx.view.record.number}}),
    );
    if let Some(written) = state
        .store
        .join_chat(&chat.id, caller.id(), &ty, &id, &sys)
        .await?
    {
        let members = state.store.members(&chat.id).await?;
        outbox::members_added(
            &state,
            &chat.id,
            vec![PersonRef::from(&caller)],
            Added::JoinedFrom(RecordKey::new(&ty, &id)),
            &members,
        );
        outbox::chat_created(&state, &chat, &members, &[caller.id().to_owned()]);
        outbox::written(&state, &written).await?;
        timeline_changed(&state, &ty, &id);
    }
    chat_view(&state, &caller, &chat.id).await.map(Json)
}

//! Joining a record's connected chat (R14).

use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::record_context;
use crate::app::html::system_message;
use crate::app::outbox::{Added, Effect, RecordKey};
use crate::app::views::{ChatOut, PersonRef, chat_view};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::json;
use tether_domain::ChatId;
use tether_domain::chat::ChatKind;
use tether_domain::collab::{may_join, record_label};

/// R14: joins a group chat connected to the record, with the full history. Needs the type's
/// *join chat* setting and write access to the record; otherwise 403 saying which.
pub async fn join_chat(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    record: &RecordKey,
) -> ApiResult<Outcome<ChatOut>> {
    let (ty, id) = (&record.record_type, &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    let connected = state.store.connection(chat_id, id).await?.is_some();
    let chat = state
        .store
        .chat(chat_id)
        .await?
        .filter(|c| connected && c.kind == ChatKind::Group);
    let Some(chat) = chat else {
        return Err(ApiError::NotFound(format!(
            "there is no chat {chat_id} connected to this record"
        )));
    };
    if let Err(denied) = may_join(ty, &ctx.rt.settings, ctx.can_write) {
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
    let mut events = Vec::new();
    if let Some(written) = state
        .store
        .join_chat(&chat.id, caller.id(), ty, id, &sys)
        .await?
    {
        let members = state.store.members(&chat.id).await?;
        events.push(Effect::MembersAdded {
            chat_id: chat.id.clone(),
            users: vec![PersonRef::from(caller)],
            how: Added::JoinedFrom(record.clone()),
            members: members.clone(),
        });
        events.push(Effect::ChatCreated {
            chat: chat.clone(),
            members,
            users: vec![caller.id().clone()],
        });
        events.push(Effect::Written(written));
        events.push(Effect::TimelineChanged(record.clone()));
    }
    Ok(Outcome::new(
        chat_view(state, caller, &chat.id).await?,
        events,
    ))
}

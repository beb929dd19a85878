//! The checks every use case starts with: collaboration switched on (R1), membership of a chat
//! (R2), access to a record (R4) and the record's context for collaboration. Leaf functions:
//! they read the store and decide through the domain, and depend on no other API module.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use std::sync::Arc;
use tether_domain::access::{Decision, decide};
use tether_domain::collab::{self, DisconnectFacts};
use tether_domain::settings::RecordTypeSettings;
use tether_domain::{Access, ChatId, Owner, RecordId};
use tether_store::chats::{Chat, Member, MemberList};
use tether_store::record_types::RecordType;
use tether_store::records::RecordView;

/// R1: collaboration must be enabled and the caller must hold `collab.use`. The detail says
/// which is missing.
pub async fn require_collaboration(state: &AppState, caller: &Caller) -> ApiResult<()> {
    if !state.global_settings().await?.collaboration_enabled {
        let denied = tether_domain::collab::GateDenied::FeatureOff;
        return Err(ApiError::Forbidden(denied.to_string()).with_code(denied.code()));
    }
    if !caller.subject.privileges.collab_use {
        let denied = tether_domain::collab::GateDenied::NoCollabUse;
        return Err(ApiError::Forbidden(denied.to_string()).with_code(denied.code()));
    }
    Ok(())
}

/// The answer for a chat the caller is not a member of, whether it exists or not (R2).
pub fn not_a_member(chat_id: &ChatId) -> ApiError {
    ApiError::NotFound(format!(
        "there is no chat {chat_id} that you are a member of"
    ))
}

/// The chat and the caller's membership, or 404 (also when the caller is not a member, R2).
pub async fn member_chat(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
) -> ApiResult<(Chat, Member)> {
    require_collaboration(state, caller).await?;
    state
        .store
        .chat_for_member(chat_id, caller.id())
        .await?
        .ok_or_else(|| not_a_member(chat_id))
}

/// The member list of a chat the caller is a member of, or 404 as [`member_chat`] answers:
/// the list kept in memory ([`crate::app::member_lists`]), read again when it does not hold the
/// caller (who may have just joined). No query at all for a chat sent to before (a send).
pub async fn member_list_as_member(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
) -> ApiResult<Arc<MemberList>> {
    require_collaboration(state, caller).await?;
    let holds_caller = |list: &MemberList| list.members.iter().any(|m| m.user_id == caller.id());
    let lists = &state.member_lists;
    if let Some(list) = lists.kept(&state.store, chat_id).await?
        && holds_caller(&list)
    {
        return Ok(list);
    }
    match lists.read(&state.store, chat_id).await? {
        Some(list) if holds_caller(&list) => Ok(list),
        _ => Err(not_a_member(chat_id)),
    }
}

/// Loads a record of `ty` and checks `access` for the caller: 404 when it does not exist (or
/// is of another type), 403 with the reason when the caller may not.
pub async fn load_record(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
    access: Access,
) -> ApiResult<RecordView> {
    let view = state
        .store
        .record_view(id, caller.id())
        .await?
        .filter(|v| v.record.record_type == ty)
        .ok_or_else(|| ApiError::NotFound(format!("there is no {ty} record with id {id}")))?;
    match decide(&caller.subject, access, view.facts()) {
        Decision::Allowed(_) => Ok(view),
        Decision::Denied(reason) => {
            Err(ApiError::Forbidden(reason.to_string()).with_code(reason.code()))
        }
    }
}

/// The record's type, the record (readable by the caller), and whether the caller may write
/// it, after the R1 gate for the type.
pub struct RecordContext {
    pub rt: RecordType,
    pub view: RecordView,
    pub can_write: bool,
}

pub async fn record_context(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
) -> ApiResult<RecordContext> {
    let rt = state
        .record_type(ty)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no record type '{ty}'")))?;
    let global = state.global_settings().await?;
    collab::record_gate(
        &global,
        caller.subject.privileges.collab_use,
        ty,
        &rt.settings,
    )
    .map_err(|e| ApiError::Forbidden(e.to_string()).with_code(e.code()))?;
    let view = load_record(state, caller, ty, id, Access::Read).await?;
    let can_write = decide(&caller.subject, Access::Write, view.facts()).is_allowed();
    Ok(RecordContext {
        rt,
        view,
        can_write,
    })
}

pub(crate) fn owns(caller: &Caller, view: &RecordView) -> bool {
    matches!(&view.record.owner, Owner::User { user_id } if user_id.as_str() == caller.id())
}

/// R11a's facts for the caller and one connection of a chat to the record, given who connected
/// it last. The panel, the timeline and the disconnect check all build them here.
pub(crate) fn disconnect_facts(
    caller: &Caller,
    view: &RecordView,
    settings: &RecordTypeSettings,
    connected_by: Option<&str>,
) -> DisconnectFacts {
    DisconnectFacts::new(
        settings,
        owns(caller, view),
        connected_by == Some(caller.id().as_str()),
        caller.subject.privileges.collab_disconnect,
    )
}

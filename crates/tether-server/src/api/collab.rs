//! Record-connected collaboration (SPEC R1, R3–R11a, R13–R15): the record's collaboration
//! panel, new connected chats with their intro card, connecting and disconnecting chats and
//! channels, joining, and the record references every chat shows.
//!
//! What the caller sees of each chat — name, locked, can join, can disconnect — is decided by
//! the one viewer rule, `tether_domain::viewer`: a non-member sees a connected group chat only
//! as a locked entry, and only where R14 lets them join. A record the viewer cannot read is "a
//! record you can't open", never its name.

use super::chats::{ChatOut, chat_out, system_message};
use super::html::IntroCardHtml;
use super::outbox::{self, Added, Connection, MessageChange, RecordKey};
use super::records::{RecordOut, load_record};
use super::{PersonRef, rfc3339};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::decide;
use tether_domain::chat::{ChatKind, ChatName};
use tether_domain::collab::{self, DISCONNECT_DENIED, DisconnectFacts, may_join, record_label};
use tether_domain::invalid::Invalid;
use tether_domain::settings::RecordTypeSettings;
use tether_domain::viewer::{self, ChatFacts, ChatVisibility, ViewerFacts};
use tether_domain::{Access, Owner};
use tether_store::chats::{Chat, NewChat, SystemMessage};
use tether_store::collab::ConnectionChange;
use tether_store::dialect::fold;
use tether_store::record_types::RecordType;
use tether_store::records::RecordView;
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

/// A record reference as a viewer may see it (R4).
#[derive(Clone, Serialize, ToSchema)]
pub struct RecordRefOut {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: String,
    /// The record's name, or null when the viewer cannot read it ("a record you can't open").
    pub name: Option<String>,
    pub readable: bool,
}

/// The records each chat is connected to, as `caller` may see them. Two queries for any
/// number of chats.
pub async fn records_for_chats(
    state: &AppState,
    caller: &Caller,
    chat_ids: &[String],
) -> ApiResult<BTreeMap<String, Vec<RecordRefOut>>> {
    let links = state.store.connected_records_of(chat_ids).await?;
    let ids: Vec<String> = links
        .values()
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let views: BTreeMap<String, RecordView> = state
        .store
        .record_views(&ids, caller.id())
        .await?
        .into_iter()
        .map(|v| (v.record.id.clone(), v))
        .collect();
    Ok(links
        .into_iter()
        .map(|(chat, records)| {
            let refs = records
                .iter()
                .filter_map(|id| views.get(id))
                .map(|v| {
                    let readable = decide(&caller.subject, Access::Read, v.facts()).is_allowed();
                    RecordRefOut {
                        record_type: v.record.record_type.clone(),
                        id: v.record.id.clone(),
                        name: readable.then(|| v.record.name.clone()),
                        readable,
                    }
                })
                .collect();
            (chat, refs)
        })
        .collect())
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
    id: &str,
) -> ApiResult<RecordContext> {
    let rt = state
        .store
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

fn owns(caller: &Caller, view: &RecordView) -> bool {
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
        connected_by == Some(caller.id()),
        caller.subject.privileges.collab_disconnect,
    )
}

/// A chat entry of the panel (API.md).
#[derive(Serialize, ToSchema)]
pub struct PanelChat {
    pub id: String,
    pub name: String,
    /// one_on_one, group or channel
    pub kind: String,
    pub member_count: usize,
    pub last_activity_at: String,
    pub is_member: bool,
    /// Shown locked: the caller is not a member but may join (R14).
    pub locked: bool,
    pub can_join: bool,
    pub records: Vec<RecordRefOut>,
    /// For chats connected to this record: who connected it and when.
    pub connected_by: Option<PersonRef>,
    pub connected_at: Option<String>,
    /// Whether the caller may disconnect it from this record (R11a).
    pub can_disconnect: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Panel {
    pub connected: Vec<PanelChat>,
    pub other_records: Vec<PanelChat>,
    pub other_chats: Vec<PanelChat>,
    /// Suggested contacts (R12), as `GET …/suggested-contacts` gives them.
    #[schema(value_type = Vec<Object>)]
    pub suggested_contacts: Vec<Value>,
    pub channels: Vec<PanelChat>,
    /// Why the caller cannot join this record's chats, when they cannot (`setting_off`, `read_only`).
    pub join_denied: Option<String>,
    pub join_denied_reason: Option<String>,
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
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<PanelQuery>,
) -> ApiResult<Json<Panel>> {
    let ctx = record_context(&state, &caller, &ty, &id).await?;
    let filter = q.filter.as_deref().map(str::trim).filter(|f| !f.is_empty());
    let settings = &ctx.rt.settings;
    let join = may_join(&ty, settings, ctx.can_write);
    let connections = state.store.record_connections(&id, caller.id()).await?;
    let elsewhere = state
        .store
        .member_chats_by_connection(
            caller.id(),
            true,
            &id,
            filter,
            if filter.is_some() { 500 } else { 50 },
        )
        .await?;
    let unconnected = state
        .store
        .member_chats_by_connection(
            caller.id(),
            false,
            &id,
            filter,
            if filter.is_some() { 500 } else { 50 },
        )
        .await?;

    let mut ids: Vec<String> = connections.iter().map(|c| c.chat.id.clone()).collect();
    ids.extend(elsewhere.iter().map(|c| c.id.clone()));
    ids.extend(unconnected.iter().map(|c| c.id.clone()));
    let members = state.store.members_of(&ids).await?;
    let records = records_for_chats(&state, &caller, &ids).await?;
    let no_members = Vec::new();
    let needle = filter.map(fold);
    let join_ok = join.is_ok();

    // The viewer rule decides everything the caller sees of each chat; `None` = hidden.
    let entry = |chat: &Chat,
                 is_member: bool,
                 connected: Option<(&Option<String>, &Option<String>, i64)>|
     -> Option<PanelChat> {
        let m = members.get(&chat.id).unwrap_or(&no_members);
        let names: Vec<(&str, &str)> = m
            .iter()
            .map(|x| (x.user_id.as_str(), x.name.as_str()))
            .collect();
        let facts = ViewerFacts {
            is_member,
            may_join: join_ok,
            show_on_timeline: settings.show_on_timeline,
            connection: connected
                .map(|(by, _, _)| disconnect_facts(&caller, &ctx.view, settings, by.as_deref())),
        };
        let seen = viewer::view_chat(
            caller.id(),
            facts,
            ChatFacts {
                kind: chat.kind(),
                name: chat.name.as_deref(),
                members: &names,
                last_sender: None,
                last_at: Some(chat.last_activity_at),
            },
        );
        let (Some(name), Some(member_count), Some(last_at)) =
            (seen.name, seen.member_count, seen.last_at)
        else {
            return None;
        };
        Some(PanelChat {
            id: chat.id.clone(),
            name,
            kind: chat.kind.clone(),
            member_count,
            last_activity_at: rfc3339(last_at),
            is_member: seen.access.visibility == ChatVisibility::Member,
            locked: seen.access.visibility == ChatVisibility::Locked,
            can_join: seen.access.can_join,
            records: if seen.shows_records {
                records.get(&chat.id).cloned().unwrap_or_default()
            } else {
                Vec::new()
            },
            connected_by: connected.and_then(|(by, name, _)| {
                by.clone().map(|id| PersonRef {
                    id,
                    name: name.clone().unwrap_or_default(),
                })
            }),
            connected_at: connected.map(|(_, _, at)| rfc3339(at)),
            can_disconnect: seen.access.can_disconnect,
        })
    };
    let matches = |e: &PanelChat| {
        needle
            .as_ref()
            .is_none_or(|n| fold(&e.name).contains(n.as_str()))
    };

    let suggested: Vec<Value> = super::suggestions::compute(
        &state.store,
        &ctx.rt,
        &ctx.view.record,
        &caller.subject,
        tether_store::now_ms(),
    )
    .await?
    .into_iter()
    .map(|x| json!(super::suggestions::out(&ctx.rt, x)))
    .collect();
    let mut connected = Vec::new();
    let mut channels = Vec::new();
    for c in &connections {
        let Some(e) = entry(
            &c.chat,
            c.is_member,
            Some((&c.connected_by, &c.connected_by_name, c.connected_at)),
        ) else {
            continue;
        };
        if !matches(&e) {
            continue;
        }
        if c.chat.kind() == ChatKind::Channel {
            if settings.channels_enabled {
                channels.push(e);
            }
        } else {
            connected.push(e);
        }
    }
    Ok(Json(Panel {
        connected,
        other_records: elsewhere
            .iter()
            .filter_map(|c| entry(c, true, None))
            .collect(),
        other_chats: unconnected
            .iter()
            .filter_map(|c| entry(c, true, None))
            .collect(),
        suggested_contacts: suggested,
        channels,
        join_denied: join.as_ref().err().map(|e| e.code().to_owned()),
        join_denied_reason: join.err().map(|e| e.to_string()),
    }))
}

/// Tells the chat's members about a connection change and the system message it wrote
/// (`written`), then the record's open pages that its timeline changed.
pub(crate) async fn publish_connection(
    state: &AppState,
    change: Connection,
    chat_id: &str,
    ty: &str,
    record_id: &str,
    written: &str,
) -> ApiResult<()> {
    let members = state.store.member_ids(chat_id).await?;
    outbox::connection(
        state,
        change,
        chat_id,
        RecordKey::new(ty, record_id),
        &members,
    );
    outbox::written(state, written).await?;
    timeline_changed(state, ty, record_id);
    Ok(())
}

/// Tells the record's open pages to re-read the timeline (R15: timelines update live).
pub fn timeline_changed(state: &AppState, ty: &str, record_id: &str) {
    outbox::timeline_changed(state, RecordKey::new(ty, record_id));
}

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
async fn connect_chat(
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
    match chat.kind() {
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

/// How a chat came to be connected or disconnected, for its system message.
#[derive(Clone, Copy)]
enum ConnectionStep {
    Connected,
    Disconnected,
    /// A new chat started from the record (R9).
    Started,
}

/// The system message of a connection change: the English text, and the data a UI needs to
/// say it in its own language (`how`, `what`, and the record's type and number — never its
/// name, which not every member may read).
fn connection_message(
    caller: &Caller,
    ctx: &RecordContext,
    step: ConnectionStep,
    channel: bool,
) -> SystemMessage {
    let label = record_label(&ctx.rt.def, ctx.view.record.number.as_deref());
    let what = if channel { "channel" } else { "chat" };
    let by = &caller.user.name;
    let (text, event, how) = match step {
        ConnectionStep::Connected => (
            format!("{by} connected this {what} to {label}"),
            "connection.added",
            "connected",
        ),
        ConnectionStep::Disconnected => (
            format!("{by} disconnected this {what} from {label}"),
            "connection.removed",
            "disconnected",
        ),
        ConnectionStep::Started => (
            format!("{by} started this chat from {label}"),
            "connection.added",
            "started",
        ),
    };
    let r = &ctx.view.record;
    system_message(
        Some(caller.id()),
        text,
        json!({"event": event, "how": how, "what": what,
               "record": {"type": r.record_type, "id": r.id, "number": r.number}}),
    )
}

/// The chat as the caller sees it, with its records.
pub async fn chat_view(state: &AppState, caller: &Caller, chat_id: &str) -> ApiResult<ChatOut> {
    let chat = state
        .store
        .chat(chat_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("chat".into()))?;
    let members = state.store.members(chat_id).await?;
    let mut out = chat_out(chat, &members, 0, caller.id());
    out.records = records_for_chats(state, caller, &[chat_id.to_owned()])
        .await?
        .remove(chat_id)
        .unwrap_or_default()
        .into_iter()
        .map(|r| json!(r))
        .collect();
    Ok(out)
}

/// R11a for one connection, by the viewer rule: 404 where the record does not show the caller
/// the connection — of a chat they are not in, they learn nothing, not even that it exists (R2);
/// a channel's non-members are outside its team (R13) — and 403 naming the three ways where it
/// does but they hold none of them. A non-member sees it through its timeline entry or a locked
/// entry they may join, and then R11a decides as for members: the owner or a holder of
/// `collab.disconnect` may disconnect a chat they are not in.
async fn check_disconnect(
    state: &AppState,
    caller: &Caller,
    ctx: &RecordContext,
    chat: &Chat,
) -> ApiResult<()> {
    let is_member = state.store.member(&chat.id, caller.id()).await?.is_some();
    let connection = state
        .store
        .connection(&chat.id, &ctx.view.record.id)
        .await?;
    let settings = &ctx.rt.settings;
    let access = viewer::chat_access(
        chat.kind(),
        ViewerFacts {
            is_member,
            may_join: may_join(&ctx.rt.def.name, settings, ctx.can_write).is_ok(),
            show_on_timeline: settings.show_on_timeline,
            connection: connection
                .map(|(by, _)| disconnect_facts(caller, &ctx.view, settings, by.as_deref())),
        },
    );
    if !access.connection_seen {
        let what = if chat.kind() == ChatKind::Channel {
            "channel"
        } else {
            "chat"
        };
        return Err(ApiError::NotFound(if is_member {
            format!("that {what} is not connected to this record")
        } else if what == "channel" {
            format!("there is no channel {} that you are a member of", chat.id)
        } else {
            "there is no such chat connected to this record that you can see".into()
        }));
    }
    if !access.can_disconnect {
        return Err(ApiError::Forbidden(DISCONNECT_DENIED.into()));
    }
    Ok(())
}

async fn disconnect(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &str,
    chat_id: &str,
    channel: bool,
) -> ApiResult<StatusCode> {
    let ctx = record_context(state, caller, ty, id).await?;
    let chat = state
        .store
        .chat(chat_id)
        .await?
        .filter(|c| (c.kind() == ChatKind::Channel) == channel);
    let Some(chat) = chat else {
        return Err(ApiError::NotFound(format!(
            "there is no such {} connected to this record",
            if channel { "channel" } else { "chat" }
        )));
    };
    check_disconnect(state, caller, &ctx, &chat).await?;
    let sys = connection_message(caller, &ctx, ConnectionStep::Disconnected, channel);
    let change = ConnectionChange {
        chat_id: &chat.id,
        record_type: ty,
        record_id: id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Chat disconnected",
    };
    if let Some(written) = state.store.disconnect_chat(&change).await? {
        publish_connection(state, Connection::Removed, &chat.id, ty, id, &written).await?;
    }
    Ok(StatusCode::NO_CONTENT)
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
    ApiPath((ty, id, chat_id)): ApiPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    disconnect(&state, &caller, &ty, &id, &chat_id, false).await
}

/// # `DELETE /api/v1/records/{type}/{id}/channels/{channel_id}`
///
/// Disconnects a channel, with the same rights as chats (R11a).
#[utoipa::path(delete, path = "/records/{type}/{id}/channels/{channel_id}", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path), ("channel_id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
async fn disconnect_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id, channel_id)): ApiPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    disconnect(&state, &caller, &ty, &id, &channel_id, true).await
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
async fn connect_channel(
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
                .filter(|c| c.kind() == ChatKind::Channel);
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
                super::channels::create_channel_for(&state, &caller, &team_id, &name).await?;
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

#[derive(Deserialize, ToSchema)]
pub struct RecordRefIn {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: String,
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
        .filter(|c| connected && c.kind() == ChatKind::Group);
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

/// R9, R10: a new group chat connected to the record, named per the type's setting, with an
/// intro card when enabled and asked for, and its timeline entry (R15).
pub async fn create_connected_chat(
    state: &AppState,
    caller: &Caller,
    record: RecordRefIn,
    others: Vec<tether_store::people::UserSummary>,
    name: Option<ChatName>,
    send_intro: bool,
) -> ApiResult<ChatOut> {
    let (ty, id) = (record.record_type, record.id);
    let ctx = record_context(state, caller, &ty, &id).await?;
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "starting a chat connected to this record needs write access to it".into(),
        ));
    }
    let mut member_names: Vec<&str> = others.iter().map(|u| u.name.as_str()).collect();
    member_names.push(&caller.user.name);
    let name = match name {
        Some(n) => Some(n.into_string()),
        None => collab::connected_chat_name(&ctx.rt.settings, &ctx.view.record.name, &member_names),
    };
    let mut members = vec![(caller.id().to_owned(), 0)];
    members.extend(others.iter().map(|u| (u.id.clone(), 0)));
    let (chat, _) = state
        .store
        .create_chat(
            &NewChat {
                kind: ChatKind::Group,
                name,
                team_id: None,
                created_by: caller.id().to_owned(),
                members,
            },
            None,
        )
        .await?;
    let sys = connection_message(caller, &ctx, ConnectionStep::Started, false);
    let change = ConnectionChange {
        chat_id: &chat.id,
        record_type: &ty,
        record_id: &id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Chat connected",
    };
    let started = state.store.connect_chat(&change).await?;
    let intro = if send_intro && ctx.rt.settings.intro_message.enabled {
        let intro = intro_message(state, caller, &ctx).await?;
        Some(state.store.post_system(&chat.id, &intro).await?)
    } else {
        None
    };
    let all = state.store.members(&chat.id).await?;
    let ids: Vec<String> = all.iter().map(|m| m.user_id.clone()).collect();
    outbox::chat_created(state, &chat, &all, &ids);
    if let Some(written) = started {
        outbox::written(state, &written).await?;
    }
    if let Some(intro) = intro {
        // The intro card differs per reader (R10): each member gets their own event.
        outbox::message_to(state, MessageChange::Created, &intro, ids.clone()).await?;
    }
    outbox::connection(
        state,
        Connection::Added,
        &chat.id,
        RecordKey::new(&ty, &id),
        &ids,
    );
    timeline_changed(state, &ty, &id);
    chat_view(state, caller, &chat.id).await
}

/// The R10 card: the configured fields as they are now, the record's link, kind `intro`.
async fn intro_message(
    state: &AppState,
    caller: &Caller,
    ctx: &RecordContext,
) -> ApiResult<SystemMessage> {
    let r = &ctx.view.record;
    let lookup_ids: Vec<String> = ctx
        .rt
        .settings
        .intro_message
        .fields
        .iter()
        .filter_map(|f| r.fields.get(f).and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let names: BTreeMap<String, String> = state
        .store
        .record_views(&lookup_ids, caller.id())
        .await?
        .into_iter()
        .filter(|v| decide(&caller.subject, Access::Read, v.facts()).is_allowed())
        .map(|v| (v.record.id, v.record.name))
        .collect();
    let fields = collab::intro_fields(
        &ctx.rt.def,
        &ctx.rt.settings,
        &r.fields,
        r.state,
        &r.owner_name,
        &names,
    );
    let url = RecordOut::url_of(state, &r.record_type, &r.id);
    let title = match &r.number {
        Some(n) => format!("{n} {}", r.name),
        None => r.name.clone(),
    };
    let html = IntroCardHtml {
        url: &url,
        title: &title,
        fields: &fields,
    }
    .render()?;
    Ok(SystemMessage {
        kind: "intro",
        actor_id: Some(caller.id().to_owned()),
        text: format!("{}: {title}", ctx.rt.def.display_name),
        html,
        data: json!({"card": {"kind": "record", "app": "Tether", "url": url, "record_type": ctx.rt.def.display_name, "type": r.record_type, "id": r.id, "title": title, "fields": fields}}),
    })
}

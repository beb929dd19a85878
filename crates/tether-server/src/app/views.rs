//! What a viewer is shown: the wire form of chats and messages, projected for one viewer (the
//! chat's name as they see it, the record cards and intro card they may see, R16; the records a
//! chat is connected to, named or "a record you can't open", R4). Handlers answer with these and
//! the outbox sends them in events. Depends on no handler module.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::UserId;
use tether_domain::access::decide;
use tether_domain::chat::{ChatKind, display_name};
use tether_domain::{Access, ChatId, Owner, RecordId};
use tether_store::chats::{Chat, Member, Message};
use tether_store::records::{Activity, Record, RecordView};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ChatOut {
    pub id: String,
    /// The name to show: the chat's own name, else the other members' names.
    pub name: String,
    /// The name members gave the chat, if any.
    pub custom_name: Option<String>,
    pub kind: ChatKind,
    pub members: Vec<MemberOut>,
    pub member_count: usize,
    /// Records the chat is connected to: `{type, id, name, readable}`, `name` null where the
    /// caller cannot read the record.
    pub records: Vec<RecordRefOut>,
    pub unread: i64,
    pub last_activity_at: String,
    pub last_message_at: Option<String>,
    pub created_at: String,
}

pub fn chat_out(chat: Chat, members: &[Member], unread: i64, viewer: &UserId) -> ChatOut {
    let names: Vec<(&str, &str)> = members
        .iter()
        .map(|m| (m.user_id.as_str(), m.name.as_str()))
        .collect();
    ChatOut {
        name: display_name(chat.kind, chat.name.as_deref(), &names, viewer.as_str()),
        id: chat.id.into_string(),
        custom_name: chat.name,
        kind: chat.kind,
        members: members
            .iter()
            .map(|m| MemberOut {
                id: m.user_id.clone(),
                name: m.name.clone(),
                active: m.active,
                joined_at: rfc3339(m.joined_at),
            })
            .collect(),
        member_count: members.len(),
        records: Vec::new(),
        unread,
        last_activity_at: rfc3339(chat.last_activity_at),
        last_message_at: chat.last_message_at.map(rfc3339),
        created_at: rfc3339(chat.created_at),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReactionOut {
    pub emoji: String,
    pub count: usize,
    pub user_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: String,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    /// Images and GIFs a client may show inline.
    pub inline: bool,
    /// Download address (members only).
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    pub id: String,
    pub chat_id: String,
    /// Position in the chat: pass as `before` to page back, and to `/read`.
    pub seq: i64,
    /// text, system or intro
    pub kind: String,
    pub sender: Option<PersonRef>,
    /// Markdown source (empty once deleted).
    pub body: String,
    /// Sanitized HTML of the body.
    pub html: String,
    pub importance: tether_domain::chat::Importance,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted: bool,
    pub reactions: Vec<ReactionOut>,
    pub attachments: Vec<AttachmentOut>,
    /// Record-link cards, computed for the reader (with the cards issue).
    #[schema(value_type = Vec<tether_domain::cards::Card>)]
    pub cards: Vec<Value>,
    /// Details of system and intro messages: what the system message is about (record,
    /// people, fields), an intro message's `card` (as in `cards`), by kind of message.
    #[schema(value_type = Option<HashMap<String, serde_json::Value>>)]
    pub data: Option<Value>,
}

pub fn message_out(m: &Message) -> MessageOut {
    MessageOut {
        id: m.id.to_string(),
        chat_id: m.chat_id.to_string(),
        seq: m.seq,
        kind: m.kind.clone(),
        sender: m.sender_id.clone().map(|id| PersonRef {
            id,
            name: m.sender_name.clone().unwrap_or_default(),
        }),
        body: m.body.clone(),
        html: m.html.clone(),
        importance: m.importance,
        created_at: rfc3339(m.created_at),
        edited_at: m.edited_at.map(rfc3339),
        deleted: m.deleted_at.is_some(),
        reactions: m
            .reactions
            .iter()
            .map(|(e, users)| ReactionOut {
                emoji: e.clone(),
                count: users.len(),
                user_ids: users.clone(),
            })
            .collect(),
        attachments: m
            .attachments
            .iter()
            .map(|a| AttachmentOut {
                id: a.id.to_string(),
                name: a.name.clone(),
                size: a.size,
                content_type: a.content_type.clone(),
                inline: a.inline,
                url: format!("/api/v1/attachments/{}", a.id),
            })
            .collect(),
        cards: Vec::new(),
        data: m.data.clone(),
    }
}

/// Shows an introduction card (R10) as a viewer who cannot read its record sees it: that a
/// record was introduced and its bare link, no field values.
pub fn hide_intro(out: &mut MessageOut) {
    let url = out
        .data
        .as_ref()
        .and_then(tether_domain::cards::intro_record)
        .map(|(_, _, url)| url.to_owned())
        .unwrap_or_default();
    let hidden = tether_domain::cards::hidden_intro(&url);
    out.body = hidden.body;
    out.html = hidden.html;
    out.data = Some(hidden.data);
}

/// The message as one viewer sees it: its cards (R16) and, for an introduction card of a record
/// the viewer cannot read, the hidden form (R10).
pub fn viewed(m: &Message, cards: Vec<tether_domain::cards::Card>, hide: bool) -> MessageOut {
    let mut out = message_out(m);
    out.cards = cards.into_iter().map(|c| json!(c)).collect();
    if hide {
        hide_intro(&mut out);
    }
    out
}

/// The message as `caller` sees it, cards included.
pub async fn message_for(state: &AppState, caller: &Caller, m: &Message) -> ApiResult<MessageOut> {
    message_seen_by(state, &caller.subject, m).await
}

/// The message as `subject` sees it: the record cards and intro card they may see (R16).
pub async fn message_seen_by(
    state: &AppState,
    subject: &tether_domain::Subject,
    m: &Message,
) -> ApiResult<MessageOut> {
    let one = std::slice::from_ref(m);
    let facts =
        crate::app::cards::CardFacts::read(state, one, std::slice::from_ref(&subject.user_id))
            .await?;
    Ok(viewed(
        m,
        facts.cards(subject, m),
        facts.hides_intro(subject, m),
    ))
}

/// A record field's value as the API carries it: text (also a date, `YYYY-MM-DD`, a choice,
/// and a lookup's record id), a number, true or false; `null` is a field not set (in a change:
/// clear it). Only the OpenAPI document uses this type; the values travel as JSON.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Boolean(bool),
    Null,
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
    chat_ids: &[ChatId],
) -> ApiResult<BTreeMap<ChatId, Vec<RecordRefOut>>> {
    let links = state.store.connected_records_of(chat_ids).await?;
    let ids: Vec<RecordId> = links
        .values()
        .flatten()
        .map(|id| RecordId::new(id.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let views: BTreeMap<RecordId, RecordView> = state
        .store
        .record_views(&ids, Some(caller.id()))
        .await?
        .into_iter()
        .map(|v| (v.record.id.clone(), v))
        .collect();
    Ok(links
        .into_iter()
        .map(|(chat, records)| {
            let refs = records
                .iter()
                .filter_map(|id| views.get(id.as_str()))
                .map(|v| {
                    let readable = decide(&caller.subject, Access::Read, v.facts()).is_allowed();
                    RecordRefOut {
                        record_type: v.record.record_type.clone(),
                        id: v.record.id.to_string(),
                        name: readable.then(|| v.record.name.clone()),
                        readable,
                    }
                })
                .collect();
            (chat, refs)
        })
        .collect())
}

/// The chat as the caller sees it, with its records.
pub async fn chat_view(state: &AppState, caller: &Caller, chat_id: &ChatId) -> ApiResult<ChatOut> {
    let chat = state
        .store
        .chat(chat_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("chat".into()))?;
    let members = state.store.members(chat_id).await?;
    let mut out = chat_out(chat, &members, 0, caller.id());
    out.records = records_for_chats(state, caller, std::slice::from_ref(chat_id))
        .await?
        .remove(chat_id)
        .unwrap_or_default();
    Ok(out)
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub id: UserId,
    pub name: String,
    pub active: bool,
    pub joined_at: String,
}

/// A record's owner as clients see it.
#[derive(Serialize, ToSchema)]
pub struct OwnerOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    pub name: String,
}

/// One page of records (`GET /records/{type}`, `GET /records`).
#[derive(Serialize, ToSchema)]
pub struct RecordList {
    pub items: Vec<RecordOut>,
    /// The `offset` of the next page, when there is one (`GET /records/{type}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordOut {
    pub id: String,
    #[serde(rename = "type")]
    pub record_type: String,
    /// The record's primary name.
    pub name: String,
    /// Record number of numbered types (`CAS-01042`).
    pub number: Option<String>,
    /// The record's web page, `<public-url>/records/<type>/<id>`.
    pub url: String,
    pub owner: OwnerOut,
    /// active, resolved or cancelled
    pub state: String,
    #[schema(value_type = BTreeMap<String, FieldValue>)]
    pub fields: BTreeMap<String, Value>,
    pub created_at: String,
    pub updated_at: String,
    /// Whether the caller may change this record.
    pub can_write: bool,
    /// After an owner change (`PATCH`): the chats handed over to the new owner (R25).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_over: Option<crate::app::views::HandOver>,
    /// Where the record comes from, when a host system keeps it (`PUT
    /// /records/{type}/by-external/{source}/{external_id}`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalOut>,
}

/// A record's place in the host system that keeps it.
#[derive(Serialize, ToSchema)]
pub struct ExternalOut {
    /// The host system's name (`zendesk`).
    pub source: String,
    /// The record's id in the host system.
    pub external_id: String,
    /// The record's page in the host system, when the host gave it.
    pub url: Option<String>,
}

impl RecordOut {
    /// The record's web page, `<public-url>/records/<type>/<id>`.
    pub fn url_of(state: &AppState, record_type: &str, id: &str) -> String {
        format!("{}/records/{record_type}/{id}", state.config.public_url)
    }

    pub(crate) fn new(state: &AppState, r: Record, can_write: bool) -> RecordOut {
        let owner = match &r.owner {
            Owner::User { user_id } => OwnerOut {
                user_id: Some(user_id.to_string()),
                team_id: None,
                name: r.owner_name.clone(),
            },
            Owner::Team { team_id } => OwnerOut {
                user_id: None,
                team_id: Some(team_id.to_string()),
                name: r.owner_name.clone(),
            },
        };
        RecordOut {
            url: format!(
                "{}/records/{}/{}",
                state.config.public_url, r.record_type, r.id
            ),
            id: r.id.into_string(),
            record_type: r.record_type,
            name: r.name,
            number: r.number,
            owner,
            state: r.state.as_str().to_owned(),
            fields: r.fields,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            can_write,
            handed_over: None,
            external: r.external.map(|e| ExternalOut {
                source: e.source,
                external_id: e.external_id,
                url: e.url,
            }),
        }
    }
}

/// The chat of a `chat_connection` / `chat_disconnection` timeline entry (R15), as the viewer
/// may see it: members see everything, people who may join see the name and times, anyone
/// else sees only that a chat was connected.
#[derive(Serialize, ToSchema)]
pub struct TimelineChat {
    pub id: String,
    pub name: Option<String>,
    pub kind: ChatKind,
    pub connected_by: Option<PersonRef>,
    pub connected_at: String,
    pub last_message_by: Option<PersonRef>,
    pub last_message_at: Option<String>,
    pub is_member: bool,
    pub can_join: bool,
    /// Whether the chat is still connected to this record.
    pub connected: bool,
    /// Who disconnected it last and when (a `chat_disconnection` entry's own author and time; for
    /// a `chat_connection` entry no longer connected, its latest disconnection).
    pub disconnected_by: Option<PersonRef>,
    pub disconnected_at: Option<String>,
    /// Whether the viewer may disconnect it from this record now (R11a), member or not.
    pub can_disconnect: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: String,
    pub kind: tether_domain::record::EntryKind,
    pub at: String,
    pub author: Option<PersonRef>,
    pub subject: String,
    pub body: Option<String>,
    pub chat: Option<TimelineChat>,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        ActivityOut {
            id: a.id,
            kind: a.kind,
            at: rfc3339(a.at),
            author: a.author.map(|p| PersonRef {
                id: p.id,
                name: p.name,
            }),
            subject: a.subject,
            body: a.body,
            chat: None,
        }
    }
}

/// What a hand-over did (R25), so the page that changed the owner can say so.
#[derive(Clone, Debug, serde::Serialize, ToSchema)]
pub struct HandOver {
    /// The new owner, who was added to the chats.
    pub to: PersonRef,
    /// Connected group chats the new owner was added to (not those they were in already).
    pub chats: usize,
}

/// The names of the records among `ids` that the caller may read, by id (lookup values shown
/// in an intro card or a field-change notice); the others stay unnamed (R4).
pub async fn readable_record_names(
    state: &AppState,
    caller: &Caller,
    ids: &[String],
) -> ApiResult<BTreeMap<String, String>> {
    readable_record_names_as(state, &caller.subject, caller.id(), ids).await
}

/// [`readable_record_names`] for any access subject (`viewer`: whose shares count).
pub async fn readable_record_names_as(
    state: &AppState,
    subject: &tether_domain::Subject,
    viewer: &UserId,
    ids: &[String],
) -> ApiResult<BTreeMap<String, String>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<RecordId> = ids.iter().map(|id| RecordId::new(id.as_str())).collect();
    Ok(state
        .store
        .record_views(&ids, Some(viewer))
        .await?
        .into_iter()
        .filter(|v| decide(subject, Access::Read, v.facts()).is_allowed())
        .map(|v| (v.record.id.into_string(), v.record.name))
        .collect())
}

/// RFC 3339 UTC text of an epoch-milliseconds time.
pub fn rfc3339(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// A person, as other people see them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: UserId,
    pub name: String,
}

impl From<&crate::auth::Caller> for PersonRef {
    fn from(caller: &crate::auth::Caller) -> PersonRef {
        PersonRef {
            id: caller.id().clone(),
            name: caller.user.name.clone(),
        }
    }
}

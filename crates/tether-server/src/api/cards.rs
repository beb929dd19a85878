//! Record-link cards (SPEC R16), computed for each viewer when read: in message pages, in each
//! recipient's own live event, and for the composer's preview (`POST /unfurl`). The record
//! look-ups of a whole page are one batch, so cards add no query per message.

use crate::AppState;
use crate::api::guard::require_collaboration;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::decide;
use tether_domain::cards::{Card, CardSource, link_card, record_card};
use tether_domain::markdown::extract_record_links;
use tether_domain::{Access, Subject};
use tether_store::chats::Message;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(unfurl))
}

/// The record links of a message that still carry a card (the sender may have removed some).
fn card_links(state: &AppState, m: &Message) -> Vec<tether_domain::markdown::RecordLink> {
    if m.deleted_at.is_some() || m.kind != "text" {
        return Vec::new();
    }
    let removed: BTreeSet<String> = m
        .data
        .as_ref()
        .and_then(|d| d.get("without_cards"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    extract_record_links(&m.body, &state.config.public_url)
        .into_iter()
        .filter(|l| !removed.contains(&l.url))
        .collect()
}

/// Whether any of these messages has a card at all, or is an introduction card (R10) whose
/// content depends on the reader (then events differ per recipient).
pub fn has_cards(state: &AppState, messages: &[Message]) -> bool {
    messages
        .iter()
        .any(|m| m.kind == "intro" || !card_links(state, m).is_empty())
}

/// Cards of each message for one viewer: two queries for the whole page (records with the
/// viewer's shares, record types).
pub async fn cards_for(
    state: &AppState,
    subject: &Subject,
    messages: &[Message],
) -> ApiResult<Vec<Vec<Card>>> {
    let links: Vec<_> = messages.iter().map(|m| card_links(state, m)).collect();
    let ids: Vec<String> = links
        .iter()
        .flatten()
        .map(|l| l.record_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(vec![Vec::new(); messages.len()]);
    }
    let views: BTreeMap<String, tether_store::records::RecordView> = state
        .store
        .record_views(&ids, subject.user_id.as_str())
        .await?
        .into_iter()
        .map(|v| (v.record.id.clone(), v))
        .collect();
    let types: BTreeMap<String, tether_store::record_types::RecordType> = state
        .store
        .record_types()
        .await?
        .into_iter()
        .map(|t| (t.def.name.clone(), t))
        .collect();
    Ok(links
        .into_iter()
        .map(|ls| {
            ls.into_iter()
                .map(|l| {
                    let view = views
                        .get(&l.record_id)
                        .filter(|v| v.record.record_type == l.record_type);
                    let rt = types.get(&l.record_type);
                    match (view, rt) {
                        (Some(v), Some(rt))
                            if decide(subject, Access::Read, v.facts()).is_allowed() =>
                        {
                            record_card(
                                &l.url,
                                &CardSource {
                                    def: &rt.def,
                                    settings: &rt.settings,
                                    id: &v.record.id,
                                    number: v.record.number.as_deref(),
                                    name: &v.record.name,
                                    fields: &v.record.fields,
                                    state: v.record.state,
                                    owner_name: &v.record.owner_name,
                                },
                            )
                        }
                        _ => link_card(&l.url),
                    }
                })
                .collect()
        })
        .collect())
}

/// For each message, whether it is an introduction card (R10) of a record this viewer cannot
/// read, so that it must be shown as [`tether_domain::cards::hidden_intro`]. One query for the
/// whole page.
pub async fn hidden_intros(
    state: &AppState,
    subject: &Subject,
    messages: &[Message],
) -> ApiResult<Vec<bool>> {
    let intro_of = |m: &Message| {
        if m.kind != "intro" || m.deleted_at.is_some() {
            return None;
        }
        m.data
            .as_ref()
            .and_then(tether_domain::cards::intro_record)
            .map(|(ty, id, _)| (ty.to_owned(), id.to_owned()))
    };
    let ids: Vec<String> = messages
        .iter()
        .filter_map(intro_of)
        .map(|(_, id)| id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let readable: BTreeSet<(String, String)> = if ids.is_empty() {
        BTreeSet::new()
    } else {
        state
            .store
            .record_views(&ids, subject.user_id.as_str())
            .await?
            .into_iter()
            .filter(|v| decide(subject, Access::Read, v.facts()).is_allowed())
            .map(|v| (v.record.record_type.clone(), v.record.id.clone()))
            .collect()
    };
    Ok(messages
        .iter()
        .map(|m| {
            m.kind == "intro"
                && m.deleted_at.is_none()
                && intro_of(m).is_none_or(|r| !readable.contains(&r))
        })
        .collect())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnfurlRequest {
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnfurlResponse {
    /// The card the caller would see, or null when the URL is no record link of this server.
    #[schema(value_type = Option<Object>)]
    pub card: Option<Card>,
}

/// # `POST /api/v1/unfurl`
///
/// The composer's preview of a pasted link (R16): the card as the caller would see it, or null
/// for anything that is not a link to a record of this server. Nothing is fetched from other
/// sites.
#[utoipa::path(post, path = "/unfurl", tag = "messages", request_body = UnfurlRequest, responses((status = 200, body = UnfurlResponse), (status = 403)))]
async fn unfurl(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<UnfurlRequest>,
) -> ApiResult<Json<UnfurlResponse>> {
    require_collaboration(&state, &caller).await?;
    let url = req.url.trim();
    let is_link = url.len() <= 2048
        && extract_record_links(url, &state.config.public_url)
            .first()
            .is_some_and(|l| l.url == url);
    if !is_link {
        return Ok(Json(UnfurlResponse { card: None }));
    }
    let probe = Message {
        id: String::new(),
        chat_id: String::new(),
        seq: 0,
        kind: "text".into(),
        sender_id: None,
        sender_name: None,
        body: url.to_owned(),
        html: String::new(),
        importance: "normal".into(),
        data: None,
        created_at: 0,
        edited_at: None,
        deleted_at: None,
        reactions: Vec::new(),
        attachments: Vec::new(),
    };
    let card = cards_for(&state, &caller.subject, std::slice::from_ref(&probe))
        .await?
        .into_iter()
        .flatten()
        .next();
    Ok(Json(UnfurlResponse { card }))
}

//! Record-link cards (SPEC R16), computed for each viewer when read: in message pages, in each
//! recipient's own live event, and for the composer's preview (`POST /unfurl`). The record
//! look-ups of a whole page are one batch, so cards add no query per message.

use crate::AppState;
use crate::error::ApiResult;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::decide;
use tether_domain::cards::{Card, CardSource, link_card, record_card};
use tether_domain::markdown::extract_record_links;
use tether_domain::{Access, Subject};
use tether_store::chats::Message;

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
    let ids: Vec<tether_domain::RecordId> = links
        .iter()
        .flatten()
        .map(|l| tether_domain::RecordId::new(l.record_id.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(vec![Vec::new(); messages.len()]);
    }
    let views: BTreeMap<tether_domain::RecordId, tether_store::records::RecordView> = state
        .store
        .record_views(&ids, Some(&subject.user_id))
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
                        .get(l.record_id.as_str())
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
                                    id: v.record.id.as_str(),
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
    let ids: Vec<tether_domain::RecordId> = messages
        .iter()
        .filter_map(intro_of)
        .map(|(_, id)| tether_domain::RecordId::new(id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let readable: BTreeSet<(String, String)> = if ids.is_empty() {
        BTreeSet::new()
    } else {
        state
            .store
            .record_views(&ids, Some(&subject.user_id))
            .await?
            .into_iter()
            .filter(|v| decide(subject, Access::Read, v.facts()).is_allowed())
            .map(|v| (v.record.record_type.clone(), v.record.id.to_string()))
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

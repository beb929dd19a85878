//! Record-link cards (SPEC R16), computed for each viewer when read: in message pages, in each
//! recipient's own live event, and for the composer's preview (`POST /unfurl`). The record
//! look-ups of a whole page, or of one message for all its recipients, are one batch
//! ([`CardFacts`]), so cards add no query per message and none per recipient.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::decide;
use tether_domain::cards::{Card, CardSource, link_card, record_card};
use tether_domain::markdown::{RecordLink, extract_record_links, may_link_records, parses_quickly};
use tether_domain::{Access, MessageId, RecordId, Subject, UserId};
use tether_store::chats::Message;
use tether_store::record_types::RecordType;
use tether_store::records::Record;

/// Whether `m` can carry cards at all: a text message that is not deleted.
fn may_carry_cards(m: &Message) -> bool {
    m.deleted_at.is_none() && m.kind == "text"
}

/// The record links of a message that still carry a card (the sender may have removed some).
fn card_links(m: &Message, public_url: &str) -> Vec<RecordLink> {
    if !may_carry_cards(m) {
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
    extract_record_links(&m.body, public_url)
        .into_iter()
        .filter(|l| !removed.contains(&l.url))
        .collect()
}

/// The card links of each of `messages` that has any, each body parsed once. A body that
/// cannot link a record (or is no text message) is not parsed at all, a short one is parsed
/// here, and the rest (up to 28 KiB of markdown each) on the blocking pool, so that no async
/// worker is held up for long.
async fn links_of(
    state: &AppState,
    messages: &[Message],
) -> ApiResult<BTreeMap<MessageId, Vec<RecordLink>>> {
    let url = &state.config.public_url;
    let (quick, slow): (Vec<&Message>, Vec<&Message>) = messages.iter().partition(|m| {
        !may_carry_cards(m) || !may_link_records(&m.body) || parses_quickly(&m.body)
    });
    let mut links: BTreeMap<MessageId, Vec<RecordLink>> = quick
        .into_iter()
        .map(|m| (m.id.clone(), card_links(m, url)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if !slow.is_empty() {
        let slow: Vec<Message> = slow.into_iter().cloned().collect();
        let url = url.clone();
        let parsed = tokio::task::spawn_blocking(move || {
            slow.iter()
                .map(|m| (m.id.clone(), card_links(m, &url)))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
        links.extend(parsed.into_iter().filter(|(_, l)| !l.is_empty()));
    }
    Ok(links)
}

/// What the cards and introduction cards of some messages are made of, read once for all
/// their readers: each message's record links, the records they name, each reader's shares on
/// them, and the record types. Three queries however many messages and readers (none when no
/// message has a card).
#[derive(Default)]
pub struct CardFacts {
    links: BTreeMap<MessageId, Vec<RecordLink>>,
    /// Whether a message is an introduction card (R10).
    intro: bool,
    records: BTreeMap<RecordId, Record>,
    shares: BTreeMap<(RecordId, UserId), Access>,
    types: BTreeMap<String, RecordType>,
}

/// The record an introduction card (R10) is about, if `m` is one.
fn intro_of(m: &Message) -> Option<(String, String)> {
    if m.kind != "intro" || m.deleted_at.is_some() {
        return None;
    }
    m.data
        .as_ref()
        .and_then(tether_domain::cards::intro_record)
        .map(|(ty, id, _)| (ty.to_owned(), id.to_owned()))
}

impl CardFacts {
    /// Reads what `messages`' cards need for `readers`.
    pub async fn read(
        state: &AppState,
        messages: &[Message],
        readers: &[UserId],
    ) -> ApiResult<CardFacts> {
        let links = links_of(state, messages).await?;
        let intro = messages.iter().any(|m| m.kind == "intro");
        let ids: Vec<RecordId> = links
            .values()
            .flatten()
            .map(|l| l.record_id.clone())
            .chain(messages.iter().filter_map(intro_of).map(|(_, id)| id))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(RecordId::new)
            .collect();
        let mut facts = CardFacts {
            links,
            intro,
            ..CardFacts::default()
        };
        if ids.is_empty() {
            return Ok(facts);
        }
        if let [reader] = readers {
            for v in state.store.record_views(&ids, Some(reader)).await? {
                if let Some(access) = v.shared {
                    facts
                        .shares
                        .insert((v.record.id.clone(), reader.clone()), access);
                }
                facts.records.insert(v.record.id.clone(), v.record);
            }
        } else {
            for v in state.store.record_views(&ids, None).await? {
                facts.records.insert(v.record.id.clone(), v.record);
            }
            for (record, user, access) in state.store.record_shares_for(&ids, readers).await? {
                facts.shares.insert((record, user), access);
            }
        }
        if !facts.links.is_empty() {
            facts.types = state
                .record_types()
                .await?
                .iter()
                .map(|t| (t.def.name.clone(), t.clone()))
                .collect();
        }
        Ok(facts)
    }

    /// Whether any of the messages has a card, or is an introduction card (R10), whose content
    /// depends on the reader (then events differ per recipient).
    pub fn differ_by_reader(&self) -> bool {
        self.intro || !self.links.is_empty()
    }

    /// The record `id` of type `ty`, if `subject` may read it.
    fn readable(&self, subject: &Subject, ty: &str, id: &str) -> Option<&Record> {
        let record = self.records.get(id).filter(|r| r.record_type == ty)?;
        let share = self
            .shares
            .get(&(record.id.clone(), subject.user_id.clone()))
            .copied();
        decide(subject, Access::Read, record.facts(share))
            .is_allowed()
            .then_some(record)
    }

    /// The cards of `m` as `subject` sees them: a record card for a record they may read, a
    /// plain link card otherwise (R16).
    pub fn cards(&self, subject: &Subject, m: &Message) -> Vec<Card> {
        let Some(links) = self.links.get(&m.id) else {
            return Vec::new();
        };
        links
            .iter()
            .map(|l| {
                let record = self.readable(subject, &l.record_type, &l.record_id);
                match (record, self.types.get(&l.record_type)) {
                    (Some(r), Some(rt)) => record_card(
                        &l.url,
                        &CardSource {
                            def: &rt.def,
                            settings: &rt.settings,
                            id: r.id.as_str(),
                            number: r.number.as_deref(),
                            name: &r.name,
                            fields: &r.fields,
                            state: r.state,
                            owner_name: &r.owner_name,
                            external: r
                                .external
                                .as_ref()
                                .and_then(|x| x.url.as_deref().map(|url| (x.source.as_str(), url))),
                        },
                    ),
                    _ => link_card(&l.url),
                }
            })
            .collect()
    }

    /// Whether `m` is an introduction card (R10) of a record `subject` cannot read, so that it
    /// must be shown as [`tether_domain::cards::hidden_intro`].
    pub fn hides_intro(&self, subject: &Subject, m: &Message) -> bool {
        m.kind == "intro"
            && m.deleted_at.is_none()
            && intro_of(m).is_none_or(|(ty, id)| self.readable(subject, &ty, &id).is_none())
    }
}

//! Search of messages (SPEC R24, R27): full-text search over the messages (and attachment
//! names) of the caller's chats and channels, with English and Swedish stemming, relevance
//! ranking and highlighted snippets — from a record (its connected chats and channels the
//! caller is in) and from the chat app (every chat of the caller, however old). Members only,
//! history windows respected, deleted messages never found: the store's query scopes by the
//! caller's memberships and windows, and the hits are named as the caller sees the chat
//! ([`chat_out`]).

use crate::AppState;
use crate::app::guard::{record_context, require_collaboration};
use crate::app::views::{PersonRef, chat_out, rfc3339};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::RecordId;
use tether_domain::chat::ChatKind;
use tether_domain::invalid::Invalid;
use tether_domain::markdown::{MentionResolver, parses_quickly, plain_text};
use tether_domain::search;
use tether_domain::{ChatId, MessageId, UserId};
use tether_store::chats::{Chat, Member, Message};
use tether_store::dialect::MessageHit;
use utoipa::ToSchema;

/// Characters of text shown around a match.
const SNIPPET_WIDTH: usize = 160;

/// What to search for: the words of a query, each in the forms it matches. Never empty.
pub struct SearchText(Vec<Vec<String>>);

impl SearchText {
    /// The words of `q`; 422 on `q` when it has none.
    pub fn parse(q: &str) -> ApiResult<SearchText> {
        let words = search::query(q);
        if words.is_empty() {
            return Err(ApiError::invalid(
                "q",
                Invalid::SearchEmpty,
                "search for at least one word",
            ));
        }
        Ok(SearchText(words))
    }
}

#[derive(Serialize, ToSchema)]
pub struct HitChat {
    pub id: String,
    pub name: String,
    pub kind: ChatKind,
}

#[derive(Serialize, ToSchema)]
pub struct HitMessage {
    pub id: String,
    pub seq: i64,
    pub sender: Option<PersonRef>,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    pub chat: HitChat,
    pub message: HitMessage,
    /// HTML-escaped text around the match, matches wrapped in `<mark>`.
    pub snippet: String,
    pub score: f64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
}

/// Searches every chat and channel of the caller (R24), best match first.
pub async fn everywhere(
    state: &AppState,
    caller: &Caller,
    text: &SearchText,
    limit: i64,
) -> ApiResult<SearchResults> {
    require_collaboration(state, caller).await?;
    run(state, caller, text, None, limit).await
}

/// Searches the chats and channels connected to a record that the caller is a member of.
pub async fn in_record(
    state: &AppState,
    caller: &Caller,
    (ty, id): (&str, &RecordId),
    text: &SearchText,
    limit: i64,
) -> ApiResult<SearchResults> {
    record_context(state, caller, ty, id).await?;
    let chats: Vec<ChatId> = state
        .store
        .record_connections(id, caller.id())
        .await?
        .into_iter()
        .filter(|c| c.is_member)
        .map(|c| c.chat.id)
        .collect();
    run(state, caller, text, Some(&chats), limit).await
}

async fn run(
    state: &AppState,
    caller: &Caller,
    text: &SearchText,
    chats: Option<&[ChatId]>,
    limit: i64,
) -> ApiResult<SearchResults> {
    state.limit(caller, crate::limits::Kind::Search).await?;
    let query = &text.0;
    let hits = state
        .store
        .search_messages(caller.id(), query, chats, limit)
        .await?;
    let ids: Vec<MessageId> = hits.iter().map(|h| h.message_id.clone()).collect();
    let messages: BTreeMap<MessageId, Message> = state
        .store
        .messages_by_ids(&ids)
        .await?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let chat_ids: Vec<ChatId> = messages
        .values()
        .map(|m| m.chat_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let chats: BTreeMap<ChatId, Chat> = state
        .store
        .chats_with_membership(&chat_ids, caller.id())
        .await?
        .into_iter()
        .map(|(c, _, _)| (c.id.clone(), c))
        .collect();
    let members = state.store.members_of(&chat_ids).await?;
    // Each hit's snippet parses its whole body (the match may be deep in it): short bodies
    // here, any long one (up to 28 KiB of markdown each) on the blocking pool, so that no
    // async worker is held up for long.
    let quick = messages.values().all(|m| parses_quickly(&m.body));
    let (caller_id, query) = (caller.id().clone(), query.clone());
    let build = move || hit_items(hits, &messages, &chats, &members, &caller_id, &query);
    let items = if quick {
        build()
    } else {
        tokio::task::spawn_blocking(build)
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
    };
    Ok(SearchResults { items })
}

/// The hits as the caller sees them: each message's chat, sender and a snippet of its text
/// around the first match (people as names, files named).
fn hit_items(
    hits: Vec<MessageHit>,
    messages: &BTreeMap<MessageId, Message>,
    chats: &BTreeMap<ChatId, Chat>,
    members: &BTreeMap<ChatId, Vec<Member>>,
    caller_id: &UserId,
    query: &[Vec<String>],
) -> Vec<SearchHit> {
    let none = Vec::new();
    hits.into_iter()
        .filter_map(|h| {
            let m = messages.get(&h.message_id)?;
            let chat = chats.get(&m.chat_id)?;
            let chat_members = members.get(&m.chat_id).unwrap_or(&none);
            let view = chat_out(chat.clone(), chat_members, 0, caller_id);
            let files: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
            // People are names, never ids: mentions read `@Name` in the snippet.
            let people = MentionResolver::new(
                chat_members
                    .iter()
                    .map(|x| (x.user_id.clone(), x.name.clone())),
            );
            let body = plain_text(&m.body, Some(&people));
            let text = if files.is_empty() {
                body
            } else {
                format!("{body} ({})", files.join(", "))
            };
            Some(SearchHit {
                chat: HitChat {
                    id: view.id,
                    name: view.name,
                    kind: view.kind,
                },
                message: HitMessage {
                    id: m.id.to_string(),
                    seq: m.seq,
                    sender: m.sender_id.clone().map(|id| PersonRef {
                        id,
                        name: m.sender_name.clone().unwrap_or_default(),
                    }),
                    created_at: rfc3339(m.created_at),
                },
                snippet: search::snippet(&text, query, SNIPPET_WIDTH),
                score: (h.score * 1000.0).round() / 1000.0,
            })
        })
        .collect()
}

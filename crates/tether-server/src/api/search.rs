//! Search (SPEC R24, R27): full-text search over the messages (and attachment names) of the
//! caller's chats and channels, with English and Swedish stemming, relevance ranking and
//! highlighted snippets — from a record (its connected chats and channels the caller is in) and
//! from the chat app (every chat of the caller, however old). Members only, history windows
//! respected, deleted messages never found.

use crate::app::guard::require_collaboration;
use crate::app::views::chat_out;

use super::{PersonRef, limit, rfc3339};
use crate::AppState;
use crate::app::guard::record_context;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tether_domain::invalid::Invalid;
use tether_domain::search;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_all))
        .routes(routes!(search_record))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find; every word must match, in any form ("printers" finds "printer").
    pub q: String,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct HitChat {
    pub id: String,
    pub name: String,
    pub kind: tether_domain::chat::ChatKind,
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

async fn run(
    state: &AppState,
    caller: &Caller,
    q: &SearchQuery,
    chats: Option<&[String]>,
) -> ApiResult<SearchResults> {
    let query = search::query(&q.q);
    if query.is_empty() {
        return Err(ApiError::invalid(
            "q",
            Invalid::SearchEmpty,
            "search for at least one word",
        ));
    }
    state.limit(caller, crate::limits::Kind::Search).await?;
    let hits = state
        .store
        .search_messages(caller.id(), &query, chats, limit(q.limit, 30, 100))
        .await?;
    let ids: Vec<String> = hits.iter().map(|h| h.message_id.clone()).collect();
    let messages: BTreeMap<String, tether_store::chats::Message> = state
        .store
        .messages_by_ids(&ids)
        .await?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect();
    let chat_ids: Vec<String> = messages
        .values()
        .map(|m| m.chat_id.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let chats: BTreeMap<String, tether_store::chats::Chat> = state
        .store
        .chats_with_membership(&chat_ids, caller.id())
        .await?
        .into_iter()
        .map(|(c, _, _)| (c.id.clone(), c))
        .collect();
    let members = state.store.members_of(&chat_ids).await?;
    let none = Vec::new();
    let items = hits
        .into_iter()
        .filter_map(|h| {
            let m = messages.get(&h.message_id)?;
            let chat = chats.get(&m.chat_id)?;
            let view = chat_out(
                chat.clone(),
                members.get(&m.chat_id).unwrap_or(&none),
                0,
                caller.id(),
            );
            let files: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
            // People are names, never ids: mentions read `@Name` in the snippet.
            let people = tether_domain::markdown::MentionResolver::new(
                members
                    .get(&m.chat_id)
                    .unwrap_or(&none)
                    .iter()
                    .map(|x| (x.user_id.clone(), x.name.clone())),
            );
            let body = tether_domain::markdown::plain_text(&m.body, Some(&people));
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
                    id: m.id.clone(),
                    seq: m.seq,
                    sender: m.sender_id.clone().map(|id| PersonRef {
                        id,
                        name: m.sender_name.clone().unwrap_or_default(),
                    }),
                    created_at: rfc3339(m.created_at),
                },
                snippet: search::snippet(&text, &query, 160),
                score: (h.score * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    Ok(SearchResults { items })
}

/// # `GET /api/v1/search?q=`
///
/// Searches the messages of all the caller's chats and channels (R24), best match first.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchQuery), responses((status = 200, body = SearchResults), (status = 403), (status = 422), (status = 429)))]
async fn search_all(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    require_collaboration(&state, &caller).await?;
    Ok(Json(run(&state, &caller, &q, None).await?))
}

/// # `GET /api/v1/records/{type}/{id}/search?q=`
///
/// Searches the messages of the chats and channels connected to the record that the caller is a
/// member of (R24).
#[utoipa::path(get, path = "/records/{type}/{id}/search", tag = "search", params(("type" = String, Path), ("id" = String, Path), SearchQuery),
    responses((status = 200, body = SearchResults), (status = 403), (status = 404), (status = 422), (status = 429)))]
async fn search_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    record_context(&state, &caller, &ty, &id).await?;
    let chats: Vec<String> = state
        .store
        .record_connections(&id, caller.id())
        .await?
        .into_iter()
        .filter(|c| c.is_member)
        .map(|c| c.chat.id)
        .collect();
    Ok(Json(run(&state, &caller, &q, Some(&chats)).await?))
}

//! `POST /unfurl`: the composer's preview of a pasted record link (R16), as the caller would
//! see its card. The cards themselves are computed in `crate::app::cards`.

use crate::AppState;
use crate::app::cards::CardFacts;
use crate::app::guard::require_collaboration;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tether_domain::cards::Card;
use tether_domain::markdown::extract_record_links;
use tether_domain::{ChatId, MessageId};
use tether_store::chats::Message;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(unfurl))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnfurlRequest {
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnfurlResponse {
    /// The card the caller would see, or null when the URL is no record link of this server.
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
        id: MessageId::new(""),
        chat_id: ChatId::new(""),
        seq: 0,
        kind: "text".into(),
        sender_id: None,
        sender_name: None,
        body: url.to_owned(),
        html: String::new(),
        importance: tether_domain::chat::Importance::Normal,
        data: None,
        created_at: 0,
        edited_at: None,
        deleted_at: None,
        reactions: Vec::new(),
        attachments: Vec::new(),
    };
    let card = CardFacts::read(
        &state,
        std::slice::from_ref(&probe),
        std::slice::from_ref(caller.id()),
    )
    .await?
    .cards(&caller.subject, &probe)
    .into_iter()
    .next();
    Ok(Json(UnfurlResponse { card }))
}

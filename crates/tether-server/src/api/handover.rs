//! `POST /chats/{id}/transcript` (SPEC R26); the hand-over of R25 and the transcript itself are
//! in `crate::app::handover`.

use super::collab::RecordRefIn;
use super::parse_rfc3339;
use crate::AppState;
use crate::app::handover::{self, TranscriptRange};
use crate::app::views::ActivityOut;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::ChatId;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(save_transcript))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptRequest {
    pub record: RecordRefIn,
    /// Only messages from this time on (RFC 3339).
    pub from: Option<String>,
    /// Only messages up to this time (RFC 3339).
    pub to: Option<String>,
    /// The saver's IANA time zone (`Europe/Stockholm`): message times are written in it. Default:
    /// the zone the saver chose (`PATCH /me`), else UTC.
    pub time_zone: Option<String>,
}

/// # `POST /api/v1/chats/{id}/transcript`
///
/// Saves the messages of a chat connected to the record (sender, time, text, attachment names) —
/// all of them, or those between `from` and `to` — as a note on the record's timeline (R26), visible to everyone who can
/// read the record. The caller must be a member of the chat and able to write the record.
/// Only what the caller can see of the chat (their history window) is saved.
#[utoipa::path(post, path = "/chats/{id}/transcript", tag = "collaboration", params(("id" = String, Path)), request_body = TranscriptRequest,
    responses((status = 201, body = ActivityOut), (status = 403), (status = 404), (status = 422)))]
async fn save_transcript(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(chat_id): ApiPath<ChatId>,
    ApiJson(req): ApiJson<TranscriptRequest>,
) -> ApiResult<(StatusCode, Json<ActivityOut>)> {
    let time = |field: &str, t: Option<&str>| t.map(|t| parse_rfc3339(field, t)).transpose();
    let range = TranscriptRange {
        from: time("from", req.from.as_deref())?.unwrap_or(0),
        to: time("to", req.to.as_deref())?.unwrap_or(i64::MAX),
        time_zone: req.time_zone,
    };
    let record = req.record.into();
    let activity = handover::save_transcript(&state, &caller, &chat_id, &record, range)
        .await?
        .publish(&state)
        .await?;
    Ok((StatusCode::CREATED, Json(activity)))
}

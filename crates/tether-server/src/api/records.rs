//! Records (API.md *Records*): create, read, update, list, share, timeline activities.
//!
//! Every handler decides access with the domain's one function
//! ([`tether_domain::access::decide`]); lists push the same rule into SQL through the
//! caller's read scope, so no list costs a query per record.

use super::{limit, parse_rfc3339};
use crate::AppState;
use crate::app::records::change::RecordEdit;
use crate::app::records::list::{ListRequest, Whose};
use crate::app::records::{self, NewActivity, NewRecordRequest, load_type, parse_state};
use crate::app::views::{ActivityOut, FieldValue, RecordList, RecordOut};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tether_domain::invalid::Invalid;
use tether_domain::record::ActivityKind;
use tether_domain::{Access, Owner};
use tether_domain::{RecordId, UserId};
use tether_store::record_search::{MAX_OFFSET, RecordSort};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_record, list_records))
        .routes(routes!(get_record, patch_record, delete_record))
        .routes(routes!(share_record))
        .routes(routes!(add_activity))
        .routes(routes!(timeline))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRecord {
    #[schema(value_type = BTreeMap<String, FieldValue>)]
    pub fields: Map<String, Value>,
    /// `{"user_id": …}` or `{"team_id": …}`; the caller when absent.
    pub owner: Option<Owner>,
    pub state: Option<String>,
    /// Related records by lookup field: `{"account": "<id>"}`.
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub related: Option<Map<String, Value>>,
}

/// # `POST /api/v1/records/{type}`
///
/// Creates a record. Fields are checked against the type (unknown field, wrong kind, missing
/// primary name → 422 naming the field); the caller needs a write privilege at a depth that
/// covers the new owner. A lookup must name a record the caller may read; one they may not
/// read is answered exactly as a missing one (422).
#[utoipa::path(post, path = "/records/{type}", tag = "records", params(("type" = String, Path)), request_body = CreateRecord,
    responses((status = 201, body = RecordOut), (status = 401), (status = 403), (status = 404), (status = 413), (status = 422)))]
async fn create_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ty): ApiPath<String>,
    ApiJson(req): ApiJson<CreateRecord>,
) -> ApiResult<(StatusCode, Json<RecordOut>)> {
    let rt = load_type(&state, &ty).await?;
    let record_state = req
        .state
        .as_deref()
        .map(|s| parse_state(&ty, s))
        .transpose()?;
    let request = NewRecordRequest {
        fields: req.fields,
        owner: req.owner,
        state: record_state,
        related: req.related,
    };
    let record = records::create(&state, &caller, &rt, request).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Part of the primary name, or an exact record number.
    pub q: Option<String>,
    /// `me` for the caller's own records, or a user id.
    pub owner: Option<String>,
    /// Only records owned by this team.
    pub owner_team: Option<String>,
    /// `mine` (owned by the caller), `teams` (owned by the caller's teams or their members) or
    /// `all` (every record the caller may read, the default).
    pub filter: Option<String>,
    /// Only records in this state: active, resolved or cancelled.
    pub state: Option<String>,
    /// `updated` (most recently changed first, the default), `created` (newest first), `name`
    /// (A to Z) or `number` (highest first).
    pub sort: Option<String>,
    /// Records to skip, for paging (at most 10,000); the answer's `next_offset` gives the next.
    pub offset: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// # `GET /api/v1/records/{type}?q=&owner=&owner_team=&filter=&state=&sort=&offset=&limit=`
///
/// Records of the type the caller may read — filtered by text, owner, the caller's own or
/// their teams' records, and state — in the order asked for, one page at a time. The read
/// scope is applied in SQL, so only readable records are ever counted or returned.
#[utoipa::path(get, path = "/records/{type}", tag = "records", params(("type" = String, Path), ListQuery),
    responses((status = 200, body = RecordList), (status = 401), (status = 404), (status = 422)))]
async fn list_records(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(ty): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<RecordList>> {
    load_type(&state, &ty).await?;
    // An empty parameter is no filter (forms send them so).
    fn given(v: Option<String>) -> Option<String> {
        v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
    }
    fn parsed<T: std::str::FromStr<Err = String>>(
        field: &str,
        v: &Option<String>,
    ) -> ApiResult<Option<T>> {
        v.as_deref()
            .map(|s| {
                s.parse()
                    .map_err(|e: String| ApiError::invalid(field, Invalid::Option, e))
            })
            .transpose()
    }
    let filter = given(q.filter);
    let state_text = given(q.state);
    let sort_text = given(q.sort);
    let whose: Whose = parsed("filter", &filter)?.unwrap_or_default();
    let record_state = parsed("state", &state_text)?;
    let sort: RecordSort = parsed("sort", &sort_text)?.unwrap_or_default();
    let offset = q.offset.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(ApiError::invalid(
            "offset",
            Invalid::Range,
            format!(
                "must be between 0 and {MAX_OFFSET}; narrow the list with a filter or search instead"
            ),
        ));
    }
    let owner = match q.owner {
        Some(me) if me == "me" => Some(caller.id().clone()),
        other => other.map(UserId::new),
    };
    let request = ListRequest {
        text: q.q,
        owner: owner.map(String::from),
        owner_team: given(q.owner_team),
        whose,
        state: record_state,
        sort,
        offset,
        limit: limit(q.limit, 50, 200),
    };
    Ok(Json(
        records::list::list(&state, &caller, &ty, request).await?,
    ))
}

/// # `GET /api/v1/records/{type}/{id}`
#[utoipa::path(get, path = "/records/{type}/{id}", tag = "records", params(("type" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RecordOut), (status = 401), (status = 403), (status = 404)))]
async fn get_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
) -> ApiResult<Json<RecordOut>> {
    Ok(Json(records::get(&state, &caller, &ty, &id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchRecord {
    /// Fields to change; `null` clears a field.
    #[schema(value_type = Option<BTreeMap<String, FieldValue>>)]
    pub fields: Option<Map<String, Value>>,
    pub owner: Option<Owner>,
    pub state: Option<String>,
}

/// # `PATCH /api/v1/records/{type}/{id}`
///
/// Changes fields, owner or state; needs write access (a write share is enough for fields and
/// state). An owner change needs a write privilege whose depth covers the record and the new
/// owner, as creation does — never a share — and is kept in the record's owner history.
/// A lookup must name a record the caller may read; one they may not read is answered exactly
/// as a missing one (422). A lookup value the record already holds is not checked again.
#[utoipa::path(patch, path = "/records/{type}/{id}", tag = "records", params(("type" = String, Path), ("id" = String, Path)), request_body = PatchRecord,
    responses((status = 200, body = RecordOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn patch_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiJson(req): ApiJson<PatchRecord>,
) -> ApiResult<Json<RecordOut>> {
    let rt = load_type(&state, &ty).await?;
    let record_state = req
        .state
        .as_deref()
        .map(|s| parse_state(&ty, s))
        .transpose()?;
    let edit = RecordEdit {
        fields: req.fields.unwrap_or_default(),
        owner: req.owner,
        state: record_state,
    };
    let record = records::change::update(&state, &caller, &rt, &id, edit)
        .await?
        .publish(&state)
        .await?;
    Ok(Json(record))
}

/// # `DELETE /api/v1/records/{type}/{id}`
///
/// Deletes the record with its timeline, shares and owner history. Its connected chats stay
/// with all their messages; each gets a system message saying the record was deleted, and the
/// audit log keeps the deletion. Only the owning user, for a team's record someone whose write
/// privilege covers it, or an administrator may delete (403 otherwise; a share, even for
/// write, never allows it); a record another record points to in a lookup field cannot be
/// deleted until that changes (409).
#[utoipa::path(delete, path = "/records/{type}/{id}", tag = "records", params(("type" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
) -> ApiResult<StatusCode> {
    records::delete(&state, &caller, &ty, &id)
        .await?
        .publish(&state)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    pub user_id: UserId,
    /// read or write
    pub access: String,
}

#[derive(Serialize, ToSchema)]
pub struct ShareOut {
    pub record_id: String,
    pub user_id: UserId,
    pub access: String,
}

/// # `POST /api/v1/records/{type}/{id}/shares`
///
/// Shares the record with a user for read or write. Needs write access to the record. Audited.
#[utoipa::path(post, path = "/records/{type}/{id}/shares", tag = "records", params(("type" = String, Path), ("id" = String, Path)), request_body = ShareRequest,
    responses((status = 201, body = ShareOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn share_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiJson(req): ApiJson<ShareRequest>,
) -> ApiResult<(StatusCode, Json<ShareOut>)> {
    let access: Access =
        req.access
            .parse()
            .map_err(|e: tether_domain::privilege::PrivilegeError| {
                ApiError::invalid("access", Invalid::Option, e.0)
            })?;
    records::share(&state, &caller, &ty, &id, &req.user_id, access).await?;
    Ok((
        StatusCode::CREATED,
        Json(ShareOut {
            record_id: id.into_string(),
            user_id: req.user_id,
            access: access.as_str().to_owned(),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityRequest {
    /// note, phone_call, email or task
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Timeline {
    pub items: Vec<ActivityOut>,
}

/// # `POST /api/v1/records/{type}/{id}/activities`
///
/// Logs a note, phone call, email or task on the record's timeline. Needs write access.
#[utoipa::path(post, path = "/records/{type}/{id}/activities", tag = "records", params(("type" = String, Path), ("id" = String, Path)), request_body = ActivityRequest,
    responses((status = 201, body = ActivityOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn add_activity(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiJson(req): ApiJson<ActivityRequest>,
) -> ApiResult<(StatusCode, Json<ActivityOut>)> {
    let kind: ActivityKind = req
        .kind
        .parse()
        .map_err(|e: String| ApiError::invalid("kind", Invalid::Option, e))?;
    let activity = NewActivity::new(kind, &req.subject, req.body)?;
    let stored = records::add_activity(&state, &caller, &ty, &id, activity).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Only items before this time (RFC 3339), for paging back.
    pub before: Option<String>,
    pub limit: Option<i64>,
}

/// # `GET /api/v1/records/{type}/{id}/timeline`
///
/// The record's activities, newest first. Needs read access.
#[utoipa::path(get, path = "/records/{type}/{id}/timeline", tag = "records", params(("type" = String, Path), ("id" = String, Path), TimelineQuery),
    responses((status = 200, body = Timeline), (status = 401), (status = 403), (status = 404)))]
async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> ApiResult<Json<Timeline>> {
    let before = q
        .before
        .as_deref()
        .map(|b| parse_rfc3339("before", b))
        .transpose()?;
    let items =
        records::timeline::timeline(&state, &caller, &ty, &id, before, limit(q.limit, 50, 200))
            .await?;
    Ok(Json(Timeline { items }))
}

//! Records (API.md *Records*): create, read, update, list, share, timeline activities.
//!
//! Every handler decides access with the domain's one function
//! ([`tether_domain::access::decide`]); lists push the same rule into SQL through the
//! caller's read scope, so no list costs a query per record.

use super::{PersonRef, limit, rfc3339};
use crate::AppState;
use crate::app::guard::load_record;
use crate::app::outbox::{Connection, Effect, MessageChange, RecordKey, publish};
use crate::app::views::{ActivityOut, RecordOut, TimelineChat};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tether_domain::access::{Decision, decide, may_set_owner};
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::people::has_forbidden_control;
use tether_domain::record::{ActivityKind, RecordState};
use tether_domain::record_type::{FieldKind, Mode};
use tether_domain::viewer::{ChatFacts, ViewerFacts};
use tether_domain::{Access, Owner};
use tether_store::record_types::RecordType;
use tether_store::records::{Activity, NewRecord, RecordPatch, RecordQuery, RecordView};
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

#[derive(Serialize, ToSchema)]
pub struct RecordList {
    pub items: Vec<RecordOut>,
    /// The `offset` of the next page, when there is one (`GET /records/{type}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<i64>,
}

async fn load_type(state: &AppState, name: &str) -> ApiResult<RecordType> {
    state
        .store
        .record_type(name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no record type '{name}'")))
}

/// A state the record's type has (an account is never resolved): 422 naming the allowed ones.
fn parse_state(record_type: &str, s: &str) -> ApiResult<RecordState> {
    let state: RecordState = s
        .parse()
        .map_err(|e: String| ApiError::invalid("state", Invalid::Option, e))?;
    tether_domain::record::check_state(record_type, state)
        .map_err(|e| ApiError::invalid("state", Invalid::Option, e))?;
    Ok(state)
}

/// Checks that an owner exists (and, for a user, is active).
async fn check_owner(state: &AppState, owner: &Owner) -> ApiResult<()> {
    match owner {
        Owner::User { user_id } => match state.store.user(user_id.as_str()).await? {
            Some(u) if u.active => Ok(()),
            Some(u) => Err(ApiError::fields(vec![
                FieldError::new(
                    "owner",
                    Invalid::Deactivated,
                    "that user is deactivated and cannot own records",
                )
                .with("name", u.name),
            ])),
            None => Err(ApiError::invalid(
                "owner",
                Invalid::NotFound,
                format!("there is no user with id {user_id}"),
            )),
        },
        Owner::Team { team_id } => match state.store.team(team_id.as_str()).await? {
            Some(_) => Ok(()),
            None => Err(ApiError::invalid(
                "owner",
                Invalid::NotFound,
                format!("there is no team with id {team_id}"),
            )),
        },
    }
}

/// Every lookup in `lookups` must name a record of the field's target type that the caller
/// may read. One the caller may not read is answered exactly as a missing one (same status,
/// same detail), so a lookup field is no way to learn which ids exist — nor to pin another
/// user's record with a link that blocks its delete.
async fn check_lookups(
    state: &AppState,
    caller: &Caller,
    lookups: &[(String, String, String)],
) -> ApiResult<()> {
    if lookups.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = lookups
        .iter()
        .map(|(_, _, id)| id.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let readable: std::collections::BTreeSet<(String, String)> = state
        .store
        .record_views(&ids, caller.id())
        .await?
        .into_iter()
        .filter(|v| decide(&caller.subject, Access::Read, v.facts()).is_allowed())
        .map(|v| (v.record.record_type, v.record.id))
        .collect();
    let errors: Vec<FieldError> = lookups
        .iter()
        .filter(|(_, t, id)| !readable.contains(&(t.clone(), id.clone())))
        .map(|(field, t, id)| {
            FieldError::new(
                field.clone(),
                Invalid::NotFound,
                format!("there is no {t} record with id {id}"),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields(errors))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRecord {
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// `{"user_id": …}` or `{"team_id": …}`; the caller when absent.
    #[schema(value_type = Option<Object>)]
    pub owner: Option<Owner>,
    pub state: Option<String>,
    /// Related records by lookup field: `{"account": "<id>"}`.
    #[schema(value_type = Option<Object>)]
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
    let mut input = req.fields;
    if let Some(related) = req.related {
        for (field, id) in related {
            match rt.def.field(&field) {
                Some(f) if f.kind == FieldKind::Lookup => {
                    input.insert(field, id);
                }
                _ => {
                    return Err(ApiError::invalid(
                        &format!("related.{field}"),
                        Invalid::UnknownField,
                        format!("is not a lookup field of {ty}"),
                    ));
                }
            }
        }
    }
    let valid = rt
        .def
        .validate_fields(&input, Mode::Create)
        .map_err(ApiError::fields)?;
    let owner = req.owner.unwrap_or_else(|| Owner::User {
        user_id: caller.subject.user_id.clone(),
    });
    let record_state = req
        .state
        .as_deref()
        .map(|s| parse_state(&ty, s))
        .transpose()?
        .unwrap_or(RecordState::Active);
    check_owner(&state, &owner).await?;
    if let Decision::Denied(reason) = may_set_owner(&caller.subject, &ty, None, &owner) {
        return Err(ApiError::Forbidden(format!(
            "you cannot create this record: {reason}"
        )));
    }
    check_lookups(&state, &caller, &valid.lookups).await?;
    let new = NewRecord {
        fields: valid
            .values
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .collect(),
        owner,
        state: record_state,
        created_by: Some(caller.id().to_owned()),
        at: None,
    };
    let record = state.store.create_record(&rt.def, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(RecordOut::new(&state, record, true)),
    ))
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
    use tether_store::record_search::{MAX_OFFSET, OwnerSet, RecordFilter, RecordSort};
    load_type(&state, &ty).await?;
    let owner = match q.owner.as_deref() {
        Some("me") => Some(caller.id().to_owned()),
        other => other.map(str::to_owned),
    };
    let me = &caller.subject;
    // An empty parameter is no filter (forms send them so).
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let owners = match given(&q.filter) {
        None | Some("all") => None,
        Some("mine") => Some(OwnerSet {
            user_ids: vec![caller.id().to_owned()],
            team_ids: Vec::new(),
        }),
        Some("teams") => {
            let mut user_ids: Vec<String> = me.teammate_ids.iter().map(|u| u.to_string()).collect();
            if !me.teammate_ids.contains(&me.user_id) {
                user_ids.push(caller.id().to_owned());
            }
            Some(OwnerSet {
                user_ids,
                team_ids: me.team_ids.iter().map(|t| t.to_string()).collect(),
            })
        }
        Some(other) => {
            return Err(ApiError::invalid(
                "filter",
                Invalid::Option,
                format!("unknown filter '{other}': use mine, teams or all"),
            ));
        }
    };
    let owners = match (owners, given(&q.owner_team)) {
        (None, Some(team)) => Some(OwnerSet {
            user_ids: Vec::new(),
            team_ids: vec![team.to_owned()],
        }),
        (Some(mut set), Some(team)) => {
            set.user_ids.clear();
            set.team_ids.retain(|t| t == team);
            Some(set)
        }
        (set, None) => set,
    };
    let record_state = given(&q.state)
        .map(|s| {
            s.parse()
                .map_err(|e: String| ApiError::invalid("state", Invalid::Option, e))
        })
        .transpose()?;
    let sort: RecordSort = given(&q.sort)
        .map(|s| {
            s.parse()
                .map_err(|e: String| ApiError::invalid("sort", Invalid::Option, e))
        })
        .transpose()?
        .unwrap_or_default();
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
    let page = limit(q.limit, 50, 200);
    let mut views = state
        .store
        .list_records_filtered(
            &RecordQuery {
                record_type: &ty,
                viewer: caller.id(),
                scope: caller.subject.read_scope(&ty),
                text: q.q.as_deref(),
                owner_user: owner.as_deref(),
                // One more than the page, to know whether there is a next one.
                limit: page + 1,
            },
            &RecordFilter {
                owners,
                state: record_state,
                sort,
                offset,
            },
        )
        .await?;
    let next_offset =
        (views.len() as i64 > page && offset + page <= MAX_OFFSET).then_some(offset + page);
    views.truncate(usize::try_from(page).unwrap_or(50));
    let items = views
        .into_iter()
        .map(|v| {
            let can_write = decide(&caller.subject, Access::Write, v.facts()).is_allowed();
            RecordOut::new(&state, v.record, can_write)
        })
        .collect();
    Ok(Json(RecordList { items, next_offset }))
}

/// # `GET /api/v1/records/{type}/{id}`
#[utoipa::path(get, path = "/records/{type}/{id}", tag = "records", params(("type" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RecordOut), (status = 401), (status = 403), (status = 404)))]
async fn get_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
) -> ApiResult<Json<RecordOut>> {
    let view = load_record(&state, &caller, &ty, &id, Access::Read).await?;
    let can_write = decide(&caller.subject, Access::Write, view.facts()).is_allowed();
    Ok(Json(RecordOut::new(&state, view.record, can_write)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchRecord {
    /// Fields to change; `null` clears a field.
    #[schema(value_type = Option<Object>)]
    pub fields: Option<Map<String, Value>>,
    #[schema(value_type = Option<Object>)]
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
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<PatchRecord>,
) -> ApiResult<Json<RecordOut>> {
    let rt = load_type(&state, &ty).await?;
    let view = load_record(&state, &caller, &ty, &id, Access::Write).await?;
    let valid = rt
        .def
        .validate_fields(&req.fields.unwrap_or_default(), Mode::Update)
        .map_err(ApiError::fields)?;
    let record_state = req
        .state
        .as_deref()
        .map(|s| parse_state(&ty, s))
        .transpose()?;
    if let Some(owner) = req.owner.as_ref().filter(|o| **o != view.record.owner) {
        check_owner(&state, owner).await?;
        if let Decision::Denied(reason) =
            may_set_owner(&caller.subject, &ty, Some(&view.record.owner), owner)
        {
            return Err(ApiError::Forbidden(format!(
                "you cannot change this record's owner: {reason}"
            )));
        }
    }
    let changed_lookups: Vec<(String, String, String)> = valid
        .lookups
        .iter()
        .filter(|(field, _, target)| {
            view.record.fields.get(field).and_then(Value::as_str) != Some(target.as_str())
        })
        .cloned()
        .collect();
    check_lookups(&state, &caller, &changed_lookups).await?;
    let patch = RecordPatch {
        fields: valid.values,
        owner: req.owner,
        state: record_state,
        at: None,
    };
    let change = state
        .store
        .update_record(&rt.def, &id, &patch, Some(caller.id()))
        .await?;
    announce_field_changes(&state, &caller, &rt, &change).await?;
    let handed_over = crate::app::handover::hand_over(&state, &caller, &rt, &change)
        .await?
        .publish(&state)
        .await?;
    let shared = state
        .store
        .record_view(&id, caller.id())
        .await?
        .and_then(|v| v.shared);
    let can_write = decide(&caller.subject, Access::Write, change.after.facts(shared)).is_allowed();
    let mut out = RecordOut::new(&state, change.after, can_write);
    out.handed_over = handed_over;
    Ok(Json(out))
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
    ApiPath((ty, id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let rt = load_type(&state, &ty).await?;
    let view = load_record(&state, &caller, &ty, &id, Access::Read).await?;
    if !tether_domain::access::may_delete(&caller.subject, view.facts()) {
        return Err(ApiError::Forbidden(
            "only the record's owner, for a team's record someone whose write privilege covers it, or an administrator may delete it; a share, even for write, does not allow it".into(),
        ));
    }
    let label = tether_domain::collab::record_label(&rt.def, view.record.number.as_deref());
    let sys = crate::app::html::system_message(
        Some(caller.id()),
        format!(
            "{} deleted {label}; this chat and its messages stay",
            caller.user.name
        ),
        serde_json::json!({"event": "record.deleted",
                           "record": {"type": ty, "id": id, "number": view.record.number}}),
    );
    let chats = state
        .store
        .delete_record(&ty, &id, caller.id(), &sys)
        .await?;
    let record = RecordKey::new(&ty, &id);
    let mut events: Vec<Effect> = chats
        .into_iter()
        .map(|(chat_id, message_id)| Effect::ConnectionWritten {
            change: Connection::Removed,
            chat_id,
            record: record.clone(),
            message_id,
        })
        .collect();
    events.push(Effect::TimelineChanged(record));
    publish(&state, events).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    pub user_id: String,
    /// read or write
    pub access: String,
}

#[derive(Serialize, ToSchema)]
pub struct ShareOut {
    pub record_id: String,
    pub user_id: String,
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
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<ShareRequest>,
) -> ApiResult<(StatusCode, Json<ShareOut>)> {
    let access: Access =
        req.access
            .parse()
            .map_err(|e: tether_domain::privilege::PrivilegeError| {
                ApiError::invalid("access", Invalid::Option, e.0)
            })?;
    load_record(&state, &caller, &ty, &id, Access::Write).await?;
    state
        .store
        .share_record(&ty, &id, &req.user_id, access, caller.id())
        .await
        .map_err(|e| match e {
            tether_store::StoreError::Invalid(m) => {
                ApiError::invalid("user_id", Invalid::NotFound, m)
            }
            other => other.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(ShareOut {
            record_id: id,
            user_id: req.user_id,
            access: access.as_str().to_owned(),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActivity {
    /// note, phone_call, email or task
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Timeline {
    pub items: Vec<ActivityOut>,
}

const MAX_SUBJECT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 100_000;

/// # `POST /api/v1/records/{type}/{id}/activities`
///
/// Logs a note, phone call, email or task on the record's timeline. Needs write access.
#[utoipa::path(post, path = "/records/{type}/{id}/activities", tag = "records", params(("type" = String, Path), ("id" = String, Path)), request_body = NewActivity,
    responses((status = 201, body = ActivityOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn add_activity(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<NewActivity>,
) -> ApiResult<(StatusCode, Json<ActivityOut>)> {
    let kind: ActivityKind = req
        .kind
        .parse()
        .map_err(|e: String| ApiError::invalid("kind", Invalid::Option, e))?;
    let subject = req.subject.trim();
    let subject_rule = format!("must be one line of 1–{MAX_SUBJECT_CHARS} characters");
    if subject.is_empty() {
        return Err(ApiError::invalid("subject", Invalid::Empty, subject_rule));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(ApiError::fields(vec![
            FieldError::new("subject", Invalid::TooLong, subject_rule)
                .with("max", MAX_SUBJECT_CHARS),
        ]));
    }
    if has_forbidden_control(subject) || subject.contains('\n') {
        return Err(ApiError::invalid(
            "subject",
            Invalid::Characters,
            subject_rule,
        ));
    }
    if let Some(body) = &req.body {
        let rule = format!("must be text of at most {MAX_BODY_CHARS} characters");
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(ApiError::fields(vec![
                FieldError::new("body", Invalid::TooLong, rule).with("max", MAX_BODY_CHARS),
            ]));
        }
        if has_forbidden_control(body) {
            return Err(ApiError::invalid("body", Invalid::Characters, rule));
        }
    }
    load_record(&state, &caller, &ty, &id, Access::Write).await?;
    let activity = state
        .store
        .add_activity(
            &id,
            kind,
            subject,
            req.body.as_deref(),
            Some(caller.id()),
            None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(activity.into())))
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
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> ApiResult<Json<Timeline>> {
    let view = load_record(&state, &caller, &ty, &id, Access::Read).await?;
    let before = q
        .before
        .as_deref()
        .map(|b| super::parse_rfc3339("before", b))
        .transpose()?;
    let items = state
        .store
        .timeline(&id, before, limit(q.limit, 50, 200))
        .await?;
    let rt = load_type(&state, &ty).await?;
    Ok(Json(Timeline {
        items: with_chat_entries(&state, &caller, &rt, &view, items).await?,
    }))
}

/// Turns activities into timeline items, resolving chat-connection entries (R15) for the
/// viewer in a constant number of queries: the chats with the viewer's membership and last
/// sender, their members (for names), and the record's current connections; what the viewer
/// sees of each chat is `tether_domain::viewer::view_chat`. Without the type's *show chats on
/// timeline* setting, or without collaboration for the viewer, chat entries are left out.
async fn with_chat_entries(
    state: &AppState,
    caller: &Caller,
    rt: &RecordType,
    view: &RecordView,
    items: Vec<Activity>,
) -> ApiResult<Vec<ActivityOut>> {
    let global = state.global_settings().await?;
    let show = rt.settings.show_on_timeline
        && tether_domain::collab::record_gate(
            &global,
            caller.subject.privileges.collab_use,
            &rt.def.name,
            &rt.settings,
        )
        .is_ok();
    let chat_ids: Vec<String> = if show {
        items
            .iter()
            .filter_map(|a| a.chat_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let chats: BTreeMap<String, (tether_store::chats::Chat, bool, Option<String>)> = state
        .store
        .chats_with_membership(&chat_ids, caller.id())
        .await?
        .into_iter()
        .map(|(c, m, n)| (c.id.clone(), (c, m, n)))
        .collect();
    let members = state.store.members_of(&chat_ids).await?;
    // The current connections with their last connector (R11a), and past disconnections (R15).
    let current: BTreeMap<String, Option<String>> = if chat_ids.is_empty() {
        Default::default()
    } else {
        state
            .store
            .record_connections(&view.record.id, caller.id())
            .await?
            .into_iter()
            .map(|c| (c.chat.id, c.connected_by))
            .collect()
    };
    let disconnections = state
        .store
        .last_disconnections(&view.record.id, &chat_ids)
        .await?;
    let can_write = decide(&caller.subject, Access::Write, view.facts()).is_allowed();
    let join_ok = tether_domain::collab::may_join(&rt.def.name, &rt.settings, can_write).is_ok();
    let no_members = Vec::new();
    let mut out = Vec::new();
    for a in items {
        let Some(chat_id) = a.chat_id.clone() else {
            out.push(ActivityOut::from(a));
            continue;
        };
        let Some((chat, is_member, last_by_name)) = chats.get(&chat_id) else {
            continue;
        };
        let m = members.get(&chat_id).unwrap_or(&no_members);
        let names: Vec<(&str, &str)> = m
            .iter()
            .map(|x| (x.user_id.as_str(), x.name.as_str()))
            .collect();
        // The viewer rule decides what the caller sees of the chat (R2, R14, R15, R11a).
        let facts = ViewerFacts {
            is_member: *is_member,
            may_join: join_ok,
            show_on_timeline: rt.settings.show_on_timeline,
            connection: current.get(&chat_id).map(|by| {
                crate::app::guard::disconnect_facts(caller, view, &rt.settings, by.as_deref())
            }),
        };
        let seen = tether_domain::viewer::view_chat(
            caller.id(),
            facts,
            ChatFacts {
                kind: chat.kind,
                name: chat.name.as_deref(),
                members: &names,
                last_sender: chat
                    .last_message_by
                    .as_deref()
                    .map(|id| (id, last_by_name.as_deref().unwrap_or_default())),
                last_at: chat.last_message_at,
            },
        );
        let connected = facts.connection.is_some();
        let timeline_chat = TimelineChat {
            id: chat_id.clone(),
            name: seen.name,
            kind: chat.kind,
            connected_by: a.author.clone().map(|p| PersonRef {
                id: p.id,
                name: p.name,
            }),
            connected_at: rfc3339(a.at),
            last_message_by: seen.last_sender.map(|(id, name)| PersonRef {
                id: id.to_owned(),
                name: name.to_owned(),
            }),
            last_message_at: seen.last_at.map(rfc3339),
            is_member: *is_member,
            can_join: seen.access.can_join,
            connected,
            disconnected_by: None,
            disconnected_at: None,
            can_disconnect: seen.access.can_disconnect,
        };
        let mut timeline_chat = timeline_chat;
        if a.kind == "chat_disconnection" {
            timeline_chat.disconnected_by = timeline_chat.connected_by.clone();
            timeline_chat.disconnected_at = Some(rfc3339(a.at));
            timeline_chat.can_disconnect = false;
        } else if !connected && let Some(d) = disconnections.get(&chat_id) {
            timeline_chat.disconnected_by = d.by.clone().map(|id| PersonRef {
                id,
                name: d.by_name.clone().unwrap_or_default(),
            });
            timeline_chat.disconnected_at = Some(rfc3339(d.at));
        }
        let mut item = ActivityOut::from(a);
        item.chat = Some(timeline_chat);
        out.push(item);
    }
    Ok(out)
}

/// R23: posts "Priority changed from Normal to High by Olga Berg" into every chat connected to
/// the record, for the fields the type's settings name.
async fn announce_field_changes(
    state: &AppState,
    caller: &Caller,
    rt: &RecordType,
    change: &tether_store::records::RecordChange,
) -> ApiResult<()> {
    let global = state.global_settings().await?;
    if !global.collaboration_enabled || !rt.settings.field_notifications.enabled {
        return Ok(());
    }
    let (before, after) = (&change.before, &change.after);
    let lookup_ids: Vec<String> = rt
        .settings
        .field_notifications
        .fields
        .iter()
        .flat_map(|f| [before.fields.get(f), after.fields.get(f)])
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let names = crate::app::views::readable_record_names(state, caller, &lookup_ids).await?;
    let changes = tether_domain::collab::announced_changes(
        &rt.def,
        &rt.settings,
        (&before.fields, before.state),
        (&after.fields, after.state),
        &names,
    );
    if changes.is_empty() {
        return Ok(());
    }
    let chats = state.store.connected_chat_ids(&after.id).await?;
    for chat_id in chats {
        for c in &changes {
            let sys = crate::app::html::system_message(
                Some(caller.id()),
                c.sentence(&caller.user.name),
                serde_json::json!({"event": "record.field_changed",
                                   "record": {"type": after.record_type, "id": after.id},
                                   "field": c.field, "label": c.label, "old": c.old, "new": c.new,
                                   "old_value": c.old_value, "new_value": c.new_value}),
            );
            let message = state.store.post_system(&chat_id, &sys).await?;
            let created = Effect::Message {
                change: MessageChange::Created,
                message,
            };
            publish(state, vec![created]).await?;
        }
    }
    Ok(())
}

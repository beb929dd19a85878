//! Records and people by external id (API.md *Integration*): the HTTP side of
//! `crate::app::records::external` and `crate::app::admin::synced_people`. Called with an
//! administrator's session or an API key (`crate::auth::Integrator`); every path and body value
//! is parsed here into the domain's types (422 naming the field) before the use case runs.

use crate::AppState;
use crate::app::admin::people::UserOut;
use crate::app::admin::synced_people::{self, SyncedPerson};
use crate::app::records::external::{self as sync, Done, OwnerRef, RowResult, SyncItem};
use crate::app::records::{load_type, parse_state};
use crate::app::views::{FieldValue, RecordOut};
use crate::auth::Integrator;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tether_domain::integration::{ExternalId, ExternalUrl, Source, check_bulk_size};
use tether_domain::invalid::Invalid;
use tether_domain::people::{Email, Name};
use tether_domain::{RecordId, TeamId, UserId};
use tether_store::people::external::Upserted;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest body of a bulk upsert: a thousand records with their fields (other requests
/// keep the server's JSON limit, 1 MiB by default).
pub const BULK_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(put_record, get_record))
        .routes(routes!(put_user))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(bulk_records))
                .layer(DefaultBodyLimit::max(BULK_BODY_LIMIT)),
        )
}

/// Who owns a synced record: exactly one of the three.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    /// A user by e-mail address.
    pub email: Option<String>,
    pub user_id: Option<UserId>,
    pub team_id: Option<TeamId>,
}

impl OwnerBody {
    fn parse(self) -> ApiResult<OwnerRef> {
        match (self.email, self.user_id, self.team_id) {
            (Some(e), None, None) => Email::parse(&e)
                .map(OwnerRef::Email)
                .map_err(|e| ApiError::refused("owner.email", e)),
            (None, Some(u), None) => Ok(OwnerRef::User(u)),
            (None, None, Some(t)) => Ok(OwnerRef::Team(t)),
            _ => Err(ApiError::invalid(
                "owner",
                Invalid::Format,
                "give exactly one of email, user_id and team_id",
            )),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutRecord {
    /// Fields to set (`null` clears one); fields not named keep their values.
    #[schema(value_type = BTreeMap<String, FieldValue>)]
    pub fields: Map<String, Value>,
    /// Absent: a known record keeps its owner; a new one belongs to the administrator who
    /// syncs, or to the administrator who made the key.
    pub owner: Option<OwnerBody>,
    /// active, resolved or cancelled
    pub state: Option<String>,
    /// The record's page in the host system (http or https).
    pub url: Option<String>,
}

/// The path's source and external id, parsed (422 naming which is wrong).
fn parse_key(source: &str, external_id: &str) -> ApiResult<(Source, ExternalId)> {
    Ok((
        Source::parse(source).map_err(|e| ApiError::refused("source", e))?,
        ExternalId::parse(external_id).map_err(|e| ApiError::refused("external_id", e))?,
    ))
}

/// One record's body, parsed into what the use case takes.
fn parse_item(
    ty: &str,
    source: Source,
    external_id: ExternalId,
    body: PutRecord,
) -> ApiResult<SyncItem> {
    Ok(SyncItem {
        source,
        external_id,
        fields: body.fields,
        owner: body.owner.map(OwnerBody::parse).transpose()?,
        state: body
            .state
            .as_deref()
            .map(|s| parse_state(ty, s))
            .transpose()?,
        url: body
            .url
            .as_deref()
            .map(|u| ExternalUrl::parse(u).map_err(|e| ApiError::refused("url", e)))
            .transpose()?,
    })
}

/// # `PUT /api/v1/records/{type}/by-external/{source}/{external_id}`
///
/// Creates (201) or changes (200) the record the host system `source` knows as `external_id`;
/// the same request again changes nothing and writes nothing (200). Fields are checked as on
/// `POST /records/{type}` and `PATCH /records/{type}/{id}`; an owner named by e-mail must be a
/// user (422 naming it). Needs an administrator's session or an API key with `records:write`.
#[utoipa::path(put, path = "/records/{type}/by-external/{source}/{external_id}", tag = "integration",
    params(("type" = String, Path), ("source" = String, Path, description = "the host system: 1–40 of a–z, 0–9, _ and -"),
           ("external_id" = String, Path, description = "the record's id in the host system: 1–200 visible characters")),
    request_body = PutRecord,
    responses((status = 200, body = RecordOut, description = "changed, or already so"), (status = 201, body = RecordOut, description = "created"),
              (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn put_record(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath((ty, source, external_id)): ApiPath<(String, String, String)>,
    ApiJson(body): ApiJson<PutRecord>,
) -> ApiResult<(StatusCode, Json<RecordOut>)> {
    let rt = load_type(&state, &ty).await?;
    let (source, external_id) = parse_key(&source, &external_id)?;
    let item = parse_item(&ty, source, external_id, body)?;
    let synced = sync::put(&state, &by, &rt, item)
        .await?
        .publish(&state)
        .await?;
    let status = match synced.done {
        Done::Created => StatusCode::CREATED,
        Done::Updated | Done::Unchanged => StatusCode::OK,
    };
    Ok((status, Json(synced.record)))
}

/// # `GET /api/v1/records/{type}/by-external/{source}/{external_id}`
///
/// The record the host system `source` knows as `external_id`, as `GET /records/{type}/{id}`
/// answers it: a person needs read access to it (403 with the reason); an API key needs
/// `records:write`. 404 when Tether has no such record.
#[utoipa::path(get, path = "/records/{type}/by-external/{source}/{external_id}", tag = "integration",
    params(("type" = String, Path), ("source" = String, Path), ("external_id" = String, Path)),
    responses((status = 200, body = RecordOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn get_record(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath((ty, source, external_id)): ApiPath<(String, String, String)>,
) -> ApiResult<Json<RecordOut>> {
    let rt = load_type(&state, &ty).await?;
    let (source, external_id) = parse_key(&source, &external_id)?;
    Ok(Json(
        sync::get(&state, &by, &rt, &source, &external_id).await?,
    ))
}

/// One row of a bulk upsert.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkItem {
    pub source: String,
    pub external_id: String,
    #[schema(value_type = BTreeMap<String, FieldValue>)]
    pub fields: Map<String, Value>,
    pub owner: Option<OwnerBody>,
    pub state: Option<String>,
    pub url: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// At most 1,000 records. Each is read on its own: one that cannot be read is reported
    /// refused and refuses no other.
    #[schema(value_type = Vec<BulkItem>)]
    pub items: Vec<Value>,
}

/// What became of one row.
#[derive(Serialize, ToSchema)]
pub struct BulkRow {
    pub source: String,
    pub external_id: String,
    /// The record's id, unless the row was refused.
    pub id: Option<RecordId>,
    /// `created`, `updated` (also when it was already so) or `refused`.
    pub outcome: &'static str,
    /// False when the row was already so and nothing was written.
    pub changed: bool,
    /// Why the row was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The problem code of a refusal (as a problem document's `code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkResult {
    /// One per item, in the order sent.
    pub items: Vec<BulkRow>,
}

impl From<RowResult> for BulkRow {
    fn from(r: RowResult) -> BulkRow {
        let (outcome, changed, detail, code) = match &r.done {
            Ok(Done::Created) => ("created", true, None, None),
            Ok(Done::Updated) => ("updated", true, None, None),
            Ok(Done::Unchanged) => ("updated", false, None, None),
            Err(e) => ("refused", false, Some(e.to_string()), Some(e.code())),
        };
        BulkRow {
            source: r.source,
            external_id: r.external_id,
            id: r.id,
            outcome,
            changed,
            detail,
            code,
        }
    }
}

/// One bulk row (a [`BulkItem`] as JSON), parsed; a row that cannot be read keeps its source
/// and external id as sent. `tether import` reads its rows with this too.
pub fn parse_row(ty: &str, row: Value) -> Result<SyncItem, (String, String, ApiError)> {
    let text = |k: &str| {
        row.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (source, external_id) = (text("source"), text("external_id"));
    let refused = |e: ApiError| (source.clone(), external_id.clone(), e);
    let item: BulkItem = serde_json::from_value(row.clone()).map_err(|e| {
        refused(ApiError::invalid(
            "items",
            Invalid::Format,
            format!("this row cannot be read: {e}"),
        ))
    })?;
    let (s, x) = parse_key(&item.source, &item.external_id).map_err(&refused)?;
    let body = PutRecord {
        fields: item.fields,
        owner: item.owner,
        state: item.state,
        url: item.url,
    };
    parse_item(ty, s, x, body).map_err(refused)
}

/// # `POST /api/v1/records/{type}/bulk`
///
/// Upserts up to 1,000 records as `PUT …/by-external/…` does, in one transaction, and answers
/// each row's outcome in order. Every row is checked first; a refused row (with the reason)
/// refuses no other, and the rows that pass are written together. More than 1,000 items: 422
/// (`items`). Needs an administrator's session or an API key with `records:write`.
#[utoipa::path(post, path = "/records/{type}/bulk", tag = "integration", params(("type" = String, Path)),
    request_body = BulkRequest,
    responses((status = 200, body = BulkResult), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
async fn bulk_records(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath(ty): ApiPath<String>,
    ApiJson(body): ApiJson<BulkRequest>,
) -> ApiResult<Json<BulkResult>> {
    let rt = load_type(&state, &ty).await?;
    check_bulk_size(body.items.len()).map_err(|e| ApiError::refused("items", e))?;
    let items = body
        .items
        .into_iter()
        .map(|row| parse_row(&ty, row))
        .collect();
    let rows = sync::bulk(&state, &by, &rt, items)
        .await?
        .publish(&state)
        .await?;
    Ok(Json(BulkResult {
        items: rows.into_iter().map(BulkRow::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutUser {
    pub name: String,
    pub email: String,
    /// The complete new set of role names; absent keeps a known person's roles (a new one
    /// gets none).
    pub roles: Option<Vec<String>>,
}

/// # `PUT /api/v1/users/by-external/{source}/{external_id}`
///
/// Creates (201) or changes (200) the person the host system `source` knows as
/// `external_id`: found by external id, else by e-mail address (an account made before is
/// linked), else created without a password. The last active administrator keeps `admin`
/// (409); an API key changes no administrator and gives no one `admin` (403). Needs an
/// administrator's session or an API key with `users:write`.
#[utoipa::path(put, path = "/users/by-external/{source}/{external_id}", tag = "integration",
    params(("source" = String, Path), ("external_id" = String, Path)),
    request_body = PutUser,
    responses((status = 200, body = UserOut, description = "changed, or already so"), (status = 201, body = UserOut, description = "created"),
              (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn put_user(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath((source, external_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PutUser>,
) -> ApiResult<(StatusCode, Json<UserOut>)> {
    let (source, external_id) = parse_key(&source, &external_id)?;
    let person = SyncedPerson {
        source,
        external_id,
        name: Name::parse("name", &body.name).map_err(|e| ApiError::refused("name", e))?,
        email: Email::parse(&body.email).map_err(|e| ApiError::refused("email", e))?,
        roles: body.roles,
    };
    Ok(match synced_people::upsert(&state, &by, person).await? {
        Upserted::Created(u) => (StatusCode::CREATED, Json(u)),
        Upserted::Updated(u) | Upserted::Unchanged(u) => (StatusCode::OK, Json(u)),
    })
}

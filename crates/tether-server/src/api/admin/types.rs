//! Settings and record types (API.md *Administration*): the HTTP side of
//! `crate::app::admin::types`.

use crate::AppState;
use crate::app::admin::types::{self, RecordTypeList, RecordTypeOut};
use crate::auth::{Admin, Caller};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tether_domain::record_type::{FieldDef, FieldKind, RecordTypeDef};
use tether_domain::settings::{GlobalSettings, RecordTypeSettings};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(create_record_type, list_record_types))
        .routes(routes!(get_type_settings, put_type_settings))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsDoc {
    /// The global switch of R1: off on a new installation.
    pub collaboration_enabled: bool,
}

/// # `GET /api/v1/settings`
///
/// Any signed-in user may read the global switch (clients show or hide collaboration by it).
#[utoipa::path(get, path = "/settings", tag = "admin", responses((status = 200, body = SettingsDoc), (status = 401)))]
async fn get_settings(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<SettingsDoc>> {
    let s = state.global_settings().await?;
    Ok(Json(SettingsDoc {
        collaboration_enabled: s.collaboration_enabled,
    }))
}

/// # `PUT /api/v1/settings`
#[utoipa::path(put, path = "/settings", tag = "admin", request_body = SettingsDoc, responses((status = 200, body = SettingsDoc), (status = 403), (status = 422)))]
async fn put_settings(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<SettingsDoc>,
) -> ApiResult<Json<SettingsDoc>> {
    let wanted = GlobalSettings {
        collaboration_enabled: req.collaboration_enabled,
    };
    let s = types::set_global(&state, &admin, &wanted).await?;
    Ok(Json(SettingsDoc {
        collaboration_enabled: s.collaboration_enabled,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldIn {
    pub name: String,
    pub label: String,
    /// text, long_text, number, boolean, date, choice, lookup
    #[schema(value_type = String)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Options of a choice field.
    #[serde(default)]
    pub options: Vec<String>,
    /// Target record type of a lookup field.
    pub target: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRecordType {
    pub name: String,
    pub display_name: String,
    pub primary_field: String,
    pub fields: Vec<FieldIn>,
    /// Prefix for record numbers (`WO` gives `WO-00001`), 2–5 capital letters.
    pub number_prefix: Option<String>,
}

/// # `POST /api/v1/record-types`
///
/// Adds a custom record type with typed fields; it starts with the default settings.
#[utoipa::path(post, path = "/record-types", tag = "admin", request_body = CreateRecordType,
    responses((status = 201, body = RecordTypeOut), (status = 403), (status = 409), (status = 422)))]
async fn create_record_type(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateRecordType>,
) -> ApiResult<(StatusCode, Json<RecordTypeOut>)> {
    let def = RecordTypeDef {
        name: req.name,
        display_name: req.display_name.trim().to_owned(),
        primary_field: req.primary_field,
        fields: req
            .fields
            .into_iter()
            .map(|f| FieldDef {
                name: f.name,
                label: f.label.trim().to_owned(),
                kind: f.kind,
                required: f.required,
                options: f.options,
                target: f.target,
                read_only: false,
            })
            .collect(),
        standard: false,
        number_prefix: req.number_prefix,
    };
    let created = types::create_type(&state, &admin, def).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// # `GET /api/v1/record-types`
#[utoipa::path(get, path = "/record-types", tag = "admin", responses((status = 200, body = RecordTypeList), (status = 401)))]
async fn list_record_types(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<RecordTypeList>> {
    Ok(Json(types::list_types(&state).await?))
}

/// # `GET /api/v1/record-types/{type}/settings`
#[utoipa::path(get, path = "/record-types/{type}/settings", tag = "admin", params(("type" = String, Path)),
    responses((status = 200, body = RecordTypeSettings), (status = 401), (status = 404)))]
async fn get_type_settings(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(ty): ApiPath<String>,
) -> ApiResult<Json<RecordTypeSettings>> {
    Ok(Json(types::type_settings(&state, &ty).await?))
}

/// # `PUT /api/v1/record-types/{type}/settings`
///
/// Replaces the type's collaboration settings. A partial document changes only the settings it
/// names (nested objects included); unknown names are refused. Audited (R22).
#[utoipa::path(put, path = "/record-types/{type}/settings", tag = "admin", params(("type" = String, Path)),
    request_body(content = RecordTypeSettings, description = "The settings to change: a partial document; any member, in nested objects too, may be left out and keeps its value."),
    responses((status = 200, body = RecordTypeSettings), (status = 403), (status = 404), (status = 422)))]
async fn put_type_settings(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(ty): ApiPath<String>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<RecordTypeSettings>> {
    Ok(Json(
        types::set_type_settings(&state, &admin, &ty, patch).await?,
    ))
}

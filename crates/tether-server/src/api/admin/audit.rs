//! The audit log (API.md *Administration*): the HTTP side of `crate::app::admin::audit`.

use super::super::{limit, parse_rfc3339};
use crate::AppState;
use crate::app::admin::audit::{self, AuditList};
use crate::auth::Admin;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use tether_store::audit::{AUDIT_MAX, AuditFilter};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(export_audit))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries about this record id.
    pub record: Option<String>,
    /// Only entries about this chat id.
    pub chat: Option<String>,
    /// Only entries by this person (user id).
    pub actor: Option<String>,
    /// Only this action (`settings.global_changed`, `record.shared`, …).
    pub action: Option<String>,
    /// Only entries before this time (RFC 3339), for paging back.
    pub before: Option<String>,
    /// `GET /audit`: 100 by default, at most 500. `GET /audit.csv`: 1,000 by default, at most 10,000.
    pub limit: Option<i64>,
}

impl AuditQuery {
    /// The filter the query asks for (blank parameters are no filter), `default` and `max`
    /// entries by default and at most.
    fn filter(self, default: i64, max: i64) -> ApiResult<AuditFilter> {
        let before = self
            .before
            .as_deref()
            .map(|b| parse_rfc3339("before", b))
            .transpose()?;
        let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        Ok(AuditFilter {
            record_id: blank(self.record),
            chat_id: blank(self.chat),
            action: blank(self.action),
            actor_id: blank(self.actor),
            before,
            limit: limit(self.limit, default, max),
        })
    }
}

/// # `GET /api/v1/audit?record=&chat=&actor=&action=&limit=`
///
/// The audit log (R22), newest first, with the names of people, records and chats.
/// Administrators only.
#[utoipa::path(get, path = "/audit", tag = "admin", params(AuditQuery), responses((status = 200, body = AuditList), (status = 403), (status = 422)))]
async fn list_audit(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditList>> {
    let filter = q.filter(100, 500)?;
    Ok(Json(AuditList {
        items: audit::entries(&state, &admin, &filter).await?,
    }))
}

/// # `GET /api/v1/audit.csv?record=&chat=&actor=&action=&limit=`
///
/// The audit log as CSV (UTF-8, CRLF lines, a header row), with the same filters and check as
/// `GET /audit`, at most 10,000 entries. Cells a spreadsheet would run as a formula are
/// prefixed with `'`.
#[utoipa::path(get, path = "/audit.csv", tag = "admin", params(AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403), (status = 422)))]
async fn export_audit(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<impl IntoResponse> {
    let filter = q.filter(1_000, AUDIT_MAX)?;
    let items = audit::entries(&state, &admin, &filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tether-audit.csv\"",
            ),
        ],
        audit::to_csv(items),
    ))
}

//! Reaching records and handing them on (issue 16): the search over every type the caller may
//! read, a record's shares as a list (and ending one), and the owners the caller may give a
//! record to.
//!
//! Who may see what comes from the domain's one rule: the search filters by each type's read
//! scope in SQL ([`tether_domain::Subject::read_scope`]), the shares need write access as
//! adding one does, and the owner options are the caller's write scope filtered once more
//! through [`may_set_owner`] — the rule `PATCH` applies — so the picker offers nothing the
//! server would refuse.

use super::{PersonRef, limit, rfc3339};
use crate::AppState;
use crate::app::guard::load_record;
use crate::app::views::{RecordList, RecordOut};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tether_domain::access::{Decision, ReadScope, decide, may_set_owner};
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::{Access, Owner, TeamId, UserId};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_records))
        .routes(routes!(list_shares))
        .routes(routes!(remove_share))
        .routes(routes!(owner_options))
}

/// Longest search text.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordSearchQuery {
    /// A record number (`CAS-01042`), the beginning of a word of a name (one or two
    /// characters) or part of a name, or words of a text field.
    pub q: String,
    /// Results, 1–50 (default 20).
    pub limit: Option<i64>,
}

/// # `GET /api/v1/records?q=&limit=`
///
/// Searches every record type the caller may read, by number, name and text fields: one or
/// two characters match names one of whose words begins with them and numbers that begin with
/// them; longer texts match names and numbers anywhere and words of text fields. An exact
/// number first, then names starting with the text, then the rest, most recently changed
/// first. Each item carries its `type`, so a client can group them. One query, whatever the
/// number of types.
#[utoipa::path(get, path = "/records", tag = "records", params(RecordSearchQuery),
    responses((status = 200, body = RecordList), (status = 401), (status = 422)))]
async fn search_records(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RecordSearchQuery>,
) -> ApiResult<Json<RecordList>> {
    let text = q.q.trim();
    if text.is_empty() {
        return Err(ApiError::invalid(
            "q",
            Invalid::SearchEmpty,
            "type a record number, a name or a word to search for",
        ));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::fields(vec![
            FieldError::new(
                "q",
                Invalid::TooLong,
                format!("search for at most {MAX_QUERY_CHARS} characters"),
            )
            .with("max", MAX_QUERY_CHARS),
        ]));
    }
    let scopes: Vec<(String, ReadScope)> = state
        .store
        .record_types()
        .await?
        .into_iter()
        .map(|t| {
            let scope = caller.subject.read_scope(&t.def.name);
            (t.def.name, scope)
        })
        .collect();
    let views = state
        .store
        .search_records(caller.id(), &scopes, text, limit(q.limit, 20, 50))
        .await?;
    let items = views
        .into_iter()
        // The SQL scope is the rule's own translation; the rule still has the last word.
        .filter(|v| decide(&caller.subject, Access::Read, v.facts()).is_allowed())
        .map(|v| {
            let can_write = decide(&caller.subject, Access::Write, v.facts()).is_allowed();
            RecordOut::new(&state, v.record, can_write)
        })
        .collect();
    Ok(Json(RecordList {
        items,
        next_offset: None,
    }))
}

/// One person a record is shared with.
#[derive(Serialize, ToSchema)]
pub struct ShareItem {
    pub user: PersonRef,
    /// read or write
    pub access: String,
    pub granted_by: Option<PersonRef>,
    pub granted_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ShareList {
    pub items: Vec<ShareItem>,
}

/// # `GET /api/v1/records/{type}/{id}/shares`
///
/// The people the record is shared with, by name. Needs write access to the record, as adding
/// a share does (403 otherwise; 404 when there is no such record).
#[utoipa::path(get, path = "/records/{type}/{id}/shares", tag = "records", params(("type" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ShareList), (status = 401), (status = 403), (status = 404)))]
async fn list_shares(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ShareList>> {
    load_record(&state, &caller, &ty, &id, Access::Write).await?;
    let items = state
        .store
        .record_shares(&id)
        .await?
        .into_iter()
        .map(|s| ShareItem {
            user: PersonRef {
                id: s.user_id,
                name: s.user_name,
            },
            access: s.access,
            granted_by: s.granted_by.map(|id| PersonRef {
                id,
                name: s.granted_by_name.unwrap_or_default(),
            }),
            granted_at: rfc3339(s.granted_at),
        })
        .collect();
    Ok(Json(ShareList { items }))
}

/// # `DELETE /api/v1/records/{type}/{id}/shares/{user_id}`
///
/// Ends a user's share of the record. Needs write access to the record, as adding a share
/// does; audited. 404 when the user holds no share of it.
#[utoipa::path(delete, path = "/records/{type}/{id}/shares/{user_id}", tag = "records",
    params(("type" = String, Path), ("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn remove_share(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id, user_id)): ApiPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    load_record(&state, &caller, &ty, &id, Access::Write).await?;
    state
        .store
        .remove_share(&ty, &id, &user_id, caller.id())
        .await
        .map_err(|e| match e {
            tether_store::StoreError::NotFound(_) => {
                ApiError::NotFound(format!("this record is not shared with user {user_id}"))
            }
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerOptionsQuery {
    /// Part of a person's or team's name.
    pub q: Option<String>,
    /// Options, 1–50 (default 20).
    pub limit: Option<i64>,
}

/// An owner the caller may give the record to.
#[derive(Serialize, ToSchema)]
pub struct OwnerOption {
    /// user or team
    pub kind: String,
    pub id: String,
    pub name: String,
    /// Whether this is the record's owner now.
    pub current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OwnerOptions {
    pub items: Vec<OwnerOption>,
}

/// # `GET /api/v1/records/{type}/{id}/owner-options?q=&limit=`
///
/// The users (active ones) and teams the caller may make the record's owner: those their
/// write privilege for the type reaches, and only when it also reaches the record as owned
/// now — the rule of `PATCH` with an owner. A share never allows an owner change: a caller who
/// can write the record only through a share gets 403 with the reason, as the `PATCH` would.
#[utoipa::path(get, path = "/records/{type}/{id}/owner-options", tag = "records",
    params(("type" = String, Path), ("id" = String, Path), OwnerOptionsQuery),
    responses((status = 200, body = OwnerOptions), (status = 401), (status = 403), (status = 404)))]
async fn owner_options(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<OwnerOptionsQuery>,
) -> ApiResult<Json<OwnerOptions>> {
    let view = load_record(&state, &caller, &ty, &id, Access::Write).await?;
    let current = view.record.owner.clone();
    // Asking about the current owner answers "may the caller change this owner at all".
    if let Decision::Denied(reason) = may_set_owner(&caller.subject, &ty, Some(&current), &current)
    {
        return Err(ApiError::Forbidden(format!(
            "you cannot change this record's owner: {reason}"
        )));
    }
    let n = usize::try_from(limit(q.limit, 20, 50)).unwrap_or(20);
    let needle = tether_store::dialect::fold(q.q.as_deref().unwrap_or("").trim());
    let (users, teams) = match caller.subject.owner_scope(&ty) {
        ReadScope::SharedOnly => (Vec::new(), Vec::new()),
        ReadScope::Owners { user_ids, team_ids } => {
            let ids: Vec<String> = user_ids.iter().map(|u| u.to_string()).collect();
            let users = state.store.users_by_ids(&ids).await?;
            let wanted: Vec<&TeamId> = team_ids.iter().collect();
            let teams: Vec<(String, String)> = state
                .store
                .list_teams()
                .await?
                .into_iter()
                .filter(|t| wanted.iter().any(|w| w.as_str() == t.id))
                .map(|t| (t.id, t.name))
                .collect();
            (users, teams)
        }
        ReadScope::All => {
            let users = state.store.search_users(&needle, 50).await?;
            let teams: Vec<(String, String)> = state
                .store
                .list_teams()
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            (users, teams)
        }
    };
    let matches =
        |name: &str| needle.is_empty() || tether_store::dialect::fold(name).contains(&needle);
    let allowed =
        |owner: &Owner| may_set_owner(&caller.subject, &ty, Some(&current), owner).is_allowed();
    let mut user_items: Vec<OwnerOption> = users
        .into_iter()
        .filter(|u| u.active && matches(&u.name))
        .filter(|u| {
            allowed(&Owner::User {
                user_id: UserId::new(u.id.clone()),
            })
        })
        .map(|u| OwnerOption {
            kind: "user".into(),
            current: matches!(&current, Owner::User { user_id } if user_id.as_str() == u.id),
            id: u.id,
            name: u.name,
        })
        .collect();
    user_items.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut team_items: Vec<OwnerOption> = teams
        .into_iter()
        .filter(|(_, name)| matches(name))
        .filter(|(tid, _)| {
            allowed(&Owner::Team {
                team_id: TeamId::new(tid.clone()),
            })
        })
        .map(|(tid, name)| OwnerOption {
            kind: "team".into(),
            current: matches!(&current, Owner::Team { team_id } if team_id.as_str() == tid),
            id: tid,
            name,
        })
        .collect();
    team_items.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut items: Vec<OwnerOption> = user_items.into_iter().take(n).collect();
    items.extend(team_items.into_iter().take(n));
    Ok(Json(OwnerOptions { items }))
}

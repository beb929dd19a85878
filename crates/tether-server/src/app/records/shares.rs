//! A record's shares as a list, and ending one (issue 16). Both need write access to the
//! record, as adding a share does ([`super::share`]).

use crate::AppState;
use crate::app::guard::load_record;
use crate::app::views::{PersonRef, rfc3339};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use tether_domain::Access;
use tether_domain::RecordId;
use tether_domain::UserId;
use utoipa::ToSchema;

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

/// The people the record is shared with, by name.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
) -> ApiResult<ShareList> {
    load_record(state, caller, ty, id, Access::Write).await?;
    let items = state
        .store
        .record_shares(id)
        .await?
        .into_iter()
        .map(|s| ShareItem {
            user: PersonRef {
                id: s.user_id,
                name: s.user_name,
            },
            access: s.access,
            granted_by: s.granted_by.map(|id| PersonRef {
                id: UserId::new(id),
                name: s.granted_by_name.unwrap_or_default(),
            }),
            granted_at: rfc3339(s.granted_at),
        })
        .collect();
    Ok(ShareList { items })
}

/// Ends `user_id`'s share of the record (audited); 404 when they hold none.
pub async fn remove(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
    user_id: &UserId,
) -> ApiResult<()> {
    load_record(state, caller, ty, id, Access::Write).await?;
    state
        .store
        .remove_share(ty, id, user_id, caller.id())
        .await
        .map_err(|e| match e {
            tether_store::StoreError::NotFound(_) => {
                ApiError::NotFound(format!("this record is not shared with user {user_id}"))
            }
            other => other.into(),
        })
}

//! A type's records as the caller may read them (SPEC R4): filtered by text, owner, the
//! caller's own or their teams' records and state, sorted, and paged. The read scope is applied
//! in SQL, so only readable records are ever counted or returned.

use crate::AppState;
use crate::app::views::{RecordList, RecordOut};
use crate::auth::Caller;
use crate::error::ApiResult;
use tether_domain::Access;
use tether_domain::UserId;
use tether_domain::access::decide;
use tether_domain::record::RecordState;
use tether_store::record_search::{MAX_OFFSET, OwnerSet, RecordFilter, RecordSort};
use tether_store::records::RecordQuery;

/// Whose records: everyone's the caller may read, the caller's own, or those of the caller's
/// teams and their members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Whose {
    #[default]
    All,
    Mine,
    Teams,
}

impl std::str::FromStr for Whose {
    type Err = String;

    fn from_str(s: &str) -> Result<Whose, String> {
        match s {
            "all" => Ok(Whose::All),
            "mine" => Ok(Whose::Mine),
            "teams" => Ok(Whose::Teams),
            other => Err(format!("unknown filter '{other}': use mine, teams or all")),
        }
    }
}

/// Which page of which records, parsed.
pub struct ListRequest {
    /// Part of the primary name, or an exact record number.
    pub text: Option<String>,
    /// Only records this user owns (`me` is resolved by the caller of this function).
    pub owner: Option<String>,
    /// Only records this team owns.
    pub owner_team: Option<String>,
    pub whose: Whose,
    pub state: Option<RecordState>,
    pub sort: RecordSort,
    /// Records to skip, 0 to [`MAX_OFFSET`].
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

/// One page of the type's readable records, with the offset of the next page when there is one.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    req: ListRequest,
) -> ApiResult<RecordList> {
    let me = &caller.subject;
    let owners = match req.whose {
        Whose::All => None,
        Whose::Mine => Some(OwnerSet {
            user_ids: vec![caller.id().clone()],
            team_ids: Vec::new(),
        }),
        Whose::Teams => {
            let mut user_ids: Vec<UserId> = me.teammate_ids.iter().cloned().collect();
            if !me.teammate_ids.contains(&me.user_id) {
                user_ids.push(caller.id().clone());
            }
            Some(OwnerSet {
                user_ids,
                team_ids: me.team_ids.iter().map(|t| t.to_string()).collect(),
            })
        }
    };
    let owners = match (owners, req.owner_team) {
        (None, Some(team)) => Some(OwnerSet {
            user_ids: Vec::new(),
            team_ids: vec![team],
        }),
        (Some(mut set), Some(team)) => {
            set.user_ids.clear();
            set.team_ids.retain(|t| *t == team);
            Some(set)
        }
        (set, None) => set,
    };
    let offset = req.offset.clamp(0, MAX_OFFSET);
    let page = req.limit;
    let mut views = state
        .store
        .list_records_filtered(
            &RecordQuery {
                record_type: ty,
                viewer: caller.id(),
                scope: caller.subject.read_scope(ty),
                text: req.text.as_deref(),
                owner_user: req.owner.as_deref(),
                // One more than the page, to know whether there is a next one.
                limit: page + 1,
            },
            &RecordFilter {
                owners,
                state: req.state,
                sort: req.sort,
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
            RecordOut::new(state, v.record, can_write)
        })
        .collect();
    Ok(RecordList { items, next_offset })
}

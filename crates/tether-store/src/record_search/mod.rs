//! Reaching records (issue 16): the search over every type a caller may read, the filtered and
//! sorted list of one type, and a record's shares as a list.
//!
//! Both queries push the caller's read scope of each type into SQL (the same scope
//! [`tether_domain::access::Subject::read_scope`] derives from the one access rule), so a page
//! of results costs one query whatever the number of types or records.

mod few;
mod finder;

use crate::audit::{NewAudit, audit_insert};
use crate::dialect::contains_pattern;
use crate::records::{RECORD_SELECT, RecordRow, RecordView};
use crate::{Result, Store, StoreError};
use serde_json::json;
use tether_domain::RecordId;
use tether_domain::UserId;
use tether_domain::access::ReadScope;
use tether_domain::record::RecordState;

/// Pushes `AND (<the scope of one type>)` for a query over `records r` joined with the
/// viewer's share `s`.
macro_rules! push_scope {
    ($qb:expr, $scope:expr) => {
        match $scope {
            ReadScope::All => {}
            ReadScope::SharedOnly => {
                $qb.push(" AND s.access IS NOT NULL");
            }
            ReadScope::Owners { user_ids, team_ids } => {
                $qb.push(" AND (s.access IS NOT NULL");
                push_owners!(
                    $qb,
                    user_ids.iter().map(|u| u.as_str()),
                    team_ids.iter().map(|t| t.as_str())
                );
                $qb.push(")");
            }
        }
    };
}

/// Pushes ` OR r.owner_user_id IN (…) OR r.owner_team_id IN (…)` (each only when non-empty).
macro_rules! push_owners {
    ($qb:expr, $users:expr, $teams:expr) => {{
        let users: Vec<&str> = $users.collect();
        let teams: Vec<&str> = $teams.collect();
        if !users.is_empty() {
            $qb.push(" OR r.owner_user_id IN (");
            let mut sep = $qb.separated(", ");
            for u in users {
                sep.push_bind(u.to_owned());
            }
            $qb.push(")");
        }
        if !teams.is_empty() {
            $qb.push(" OR r.owner_team_id IN (");
            let mut sep = $qb.separated(", ");
            for t in teams {
                sep.push_bind(t.to_owned());
            }
            $qb.push(")");
        }
    }};
}
use {push_owners, push_scope};

/// How a list of records is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RecordSort {
    /// Most recently changed first (the default).
    #[default]
    Updated,
    /// Most recently created first.
    Created,
    /// By name, A to Z.
    Name,
    /// By record number, highest (newest) first.
    Number,
}

impl std::str::FromStr for RecordSort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "updated" => Ok(RecordSort::Updated),
            "created" => Ok(RecordSort::Created),
            "name" => Ok(RecordSort::Name),
            "number" => Ok(RecordSort::Number),
            other => Err(format!(
                "unknown sort '{other}': use updated, created, name or number"
            )),
        }
    }
}

/// Owners a list is narrowed to (on top of the read scope): records owned by one of these
/// users or one of these teams.
#[derive(Clone, Debug, Default)]
pub struct OwnerSet {
    pub user_ids: Vec<UserId>,
    pub team_ids: Vec<String>,
}

/// The filters, order and page of `GET /records/{type}` beyond the text and owner of
/// [`crate::records::RecordQuery`].
#[derive(Clone, Debug, Default)]
pub struct RecordFilter {
    pub owners: Option<OwnerSet>,
    pub state: Option<RecordState>,
    pub sort: RecordSort,
    /// Rows to skip (paging); at most [`MAX_OFFSET`].
    pub offset: i64,
}

/// Deepest page a list reaches by offset.
pub const MAX_OFFSET: i64 = 10_000;

/// One person a record is shared with.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Share {
    #[sqlx(try_from = "String")]
    pub user_id: UserId,
    pub user_name: String,
    pub access: String,
    pub granted_by: Option<String>,
    pub granted_by_name: Option<String>,
    pub granted_at: i64,
}

impl Store {
    /// Records of one type the viewer may read, with [`RecordFilter`]'s owner set, state, order
    /// and offset on top of `q` (text, owning user, limit). One query.
    pub async fn list_records_filtered(
        &self,
        q: &crate::records::RecordQuery<'_>,
        f: &RecordFilter,
    ) -> Result<Vec<RecordView>> {
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind(q.viewer);
            qb.push(" WHERE r.type = ");
            qb.push_bind(q.record_type);
            push_scope!(qb, &q.scope);
            if let Some(text) = q.text.filter(|t| !t.trim().is_empty()) {
                qb.push(" AND (r.name_folded LIKE ");
                qb.push_bind(contains_pattern(text.trim()));
                qb.push(" ESCAPE '\\' OR r.number = ");
                qb.push_bind(text.trim().to_uppercase());
                qb.push(")");
            }
            if let Some(owner) = q.owner_user {
                qb.push(" AND r.owner_user_id = ");
                qb.push_bind(owner);
            }
            if let Some(owners) = &f.owners {
                // "1 = 0" keeps the SQL valid (and empty) for an empty owner set.
                qb.push(" AND (1 = 0");
                push_owners!(qb, owners.user_ids.iter().map(UserId::as_str), owners.team_ids.iter().map(String::as_str));
                qb.push(")");
            }
            if let Some(state) = f.state {
                qb.push(" AND r.state = ");
                qb.push_bind(state.as_str());
            }
            qb.push(match f.sort {
                RecordSort::Updated => " ORDER BY r.updated_at DESC, r.id DESC",
                RecordSort::Created => " ORDER BY r.created_at DESC, r.id DESC",
                RecordSort::Name => " ORDER BY r.name_folded ASC, r.id ASC",
                RecordSort::Number => " ORDER BY r.number DESC, r.created_at DESC, r.id DESC",
            });
            qb.push(" LIMIT ");
            qb.push_bind(q.limit.clamp(1, 201));
            qb.push(" OFFSET ");
            qb.push_bind(f.offset.clamp(0, MAX_OFFSET));
            qb.build_query_as().fetch_all(p).await
        })?;
        rows.into_iter().map(RecordRow::into_view).collect()
    }

    /// The people a record is shared with, by name, with who shared it. One query.
    pub async fn record_shares(&self, record_id: &RecordId) -> Result<Vec<Share>> {
        let record_id = record_id.as_str();
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT s.user_id, u.name AS user_name, s.access, s.granted_by, g.name AS granted_by_name, s.granted_at \
             FROM record_shares s JOIN users u ON u.id = s.user_id LEFT JOIN users g ON g.id = s.granted_by \
             WHERE s.record_id = $1 ORDER BY u.name_folded, s.user_id LIMIT 500")
            .bind(record_id).fetch_all(p).await)?)
    }

    /// Ends a user's share of a record; audited. `NotFound` when there was none.
    pub async fn remove_share(
        &self,
        record_type: &str,
        record_id: &RecordId,
        user_id: &UserId,
        actor: &UserId,
    ) -> Result<()> {
        let user_id = user_id.as_str();
        let record_id = record_id.as_str();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let gone = sqlx::query("DELETE FROM record_shares WHERE record_id = $1 AND user_id = $2")
                .bind(record_id).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if gone == 0 {
                return Err(StoreError::NotFound("share"));
            }
            let entry = NewAudit::new(Some(actor), "record.unshared", json!({"user_id": user_id})).record(record_type, record_id);
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_and_unknown_ones_say_what_to_use() {
        assert_eq!("name".parse::<RecordSort>().unwrap(), RecordSort::Name);
        assert!(
            "size"
                .parse::<RecordSort>()
                .unwrap_err()
                .contains("updated, created, name or number")
        );
    }
}

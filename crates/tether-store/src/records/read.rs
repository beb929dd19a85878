//! Reading records: by id with the viewer's share, many at once, a type's list with the
//! viewer's read scope pushed into SQL, counts.

use super::{Record, RecordQuery, RecordView};
use crate::dialect::contains_pattern;
use crate::tx::{Db, on_db};
use crate::{Result, Store, StoreError};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::RecordId;
use tether_domain::access::ReadScope;
use tether_domain::record_type::NUMBER_FIELD;
use tether_domain::{Access, Owner, TeamId, UserId};

#[derive(sqlx::FromRow)]
pub(crate) struct RecordRow {
    id: String,
    #[sqlx(rename = "type")]
    record_type: String,
    number: Option<String>,
    name: String,
    fields: String,
    owner_user_id: Option<String>,
    owner_team_id: Option<String>,
    owner_name: Option<String>,
    state: String,
    created_at: i64,
    updated_at: i64,
    source: Option<String>,
    external_id: Option<String>,
    url: Option<String>,
    shared: Option<String>,
}

impl RecordRow {
    pub(crate) fn into_view(self) -> Result<RecordView> {
        let owner = match (self.owner_user_id, self.owner_team_id) {
            (Some(u), _) => Owner::User {
                user_id: UserId::new(u),
            },
            (None, Some(t)) => Owner::Team {
                team_id: TeamId::new(t),
            },
            (None, None) => {
                return Err(StoreError::Corrupt(format!(
                    "record {} has no owner",
                    self.id
                )));
            }
        };
        let mut fields: BTreeMap<String, Value> = serde_json::from_str(&self.fields)?;
        if let Some(n) = &self.number {
            fields.insert(NUMBER_FIELD.to_owned(), Value::String(n.clone()));
        }
        let shared = match self.shared.as_deref() {
            Some("write") => Some(Access::Write),
            Some("read") => Some(Access::Read),
            _ => None,
        };
        Ok(RecordView {
            record: Record {
                id: self.id.into(),
                record_type: self.record_type,
                number: self.number,
                name: self.name,
                fields,
                owner,
                owner_name: self.owner_name.unwrap_or_default(),
                state: self.state.parse().map_err(StoreError::Corrupt)?,
                created_at: self.created_at,
                updated_at: self.updated_at,
                external: match (self.source, self.external_id) {
                    (Some(source), Some(external_id)) => Some(super::ExternalLink {
                        source,
                        external_id,
                        url: self.url,
                    }),
                    _ => None,
                },
            },
            shared,
        })
    }
}

/// The columns every record query selects; `$1` is the viewer (for their share).
pub(crate) const RECORD_SELECT: &str = "SELECT r.id, r.type, r.number, r.name, r.fields, r.owner_user_id, r.owner_team_id, \
     COALESCE(ou.name, ot.name) AS owner_name, r.state, r.created_at, r.updated_at, r.source, r.external_id, r.url, s.access AS shared \
     FROM records r LEFT JOIN users ou ON ou.id = r.owner_user_id LEFT JOIN teams ot ON ot.id = r.owner_team_id \
     LEFT JOIN record_shares s ON s.record_id = r.id AND s.user_id = ";

impl Store {
    /// A record by id (any type) with `viewer`'s share of it.
    pub async fn record_view(&self, id: &RecordId, viewer: &UserId) -> Result<Option<RecordView>> {
        record_view_on(self.db(), id.as_str(), Some(viewer)).await
    }

    /// Records by id (any type) with `viewer`'s shares (none without a viewer), in one query;
    /// missing ids are skipped.
    pub async fn record_views(
        &self,
        ids: &[RecordId],
        viewer: Option<&UserId>,
    ) -> Result<Vec<RecordView>> {
        let viewer = viewer.map_or("", UserId::as_str);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind(viewer);
            qb.push(" WHERE r.id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id.as_str());
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        rows.into_iter().map(RecordRow::into_view).collect()
    }

    /// The shares `users` hold on `ids`, as (record, user, access), in one query: with
    /// [`Store::record_views`] without a viewer, what several readers' access decisions about
    /// the same records need.
    pub async fn record_shares_for(
        &self,
        ids: &[RecordId],
        users: &[UserId],
    ) -> Result<Vec<(RecordId, UserId, Access)>> {
        if ids.is_empty() || users.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String, String)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT record_id, user_id, access FROM record_shares WHERE record_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id.as_str());
            }
            qb.push(") AND user_id IN (");
            let mut sep = qb.separated(", ");
            for u in users {
                sep.push_bind(u.as_str());
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(r, u, a)| Some((RecordId::new(r), UserId::new(u), a.parse().ok()?)))
            .collect())
    }

    /// Which of `(type, id)` do not exist as a record of that type.
    pub async fn missing_records(
        &self,
        wanted: &[(String, String)],
    ) -> Result<Vec<(String, String)>> {
        let ids: Vec<RecordId> = wanted
            .iter()
            .map(|(_, id)| RecordId::new(id.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let found: BTreeSet<(String, String)> = self
            .record_views(&ids, None)
            .await?
            .into_iter()
            .map(|v| (v.record.record_type, v.record.id.into_string()))
            .collect();
        Ok(wanted
            .iter()
            .filter(|w| !found.contains(*w))
            .cloned()
            .collect())
    }

    /// Records of one type the viewer may read (the scope is pushed into SQL), newest change
    /// first, optionally filtered by text (name or number) and owner.
    pub async fn list_records(&self, q: &RecordQuery<'_>) -> Result<Vec<RecordView>> {
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind(q.viewer);
            qb.push(" WHERE r.type = ");
            qb.push_bind(q.record_type);
            match &q.scope {
                ReadScope::All => {}
                ReadScope::SharedOnly => {
                    qb.push(" AND s.access IS NOT NULL");
                }
                ReadScope::Owners { user_ids, team_ids } => {
                    qb.push(" AND (s.access IS NOT NULL");
                    if !user_ids.is_empty() {
                        qb.push(" OR r.owner_user_id IN (");
                        let mut sep = qb.separated(", ");
                        for u in user_ids {
                            sep.push_bind(u.as_str());
                        }
                        qb.push(")");
                    }
                    if !team_ids.is_empty() {
                        qb.push(" OR r.owner_team_id IN (");
                        let mut sep = qb.separated(", ");
                        for t in team_ids {
                            sep.push_bind(t.as_str());
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
            }
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
            qb.push(" ORDER BY r.updated_at DESC, r.id DESC LIMIT ");
            qb.push_bind(q.limit.clamp(1, 200));
            qb.build_query_as().fetch_all(p).await
        })?;
        rows.into_iter().map(RecordRow::into_view).collect()
    }

    /// Number of records of a type (for the demo and benchmarks).
    pub async fn count_records(&self, record_type: &str) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, p => sqlx::query_as("SELECT COUNT(*) FROM records WHERE type = $1").bind(record_type).fetch_one(p).await)?;
        Ok(n)
    }
}

/// A record by id (any type) with `viewer`'s share of it, on the pool or in a transaction.
pub(super) async fn record_view_on(
    db: Db<'_>,
    id: &str,
    viewer: Option<&UserId>,
) -> Result<Option<RecordView>> {
    let viewer = viewer.map_or("", UserId::as_str);
    let sql = format!("{RECORD_SELECT}$1 WHERE r.id = $2");
    let row: Option<RecordRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(viewer).bind(id).fetch_optional(&mut *c).await)?;
    row.map(RecordRow::into_view).transpose()
}

/// A record by id (any type), whoever may see it; `NotFound` when there is none.
pub(super) async fn record_unchecked_on(db: Db<'_>, id: &str) -> Result<Record> {
    record_view_on(db, id, None)
        .await?
        .map(|v| v.record)
        .ok_or(StoreError::NotFound("record"))
}

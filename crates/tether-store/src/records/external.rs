//! Records by their place in a host system (issue 19): read by (type, source, external id),
//! one at a time or a whole batch in one query, and the link back to the host's page kept.

use super::RecordView;
use super::read::{RECORD_SELECT, RecordRow};
use crate::audit::{NewAudit, audit_insert};
use crate::tx::tx_write;
use crate::{Result, Store, StoreError, Tx};
use std::collections::BTreeSet;
use tether_domain::{RecordId, UserId};

impl Store {
    /// The record of `record_type` that `source` knows as `external_id`, with `viewer`'s share
    /// of it (none without a viewer).
    pub async fn record_by_external(
        &self,
        record_type: &str,
        source: &str,
        external_id: &str,
        viewer: Option<&UserId>,
    ) -> Result<Option<RecordView>> {
        let sql =
            format!("{RECORD_SELECT}$1 WHERE r.type = $2 AND r.source = $3 AND r.external_id = $4");
        let row: Option<RecordRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(viewer.map_or("", UserId::as_str)).bind(record_type).bind(source).bind(external_id)
            .fetch_optional(p).await)?;
        row.map(RecordRow::into_view).transpose()
    }

    /// The records of `record_type` that the hosts know by `keys` ((source, external id)
    /// pairs), in one query however many keys; keys without a record are left out. No viewer:
    /// the caller decides access from the records themselves.
    pub async fn records_by_external(
        &self,
        record_type: &str,
        keys: &[(String, String)],
    ) -> Result<Vec<RecordView>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let sources: BTreeSet<&str> = keys.iter().map(|(s, _)| s.as_str()).collect();
        let ids: BTreeSet<&str> = keys.iter().map(|(_, e)| e.as_str()).collect();
        // Sources times ids is a superset of the pairs (a batch rarely has two sources); the
        // index on (type, source, external_id) answers it, and the pairs are kept below.
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind("");
            qb.push(" WHERE r.type = ");
            qb.push_bind(record_type);
            qb.push(" AND r.source IN (");
            let mut sep = qb.separated(", ");
            for s in &sources {
                sep.push_bind(*s);
            }
            qb.push(") AND r.external_id IN (");
            let mut sep = qb.separated(", ");
            for e in &ids {
                sep.push_bind(*e);
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        let wanted: BTreeSet<(&str, &str)> =
            keys.iter().map(|(s, e)| (s.as_str(), e.as_str())).collect();
        let views = rows
            .into_iter()
            .map(RecordRow::into_view)
            .collect::<Result<Vec<_>>>()?;
        Ok(views
            .into_iter()
            .filter(|v| {
                v.record
                    .external
                    .as_ref()
                    .is_some_and(|x| wanted.contains(&(x.source.as_str(), x.external_id.as_str())))
            })
            .collect())
    }
}

impl Tx {
    /// Sets the address of the record's page in its host system (`None` removes it).
    pub async fn set_record_url(&mut self, id: &RecordId, url: Option<&str>) -> Result<()> {
        let n = tx_write!(self, c => sqlx::query("UPDATE records SET url = $1 WHERE id = $2 AND external_id IS NOT NULL")
            .bind(url).bind(id.as_str()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound("record"));
        }
        Ok(())
    }

    /// Writes an audit entry inside this transaction.
    pub async fn audit(&mut self, entry: &NewAudit) -> Result<()> {
        tx_write!(self, c => audit_insert!(&mut *c, entry))?;
        Ok(())
    }
}

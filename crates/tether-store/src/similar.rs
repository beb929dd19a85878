//! What suggested contacts (SPEC R12) read besides records and timelines: who resolved a set of
//! records and when, and a record's links to related records. The full-text ranking itself is
//! backend-specific and lives in [`crate::dialect`].

use crate::{Result, Store};
use tether_domain::RecordId;

/// A resolved record with its resolver.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResolvedInfo {
    pub id: String,
    pub number: Option<String>,
    pub name: String,
    pub resolved_by: String,
    pub resolver_name: String,
    pub resolver_active: bool,
    pub created_at: i64,
    pub resolved_at: i64,
}

impl Store {
    /// Who resolved each of these records, and when. One query; unresolved ids are skipped.
    pub async fn resolved_info(&self, ids: &[String]) -> Result<Vec<ResolvedInfo>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT r.id, r.number, r.name, r.resolved_by, u.name AS resolver_name, u.active AS resolver_active, r.created_at, r.resolved_at \
                 FROM records r JOIN users u ON u.id = r.resolved_by WHERE r.resolved_at IS NOT NULL AND r.id IN (",
            );
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id);
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?)
    }

    /// A record's lookup links: (field, target record id).
    pub async fn record_links_of(&self, record_id: &RecordId) -> Result<Vec<(String, String)>> {
        let record_id = record_id.as_str();
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT field, target_id FROM record_links WHERE record_id = $1 ORDER BY field")
            .bind(record_id)
            .fetch_all(p)
            .await)?,
        )
    }
}

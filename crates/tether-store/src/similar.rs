//! What suggested contacts (SPEC R12) read besides records and timelines: who resolved a set of
//! records and when, a record's links to related records, and each record's kept similarity
//! ranking. The full-text ranking itself is backend-specific and lives in [`crate::dialect`].
//!
//! **Kept rankings.** Ranking a record's similar resolved records costs a full-text query over
//! the whole type, too much for every view of a record page, so a record's ranking is kept
//! (`record_similar`) and read with one key lookup. A change to a record's search text deletes
//! its ranking; a change to the set of resolved records of a type (one resolved, reopened,
//! created resolved, deleted, or a resolved record's text changed) advances the type's
//! *generation* (`similar_generations`), in the same transaction as the change. A ranking of an
//! older generation is still a good answer and is served while it is computed again.

use crate::dialect::SimilarRow;
use crate::{Result, Store, now_ms};
use tether_domain::RecordId;

/// A record's kept ranking, if any, and its type's generation now.
#[derive(Clone, Debug, Default)]
pub struct KeptSimilar {
    /// The type's generation now.
    pub generation: i64,
    /// The generation the ranking was computed under, and the ranking (best first).
    pub kept: Option<(i64, Vec<SimilarRow>)>,
}

impl KeptSimilar {
    /// Whether the kept ranking is of the current generation.
    pub fn is_current(&self) -> bool {
        self.kept
            .as_ref()
            .is_some_and(|(g, _)| *g == self.generation)
    }
}

/// A record without a kept ranking: its type, its id and when it last changed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Unranked {
    #[sqlx(rename = "type")]
    pub record_type: String,
    pub id: String,
    pub updated_at: i64,
}

/// Advances the type's generation of resolved records, inside the caller's transaction.
macro_rules! bump_similar_generation {
    ($c:expr, $record_type:expr) => {
        sqlx::query(
            "INSERT INTO similar_generations (type, generation) VALUES ($1, 1) \
             ON CONFLICT (type) DO UPDATE SET generation = similar_generations.generation + 1",
        )
        .bind($record_type)
        .execute($c)
        .await
    };
}
pub(crate) use bump_similar_generation;

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
    /// The kept ranking of a record and its type's generation, in one query.
    pub async fn kept_similar(
        &self,
        record_type: &str,
        record_id: &RecordId,
    ) -> Result<KeptSimilar> {
        let row: Option<(i64, Option<i64>, Option<String>)> = with_pool!(self, p => sqlx::query_as(
            "SELECT COALESCE(g.generation, 0), s.generation, s.ranking FROM (SELECT CAST($1 AS TEXT) AS type) t \
             LEFT JOIN similar_generations g ON g.type = t.type LEFT JOIN record_similar s ON s.record_id = $2",
        )
        .bind(record_type)
        .bind(record_id.as_str())
        .fetch_optional(p)
        .await)?;
        let Some((generation, kept_generation, similar)) = row else {
            return Ok(KeptSimilar::default());
        };
        let kept = match (kept_generation, similar) {
            (Some(g), Some(json)) => {
                let pairs: Vec<(String, f64)> = serde_json::from_str(&json)?;
                Some((
                    g,
                    pairs
                        .into_iter()
                        .map(|(id, score)| SimilarRow { id, score })
                        .collect(),
                ))
            }
            _ => None,
        };
        Ok(KeptSimilar { generation, kept })
    }

    /// The type's generation of resolved records now (0 before its first change).
    pub async fn similar_generation(&self, record_type: &str) -> Result<i64> {
        let row: Option<(i64,)> = with_pool!(self, p => sqlx::query_as(
            "SELECT generation FROM similar_generations WHERE type = $1",
        )
        .bind(record_type)
        .fetch_optional(p)
        .await)?;
        Ok(row.map_or(0, |(g,)| g))
    }

    /// Keeps `rows` as the ranking of a record computed under `generation` from its text as of
    /// `updated_at`. Nothing is kept when the record changed since (its text may have), or when
    /// a ranking of a later generation is already kept. Answers whether it was kept.
    pub async fn keep_similar(
        &self,
        record_type: &str,
        record_id: &RecordId,
        updated_at: i64,
        generation: i64,
        rows: &[SimilarRow],
    ) -> Result<bool> {
        let pairs: Vec<(&str, f64)> = rows.iter().map(|r| (r.id.as_str(), r.score)).collect();
        let json = serde_json::to_string(&pairs)?;
        let written = with_write!(self, p => sqlx::query(
            "INSERT INTO record_similar (record_id, type, generation, computed_at, ranking) \
             SELECT id, type, $3, $4, $5 FROM records WHERE id = $1 AND type = $2 AND updated_at = $6 \
             ON CONFLICT (record_id) DO UPDATE SET generation = excluded.generation, computed_at = excluded.computed_at, ranking = excluded.ranking \
             WHERE record_similar.generation <= excluded.generation",
        )
        .bind(record_id.as_str())
        .bind(record_type)
        .bind(generation)
        .bind(now_ms())
        .bind(&json)
        .bind(updated_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(written > 0)
    }

    /// Records of `types` without a kept ranking that changed at or after `since`, oldest change
    /// first (so a caller can continue from the last one's `updated_at`), at most `limit`.
    pub async fn unranked_records(
        &self,
        types: &[String],
        since: i64,
        limit: i64,
    ) -> Result<Vec<Unranked>> {
        if types.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT r.type, r.id, r.updated_at FROM records r WHERE r.updated_at >= ",
            );
            qb.push_bind(since);
            qb.push(" AND r.type IN (");
            let mut sep = qb.separated(", ");
            for t in types {
                sep.push_bind(t);
            }
            qb.push(") AND NOT EXISTS (SELECT 1 FROM record_similar s WHERE s.record_id = r.id) ORDER BY r.updated_at, r.id LIMIT ");
            qb.push_bind(limit.clamp(1, 10_000));
            qb.build_query_as().fetch_all(p).await
        })?)
    }

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

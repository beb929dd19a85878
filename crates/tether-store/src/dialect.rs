//! Text matching that behaves the same on both backends, and the few places where SQLite and
//! PostgreSQL need different SQL (full-text search joins this module when it lands).
//!
//! Case-insensitive matching: SQLite's `lower()` and `LIKE` fold ASCII only, PostgreSQL's
//! depend on the collation. So names are folded once in Rust ([`fold`]) into a `*_folded`
//! column when written, and filters compare folded text with `LIKE … ESCAPE '\'`.

/// Lower-cases text the way every filter compares it ("Åsa" and "ÅSA" fold alike).
pub fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in fold(needle).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The statement that adds a record's text to the full-text index (`$1` id, `$2` type,
/// `$3` text): FTS5 takes the text, PostgreSQL a tsvector of it.
pub(crate) fn insert_record_text(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "INSERT INTO record_text (record_id, type, body) VALUES ($1, $2, $3)"
        }
        crate::Backend::Postgres => {
            "INSERT INTO record_text (record_id, type, tsv) VALUES ($1, $2, to_tsvector('english', $3))"
        }
    }
}

/// What a record's full-text entry holds: its name and the values of its text fields.
pub fn record_search_text(
    def: &tether_domain::record_type::RecordTypeDef,
    name: &str,
    fields: &std::collections::BTreeMap<String, serde_json::Value>,
) -> String {
    use tether_domain::record_type::FieldKind;
    let mut text = name.to_owned();
    for f in def.fields.iter().filter(|f| {
        matches!(
            f.kind,
            FieldKind::Text | FieldKind::LongText | FieldKind::Choice
        )
    }) {
        if let Some(v) = fields.get(&f.name).and_then(serde_json::Value::as_str) {
            text.push('\n');
            text.push_str(v);
        }
    }
    text
}

/// A resolved record found similar, with its relevance (higher is more similar).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SimilarRow {
    pub id: String,
    pub score: f64,
}

impl crate::Store {
    /// Resolved records of `record_type` (not `exclude_id`) ranked by full-text relevance to
    /// `terms` (any of them): BM25 on SQLite (FTS5), `ts_rank` on PostgreSQL. Terms must be
    /// letters and digits only (see `tether_domain::suggest::search_terms`).
    pub async fn similar_resolved(
        &self,
        record_type: &str,
        exclude_id: &str,
        terms: &[String],
        limit: i64,
    ) -> crate::Result<Vec<SimilarRow>> {
        let terms: Vec<&String> = terms
            .iter()
            .filter(|t| !t.is_empty() && t.chars().all(char::is_alphanumeric))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let rows = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                let query = terms
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                sqlx::query_as(
                    "SELECT r.id, -bm25(record_text) AS score FROM record_text JOIN records r ON r.id = record_text.record_id \
                     WHERE record_text MATCH $1 AND record_text.type = $2 AND r.state = 'resolved' AND r.resolved_by IS NOT NULL AND r.id <> $3 \
                     ORDER BY bm25(record_text) LIMIT $4",
                )
                .bind(query)
                .bind(record_type)
                .bind(exclude_id)
                .bind(limit)
                .fetch_all(p)
                .await?
            }
            crate::db::Pool::Postgres(p) => {
                let query = terms
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ");
                sqlx::query_as(
                    "SELECT r.id, ts_rank(t.tsv, to_tsquery('english', $1))::float8 AS score FROM record_text t JOIN records r ON r.id = t.record_id \
                     WHERE t.tsv @@ to_tsquery('english', $1) AND t.type = $2 AND r.state = 'resolved' AND r.resolved_by IS NOT NULL AND r.id <> $3 \
                     ORDER BY score DESC LIMIT $4",
                )
                .bind(query)
                .bind(record_type)
                .bind(exclude_id)
                .bind(limit)
                .fetch_all(p)
                .await?
            }
        };
        Ok(rows)
    }
}

impl crate::Store {
    /// Every (table, column) of the schema, sorted; a test checks both backends agree. The
    /// full-text index (`record_text*`) is left out: it is the one backend-specific table.
    pub async fn schema_columns(&self) -> crate::Result<Vec<(String, String)>> {
        let mut cols: Vec<(String, String)> = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' AND m.name NOT LIKE 'record_text%'",
                )
                .fetch_all(p)
                .await?
            }
            crate::db::Pool::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' AND table_name NOT LIKE 'record\\_text%'",
                )
                .fetch_all(p)
                .await?
            }
        };
        cols.sort();
        Ok(cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_wildcards_and_fold_case() {
        assert_eq!(contains_pattern("ÅSA"), "%åsa%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}

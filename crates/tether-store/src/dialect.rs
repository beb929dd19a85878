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

impl crate::Store {
    /// Every (table, column) of the schema, sorted; a test checks both backends agree.
    pub async fn schema_columns(&self) -> crate::Result<Vec<(String, String)>> {
        let mut cols: Vec<(String, String)> = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                )
                .fetch_all(p)
                .await?
            }
            crate::db::Pool::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
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

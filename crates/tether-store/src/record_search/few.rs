//! Whether a longer finder text matches few records, and which (issue 18).
//!
//! The finder's third part walks every record newest first until it has a page of matches:
//! cheap when matches are many, but a text that matches few records (a record number, a rare
//! part of a name) walked every record, testing `LIKE '%text%'` on each, so its cost grew with
//! the number of records. The substring index of migration 0014 (an FTS5 trigram table on
//! SQLite, `pg_trgm` on PostgreSQL) finds a text's matches directly; reading at most
//! [`FEW_MATCHES`]` + 1` of them tells whether to read those few records and sort them, or to
//! walk as before.

use crate::{Result, Store};

/// At most this many matches are read and sorted; more, and the finder walks newest first
/// instead (which, when matches are this common, meets a page of them early: at 100,000
/// records about every 300th is one, so a page of 20 is some 7,000 records in at worst).
pub(super) const FEW_MATCHES: usize = 300;

/// The FTS5 query that matches `folded` anywhere in a trigram-indexed column: the text as one
/// quoted phrase (consecutive trigrams, so exactly "contains"), its quotes doubled.
pub(super) fn trigram_phrase(folded: &str) -> String {
    format!("\"{}\"", folded.replace('"', "\"\""))
}

/// The FTS5 query of a text's words: each a quoted term (the words are letters and digits
/// only), a prefix when it has three letters or more, all of them required.
pub(super) fn fts5_words(words: &[String]) -> String {
    let terms: Vec<String> = words
        .iter()
        .map(|w| {
            if as_prefix(w) {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    terms.join(" ")
}

/// The PostgreSQL `to_tsquery` of a text's words, as [`fts5_words`].
pub(super) fn tsquery_words(words: &[String]) -> String {
    let terms: Vec<String> = words
        .iter()
        .map(|w| {
            if as_prefix(w) {
                format!("{w}:*")
            } else {
                w.clone()
            }
        })
        .collect();
    terms.join(" & ")
}

/// Whether a search word also matches longer words it begins. Words of one or two letters
/// match only themselves in the full-text index: as prefixes they would match most of it.
fn as_prefix(word: &str) -> bool {
    word.chars().count() >= 3
}

/// What a longer text is looked for in.
pub(super) struct Wanted<'a> {
    /// The folded text (names and lower-cased numbers that contain it).
    pub folded: &'a str,
    /// `LIKE` pattern: contains the folded text.
    pub contains: &'a str,
    /// The FTS5 query of the text's words (SQLite only: PostgreSQL's full-text matches are a
    /// part of the finder's query of their own); `None` without words.
    pub fts5: Option<&'a str>,
}

impl Store {
    /// The ids of the records whose folded name or lower-cased number contains the text — and
    /// on SQLite of those whose text fields match its words — as a JSON array, when neither
    /// kind has more than [`FEW_MATCHES`]; `None` when one has more. Whatever the viewer may
    /// read: the finder applies the read scopes when it reads the records.
    ///
    /// Each kind reads at most `FEW_MATCHES + 1` entries of its index, so the answer costs
    /// about the same however many records match.
    pub(super) async fn few_finder_matches(&self, wanted: &Wanted<'_>) -> Result<Option<String>> {
        // `FEW_MATCHES + 1` as a bind (sqlx binds no `usize`).
        let cap = i64::try_from(FEW_MATCHES + 1).unwrap_or(i64::MAX);
        let few = |ids: &Vec<String>| ids.len() <= FEW_MATCHES;
        let mut ids: Vec<String> = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                let mut ids: Vec<String> = sqlx::query_scalar(
                    "SELECT k.record_id FROM record_text_trigram t \
                     JOIN record_text_trigram_ids k ON k.key = t.rowid \
                     WHERE record_text_trigram MATCH $1 LIMIT $2",
                )
                .bind(trigram_phrase(wanted.folded))
                .bind(cap)
                .fetch_all(p)
                .await?;
                if !few(&ids) {
                    return Ok(None);
                }
                if let Some(fts5) = wanted.fts5 {
                    let words: Vec<String> = sqlx::query_scalar(
                        "SELECT record_id FROM record_text WHERE record_text MATCH $1 LIMIT $2",
                    )
                    .bind(fts5)
                    .bind(cap)
                    .fetch_all(p)
                    .await?;
                    if !few(&words) {
                        return Ok(None);
                    }
                    ids.extend(words);
                }
                ids
            }
            crate::db::Pool::Postgres(p) => {
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT id FROM records \
                     WHERE name_folded LIKE $1 ESCAPE '\\' OR LOWER(number) LIKE $1 ESCAPE '\\' LIMIT $2",
                )
                .bind(wanted.contains)
                .bind(cap)
                .fetch_all(p)
                .await?;
                if !few(&ids) {
                    return Ok(None);
                }
                ids
            }
        };
        ids.sort_unstable();
        ids.dedup();
        Ok(Some(serde_json::to_string(&ids)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_of_three_letters_or_more_match_as_prefixes() {
        assert!(!as_prefix("a"));
        assert!(!as_prefix("vp"));
        assert!(as_prefix("vpn"));
        assert!(as_prefix("åöä"));
    }

    #[test]
    fn a_trigram_phrase_is_the_text_quoted_whatever_it_holds() {
        assert_eq!(trigram_phrase("ordr"), "\"ordr\"");
        assert_eq!(trigram_phrase("cas-01042"), "\"cas-01042\"");
        assert_eq!(trigram_phrase("a \"b\" * OR c"), "\"a \"\"b\"\" * OR c\"");
    }

    #[test]
    fn full_text_queries_take_longer_words_as_prefixes() {
        let words = ["vp".to_owned(), "printer".to_owned()];
        assert_eq!(fts5_words(&words), "\"vp\" \"printer\"*");
        assert_eq!(tsquery_words(&words), "vp & printer:*");
    }
}

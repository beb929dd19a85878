//! Whether a longer finder text matches few records, and which (issue 18).
//!
//! The finder walks every record newest first until it has a page of matches: cheap when
//! matches are many and recent, but a text that matches few records (a record number, a rare
//! part of a name, a word of old records' text fields) walked every record, so its cost grew
//! with the number of records. The substring index of migration 0014 (an FTS5 trigram table on
//! SQLite, `pg_trgm` on PostgreSQL) and the full-text index find a text's matches directly;
//! reading at most [`FEW_MATCHES`]` + 1` of each kind tells whether to read those records and
//! sort them, or to walk as before.

use crate::{Result, Store};

/// At most this many matches of a kind are read and sorted (a few milliseconds); more, and the
/// finder walks newest first instead, which meets a page of matches early unless they are all
/// old. Chosen from the benchmark's texts at 100,000 records: the slow ones matched 400 to
/// 1,500 records, mostly old accounts and contacts, and walked 75,000 newer cases to find them.
pub(super) const FEW_MATCHES: usize = 2_000;

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
    /// The backend's full-text query of the text's words ([`fts5_words`] on SQLite,
    /// [`tsquery_words`] on PostgreSQL); `None` without words.
    pub words: Option<&'a str>,
}

/// The records of one kind of match.
pub(super) enum Matches {
    /// At most [`FEW_MATCHES`], by id (in no order).
    Few(Vec<String>),
    /// More.
    Many,
}

/// A longer text's matches: names and numbers that contain it, and (with words) text fields
/// that match its words. Whatever the viewer may read: the finder applies the read scopes when
/// it reads the records.
pub(super) struct FewMatches {
    pub names: Matches,
    pub words: Option<Matches>,
}

impl Matches {
    fn of(ids: Vec<String>) -> Matches {
        if ids.len() > FEW_MATCHES {
            Matches::Many
        } else {
            Matches::Few(ids)
        }
    }
}

impl Store {
    /// Which records `wanted` matches, when few. Each kind reads at most `FEW_MATCHES + 1`
    /// entries of its index, so the answer costs about the same however many records match.
    pub(super) async fn few_finder_matches(&self, wanted: &Wanted<'_>) -> Result<FewMatches> {
        // `FEW_MATCHES + 1` as a bind (sqlx binds no `usize`).
        let cap = i64::try_from(FEW_MATCHES + 1).unwrap_or(i64::MAX);
        let (names, words): (Vec<String>, Option<Vec<String>>) = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                let names = sqlx::query_scalar(
                    "SELECT k.record_id FROM record_text_trigram t \
                     JOIN record_text_trigram_ids k ON k.key = t.rowid \
                     WHERE record_text_trigram MATCH $1 LIMIT $2",
                )
                .bind(trigram_phrase(wanted.folded))
                .bind(cap)
                .fetch_all(p)
                .await?;
                let words = match wanted.words {
                    Some(query) => Some(
                        sqlx::query_scalar(
                            "SELECT k.record_id FROM record_text t \
                             JOIN record_text_trigram_ids k ON k.key = t.rowid \
                             WHERE record_text MATCH $1 LIMIT $2",
                        )
                        .bind(query)
                        .bind(cap)
                        .fetch_all(p)
                        .await?,
                    ),
                    None => None,
                };
                (names, words)
            }
            crate::db::Pool::Postgres(p) => {
                let names = sqlx::query_scalar(
                    "SELECT id FROM records \
                     WHERE name_folded LIKE $1 ESCAPE '\\' OR LOWER(number) LIKE $1 ESCAPE '\\' LIMIT $2",
                )
                .bind(wanted.contains)
                .bind(cap)
                .fetch_all(p)
                .await?;
                let words = match wanted.words {
                    Some(query) => Some(
                        sqlx::query_scalar(
                            "SELECT record_id FROM record_text WHERE tsv @@ to_tsquery('english', $1) LIMIT $2",
                        )
                        .bind(query)
                        .bind(cap)
                        .fetch_all(p)
                        .await?,
                    ),
                    None => None,
                };
                (names, words)
            }
        };
        Ok(FewMatches {
            names: Matches::of(names),
            words: words.map(Matches::of),
        })
    }
}

/// `ids` as a JSON array, the one parameter through which the finder's query reads them.
pub(super) fn json_ids<'a>(ids: impl IntoIterator<Item = &'a String>) -> String {
    let mut ids: Vec<&String> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    serde_json::Value::from(ids.into_iter().map(String::as_str).collect::<Vec<_>>()).to_string()
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
    fn id_lists_are_json_arrays_without_repeats() {
        let a = ["b".to_owned(), "a".to_owned()];
        let b = ["a".to_owned(), "c\"".to_owned()];
        assert_eq!(json_ids(a.iter().chain(&b)), r#"["a","b","c\""]"#);
        assert_eq!(json_ids(&[] as &[String]), "[]");
    }

    #[test]
    fn a_kind_with_more_than_the_cap_is_many() {
        assert!(
            matches!(Matches::of(vec!["x".to_owned(); FEW_MATCHES]), Matches::Few(v) if v.len() == FEW_MATCHES)
        );
        assert!(matches!(
            Matches::of(vec!["x".to_owned(); FEW_MATCHES + 1]),
            Matches::Many
        ));
    }

    #[test]
    fn full_text_queries_take_longer_words_as_prefixes() {
        let words = ["vp".to_owned(), "printer".to_owned()];
        assert_eq!(fts5_words(&words), "\"vp\" \"printer\"*");
        assert_eq!(tsquery_words(&words), "vp & printer:*");
    }
}

//! The finder: the search over every type a caller may read, by number, name and text.

use super::few::{FewMatches, Matches, Wanted, fts5_words, json_ids, tsquery_words};
use super::{push_owners, push_scope};
use crate::dialect::{contains_pattern, fold, like_literal};
use crate::records::{RECORD_SELECT, RecordRow, RecordView};
use crate::{Result, Store};
use tether_domain::UserId;
use tether_domain::access::ReadScope;

/// The words of a search usable in a full-text query: letters and digits only (so safe in
/// either backend's query syntax), lower-case, at most eight.
fn text_words(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in q.split(|c: char| !c.is_alphanumeric()) {
        let w = w.to_lowercase();
        if !w.is_empty() && w.chars().count() <= 64 && !out.contains(&w) {
            out.push(w);
        }
        if out.len() == 8 {
            break;
        }
    }
    out
}

/// Texts of at most this many characters are short: the finder's first keystrokes.
const SHORT_TEXT: usize = 2;

/// The least string greater than every string that begins with `prefix` (in code point order,
/// which is SQLite's `BINARY` and PostgreSQL's `"C"` order of UTF-8 text), so that
/// `prefix <= s < end` is "s begins with prefix" and an index on the column can answer it.
/// `None` when there is no such string (the prefix is all `char::MAX`).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // Past U+D7FF come the surrogates, which are no chars: dropping the last char and
        // stepping the one before is still an upper bound.
        if let Some(next) = char::from_u32(u32::from(last) + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// What the finder looks for in a text, and the SQL values that say it.
///
/// A short text (one or two characters, the first keystrokes) matches names one of whose
/// words begins with it (at the start, after a space or a hyphen) and record numbers that begin
/// with it. A longer one matches names and numbers that contain it anywhere and the words of
/// the records' text fields, each word of three letters or more as a prefix.
struct FinderText {
    /// The text upper-cased: a record number, matched exactly.
    number: String,
    /// The folded text, and the end of the range of strings that begin with it.
    folded: String,
    folded_end: Option<String>,
    /// `LIKE` patterns: begins with the text, contains it, a word (after a space or a hyphen)
    /// begins with it.
    starts: String,
    contains: String,
    word_starts: [String; 2],
    short: bool,
    /// The words for the full-text index (none for a short text).
    words: Vec<String>,
}

impl FinderText {
    fn new(text: &str) -> FinderText {
        let folded = fold(text);
        let literal = like_literal(&folded);
        let short = folded.chars().count() <= SHORT_TEXT;
        FinderText {
            number: text.to_uppercase(),
            folded_end: prefix_end(&folded),
            starts: format!("{literal}%"),
            contains: contains_pattern(text),
            word_starts: [format!("% {literal}%"), format!("%-{literal}%")],
            short,
            words: if short { Vec::new() } else { text_words(text) },
            folded,
        }
    }
}

/// How the finder's third part (and PostgreSQL's fourth) read a longer text's matches, from
/// what the indexes said ([`FewMatches`]).
#[derive(Debug, Default, PartialEq)]
struct Plan {
    /// The third part reads only these records (a JSON array of ids) instead of walking: the
    /// names and numbers that contain the text when few, and on SQLite the words' matches too
    /// (which that part also finds), when those are few as well.
    found_ids: Option<String>,
    /// The words' matches when few (a JSON array of ids): on SQLite a term of the third part,
    /// on PostgreSQL the fourth part's records.
    word_ids: Option<String>,
}

impl Plan {
    fn new(m: &FewMatches, postgres: bool) -> Plan {
        let few_words = match &m.words {
            Some(Matches::Few(ids)) => Some(ids),
            _ => None,
        };
        let found_ids = match (&m.names, &m.words) {
            (Matches::Few(names), _) if postgres => Some(json_ids(names)),
            (Matches::Few(names), None) => Some(json_ids(names)),
            (Matches::Few(names), Some(Matches::Few(words))) => {
                Some(json_ids(names.iter().chain(words)))
            }
            _ => None,
        };
        Plan {
            found_ids,
            word_ids: few_words.map(json_ids),
        }
    }
}

impl Store {
    /// Records of every type the viewer may read — `scopes` holds the viewer's read scope per
    /// type — that match `text` as [`FinderText`] says: an exact number first, then names
    /// that begin with the text, then the rest, each most recently changed first.
    ///
    /// One query, shaped so that a text that matches thousands of records (a letter) reads a
    /// page of them instead of ranking them all: three parts, each able to stop at `limit` —
    /// the exact number (the `(type, number)` index), names that begin with the text (a range
    /// of the name index), and every match newest first — and the at most `2 × limit + types`
    /// records they yield are ranked (on PostgreSQL the text fields' matches are a fourth part,
    /// see below). The per-type scopes are one `OR` in each part; the text fields are the
    /// records' full-text entries (FTS5 on SQLite, tsvector on PostgreSQL).
    ///
    /// For a text of three characters or more, a look at the substring and full-text indexes
    /// comes first ([`super::few`], at most 2,001 entries of each): matches that are few are
    /// read by id and sorted; more are found by walking `records_finder_recent` newest first
    /// (whose columns answer the match and the scope without reading the record), which meets
    /// a page of them early unless they are all old. On SQLite the walk tests a common word of
    /// the text fields against the list of all its matches, which it reads whole
    /// (BENCHMARKS.md, *Record finder*).
    pub async fn search_records(
        &self,
        viewer: &UserId,
        scopes: &[(String, ReadScope)],
        text: &str,
        limit: i64,
    ) -> Result<Vec<RecordView>> {
        let text = text.trim();
        if text.is_empty() || scopes.is_empty() {
            return Ok(Vec::new());
        }
        let f = FinderText::new(text);
        let limit = limit.clamp(1, 100);
        let postgres = self.backend() == crate::Backend::Postgres;
        // Names compared by code point on PostgreSQL too, whatever the database's collation,
        // so the range is exactly "begins with" and the name index (built so) answers it.
        let name_cmp = if postgres {
            " r.name_folded COLLATE \"C\""
        } else {
            " r.name_folded"
        };
        // The words' full-text query, in the backend's syntax.
        let words = (!f.words.is_empty()).then(|| {
            if postgres {
                tsquery_words(&f.words)
            } else {
                fts5_words(&f.words)
            }
        });
        let plan = if f.short {
            Plan::default()
        } else {
            let matches = self
                .few_finder_matches(&Wanted {
                    folded: &f.folded,
                    contains: &f.contains,
                    words: words.as_deref(),
                })
                .await?;
            Plan::new(&matches, postgres)
        };
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind(viewer);
            // The records of one part, with the viewer's share (which the scopes test).
            macro_rules! from_records {
                () => {
                    qb.push("SELECT r.id FROM records r LEFT JOIN record_shares s ON s.record_id = r.id AND s.user_id = ");
                    qb.push_bind(viewer);
                };
            }
            macro_rules! push_scopes {
                () => {
                    qb.push(" AND (1 = 0");
                    for (record_type, scope) in scopes {
                        qb.push(" OR (r.type = ");
                        qb.push_bind(record_type.as_str());
                        push_scope!(qb, scope);
                        qb.push(")");
                    }
                    qb.push(")");
                };
            }
            // ` r.id IN (<the ids of a JSON array>)`.
            macro_rules! push_in_ids {
                ($ids:expr) => {
                    qb.push(if postgres {
                        " r.id IN (SELECT jsonb_array_elements_text(CAST("
                    } else {
                        " r.id IN (SELECT value FROM json_each("
                    });
                    qb.push_bind($ids);
                    qb.push(if postgres { " AS jsonb)))" } else { "))" });
                };
            }
            macro_rules! newest_first {
                () => {
                    qb.push(" ORDER BY r.updated_at DESC, r.id DESC LIMIT ");
                    qb.push_bind(limit);
                };
            }
            qb.push(" WHERE r.id IN (SELECT id FROM (");
            // 1. The exact number: at most one record per type.
            from_records!();
            qb.push(" WHERE r.number = ");
            qb.push_bind(f.number.as_str());
            qb.push(" AND r.type IN (");
            {
                let mut sep = qb.separated(", ");
                for (record_type, _) in scopes {
                    sep.push_bind(record_type.as_str());
                }
            }
            qb.push(")");
            push_scopes!();
            // 2. Names that begin with the text.
            qb.push(") AS exact UNION ALL SELECT id FROM (");
            from_records!();
            qb.push(" WHERE");
            qb.push(name_cmp);
            qb.push(" >= ");
            qb.push_bind(f.folded.as_str());
            if let Some(end) = &f.folded_end {
                qb.push(" AND");
                qb.push(name_cmp);
                qb.push(" < ");
                qb.push_bind(end.as_str());
            }
            qb.push(" AND r.name_folded LIKE ");
            qb.push_bind(f.starts.as_str());
            qb.push(" ESCAPE '\\'");
            push_scopes!();
            newest_first!();
            // 3. Every match, newest first (it holds parts 1 and 2 too: taking `limit` of
            // each part is enough for the first `limit` of all).
            qb.push(") AS starting UNION ALL SELECT id FROM (");
            from_records!();
            if f.short {
                qb.push(" WHERE (r.name_folded LIKE ");
                qb.push_bind(f.starts.as_str());
                for pattern in &f.word_starts {
                    qb.push(" ESCAPE '\\' OR r.name_folded LIKE ");
                    qb.push_bind(pattern.as_str());
                }
                qb.push(" ESCAPE '\\' OR LOWER(r.number) LIKE ");
                qb.push_bind(f.starts.as_str());
                qb.push(" ESCAPE '\\')");
            } else {
                // The few matches the indexes found (each tested again below: a record may
                // have changed since), or every record.
                qb.push(" WHERE");
                if let Some(ids) = &plan.found_ids {
                    push_in_ids!(ids.as_str());
                    qb.push(" AND");
                }
                qb.push(" (r.name_folded LIKE ");
                qb.push_bind(f.contains.as_str());
                qb.push(" ESCAPE '\\' OR LOWER(r.number) LIKE ");
                qb.push_bind(f.contains.as_str());
                qb.push(" ESCAPE '\\'");
                // SQLite: the words' matches, as read, or one list made once that the walk
                // tests (every match of a common word: see BENCHMARKS.md, *Record finder*).
                match (&words, &plan.word_ids) {
                    (Some(_), Some(ids)) if !postgres => {
                        qb.push(" OR");
                        push_in_ids!(ids.as_str());
                    }
                    (Some(query), None) if !postgres => {
                        // The matches' rowids (the records' integer keys, migration 0017),
                        // read once: a few milliseconds for tens of thousands, where their
                        // `record_id`s, read from FTS5's content table, took 20 times that.
                        qb.push(" OR (SELECT key FROM record_text_trigram_ids WHERE record_id = r.id) IN (SELECT rowid FROM record_text WHERE record_text MATCH ");
                        qb.push_bind(query.as_str());
                        qb.push(")");
                    }
                    _ => {}
                }
                qb.push(")");
            }
            push_scopes!();
            newest_first!();
            // 4. PostgreSQL: the words' matches are a part of their own: the few read, or
            // (more) a query the planner weighs by its statistics — walking newest first and
            // looking each record up in the full-text table, or reading the matches and
            // sorting them. In one `OR` with the names it could weigh neither and ranked every
            // match of a common word (285 ms for "customer" at 100,000 records; 2–6 ms so).
            let mut last = ") AS found)";
            if let (Some(query), true) = (&words, postgres) {
                qb.push(") AS found UNION ALL SELECT id FROM (");
                if let Some(ids) = &plan.word_ids {
                    from_records!();
                    qb.push(" WHERE");
                    push_in_ids!(ids.as_str());
                } else {
                    qb.push("SELECT r.id FROM record_text t JOIN records r ON r.id = t.record_id LEFT JOIN record_shares s ON s.record_id = r.id AND s.user_id = ");
                    qb.push_bind(viewer);
                    qb.push(" WHERE t.tsv @@ to_tsquery('english', ");
                    qb.push_bind(query.as_str());
                    qb.push(")");
                }
                push_scopes!();
                newest_first!();
                last = ") AS texts)";
            }
            qb.push(last);
            qb.push(" ORDER BY CASE WHEN r.number = ");
            qb.push_bind(f.number.as_str());
            qb.push(" THEN 0 WHEN r.name_folded LIKE ");
            qb.push_bind(f.starts.as_str());
            qb.push(" ESCAPE '\\' THEN 1 ELSE 2 END, r.updated_at DESC, r.id DESC LIMIT ");
            qb.push_bind(limit);
            qb.build_query_as().fetch_all(p).await
        })?;
        rows.into_iter().map(RecordRow::into_view).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_matches_are_read_and_many_walked_per_backend() {
        let ids = |v: &[&str]| Matches::Few(v.iter().map(|s| (*s).to_owned()).collect());
        let few = |names, words| FewMatches { names, words };
        // Names only: read when few on both backends.
        let p = Plan::new(&few(ids(&["b", "a"]), None), false);
        assert_eq!(p.found_ids.as_deref(), Some(r#"["a","b"]"#));
        assert_eq!(p.word_ids, None);
        assert_eq!(Plan::new(&few(Matches::Many, None), true), Plan::default());
        // SQLite: the third part holds the words too, so it reads only when both are few.
        let p = Plan::new(&few(ids(&["a"]), Some(ids(&["c", "a"]))), false);
        assert_eq!(p.found_ids.as_deref(), Some(r#"["a","c"]"#));
        assert_eq!(p.word_ids.as_deref(), Some(r#"["a","c"]"#));
        let p = Plan::new(&few(ids(&["a"]), Some(Matches::Many)), false);
        assert_eq!(p, Plan::default());
        let p = Plan::new(&few(Matches::Many, Some(ids(&["c"]))), false);
        assert_eq!(
            (p.found_ids, p.word_ids.as_deref()),
            (None, Some(r#"["c"]"#))
        );
        // PostgreSQL: the words are a part of their own; each kind decides for itself.
        let p = Plan::new(&few(ids(&["a"]), Some(Matches::Many)), true);
        assert_eq!(
            (p.found_ids.as_deref(), p.word_ids),
            (Some(r#"["a"]"#), None)
        );
        let p = Plan::new(&few(Matches::Many, Some(ids(&["c"]))), true);
        assert_eq!(
            (p.found_ids, p.word_ids.as_deref()),
            (None, Some(r#"["c"]"#))
        );
    }

    #[test]
    fn a_prefix_range_ends_just_past_every_string_it_begins() {
        assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_end("å").as_deref(), Some("æ"));
        assert_eq!(prefix_end("a\u{d7ff}").as_deref(), Some("b"));
        assert_eq!(prefix_end("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10ffff}"), None);
        assert_eq!(prefix_end(""), None);
    }

    #[test]
    fn short_texts_match_word_starts_and_longer_ones_anywhere() {
        let a = FinderText::new("Å");
        assert!(a.short && a.words.is_empty());
        assert_eq!(a.starts, "å%");
        assert_eq!(a.word_starts, ["% å%", "%-å%"]);
        assert_eq!(a.number, "Å");
        let w = FinderText::new("50%");
        assert!(!w.short);
        assert_eq!(w.contains, "%50\\%%");
        assert_eq!(w.words, ["50"]);
        assert_eq!(FinderText::new("cas-01042").number, "CAS-01042");
    }

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(text_words("CAS-01042"), vec!["cas", "01042"]);
        assert_eq!(text_words("\"printer\" OR *"), vec!["printer", "or"]);
        assert!(text_words("-- ' ;").is_empty());
        assert_eq!(text_words("a b c d e f g h i j").len(), 8);
    }
}

//! The finder: the search over every type a caller may read, by number, name and text.

use super::few::{Wanted, fts5_words, tsquery_words};
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
    /// see below). The third part, for a text of three characters or more, first asks the
    /// substring index how many records the text matches, reading at most a few hundred
    /// ([`super::few`]): when few, it reads those records and sorts them; when more, it walks
    /// `records_finder_recent` newest first (whose columns answer the match and the scope
    /// without reading the record), which meets a page of matches early. Either way its cost no
    /// longer grows with the number of records, except on SQLite for a text whose words are
    /// common in the text fields: their matches are one list that the walk tests, read whole
    /// (BENCHMARKS.md, *Record finder*). The per-type scopes are one `OR` in each part;
    /// the text fields are the records' full-text entries (FTS5 on SQLite, tsvector on
    /// PostgreSQL).
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
        // SQLite's full-text query of the words (PostgreSQL's are a part of their own).
        let fts5 = (!f.words.is_empty() && !postgres).then(|| fts5_words(&f.words));
        let few = if f.short {
            None
        } else {
            self.few_finder_matches(&Wanted {
                folded: &f.folded,
                contains: &f.contains,
                fts5: fts5.as_deref(),
            })
            .await?
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
                // The few matches the substring index found (each tested again below: a record
                // may have changed since), or every record.
                qb.push(" WHERE");
                if let Some(ids) = &few {
                    qb.push(if postgres {
                        " r.id IN (SELECT jsonb_array_elements_text(CAST("
                    } else {
                        " r.id IN (SELECT value FROM json_each("
                    });
                    qb.push_bind(ids.as_str());
                    qb.push(if postgres { " AS jsonb))) AND" } else { ")) AND" });
                }
                qb.push(" (r.name_folded LIKE ");
                qb.push_bind(f.contains.as_str());
                qb.push(" ESCAPE '\\' OR LOWER(r.number) LIKE ");
                qb.push_bind(f.contains.as_str());
                qb.push(" ESCAPE '\\'");
                // SQLite: the words' matches are one list, made once, that the walk tests.
                if let Some(fts5) = &fts5 {
                    qb.push(" OR r.id IN (SELECT record_id FROM record_text WHERE record_text MATCH ");
                    qb.push_bind(fts5.as_str());
                    qb.push(")");
                }
                qb.push(")");
            }
            push_scopes!();
            newest_first!();
            // 4. PostgreSQL: the words' matches are a part of their own, so that the planner
            // weighs each part by its statistics — walking newest first and looking each
            // record up in the full-text table (a common word), or reading the few matches and
            // sorting them (a rare word; a rare part of a name gets a scan). In one `OR` with
            // the names it could weigh neither and ranked every match of a common word (285 ms
            // for "customer" at 100,000 records; 2–6 ms so). On SQLite the list above is cheaper.
            let mut last = ") AS found)";
            if !f.words.is_empty() && postgres {
                qb.push(") AS found UNION ALL SELECT id FROM (");
                qb.push("SELECT r.id FROM record_text t JOIN records r ON r.id = t.record_id LEFT JOIN record_shares s ON s.record_id = r.id AND s.user_id = ");
                qb.push_bind(viewer);
                qb.push(" WHERE t.tsv @@ to_tsquery('english', ");
                qb.push_bind(tsquery_words(&f.words));
                qb.push(")");
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

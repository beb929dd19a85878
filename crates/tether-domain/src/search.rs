//! Message search (SPEC R24, R27): the terms a message is indexed under and a query is matched
//! by, and the highlighted snippet of a hit.
//!
//! Stemming happens here, in Rust, with the Snowball stemmers for English and Swedish: each word
//! is indexed under both stems, and each query word matches either. Both storage backends then
//! index and match the same plain terms (FTS5 with the `unicode61` tokenizer, PostgreSQL with the
//! `simple` configuration), so search behaves the same on both.

use crate::markdown::escape_html;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeSet;

/// Most words of a query that count.
pub const MAX_QUERY_WORDS: usize = 8;

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= 64)
        .map(str::to_lowercase)
}

/// The stems of one lower-case word: English and Swedish, without duplicates. Only letters and
/// digits, so a term is safe in any full-text query syntax.
pub fn stems(word: &str) -> Vec<String> {
    let en = Stemmer::create(Algorithm::English).stem(word).into_owned();
    let sv = Stemmer::create(Algorithm::Swedish).stem(word).into_owned();
    let mut out = vec![en];
    if !out.contains(&sv) {
        out.push(sv);
    }
    out.retain(|s| !s.is_empty() && s.chars().all(char::is_alphanumeric));
    out
}

/// The space-separated terms a text is indexed under.
pub fn index_terms(text: &str) -> String {
    let mut seen = BTreeSet::new();
    for w in words(text) {
        for s in stems(&w) {
            seen.insert(s);
        }
    }
    seen.into_iter().collect::<Vec<_>>().join(" ")
}

/// A parsed query: for each word (at most [`MAX_QUERY_WORDS`]), the stems that may match it.
/// Every word must match (AND); any stem of a word may (OR).
pub fn query(q: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for w in words(q) {
        let s = stems(&w);
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
        if out.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    out
}

/// A snippet of `text` around the first matching word, at most about `width` characters, HTML
/// escaped, with every matching word wrapped in `<mark>`.
pub fn snippet(text: &str, query: &[Vec<String>], width: usize) -> String {
    let wanted: BTreeSet<&str> = query.iter().flatten().map(String::as_str).collect();
    let is_hit = |w: &str| {
        stems(&w.to_lowercase())
            .iter()
            .any(|s| wanted.contains(s.as_str()))
    };
    // Split into runs of word and non-word characters, keeping everything.
    let mut runs: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let word = c.is_alphanumeric();
        match runs.last_mut() {
            Some((w, s)) if *w == word => s.push(c),
            _ => runs.push((word, c.to_string())),
        }
    }
    let first = runs.iter().position(|(w, s)| *w && is_hit(s)).unwrap_or(0);
    // Start a little before the first hit.
    let mut start = first;
    let mut before = 0;
    while start > 0 && before < width / 3 {
        start -= 1;
        before += runs[start].1.chars().count();
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut used = 0;
    let mut end = start;
    for (w, s) in runs.iter().skip(start) {
        if used >= width {
            break;
        }
        used += s.chars().count();
        end += 1;
        if *w && is_hit(s) {
            out.push_str(&format!("<mark>{}</mark>", escape_html(s)));
        } else {
            out.push_str(&escape_html(s));
        }
    }
    if end < runs.len() {
        out.push('…');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r24_english_and_swedish_stems_match() {
        let printers = query("printers");
        let indexed = index_terms("The printer jams");
        assert!(
            printers[0]
                .iter()
                .any(|s| indexed.split(' ').any(|t| t == s)),
            "printers finds printer: {printers:?} in {indexed}"
        );
        let sv = query("skrivarna");
        let sv_indexed = index_terms("Skrivaren fastnar");
        assert!(
            sv[0].iter().any(|s| sv_indexed.split(' ').any(|t| t == s)),
            "{sv:?} in {sv_indexed}"
        );
        assert!(query("   ").is_empty());
        assert_eq!(query(&"word ".repeat(20)).len(), 1, "duplicates collapse");
        assert!(query("a b c d e f g h i j k").len() <= MAX_QUERY_WORDS);
    }

    #[test]
    fn r24_snippets_highlight_and_escape() {
        let q = query("printers");
        let s = snippet("Our <b>printer</b> jams again, printing stops.", &q, 120);
        assert!(s.contains("<mark>printer</mark>"), "{s}");
        assert!(s.contains("&lt;b&gt;"), "text is escaped: {s}");
        let long = format!("{} printer {}", "word ".repeat(100), "tail ".repeat(100));
        let cut = snippet(&long, &q, 80);
        assert!(
            cut.starts_with('…') && cut.ends_with('…') && cut.contains("<mark>printer</mark>"),
            "{cut}"
        );
    }
}

//! What the `panel` workload types into the record finder (`GET /records?q=`, issue 16): the
//! texts a person types while looking for a record, taken from the data set's own records.
//!
//! The finder asks at every keystroke, so most of its requests are the first letters of a word:
//! a quarter are one letter, a quarter two, a third three letters or more (up to the whole
//! word), and the rest record numbers — whole (`CAS-01042`), lower-case, or the digits only.
//! The words come from the names of records spread over each type (several pages of the list
//! at different offsets), so common and rare words occur as they do in the data.

use super::dataset::Rng;
use anyhow::{Result, bail};
use tether_domain::access::ReadScope;
use tether_store::Store;
use tether_store::record_search::RecordFilter;
use tether_store::records::RecordQuery;

/// The record types whose names are sampled.
const TYPES: [&str; 4] = ["case", "account", "contact", "knowledge_article"];
/// Offsets of the sampled pages of each type, and their size.
const OFFSETS: [i64; 5] = [0, 500, 2_000, 5_000, 9_000];
const PAGE: i64 = 40;

/// The words and numbers finder texts are made of.
pub struct FinderTexts {
    words: Vec<String>,
    numbers: Vec<String>,
}

/// How long the text of a finder request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    One,
    Two,
    ThreeOrMore,
    Number,
}

impl FinderTexts {
    /// Samples record names and numbers from `store` (read as `viewer`, who need not be able
    /// to read them: the store reads them directly).
    pub async fn sample(store: &Store, viewer: &str) -> Result<FinderTexts> {
        let mut words = Vec::new();
        let mut numbers = Vec::new();
        for record_type in TYPES {
            for offset in OFFSETS {
                let page = store
                    .list_records_filtered(
                        &RecordQuery {
                            record_type,
                            viewer: &viewer.into(),
                            scope: ReadScope::All,
                            text: None,
                            owner_user: None,
                            limit: PAGE,
                        },
                        &RecordFilter {
                            offset,
                            ..RecordFilter::default()
                        },
                    )
                    .await?;
                for v in page {
                    words.extend(
                        v.record
                            .name
                            .split(|c: char| !c.is_alphanumeric())
                            .filter(|w| {
                                w.chars().count() >= 3 && w.chars().any(char::is_alphabetic)
                            })
                            .map(str::to_lowercase),
                    );
                    numbers.extend(v.record.number);
                }
            }
        }
        if words.is_empty() || numbers.is_empty() {
            bail!("the data set has no record names or numbers for the finder");
        }
        Ok(FinderTexts { words, numbers })
    }

    /// A text as someone types it into the finder, and its length class.
    pub fn pick(&self, rng: &mut Rng) -> (String, Length) {
        let word = self
            .words
            .get(rng.below(self.words.len()))
            .map_or("case", String::as_str);
        let prefix = |n: usize| word.chars().take(n).collect::<String>();
        let u = rng.unit();
        if u < 0.25 {
            (prefix(1), Length::One)
        } else if u < 0.5 {
            (prefix(2), Length::Two)
        } else if u < 0.85 {
            let len = word.chars().count();
            (
                prefix(3 + rng.below(len.saturating_sub(2))),
                Length::ThreeOrMore,
            )
        } else {
            let number = self
                .numbers
                .get(rng.below(self.numbers.len()))
                .map_or("CAS-00001", String::as_str);
            let text = match rng.below(3) {
                0 => number.to_owned(),
                1 => number.to_lowercase(),
                _ => number.rsplit('-').next().unwrap_or(number).to_owned(),
            };
            (text, Length::Number)
        }
    }
}

/// `text` as a query string value: unreserved characters as they are, every other byte
/// percent-encoded.
pub fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_encoded_for_a_query_string() {
        assert_eq!(query_value("CAS-01042"), "CAS-01042");
        assert_eq!(query_value("å b&"), "%C3%A5%20b%26");
    }
}

//! Chat-message markdown (SPEC R16, R17): a message body as sanitized HTML, as plain text, and
//! the records of this server it links to.
//!
//! Bodies are written by one user and shown to others, so everything here treats them as
//! hostile. Rendering has two independent walls: comrak renders markdown with raw HTML escaped
//! (shown as text, never passed through) and dangerous link targets blanked, then ammonia
//! re-parses that output and keeps only an explicit allow-list of tags, attributes and URL
//! schemes. Either wall alone should hold; both run on every message so that a bug in one, or a
//! comrak option switched on later, is not an XSS. The one exception is a body that is a single
//! plain line ([`is_plain_line`]): it holds no character HTML or markdown could read, so its
//! HTML is the line in a paragraph, which a test checks is byte for byte what the two walls
//! make of it.
//!
//! Mentions and record links are read from comrak's syntax tree, not from text patterns, so
//! whatever sits in a code span or code block stays code: it neither notifies anyone nor
//! becomes a record card.
//!
//! Markdown can amplify: a 23 KB table header of 5,000 columns followed by 1,500 one-word
//! lines makes the parser fill in 500,000 empty cells, 5 MB of HTML and seconds of work. So a
//! render is bounded three ways, and a body past a bound is refused ([`RenderLimit`]) rather
//! than stored: the parser may take at most [`PARSE_STEPS_PER_BYTE`] steps per byte of body
//! (ordinary text takes under 6), the tables at most [`MAX_TABLE_CELLS`] cells, and the HTML at
//! most [`MAX_HTML_BYTES`].

mod html;
mod links;
mod parse;
mod plain;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

pub(crate) use html::escape_html;
pub use html::{is_plain_line, render};
pub use links::{extract_record_links, may_link_records};
pub use plain::plain_text;

use std::collections::HashMap;

/// Most record cards one message carries (R16); further record links stay plain links.
pub const MAX_RECORD_LINKS: usize = 10;

/// Deeper nesting of quotes and lists is flattened. Nobody quotes a quote sixteen levels deep,
/// and a deep tree costs the sanitizer, and the reader's browser, time that grows with the
/// square of the depth (10,000 nested `>` took a second to sanitize).
const MAX_NESTING: usize = 16;

/// Parser steps (lines, inlines and nodes) a body may take per byte, plus
/// [`PARSE_STEPS_BASE`]. Ordinary markdown takes under 6 a byte even at its densest (a list
/// item or an emphasis on every line); a table whose short rows the parser fills in takes 90.
pub const PARSE_STEPS_PER_BYTE: usize = 16;

/// Parser steps every body may take, however short.
pub const PARSE_STEPS_BASE: usize = 16_384;

/// Most table cells (rows × columns) one message renders. The parser fills in the missing
/// cells of short rows, so a wide header makes every following line a full row. A table a
/// person writes in a chat has tens or hundreds of cells; one of 10,000 one-character cells
/// already fills most of a 28 KiB body.
pub const MAX_TABLE_CELLS: usize = 10_000;

/// Largest rendered HTML of one message (256 KiB, about nine times the largest body).
pub const MAX_HTML_BYTES: usize = 256 * 1024;

/// Longest body [`renders_quickly`] vouches for. Rendering costs up to about a microsecond a
/// byte for the densest ordinary markdown (a line break, an emphasis or a mention every few
/// characters) and far more for tables, whose short rows the parser fills in: measured on the
/// benchmark machine (release build), the worst 256-byte body without a table took ~150 µs,
/// the worst 2 KiB one 2 ms, a 2 KiB table 12 ms; a chat line of 100 bytes 12 – 21 µs.
pub const QUICK_RENDER_BYTES: usize = 256;

/// Whether `body` is certain to parse in well under a millisecond, whatever reads it (the
/// renderer, [`plain_text`], [`extract_record_links`]): at most [`QUICK_RENDER_BYTES`] and no
/// `|` (so no table). A server may parse such a body where it stands rather than hand it to a
/// thread of its own, which costs two thread wake-ups; any other body may take milliseconds
/// and belongs off the async workers.
pub fn parses_quickly(body: &str) -> bool {
    body.len() <= QUICK_RENDER_BYTES && !body.contains('|')
}

/// Whether `body` is certain to [`render`] in well under a millisecond: it
/// [`parses_quickly`], or it is one plain line of any length ([`is_plain_line`]: copied, not
/// parsed; only the renderer takes that shortcut).
pub fn renders_quickly(body: &str) -> bool {
    parses_quickly(body) || is_plain_line(body)
}

/// How often comrak asks whether to stop: once every this many steps.
const STEPS_PER_CHECK: usize = 256;

/// Longest id a mention or a record link may carry.
const MAX_ID_LEN: usize = 64;

/// The tags a rendered message may contain. Everything else is removed (its text is kept).
const ALLOWED_TAGS: &str = "p br strong em del s ul ol li blockquote code pre a span \
                            table thead tbody tr th td hr";

/// The display names that `<@USER_ID>` mentions resolve to, usually the chat's members.
///
/// A mention of an id the resolver does not know stays literal text: it neither renders as a
/// person nor notifies anyone, so a message cannot ping people outside the chat.
#[derive(Clone, Debug, Default)]
pub struct MentionResolver {
    names: HashMap<String, String>,
}

impl MentionResolver {
    /// A resolver for the given `(user id, display name)` pairs.
    pub fn new<I, K, V>(names: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let names = names
            .into_iter()
            .map(|(id, name)| (id.into(), name.into()))
            .collect();
        MentionResolver { names }
    }

    /// A resolver that knows nobody: every mention stays literal text.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The display name of `user_id`, if known.
    pub fn name(&self, user_id: &str) -> Option<&str> {
        self.names.get(user_id).map(String::as_str)
    }
}

/// A message rendered for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitized HTML, safe to insert into a page as is.
    pub html: String,
    /// The known users the message mentions (outside code), deduplicated, in order of first
    /// appearance: the people to notify.
    pub mentioned_user_ids: Vec<String>,
}

/// A link in a message to a record of this server: the message shows its card (R16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordLink {
    /// The link target as written in the message (after markdown unescaping).
    pub url: String,
    /// The record type's logical name, e.g. `case`.
    pub record_type: String,
    /// The record's id.
    pub record_id: String,
}

/// Why a body is not rendered: it would cost more than a message may. Each names its limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenderLimit {
    /// The parser gave up after `steps` steps.
    #[error(
        "the message is too complex to display: its markdown takes more than {steps} parsing \
         steps (the limit is {PARSE_STEPS_PER_BYTE} a byte); a table with many columns and short \
         rows is the usual cause, and tables may have at most {MAX_TABLE_CELLS} cells"
    )]
    TooComplex { steps: usize },
    /// The tables have `cells` cells in all.
    #[error(
        "the message's tables have {cells} cells; the limit is {MAX_TABLE_CELLS} table cells \
         per message (rows × columns: short rows count as full rows)"
    )]
    TableCells { cells: usize },
    /// The HTML would be `bytes` long.
    #[error(
        "the message would display as {} KiB of HTML; the limit is {} KiB: use fewer links, \
         mentions or table cells", bytes.div_ceil(1024), MAX_HTML_BYTES / 1024
    )]
    Html { bytes: usize },
}

//! The markdown dialect of chat messages and its bounded parse, shared by every view of a body.

use super::{MAX_ID_LEN, PARSE_STEPS_BASE, PARSE_STEPS_PER_BYTE, RenderLimit, STEPS_PER_CHECK};
use comrak::nodes::AstNode;
use comrak::{Arena, Options, try_parse_document};
use std::borrow::Cow;
use std::cell::Cell;

/// The markdown dialect of chat messages, the same for rendering, plain text and links.
pub(super) fn comrak_options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.shortcodes = true;
    options.extension.tasklist = false;
    // In a chat a single newline is a line break, as users expect from every chat client.
    options.render.hardbreaks = true;
    // Raw HTML is shown as the text the user typed, never passed through or silently dropped.
    options.render.r#unsafe = false;
    options.render.escape = true;
    options
}

/// Parses `body` after removing bidirectional overrides and isolates, within the step budget
/// of its length ([`PARSE_STEPS_PER_BYTE`]).
pub(super) fn parse<'a>(
    arena: &'a Arena<'a>,
    body: &str,
    options: &Options,
) -> Result<&'a AstNode<'a>, RenderLimit> {
    let body = without_bidi_controls(body);
    let budget = PARSE_STEPS_BASE.saturating_add(body.len().saturating_mul(PARSE_STEPS_PER_BYTE));
    // Comrak asks once at the start and then every `STEPS_PER_CHECK` steps.
    let asked = Cell::new(0usize);
    let over_budget = || {
        let steps = asked.get() * STEPS_PER_CHECK;
        asked.set(asked.get() + 1);
        steps > budget
    };
    try_parse_document(arena, &body, options, &over_budget)
        .map_err(|_| RenderLimit::TooComplex { steps: budget })
}

/// `body` without bidirectional overrides and isolates: they let a message display text in
/// another order than it is written ("Trojan Source"), which disguises links. Message bodies
/// already refuse them (`chat::MessageBody`); this holds for any input.
pub(super) fn without_bidi_controls(body: &str) -> Cow<'_, str> {
    let is_bidi_control = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if body.contains(is_bidi_control) {
        Cow::Owned(body.chars().filter(|&c| !is_bidi_control(c)).collect())
    } else {
        Cow::Borrowed(body)
    }
}

/// The `<@USER_ID>` mentions in `text`: byte start, byte end and id of each.
pub(super) fn find_mentions(text: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text.get(from..).and_then(|t| t.find("<@")) {
        let start = from + offset;
        let id_start = start + 2;
        let tail = text.get(id_start..).unwrap_or_default();
        let id_len = tail
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        let id = tail.get(..id_len).unwrap_or_default();
        if is_valid_id(id) && tail.as_bytes().get(id_len) == Some(&b'>') {
            let end = id_start + id_len + 1;
            found.push((start, end, id));
            from = end;
        } else {
            from = id_start;
        }
    }
    found
}

/// `s` is 1–64 characters of `[A-Za-z0-9-]`: the shape of user and record ids in links.
pub(super) fn is_valid_id(s: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

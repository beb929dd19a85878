//! A body as plain text without markdown syntax.

use super::MentionResolver;
use super::parse::{comrak_options, find_mentions, parse, without_bidi_controls};
use comrak::Arena;
use comrak::arena_tree::NodeEdge;
use comrak::nodes::NodeValue;

/// The message as plain text without markdown syntax, for notifications and search snippets.
///
/// Blocks end up on their own lines. Mentions read `@Name` when `mentions` knows the user and
/// stay `<@USER_ID>` otherwise. The result is text, not HTML: escape it where HTML is written.
/// A body too complex to parse (see [`RenderLimit::TooComplex`]) is returned as written.
///
/// [`RenderLimit::TooComplex`]: super::RenderLimit::TooComplex
pub fn plain_text(body: &str, mentions: Option<&MentionResolver>) -> String {
    let options = comrak_options();
    let arena = Arena::new();
    let Ok(root) = parse(&arena, body, &options) else {
        return without_bidi_controls(body).into_owned();
    };
    let mut out = String::new();
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => push_plain(&mut out, &node.data.borrow().value, mentions),
            NodeEdge::End(node) => end_plain(&mut out, &node.data.borrow().value),
        }
    }
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// Appends what a node contributes to the plain text when the walk enters it.
fn push_plain(out: &mut String, value: &NodeValue, mentions: Option<&MentionResolver>) {
    match value {
        NodeValue::Text(text) => push_text_with_mentions(out, text, mentions),
        NodeValue::Code(code) => out.push_str(&code.literal),
        NodeValue::CodeBlock(block) => out.push_str(&block.literal),
        // Raw HTML is shown as typed (see `comrak_options`), so it is part of the text.
        NodeValue::HtmlBlock(block) => push_text_with_mentions(out, &block.literal, mentions),
        NodeValue::HtmlInline(html) => out.push_str(html),
        NodeValue::ShortCode(code) => out.push_str(&code.emoji),
        NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\n'),
        _ => {}
    }
}

/// Appends what a node contributes to the plain text when the walk leaves it: blocks end
/// their line, table cells are separated by a space.
fn end_plain(out: &mut String, value: &NodeValue) {
    match value {
        NodeValue::TableCell => out.push(' '),
        value if value.block() && !out.ends_with('\n') => out.push('\n'),
        _ => {}
    }
}

fn push_text_with_mentions(out: &mut String, text: &str, mentions: Option<&MentionResolver>) {
    let mut rest = 0;
    for (start, end, id) in find_mentions(text) {
        if let Some(name) = mentions.and_then(|m| m.name(id)) {
            out.push_str(text.get(rest..start).unwrap_or_default());
            out.push('@');
            out.push_str(name);
            rest = end;
        }
    }
    out.push_str(text.get(rest..).unwrap_or_default());
}

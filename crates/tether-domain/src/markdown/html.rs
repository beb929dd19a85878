//! A body as sanitized HTML: the tree adjusted for a chat message, then the allow-list.

use super::parse::{comrak_options, find_mentions, is_valid_id, parse};
use super::{ALLOWED_TAGS, MAX_HTML_BYTES, MAX_NESTING, MAX_TABLE_CELLS};
use super::{MentionResolver, RenderLimit, Rendered};
use ammonia::UrlRelative;
use comrak::arena_tree::NodeEdge;
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, format_html};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Renders a message body to sanitized HTML and collects the users it mentions, or refuses a
/// body that would cost more than a message may (see [`RenderLimit`]). The work is bounded
/// by the body's length whatever it holds.
pub fn render(body: &str, mentions: &MentionResolver) -> Result<Rendered, RenderLimit> {
    if let Some(html) = plain_line_html(body) {
        return Ok(Rendered {
            html,
            mentioned_user_ids: Vec::new(),
        });
    }
    render_markdown(body, mentions)
}

/// Whether `body` is one line of plain words that markdown leaves as it is: it starts with a
/// letter, ends with no space, and holds only letters, digits, spaces, punctuation that means
/// nothing inline (`, ; ? ! ' - ( ) /`), a `.` that no letter, digit, `-` or `_` follows (so
/// no `www.` link and no address), and a `:` that no `/` follows (no `https://` link) and that
/// opens no known emoji shortcode (`:smile:`; `12:30` and `Note:` stay plain). No block can
/// start such a line (a list, a heading, a quote, code) and nothing in it is escaped. Most chat
/// lines are like this.
pub fn is_plain_line(body: &str) -> bool {
    if !body.chars().next().is_some_and(char::is_alphabetic) || body.ends_with(' ') {
        return false;
    }
    let plain = body.char_indices().all(|(i, c)| {
        let after = &body[i + c.len_utf8()..];
        let next = after.chars().next();
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | ',' | ';' | '?' | '!' | '\'' | '-' | '(' | ')' | '/'
            )
            || (c == '.' && !next.is_some_and(|n| n.is_alphanumeric() || matches!(n, '-' | '_')))
            || (c == ':' && next != Some('/') && !opens_shortcode(after))
    });
    plain
        && !body
            .as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"www."))
}

/// Whether the text after a `:` makes it an emoji shortcode: a name of ASCII letters, digits,
/// `+`, `-` or `_`, a closing `:`, and a name the parser knows (it asks the same table).
fn opens_shortcode(after_colon: &str) -> bool {
    let name = after_colon
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'_'))
        .count();
    name > 0
        && after_colon.as_bytes().get(name) == Some(&b':')
        && emojis::get_by_shortcode(&after_colon[..name]).is_some()
}

/// What [`render_markdown`] makes of a [`is_plain_line`] body, without the parser and the
/// sanitizer: the line as a paragraph (nothing in it needs escaping).
fn plain_line_html(body: &str) -> Option<String> {
    is_plain_line(body).then(|| format!("<p>{body}</p>\n"))
}

/// [`render`] through the parser and the sanitizer, whatever the body holds.
pub(crate) fn render_markdown(
    body: &str,
    mentions: &MentionResolver,
) -> Result<Rendered, RenderLimit> {
    let options = comrak_options();
    let arena = Arena::new();
    let root = parse(&arena, body, &options)?;
    let cells = table_cells(root);
    if cells > MAX_TABLE_CELLS {
        return Err(RenderLimit::TableCells { cells });
    }
    let mentioned_user_ids = prepare_for_html(&arena, root, mentions);
    let mut html = String::new();
    // Writing to a String cannot fail; should comrak still report an error, show nothing
    // rather than half a document.
    if format_html(root, &options, &mut html).is_err() {
        html.clear();
    }
    // Checked before sanitizing too: the sanitizer is the costly part, and it only adds the
    // attributes of links to what comrak wrote.
    if html.len() > MAX_HTML_BYTES {
        return Err(RenderLimit::Html { bytes: html.len() });
    }
    let html = sanitizer().clean(&html).to_string();
    if html.len() > MAX_HTML_BYTES {
        return Err(RenderLimit::Html { bytes: html.len() });
    }
    Ok(Rendered {
        html,
        mentioned_user_ids,
    })
}

/// The cells of all tables under `root`, the ones the parser filled in included.
fn table_cells<'a>(root: &'a AstNode<'a>) -> usize {
    root.descendants()
        .filter_map(|node| match &node.data.borrow().value {
            NodeValue::Table(table) => Some(table.num_columns.saturating_mul(table.num_rows)),
            _ => None,
        })
        .fold(0, usize::saturating_add)
}

/// Adjusts the tree before it becomes HTML and returns the known users it mentions: images
/// become links (a message must not load third-party content when read, which would leak who
/// read it and when), headings become paragraphs (a chat message has no document outline), and
/// known mentions become mention spans.
fn prepare_for_html<'a>(
    arena: &'a Arena<'a>,
    root: &'a AstNode<'a>,
    mentions: &MentionResolver,
) -> Vec<String> {
    flatten_deep_nesting(root);
    let mut mentioned = Vec::new();
    // Collected first: the loop inserts and removes nodes.
    let nodes: Vec<_> = root.descendants().collect();
    for node in nodes {
        let mut data = node.data.borrow_mut();
        match &mut data.value {
            NodeValue::Heading(_) => data.value = NodeValue::Paragraph,
            NodeValue::Image(link) => {
                let link = std::mem::take(link);
                data.value = NodeValue::Link(link);
                drop(data);
                if node
                    .ancestors()
                    .skip(1)
                    .any(|a| matches!(a.data.borrow().value, NodeValue::Link(_)))
                {
                    unwrap_node(node);
                }
            }
            NodeValue::Text(text) if text.contains("<@") => {
                let text = text.to_string();
                drop(data);
                link_mentions(arena, node, &text, mentions, &mut mentioned);
            }
            NodeValue::HtmlBlock(block) => {
                let literal = std::mem::take(&mut block.literal);
                data.value = NodeValue::Paragraph;
                drop(data);
                html_block_as_text(arena, node, &literal, mentions, &mut mentioned);
            }
            _ => {}
        }
    }
    mentioned
}

/// Unwraps the quotes and lists nested deeper than [`MAX_NESTING`], with their items.
fn flatten_deep_nesting<'a>(root: &'a AstNode<'a>) {
    let mut depth = 0;
    let mut too_deep = Vec::new();
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => match node.data.borrow().value {
                NodeValue::BlockQuote | NodeValue::List(_) => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        too_deep.push(node);
                    }
                }
                // An item goes with its list: a list must only hold items.
                NodeValue::Item(_) if depth > MAX_NESTING => too_deep.push(node),
                _ => {}
            },
            NodeEdge::End(node) => {
                if matches!(
                    node.data.borrow().value,
                    NodeValue::BlockQuote | NodeValue::List(_)
                ) {
                    depth -= 1;
                }
            }
        }
    }
    for node in too_deep {
        unwrap_node(node);
    }
}

/// Fills the paragraph `node` with the lines of a raw HTML block as text. Comrak's escaping
/// alone would show them without a paragraph and run the lines together, and users do paste
/// HTML and XML snippets into support chats.
fn html_block_as_text<'a>(
    arena: &'a Arena<'a>,
    node: &'a AstNode<'a>,
    literal: &str,
    mentions: &MentionResolver,
    mentioned: &mut Vec<String>,
) {
    for (i, line) in literal.trim_end_matches(['\r', '\n']).lines().enumerate() {
        if i > 0 {
            node.append(arena.alloc(NodeValue::LineBreak.into()));
        }
        let text = arena.alloc(NodeValue::Text(line.to_owned().into()).into());
        node.append(text);
        link_mentions(arena, text, line, mentions, mentioned);
    }
}

/// Replaces `node` by its children: an image inside a link shows its alt text, since a link
/// inside a link is not HTML.
fn unwrap_node<'a>(node: &'a AstNode<'a>) {
    while let Some(child) = node.first_child() {
        child.detach();
        node.insert_before(child);
    }
    node.detach();
}

/// Splits the text node `node` around the known mentions in `text`, putting a mention span
/// between the pieces, and records the mentioned ids.
fn link_mentions<'a>(
    arena: &'a Arena<'a>,
    node: &'a AstNode<'a>,
    text: &str,
    mentions: &MentionResolver,
    mentioned: &mut Vec<String>,
) {
    let mut rest = 0;
    for (start, end, id) in find_mentions(text) {
        let Some(name) = mentions.name(id) else {
            continue;
        };
        if !mentioned.iter().any(|m| m == id) {
            mentioned.push(id.to_owned());
        }
        let before = text.get(rest..start).unwrap_or_default();
        if !before.is_empty() {
            node.insert_before(arena.alloc(NodeValue::Text(before.to_owned().into()).into()));
        }
        // `id` is [A-Za-z0-9-] only; the name is escaped. Ammonia checks both again.
        let span = format!(
            "<span class=\"mention\" data-user-id=\"{id}\">@{}</span>",
            escape_html(name)
        );
        node.insert_before(arena.alloc(NodeValue::Raw(span).into()));
        rest = end;
    }
    if rest > 0 {
        let after = text.get(rest..).unwrap_or_default().to_owned();
        node.data.borrow_mut().value = NodeValue::Text(after.into());
    }
}

/// Text made safe for HTML text and double-quoted attribute values: the domain's one HTML
/// escaper, comrak's (`"`, `&`, `<`, `>` as entities, NUL as U+FFFD) — the one that already
/// escapes every message's text. The domain's HTML never quotes an attribute with `'`.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a `String` cannot fail.
    let _ = comrak::html::escape(&mut out, s);
    out
}

/// The allow-list that every rendered message passes through last.
fn sanitizer() -> ammonia::Builder<'static> {
    let align = HashMap::from([("align", HashSet::from(["left", "center", "right"]))]);
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(ALLOWED_TAGS.split_whitespace().collect())
        .clean_content_tags(HashSet::from(["script", "style"]))
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("span", HashSet::from(["data-user-id"])),
        ]))
        .tag_attribute_values(HashMap::from([("th", align.clone()), ("td", align)]))
        .allowed_classes(HashMap::from([("span", HashSet::from(["mention"]))]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // Relative links would point into this server's own UI and API; messages link out.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("a", "target", "_blank")
        .attribute_filter(|_element: &str, attribute: &str, value: &str| {
            (attribute != "data-user-id" || is_valid_id(value)).then_some(Cow::Borrowed(value))
        })
        .strip_comments(true);
    builder
}

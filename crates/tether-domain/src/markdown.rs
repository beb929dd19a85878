//! Chat-message markdown (SPEC R16, R17): a message body as sanitized HTML, as plain text, and
//! the records of this server it links to.
//!
//! Bodies are written by one user and shown to others, so everything here treats them as
//! hostile. Rendering has two independent walls: comrak renders markdown with raw HTML escaped
//! (shown as text, never passed through) and dangerous link targets blanked, then ammonia
//! re-parses that output and keeps only an explicit allow-list of tags, attributes and URL
//! schemes. Either wall alone should hold; both run on every message so that a bug in one, or a
//! comrak option switched on later, is not an XSS.
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

use crate::record_type::is_valid_logical_name;
use ammonia::UrlRelative;
use comrak::arena_tree::NodeEdge;
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, format_html, try_parse_document};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

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

/// Renders a message body to sanitized HTML and collects the users it mentions, or refuses a
/// body that would cost more than a message may (see [`RenderLimit`]). The work is bounded
/// by the body's length whatever it holds.
pub fn render(body: &str, mentions: &MentionResolver) -> Result<Rendered, RenderLimit> {
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

/// The message as plain text without markdown syntax, for notifications and search snippets.
///
/// Blocks end up on their own lines. Mentions read `@Name` when `mentions` knows the user and
/// stay `<@USER_ID>` otherwise. The result is text, not HTML: escape it where HTML is written.
/// A body too complex to parse (see [`RenderLimit::TooComplex`]) is returned as written.
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

/// The links of `body` that point to records of the server at `public_url` (R16).
///
/// `public_url` is the server's public base address, such as `https://tether.example/base`.
/// A link counts when it is `<public_url>/records/<type>/<id>`, optionally followed by one `/`,
/// a query or a fragment; scheme and host compare case-insensitively, everything else exactly,
/// so look-alike hosts, userinfo tricks, other ports and extra path segments never match. Links
/// in code are not links. The result is deduplicated by record, in order of first appearance,
/// and holds at most [`MAX_RECORD_LINKS`] links; a body too complex to parse has none.
pub fn extract_record_links(body: &str, public_url: &str) -> Vec<RecordLink> {
    let Some(base) = PublicUrl::parse(public_url) else {
        return Vec::new();
    };
    let options = comrak_options();
    let arena = Arena::new();
    let Ok(root) = parse(&arena, body, &options) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut links = Vec::new();
    for node in root.descendants() {
        let url = match &node.data.borrow().value {
            // Images are shown as links (see `prepare_for_html`), so they link records too.
            NodeValue::Link(link) | NodeValue::Image(link) => link.url.clone(),
            _ => continue,
        };
        let Some((record_type, record_id)) = base.record_of(&url) else {
            continue;
        };
        if seen.insert((record_type.clone(), record_id.clone())) {
            links.push(RecordLink {
                url,
                record_type,
                record_id,
            });
            if links.len() == MAX_RECORD_LINKS {
                break;
            }
        }
    }
    links
}

/// The markdown dialect of chat messages, the same for rendering, plain text and links.
fn comrak_options() -> Options<'static> {
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
fn parse<'a>(
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
fn without_bidi_controls(body: &str) -> Cow<'_, str> {
    let is_bidi_control = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if body.contains(is_bidi_control) {
        Cow::Owned(body.chars().filter(|&c| !is_bidi_control(c)).collect())
    } else {
        Cow::Borrowed(body)
    }
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

/// The `<@USER_ID>` mentions in `text`: byte start, byte end and id of each.
fn find_mentions(text: &str) -> Vec<(usize, usize, &str)> {
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

/// `s` is 1–64 characters of `[A-Za-z0-9-]`: the shape of user and record ids in links.
fn is_valid_id(s: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
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

/// This server's public base address, split for comparing links against it.
struct PublicUrl<'a> {
    scheme: &'a str,
    /// Host and port, as configured.
    authority: &'a str,
    /// Path prefix without a trailing slash, possibly empty.
    path: &'a str,
}

impl<'a> PublicUrl<'a> {
    fn parse(url: &'a str) -> Option<Self> {
        let (scheme, rest) = url.trim().split_once("://")?;
        let rest = rest.trim_end_matches('/');
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let bad_authority = authority.is_empty() || authority.contains(['@', '?', '#', '\\']);
        (!scheme.is_empty() && !bad_authority).then_some(PublicUrl {
            scheme,
            authority,
            path,
        })
    }

    /// `(record type, record id)` when `url` is `<self>/records/<type>/<id>`, optionally
    /// followed by one `/`, then a query or fragment.
    fn record_of(&self, url: &str) -> Option<(String, String)> {
        let (scheme, rest) = url.split_once("://")?;
        if !scheme.eq_ignore_ascii_case(self.scheme) {
            return None;
        }
        let rest = strip_prefix_ignore_ascii_case(rest, self.authority)?;
        // The path must follow the authority at once: a `.`, `:`, `@` or digit here would mean
        // another host, port or userinfo.
        let rest = rest.strip_prefix(self.path)?.strip_prefix("/records/")?;
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        let path = path.strip_suffix('/').unwrap_or(path);
        let (record_type, record_id) = path.split_once('/')?;
        (is_valid_logical_name(record_type) && is_valid_id(record_id))
            .then(|| (record_type.to_owned(), record_id.to_owned()))
    }
}

fn strip_prefix_ignore_ascii_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const PUBLIC: &str = "https://tether.example";

    fn html(body: &str) -> String {
        render(body, &MentionResolver::empty()).unwrap().html
    }

    fn people() -> MentionResolver {
        MentionResolver::new([("u-1", "Dana Ek"), ("u-2", "Olga <b>Berg</b>")])
    }

    #[test]
    fn text_is_escaped_for_html_text_and_double_quoted_attributes() {
        assert_eq!(
            escape_html("<a href=\"x\">'&'</a>\0"),
            "&lt;a href=&quot;x&quot;&gt;'&amp;'&lt;/a&gt;\u{fffd}"
        );
    }

    /// Name and attributes of every tag in serialized HTML. The serializer escapes `<` in text,
    /// so every `<` opens a tag.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut found = Vec::new();
        for piece in html.split('<').skip(1) {
            let mut in_quotes = false;
            let end = piece
                .char_indices()
                .find(|&(_, c)| {
                    in_quotes ^= c == '"';
                    c == '>' && !in_quotes
                })
                .map_or(piece.len(), |(i, _)| i);
            found.push(parse_tag(&piece[..end]));
        }
        found
    }

    fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
        let tag = tag.trim_start_matches('/');
        let name_end = tag
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let mut attrs = Vec::new();
        for part in tag[name_end..].split('"').collect::<Vec<_>>().chunks(2) {
            let name = part[0]
                .trim()
                .trim_end_matches('=')
                .trim()
                .to_ascii_lowercase();
            if !name.is_empty() && name != "/" {
                attrs.push((name, part.get(1).unwrap_or(&"").to_string()));
            }
        }
        (tag[..name_end].to_ascii_lowercase(), attrs)
    }

    /// What no rendered message may ever contain, whatever its body.
    fn assert_safe(input: &str, html: &str) {
        let lower = html.to_ascii_lowercase();
        for bad in [
            "<script", "<img", "<iframe", "<style", "<svg", "<object", "<embed", "<form",
        ] {
            assert!(!lower.contains(bad), "{bad} survived {input:?}: {html}");
        }
        let allowed: Vec<&str> = ALLOWED_TAGS.split_whitespace().collect();
        for (name, attrs) in tags(html) {
            assert!(
                allowed.contains(&name.as_str()),
                "tag {name} survived {input:?}: {html}"
            );
            for (attr, value) in attrs {
                let ok = match (name.as_str(), attr.as_str()) {
                    ("a", "href") => ["http:", "https:", "mailto:"]
                        .iter()
                        .any(|s| value.to_ascii_lowercase().starts_with(s)),
                    ("a", "rel") => value == "noopener noreferrer nofollow",
                    ("a", "target") => value == "_blank",
                    ("span", "class") => value == "mention",
                    ("span", "data-user-id") => is_valid_id(&value),
                    ("th" | "td", "align") => true,
                    _ => false,
                };
                assert!(ok, "{name} {attr}={value:?} survived {input:?}: {html}");
            }
        }
    }

    /// Each entry is hostile; `assert_safe` must hold for all of them.
    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;&#x61;vascript&#x3A;alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x]: javascript:alert(1)\n\n[click][x]",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<style>body{display:none}</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<<script>script>alert(1)<</script>/script>",
        "<scr<script>ipt>alert(1)</script>",
        "<b onmouseover=alert(1)>x</b>",
        "<details open ontoggle=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<form action=https://evil.example><input name=p></form>",
        "<object data=x.swf></object><embed src=x.swf>",
        "<!-- <script>alert(1)</script> -->",
        "![x](http://evil.example/track.png)",
        "![x](javascript:alert(1))",
        "[![x](http://evil.example/a.png)](https://ok.example)",
        "<@id\" onclick=\"x>",
        "<@u-1\" onclick=\"x> and <@u-1>",
        "[x](https://ok.example \"t\\\" onmouseover=\\\"alert(1)\")",
        "<https://ok.example/\" onmouseover=\"alert(1)>",
        "https://ok.example/\"><script>alert(1)</script>",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "| a |\n|---|\n| <script>alert(1)</script> |",
        "\u{202E}gpj.exe <script>",
        "a\0b<script>alert(1)</script>",
        "[x](//evil.example/path)",
        "<table><tr><td onclick=alert(1)>x</td></tr></table>",
    ];

    #[test]
    fn r17_hostile_bodies_render_to_safe_html() {
        assert!(HOSTILE.len() >= 25);
        for input in HOSTILE {
            assert_safe(input, &render(input, &people()).unwrap().html);
        }
    }

    #[test]
    fn r17_raw_html_is_shown_as_text() {
        assert_eq!(html("<b>x</b>"), "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
        assert_eq!(
            html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            html("<div>\n<@u-1> hi\n</div>\n\nnext"),
            "<p>&lt;div&gt;<br>\n&lt;@u-1&gt; hi<br>\n&lt;/div&gt;</p>\n<p>next</p>\n"
        );
        let mentioned = render("<div>\n<@u-1> hi\n</div>", &people()).unwrap();
        assert_eq!(mentioned.mentioned_user_ids, ["u-1"]);
        assert_eq!(
            plain_text("<div>\n<@u-1>\n</div>", Some(&people())),
            "<div>\n@Dana Ek\n</div>"
        );
    }

    #[test]
    fn r17_dangerous_link_targets_lose_their_href() {
        for input in [
            "[x](javascript:alert(1))",
            "[x](data:text/html,hi)",
            "[x](/api/v1/me)",
        ] {
            let out = html(input);
            assert!(
                out.contains(">x</a>") && !out.contains("href"),
                "{input}: {out}"
            );
        }
    }

    #[test]
    fn r17_images_never_load() {
        let out = html("![tracker](http://evil.example/track.png)");
        assert!(!out.contains("<img"));
        assert!(
            out.contains("href=\"http://evil.example/track.png\""),
            "{out}"
        );
        assert!(out.contains(">tracker</a>"));
        let nested = html("[![alt](http://evil.example/a.png)](https://ok.example)");
        assert_eq!(nested.matches("<a ").count(), 1, "{nested}");
        assert!(nested.contains("href=\"https://ok.example\"") && nested.contains("alt</a>"));
    }

    #[test]
    fn r17_formatting_renders() {
        assert!(html("**b**").contains("<strong>b</strong>"));
        assert!(html("*i* _j_").contains("<em>i</em> <em>j</em>"));
        assert!(html("~~s~~").contains("<del>s</del>"));
        assert!(html("- a\n- b").contains("<ul>\n<li>a</li>\n<li>b</li>\n</ul>"));
        assert!(html("1. a\n2. b").contains("<ol>\n<li>a</li>"));
        assert!(html("> q").contains("<blockquote>\n<p>q</p>\n</blockquote>"));
        assert!(html("`c`").contains("<code>c</code>"));
        assert!(html("```\nlet x;\n```").contains("<pre><code>let x;\n</code></pre>"));
        assert!(html("---").contains("<hr>"));
        assert_eq!(html("# Title"), "<p>Title</p>\n");
        let table = html("| a | b |\n|:--|--:|\n| 1 | 2 |");
        assert!(
            table.contains("<table>") && table.contains("<td align=\"right\">2</td>"),
            "{table}"
        );
    }

    #[test]
    fn r17_links_open_in_a_new_tab_without_referrer() {
        let expected = "<a href=\"https://example.com/x\" target=\"_blank\" \
                        rel=\"noopener noreferrer nofollow\">";
        assert!(html("[t](https://example.com/x)").contains(expected));
        assert!(
            html("see https://example.com/x now").contains(expected),
            "bare URLs link"
        );
        assert!(html("<https://example.com/x>").contains(expected));
        assert!(html("mail dana@example.com").contains("href=\"mailto:dana@example.com\""));
    }

    #[test]
    fn r17_shortcodes_become_emoji() {
        assert_eq!(html("done :tada:"), "<p>done 🎉</p>\n");
        assert_eq!(
            html("not :a_real_code_xyz:"),
            "<p>not :a_real_code_xyz:</p>\n"
        );
    }

    #[test]
    fn r17_a_single_newline_is_a_line_break() {
        assert_eq!(html("one\ntwo"), "<p>one<br>\ntwo</p>\n");
        assert_eq!(html("one\n\ntwo"), "<p>one</p>\n<p>two</p>\n");
    }

    #[test]
    fn r17_mentions_render_and_are_collected_once_in_order() {
        let out = render("hi <@u-2> and <@u-1>, <@u-2>!", &people()).unwrap();
        assert_eq!(out.mentioned_user_ids, ["u-2", "u-1"]);
        assert!(
            out.html
                .contains("<span class=\"mention\" data-user-id=\"u-1\">@Dana Ek</span>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("@Olga &lt;b&gt;Berg&lt;/b&gt;</span>"),
            "names are text"
        );
        assert_eq!(out.html.matches("data-user-id=\"u-2\"").count(), 2);
    }

    #[test]
    fn r17_unknown_and_malformed_mentions_stay_text() {
        let out = render("<@nobody> <@> <@u_1> <@u-1", &people()).unwrap();
        assert!(out.mentioned_user_ids.is_empty());
        assert!(!out.html.contains("<span"));
        assert!(out.html.contains("&lt;@nobody&gt;"));
        let long = format!("<@{}>", "a".repeat(65));
        let people = MentionResolver::new([("a".repeat(65), "Long")]);
        assert!(
            render(&long, &people)
                .unwrap()
                .mentioned_user_ids
                .is_empty()
        );
    }

    #[test]
    fn r17_mentions_in_code_do_not_count() {
        let out = render("`<@u-1>`\n\n```\n<@u-2>\n```", &people()).unwrap();
        assert!(out.mentioned_user_ids.is_empty());
        assert!(!out.html.contains("<span"));
    }

    #[test]
    fn r17_mentions_work_inside_formatting_and_links() {
        let out = render("**<@u-1>** > [<@u-2>](https://example.com)", &people()).unwrap();
        assert_eq!(out.mentioned_user_ids, ["u-1", "u-2"]);
        assert!(out.html.contains("<strong><span class=\"mention\""));
    }

    #[test]
    fn r17_plain_text_drops_markdown() {
        let body = "**Hi** <@u-1>, see [the case](https://x.example) :tada:\n\n- `a`\n- ~~b~~";
        assert_eq!(
            plain_text(body, Some(&people())),
            "Hi @Dana Ek, see the case 🎉\na\nb"
        );
        assert_eq!(plain_text("hi <@u-1>", None), "hi <@u-1>");
        assert_eq!(plain_text("hi <@zz>", Some(&people())), "hi <@zz>");
        assert_eq!(
            plain_text("<b>x</b>\n# T\none\ntwo", None),
            "<b>x</b>\nT\none\ntwo"
        );
        assert_eq!(
            plain_text("| a | b |\n|---|---|\n| 1 | 2 |", None),
            "a b\n1 2"
        );
    }

    #[test]
    fn bidi_controls_are_removed() {
        assert_eq!(html("a\u{202E}b\u{2066}c"), "<p>abc</p>\n");
        assert_eq!(plain_text("a\u{202E}b", None), "ab");
    }

    /// A table of `columns` columns whose `rows` body rows hold one short word each: the parser
    /// fills in the rest of every row.
    fn padded_table(columns: usize, rows: usize) -> String {
        "|a".repeat(columns) + "\n" + &"|-".repeat(columns) + "\n" + &"x\n".repeat(rows)
    }

    /// A table of `columns` columns and `rows` body rows, every cell written out.
    fn full_table(columns: usize, rows: usize) -> String {
        "|a".repeat(columns)
            + "\n"
            + &"|-".repeat(columns)
            + "\n"
            + &("|x".repeat(columns) + "\n").repeat(rows)
    }

    #[test]
    fn r17_tables_may_have_up_to_the_cell_limit() {
        // 100 columns × (1 header + 99 rows) is exactly the limit; one row more is refused,
        // and so are the same cells filled in by the parser.
        let at_limit = render(&full_table(100, 99), &people()).unwrap();
        assert_eq!(at_limit.html.matches("<td").count(), 99 * 100);
        assert_eq!(
            render(&full_table(100, 100), &people()),
            Err(RenderLimit::TableCells { cells: 10_100 })
        );
        assert!(render(&padded_table(100, 100), &people()).is_err());
        // Every table of the message counts.
        let two = full_table(100, 49) + "\n" + &full_table(100, 49);
        assert!(render(&two, &people()).is_ok());
        let three = two.clone() + "\n" + &full_table(1, 1);
        assert_eq!(
            render(&three, &people()),
            Err(RenderLimit::TableCells { cells: 10_002 })
        );
    }

    #[test]
    fn r17_render_limits_name_the_limit() {
        let cells = RenderLimit::TableCells { cells: 10_100 }.to_string();
        assert!(
            cells.contains("10100 cells") && cells.contains("limit is 10000"),
            "{cells}"
        );
        let html = RenderLimit::Html { bytes: 300_000 }.to_string();
        assert!(
            html.contains("293 KiB") && html.contains("limit is 256 KiB"),
            "{html}"
        );
        let complex = RenderLimit::TooComplex { steps: 9 }.to_string();
        assert!(complex.contains("limit is 16 a byte"), "{complex}");
    }

    #[test]
    fn r17_the_rendered_html_is_bounded() {
        // A member whose name escapes to 500 bytes, mentioned over and over.
        let amp = MentionResolver::new([("u-1", "&".repeat(100))]);
        let few = render(&"<@u-1> ".repeat(100), &amp).unwrap();
        assert!(few.html.len() > 50_000 && few.html.len() <= MAX_HTML_BYTES);
        let many = render(&"<@u-1> ".repeat(4_000), &amp);
        assert!(
            matches!(many, Err(RenderLimit::Html { bytes }) if bytes > MAX_HTML_BYTES),
            "{many:?}"
        );
    }

    #[test]
    fn r17_parse_work_is_bounded_by_the_body_length() {
        // Each line makes the parser fill in 5,000 cells: 90 steps a byte.
        let bomb = padded_table(5_000, 1_500).replace("x\n", "a\n");
        assert!(matches!(
            render(&bomb, &people()),
            Err(RenderLimit::TooComplex { .. })
        ));
        // What cannot be parsed has no record links, and its plain text is the body.
        assert!(extract_record_links(&bomb, PUBLIC).is_empty());
        assert_eq!(plain_text(&bomb, None), bomb);
    }

    fn links(body: &str, public: &str) -> Vec<(String, String)> {
        extract_record_links(body, public)
            .into_iter()
            .map(|l| (l.record_type, l.record_id))
            .collect()
    }

    fn one(ty: &str, id: &str) -> Vec<(String, String)> {
        vec![(ty.to_owned(), id.to_owned())]
    }

    #[test]
    fn r16_record_links_are_found_in_every_link_form() {
        for body in [
            "see https://tether.example/records/case/01J-ABC please",
            "see [the case](https://tether.example/records/case/01J-ABC)",
            "see <https://tether.example/records/case/01J-ABC>",
            "https://tether.example/records/case/01J-ABC/",
            "https://tether.example/records/case/01J-ABC?tab=chats",
            "https://tether.example/records/case/01J-ABC/?tab=chats",
            "https://tether.example/records/case/01J-ABC#note",
            "HTTPS://TETHER.EXAMPLE/records/case/01J-ABC",
            "(https://tether.example/records/case/01J-ABC).",
            "[ref]\n\n[ref]: https://tether.example/records/case/01J-ABC",
        ] {
            assert_eq!(links(body, PUBLIC), one("case", "01J-ABC"), "{body}");
        }
    }

    #[test]
    fn r16_record_links_keep_the_url_as_written() {
        let body = "[x](https://Tether.example/records/case/1?a=b#c)";
        let found = extract_record_links(body, PUBLIC);
        assert_eq!(found[0].url, "https://Tether.example/records/case/1?a=b#c");
    }

    #[test]
    fn r16_record_links_respect_path_prefix_and_port() {
        let base = "https://tether.example/base";
        assert_eq!(
            links("https://tether.example/base/records/case/1", base),
            one("case", "1")
        );
        assert!(links("https://tether.example/records/case/1", base).is_empty());
        assert!(links("https://tether.example/basement/records/case/1", base).is_empty());
        assert!(links("https://tether.example/base/../records/case/1", base).is_empty());
        let local = "http://127.0.0.1:8080";
        assert_eq!(
            links("http://127.0.0.1:8080/records/account/7", local),
            one("account", "7")
        );
        for other in [
            "http://127.0.0.1/",
            "http://127.0.0.1:8081/",
            "http://127.0.0.1:80801/",
        ] {
            assert!(
                links(&format!("{other}records/account/7"), local).is_empty(),
                "{other}"
            );
        }
    }

    #[test]
    fn r16_look_alike_links_are_not_record_links() {
        let long_id = "a".repeat(65);
        for url in [
            "https://tether.example.evil.com/records/case/1",
            "https://evil.com/https://tether.example/records/case/1",
            "https://evil.com/?u=https://tether.example/records/case/1",
            "https://tether.example@evil.com/records/case/1",
            "https://evil.com@tether.example/records/case/1",
            "https://tether.example\\@evil.com/records/case/1",
            "https://tether.example:8443/records/case/1",
            "http://tether.example/records/case/1",
            "https://tether.example/records/case",
            "https://tether.example/records/case/",
            "https://tether.example/records/case//",
            "https://tether.example/records/case/1/extra",
            "https://tether.example/records/case%2F1",
            "https://tether.example/records/case/1%2Fx",
            "https://tether.example/records/Case/1",
            "https://tether.example/records/c/1",
            "https://tether.example/records/case/a_b",
            &format!("https://tether.example/records/case/{long_id}"),
            "https://tether.example/record/case/1",
            "https://tether.example//records/case/1",
            "javascript://tether.example/records/case/1",
        ] {
            assert!(links(&format!("[x]({url})"), PUBLIC).is_empty(), "{url}");
            assert!(links(&format!("<{url}>"), PUBLIC).is_empty(), "{url}");
        }
        assert!(
            links(
                "[x](javascript:alert('https://tether.example/records/case/1'))",
                PUBLIC
            )
            .is_empty()
        );
    }

    #[test]
    fn r16_links_in_code_are_not_cards() {
        let body = "`https://tether.example/records/case/1`\n\n```\nhttps://tether.example/records/case/2\n```";
        assert!(links(body, PUBLIC).is_empty());
    }

    #[test]
    fn r16_record_links_are_deduplicated_ordered_and_capped() {
        let body = "https://tether.example/records/case/2 https://tether.example/records/case/1 \
                    [again](https://tether.example/records/case/2/) https://tether.example/records/account/2";
        assert_eq!(
            links(body, PUBLIC),
            [one("case", "2"), one("case", "1"), one("account", "2")].concat()
        );
        let many: String = (0..15)
            .map(|i| format!("{PUBLIC}/records/case/{i}\n"))
            .collect();
        let found = links(&many, PUBLIC);
        assert_eq!(found.len(), MAX_RECORD_LINKS);
        assert_eq!(found[9], ("case".to_owned(), "9".to_owned()));
    }

    #[test]
    fn r16_a_malformed_public_url_matches_nothing() {
        for base in ["", "tether.example", "https://", "https://a@b"] {
            assert!(
                links("https://tether.example/records/case/1", base).is_empty(),
                "{base}"
            );
        }
        let trailing = links(
            "https://tether.example/records/case/1",
            "https://tether.example/",
        );
        assert_eq!(trailing, one("case", "1"));
    }
}

//! The links of a body that point to records of this server (R16).

use super::parse::{comrak_options, is_valid_id, parse};
use super::{MAX_RECORD_LINKS, RecordLink};
use crate::record_type::is_valid_logical_name;
use comrak::Arena;
use comrak::nodes::NodeValue;
use std::collections::HashSet;

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
    if !may_link_records(body) {
        return Vec::new();
    }
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

/// Whether `body` can hold a record link at all, without parsing it: a link's path must read
/// `/records/` exactly, and the parser turns only character references (`&#114;`) and
/// backslash escapes (`\/`) into other characters, and a letter cannot be backslash-escaped.
/// So a body with neither `records` nor `&` links no record. Most messages link none, and
/// are then spared the parse wherever they are listed or delivered.
pub fn may_link_records(body: &str) -> bool {
    body.contains("records") || body.contains('&')
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

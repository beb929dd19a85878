//! The HTML safety check shared by the hostile-markdown tests and the fuzz targets
//! (`fuzz/fuzz_targets/*.rs` include this file): what may survive the sanitizer, and what a
//! record link extracted from a message must look like.

use tether_domain::markdown::{MAX_RECORD_LINKS, RecordLink};

pub const ALLOWED_TAGS: &str = "p br strong em del s ul ol li blockquote code pre a span \
                            table thead tbody tr th td hr";

/// Name and attributes of every tag in serialized HTML. The serializer escapes `<` in text,
/// so every `<` opens a tag; `>` may appear inside quoted attribute values.
pub fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
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
        let tag = piece[..end].trim_start_matches('/');
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
        found.push((tag[..name_end].to_ascii_lowercase(), attrs));
    }
    found
}

/// Why `html` is unsafe, or `None`: only allow-listed tags, and on them only the attributes
/// and values the sanitizer policy allows (no event handlers, styles or script URLs).
pub fn unsafe_reason(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", "<img", "<iframe", "<style", "<svg", "<math", "<object", "<embed",
    ] {
        if lower.contains(bad) {
            return Some(format!("{bad} survived"));
        }
    }
    for (name, attrs) in tags(html) {
        if !ALLOWED_TAGS.split_whitespace().any(|t| t == name) {
            return Some(format!("tag <{name}> survived"));
        }
        for (attr, value) in attrs {
            let value_lower = value.to_ascii_lowercase();
            let ok = match (name.as_str(), attr.as_str()) {
                ("a", "href") => ["http:", "https:", "mailto:"]
                    .iter()
                    .any(|s| value_lower.starts_with(s)),
                ("a", "rel") => value == "noopener noreferrer nofollow",
                ("a", "target") => value == "_blank",
                ("span", "class") => value == "mention",
                ("span", "data-user-id") => value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                ("th" | "td", "align") => ["left", "center", "right"].contains(&value.as_str()),
                _ => false,
            };
            if !ok || attr.starts_with("on") {
                return Some(format!("<{name} {attr}={value:?}> survived"));
            }
        }
    }
    None
}

/// Why `links`, extracted for the server at `public`, break R16, or `None`: at most
/// [`MAX_RECORD_LINKS`], each under `public` (scheme and host in any case) as
/// `/records/<type>/<id>`, and no record twice.
pub fn bad_record_link(links: &[RecordLink], public: &str) -> Option<String> {
    if links.len() > MAX_RECORD_LINKS {
        return Some(format!(
            "{} links, more than {MAX_RECORD_LINKS}",
            links.len()
        ));
    }
    for (i, link) in links.iter().enumerate() {
        let head = link.url.get(..public.len()).unwrap_or_default();
        if !head.eq_ignore_ascii_case(public) {
            return Some(format!("{} is not under {public}", link.url));
        }
        let rest = link.url.get(public.len()..).unwrap_or_default();
        let expected = format!("/records/{}/{}", link.record_type, link.record_id);
        if !rest.starts_with(&expected) {
            return Some(format!("{} does not name {expected}", link.url));
        }
        let key = (&link.record_type, &link.record_id);
        if links[..i]
            .iter()
            .any(|l| (&l.record_type, &l.record_id) == key)
        {
            return Some(format!("{} repeats an earlier record", link.url));
        }
    }
    None
}

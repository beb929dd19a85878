//! Where a browser may be sent after sign-in (`/login?next=…`): only to a path of this site,
//! never to another one (no open redirect).
//!
//! `next` is parsed as what RFC 3986 calls an absolute path with an optional query and
//! fragment: a `/`, then only the characters such a path may hold, with `%` only as a
//! percent-encoding. Everything a browser would read as another site, or would rewrite into
//! one, is refused: `//host` and `/\host` (a browser treats `\` as `/`), tabs and line breaks
//! (a browser drops them, so `/\t/evil.example` becomes `//evil.example`), any other control
//! character, spaces, non-ASCII text (browsers send it percent-encoded anyway), and schemes
//! (`https:`, `javascript:` cannot start with `/`). The web UI's `assets/js/next.js` applies the
//! same rule in the browser.

/// `next` when it is a path of this site, else `/`.
pub fn after_sign_in(next: Option<&str>) -> &str {
    match next {
        Some(path) if is_same_origin_path(path) => path,
        _ => "/",
    }
}

/// Whether `s` is `/`, then RFC 3986 path characters, then optionally `?query` and `#fragment`,
/// and cannot be read as an address of another site.
pub fn is_same_origin_path(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'/') || matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    let mut fragments = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            b'#' => fragments += 1,
            b if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b) => {}
            _ => return false,
        }
        i += 1;
    }
    fragments <= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Inputs shared with the browser's copy of the rule (`tests/it/login_next.rs` runs them
    /// through `assets/js/next.js` too).
    #[test]
    fn only_paths_of_this_site_are_followed() {
        for ok in [
            "/",
            "/records/case/0190a1b2c3d4",
            "/chats?x=1&y=2",
            "/records/case/x%3Ftab%3D1",
            "/search?q=printer#results",
            "/a/../b",
            "/%2F/still-a-path",
        ] {
            assert_eq!(after_sign_in(Some(ok)), ok, "{ok:?}");
        }
        for bad in [
            "",
            "//evil.example/",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r/x",
            "/ /evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/x\\y",
            "/\u{0}x",
            "/\u{7f}x",
            "/caf\u{e9}",
            "/\u{ff0f}evil.example",
            "/%zz",
            "/%4",
            "/a#b#c",
            "/<script>",
            "/\"onload",
        ] {
            assert_eq!(after_sign_in(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(after_sign_in(None), "/");
    }

    proptest! {
        /// Whatever is accepted starts with one `/`, is printable ASCII without spaces or
        /// backslashes, and so is a valid header value a browser resolves on this site.
        #[test]
        fn whatever_is_accepted_is_a_plain_local_path(s in "\\PC{0,24}", t in "[/\\\\\t\n %a-z:.#?]{0,12}") {
            for input in [s.as_str(), t.as_str(), &format!("/{t}"), &format!("/{s}")] {
                let out = after_sign_in(Some(input));
                prop_assert!(out.starts_with('/'));
                prop_assert!(!out.starts_with("//") && !out.starts_with("/\\"));
                prop_assert!(out.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'), "{out:?}");
            }
        }
    }
}

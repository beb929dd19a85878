//! Any message body renders without panicking, either to HTML that passes the same safety
//! check as the hostile-markdown tests (only allow-listed tags and attributes, no script URLs)
//! and stays within the size limit, or to a refusal naming a limit; and it turns into plain
//! text without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tether_domain::markdown::{MAX_HTML_BYTES, MentionResolver, plain_text, render};

#[path = "../../crates/tether-domain/tests/safety/mod.rs"]
mod safety;

fuzz_target!(|body: &str| {
    let people = MentionResolver::new([("u-1", "Dana \"Ek\" <script>"), ("u-2", "Olga Berg")]);
    if let Ok(out) = render(body, &people) {
        if let Some(why) = safety::unsafe_reason(&out.html) {
            panic!("{why} for {body:?}:\n{}", out.html);
        }
        assert!(out.html.len() <= MAX_HTML_BYTES, "{} bytes", out.html.len());
    }
    let _ = plain_text(body, Some(&people));
});

//! Any message body renders without panicking to HTML that passes the same safety check as the
//! hostile-markdown tests (only allow-listed tags and attributes, no script URLs), and turns
//! into plain text without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tether_domain::markdown::{MentionResolver, plain_text, render};

#[path = "../../crates/tether-domain/tests/safety/mod.rs"]
mod safety;

fuzz_target!(|body: &str| {
    let people = MentionResolver::new([("u-1", "Dana \"Ek\" <script>"), ("u-2", "Olga Berg")]);
    let out = render(body, &people);
    if let Some(why) = safety::unsafe_reason(&out.html) {
        panic!("{why} for {body:?}:\n{}", out.html);
    }
    let _ = plain_text(body, Some(&people));
});

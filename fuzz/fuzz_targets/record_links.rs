//! Any text yields record links (R16) only of this server's records, as many as allowed, each
//! record once. The first line of the input is also tried as the server's public URL, so odd
//! bases (userinfo, ports, unicode hosts, no scheme) are explored too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tether_domain::markdown::extract_record_links;

#[path = "../../crates/tether-domain/tests/safety/mod.rs"]
mod safety;

fuzz_target!(|text: &str| {
    let (first, body) = text.split_once('\n').unwrap_or(("", text));
    for public in ["https://tether.example/base", "http://127.0.0.1:8080", first] {
        let links = extract_record_links(body, public);
        if let Some(why) = safety::bad_record_link(&links, public) {
            panic!("{why} for base {public:?} and body {body:?}");
        }
    }
});

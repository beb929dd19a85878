//! Record links (R16).

use super::*;

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

#[test]
fn r16_record_links_spelled_with_references_or_escapes_are_still_found() {
    // The parser decodes these before the link is compared, so the cheap check that skips
    // bodies without `records` must let them through.
    for body in [
        "[x](https://tether.example/&#114;ecords/case/1)",
        "[x](https://tether.example/rec&#111;rds/case/1)",
        "[x](https://tether.example\\/records\\/case/1)",
    ] {
        assert_eq!(links(body, PUBLIC), one("case", "1"), "{body}");
    }
    assert!(links("no link to any record here", PUBLIC).is_empty());
}

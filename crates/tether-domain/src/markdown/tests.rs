use super::parse::is_valid_id;
use super::*;

mod links;

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
fn r17_only_short_bodies_without_tables_count_as_quick_to_render() {
    assert!(renders_quickly("Hej! Kan du titta på ärendet?"));
    assert!(renders_quickly(&"a".repeat(QUICK_RENDER_BYTES)));
    assert!(renders_quickly(""));
    // Longer bodies with markup, and bodies that may hold a table however short, are not
    // vouched for.
    assert!(!renders_quickly(
        &"*a*\n".repeat(QUICK_RENDER_BYTES / 4 + 1)
    ));
    assert!(!renders_quickly("|a|b|\n|-|-|\n|1|2|"));
    assert!(!renders_quickly("x|"));
    // Bytes, not characters: 129 two-byte letters are past the limit.
    assert!(!renders_quickly(&"_ä".repeat(QUICK_RENDER_BYTES / 3 + 1)));
    // A plain line of any length is copied, not parsed, by the renderer; other readers parse
    // it, so it does not parse quickly.
    let long_plain = "Hej på dig. ".repeat(2_000);
    assert!(renders_quickly(long_plain.trim_end()));
    assert!(!parses_quickly(long_plain.trim_end()));
    assert!(parses_quickly("Hej! Kan du titta på ärendet?"));
}

#[test]
fn r17_plain_lines_are_told_apart_from_markup() {
    for plain in [
        "Hej! Kan du titta på ärendet?",
        "Customer called again about the invoice; can someone look (before noon)?",
        "Note: the order is late, see the follow-up/reply.",
        "Done.",
        "Vänta lite, jag kollar: ",
        "Mötet 12:30 flyttas",
        "tbench:12: a chat line",
        "what about ::",
    ] {
        let plain = plain.trim_end();
        assert!(is_plain_line(plain), "{plain}");
    }
    for markup in [
        "",
        " leading space",
        "trailing space ",
        "1. a list",
        "- a list",
        "# heading",
        "> quote",
        "two\nlines",
        "see www.example.com",
        "mail dana@example.com",
        "visit https://example.com",
        "a :smile: here",
        "tbench:1234: x",
        "a:+1: b",
        "see https://x",
        "www-ish www.",
        "a.-b",
        "half *bold*",
        "a_b_c",
        "a `code` span",
        "x &amp; y",
        "x < y",
        "x \\ y",
        "~gone~",
        "[link](x)",
        "ping <@u-1>",
        "e.g. this",
        "non\u{a0}breaking",
        "tab\there",
        "a | b",
        "\"quoted\"",
    ] {
        assert!(!is_plain_line(markup), "{markup:?}");
    }
}

/// A small deterministic generator (xorshift), so the comparison below is the same every run.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn r17_a_plain_line_renders_as_the_full_pipeline_renders_it() {
    // Every character a plain line may hold, and the ones that make markup, mixed at random:
    // wherever the shortcut applies, its HTML must be byte for byte the parser's and the
    // sanitizer's.
    const ALPHABET: &[char] = &[
        'a', 'b', 'w', 'Z', 'å', 'Ä', 'ö', 'é', 'ß', 'ж', '中', '1', '0', '٣', ' ', ' ', ' ', ',',
        ';', '?', '!', '\'', '-', '(', ')', '/', '.', '.', ':', ':', '*', '_', '`', '~', '&', '<',
        '>', '"', '\\', '[', ']', '#', '|', '@', '+', '=', '\n', '\u{a0}', '\t', '^', '%',
    ];
    let mut seed = 0x5eed_1234_abcd_0001_u64;
    let (mut plain, mut compared) = (0, 0);
    let mut bodies: Vec<String> = vec![
        "Hej! Kan du titta på ärendet?".into(),
        "Note: www. is not a link".into(),
        "wait www.".into(),
        "a.b".into(),
        "Ok: ".into(),
        "smile :smile:".into(),
        "no:smile:here".into(),
        "count:1234:".into(),
        "12:30 och 13:45".into(),
        "tbench:99: Customer called again about the invoice; can someone look?".into(),
        "wait www.-x".into(),
        "x.-y".into(),
    ];
    for _ in 0..30_000 {
        let len = 1 + (xorshift(&mut seed) % 24) as usize;
        let mut body = String::new();
        for _ in 0..len {
            let c = ALPHABET[(xorshift(&mut seed) % ALPHABET.len() as u64) as usize];
            body.push(c);
        }
        bodies.push(body);
    }
    for body in bodies {
        compared += 1;
        let full = super::html::render_markdown(&body, &MentionResolver::empty());
        if is_plain_line(&body) {
            plain += 1;
            assert_eq!(
                render(&body, &MentionResolver::empty()).map(|r| r.html),
                full.map(|r| r.html),
                "{body:?}"
            );
        }
    }
    // The generator must reach the shortcut often enough to mean something.
    assert!(
        plain > 500,
        "only {plain} of {compared} bodies were plain lines"
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

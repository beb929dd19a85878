//! The HTML the server writes into messages: a system message's paragraph and the R10
//! introduction card. Both are askama templates (`templates/system_message.html`,
//! `templates/intro_card.html`), so their values pass through the same HTML escaper as the
//! pages'; the HTML is stored with the message and sent to every client as it is.

use askama::Template;
use serde_json::Value;
use tether_domain::collab::CardField;
use tether_store::chats::SystemMessage;

/// A system message's HTML: its English sentence as one paragraph.
#[derive(Template)]
#[template(path = "system_message.html")]
pub struct SystemMessageHtml<'a> {
    pub text: &'a str,
}

impl SystemMessageHtml<'_> {
    /// The paragraph. A template over a `&str` cannot fail to render (askama fails only where a
    /// value's `Display` does, and writing to a `String` never fails), so this needs no error
    /// path.
    pub fn html(text: &str) -> String {
        SystemMessageHtml { text }.to_string()
    }
}

/// The HTML of an introduction card: the record's link and title, then its configured fields.
#[derive(Template)]
#[template(path = "intro_card.html")]
pub struct IntroCardHtml<'a> {
    /// The record's address.
    pub url: &'a str,
    /// The record's number and name.
    pub title: &'a str,
    pub fields: &'a [CardField],
}

/// A system message with plain text and its escaped HTML.
pub fn system_message(
    actor: Option<&tether_domain::UserId>,
    text: String,
    data: Value,
) -> SystemMessage {
    let html = SystemMessageHtml::html(&text);
    SystemMessage {
        kind: "system",
        actor_id: actor.cloned(),
        text,
        html,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'y'";
    const ESCAPED: &str = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;";

    fn field(label: &str, value: &str) -> CardField {
        CardField {
            name: "f".into(),
            label: label.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_system_message_is_one_paragraph() {
        assert_eq!(
            SystemMessageHtml::html("Bo Lind renamed the chat to Printers"),
            "<p>Bo Lind renamed the chat to Printers</p>"
        );
    }

    /// The sentence holds people's and chats' names: escaped.
    #[test]
    fn a_system_message_escapes_names() {
        let text = format!("{HOSTILE} renamed the chat to {HOSTILE}");
        assert_eq!(
            SystemMessageHtml::html(&text),
            format!("<p>{ESCAPED} renamed the chat to {ESCAPED}</p>")
        );
    }

    #[test]
    fn r10_an_intro_card_links_the_record_and_lists_its_fields() {
        let fields = [field("Priority", "High"), field("Owner", "Bo Lind")];
        let html = IntroCardHtml {
            url: "https://t.example/records/case/R1?a=1&b=2",
            title: "CAS-00001 Printer jams",
            fields: &fields,
        }
        .render()
        .unwrap_or_default();
        assert_eq!(
            html,
            "<div class=\"intro-card\"><p><a href=\"https://t.example/records/case/R1?a=1&#38;b=2\">\
             CAS-00001 Printer jams</a></p><dl><dt>Priority</dt><dd>High</dd>\
             <dt>Owner</dt><dd>Bo Lind</dd></dl></div>"
        );
        let empty = IntroCardHtml {
            url: "/r",
            title: "T",
            fields: &[],
        };
        assert_eq!(
            empty.render().unwrap_or_default(),
            "<div class=\"intro-card\"><p><a href=\"/r\">T</a></p><dl></dl></div>"
        );
    }

    /// The record's title, the field labels (set by administrators) and values (set by users)
    /// and the address are escaped.
    #[test]
    fn r10_an_intro_card_escapes_every_value() {
        let fields = [field(HOSTILE, HOSTILE)];
        let html = IntroCardHtml {
            url: HOSTILE,
            title: HOSTILE,
            fields: &fields,
        }
        .render()
        .unwrap_or_default();
        assert_eq!(
            html,
            format!(
                "<div class=\"intro-card\"><p><a href=\"{ESCAPED}\">{ESCAPED}</a></p>\
                 <dl><dt>{ESCAPED}</dt><dd>{ESCAPED}</dd></dl></div>"
            )
        );
    }
}

//! Record-link cards (SPEC R16): what a message's link to a record of this server shows to one
//! viewer. Computed for each viewer when read: a reader of the record gets the application
//! name, the type's display name, the record's title and a few key fields; anyone else gets the
//! bare link and nothing of the record.

use crate::collab::{CardField, display_value, field_label};
use crate::markdown::escape_html;
use crate::record::RecordState;
use crate::record_type::RecordTypeDef;
use crate::settings::RecordTypeSettings;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The application name cards show.
pub const APP_NAME: &str = "Tether";

/// A card under a message, for one viewer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Card {
    Record {
        url: String,
        app: String,
        record_type: String,
        /// The record's type (logical name) and id, for clients that link to it.
        #[serde(rename = "type")]
        type_name: String,
        id: String,
        title: String,
        fields: Vec<CardField>,
        /// Where the record lives in the system it is synced from (issue 19), when that system
        /// gave its address: a card links back to the host's ticket. Only on a reader's card.
        #[serde(skip_serializing_if = "Option::is_none")]
        external: Option<CardExternal>,
    },
    Link {
        url: String,
    },
}

/// The host system's address of a synced record, on its card.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardExternal {
    /// The system's name as the integration gives it (`zendesk`).
    pub source: String,
    pub url: String,
}

/// What a card shows of a record the viewer may read.
pub struct CardSource<'a> {
    pub def: &'a RecordTypeDef,
    pub settings: &'a RecordTypeSettings,
    pub id: &'a str,
    pub number: Option<&'a str>,
    pub name: &'a str,
    pub fields: &'a BTreeMap<String, Value>,
    pub state: RecordState,
    pub owner_name: &'a str,
    /// The host system and its address of the record, when it is synced from one with a URL.
    pub external: Option<(&'a str, &'a str)>,
}

/// Most key fields on a card.
pub const CARD_FIELDS: usize = 3;

/// The card of a readable record: the title is the number and name, the key fields are the
/// first intro-card fields of the type (up to three), then the state.
pub fn record_card(url: &str, src: &CardSource<'_>) -> Card {
    let title = match src.number {
        Some(n) => format!("{n} {}", src.name),
        None => src.name.to_owned(),
    };
    let none = BTreeMap::new();
    let mut fields: Vec<CardField> = src
        .settings
        .intro_message
        .fields
        .iter()
        .filter(|f| f.as_str() != crate::record_type::NUMBER_FIELD && f.as_str() != "state")
        .take(CARD_FIELDS)
        .map(|f| {
            let value = if f == "owner" {
                src.owner_name.to_owned()
            } else {
                display_value(src.def, f, src.fields.get(f), &none)
            };
            CardField {
                name: f.clone(),
                label: field_label(src.def, f),
                value,
            }
        })
        .collect();
    fields.push(CardField {
        name: "state".into(),
        label: "State".into(),
        value: src.state.label().to_owned(),
    });
    Card::Record {
        url: url.to_owned(),
        app: APP_NAME.into(),
        record_type: src.def.display_name.clone(),
        type_name: src.def.name.clone(),
        id: src.id.to_owned(),
        title,
        fields,
        external: src.external.map(|(source, url)| CardExternal {
            source: source.to_owned(),
            url: url.to_owned(),
        }),
    }
}

/// The card of a record link the viewer may not open, or that names no record.
pub fn link_card(url: &str) -> Card {
    Card::Link {
        url: url.to_owned(),
    }
}

/// What a chat member who cannot read an introduced record sees of its introduction card (R10,
/// computed per viewer like R16's cards): that a record was introduced and the bare link, none
/// of the record's name or field values.
#[derive(Clone, Debug, PartialEq)]
pub struct HiddenIntro {
    /// Plain text of the message.
    pub body: String,
    /// The message's HTML (escaped here; the link is the record's own address).
    pub html: String,
    /// The message's `data`: a bare link card.
    pub data: Value,
}

/// The sentence a viewer without read access sees in place of an introduction card.
pub const HIDDEN_INTRO_TEXT: &str = "A record was introduced. You can't open it.";

/// The introduction as a viewer who cannot read the record sees it.
pub fn hidden_intro(url: &str) -> HiddenIntro {
    HiddenIntro {
        body: HIDDEN_INTRO_TEXT.to_owned(),
        html: format!(
            "<div class=\"intro-card intro-hidden\"><p>{}</p><p><a href=\"{}\">{}</a></p></div>",
            escape_html(HIDDEN_INTRO_TEXT),
            escape_html(url),
            escape_html(url)
        ),
        data: serde_json::json!({ "card": { "kind": "link", "url": url }, "hidden": true }),
    }
}

/// The record an introduction card (its stored `data`) is about: `(type, id, url)`.
pub fn intro_record(data: &Value) -> Option<(&str, &str, &str)> {
    let card = data.get("card")?;
    Some((
        card.get("type")?.as_str()?,
        card.get("id")?.as_str()?,
        card.get("url")?.as_str()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record_type::standard_record_types;
    use serde_json::json;

    #[test]
    fn r10_hidden_intro_names_no_field_and_escapes_the_link() {
        let data = json!({"card": {"kind": "record", "type": "case", "id": "R1", "url": "https://t.example/records/case/R1", "title": "CAS-1 Secret printer", "fields": [{"name": "priority", "label": "Priority", "value": "High"}]}});
        let (ty, id, url) = intro_record(&data).expect("an intro names its record");
        assert_eq!((ty, id), ("case", "R1"));
        let h = hidden_intro(url);
        let all = format!("{} {} {}", h.body, h.html, h.data);
        assert!(!all.contains("Secret") && !all.contains("High") && !all.contains("Priority"));
        assert!(h.html.contains("https://t.example/records/case/R1"));
        assert_eq!(h.data["card"]["kind"], "link");
        assert!(
            hidden_intro("x\"><script>")
                .html
                .contains("&quot;&gt;&lt;script&gt;")
        );
        assert!(intro_record(&json!({"card": {"kind": "link"}})).is_none());
    }

    #[test]
    fn r16_reader_and_non_reader_cards() {
        let def = standard_record_types().remove(0);
        let settings = RecordTypeSettings::defaults_for(&def);
        let fields: BTreeMap<String, Value> = [("priority".to_owned(), json!("high"))].into();
        let src = CardSource {
            def: &def,
            settings: &settings,
            id: "r1",
            number: Some("CAS-00007"),
            name: "Printer jams",
            fields: &fields,
            state: RecordState::Active,
            owner_name: "Olga",
            external: None,
        };
        let card =
            serde_json::to_value(record_card("https://t.example/records/case/r1", &src)).unwrap();
        assert!(card.get("external").is_none(), "{card}");
        let synced = CardSource {
            external: Some(("zendesk", "https://acme.zendesk.example/agent/tickets/4711")),
            ..src
        };
        let linked =
            serde_json::to_value(record_card("https://t.example/records/case/r1", &synced))
                .unwrap();
        assert_eq!(
            linked["external"],
            json!({"source": "zendesk", "url": "https://acme.zendesk.example/agent/tickets/4711"})
        );
        assert_eq!(card["kind"], "record");
        assert_eq!(card["app"], "Tether");
        assert_eq!(card["record_type"], "Case");
        assert_eq!(card["title"], "CAS-00007 Printer jams");
        assert!(card["fields"].as_array().unwrap().len() <= CARD_FIELDS + 1);
        assert!(
            card["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["label"] == "Priority" && f["value"] == "High")
        );
        let bare = serde_json::to_value(link_card("https://t.example/records/case/r1")).unwrap();
        assert_eq!(
            bare,
            json!({"kind": "link", "url": "https://t.example/records/case/r1"})
        );
    }
}

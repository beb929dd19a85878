//! Text: a case's template slots, filling them, and small helpers for sentences and slugs.

use super::rng::Rng;
use super::words::{self, Topic};

/// The values a case's templates are filled with: chosen once per case, so its title,
/// description and timeline tell the same story.
pub(super) struct Slots {
    pub(super) product: &'static str,
    error: &'static str,
    pub(super) symptom: &'static str,
    env: &'static str,
    since: &'static str,
    when: &'static str,
    site: String,
    pub(super) contact: String,
    n: usize,
    count: String,
    invoice: String,
    po: String,
    order: String,
}

impl Slots {
    pub(super) fn for_topic(rng: &mut Rng, topic: &Topic, site: &str, contact: &str) -> Slots {
        Slots {
            product: rng.word(topic.products),
            error: rng.word(topic.errors),
            symptom: rng.word(topic.symptoms),
            env: rng.word(topic.envs),
            since: rng.word(words::SINCE),
            when: rng.word(words::WHEN),
            site: site.to_owned(),
            contact: contact.to_owned(),
            n: 2 + rng.below(38),
            count: format!("{} {:03}", 20 + rng.below(300), rng.below(1000)),
            invoice: format!("INV-{}-{:05}", 2024 + rng.below(2), rng.below(100_000)),
            po: format!("PO-{:06}", rng.below(1_000_000)),
            order: format!("SO-{:06}", rng.below(1_000_000)),
        }
    }

    fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "product" => self.product.to_owned(),
            "error" => self.error.to_owned(),
            "symptom" => self.symptom.to_owned(),
            "env" => self.env.to_owned(),
            "since" => self.since.to_owned(),
            "when" => self.when.to_owned(),
            "site" => self.site.clone(),
            "contact" => self.contact.clone(),
            "n" => self.n.to_string(),
            "count" => self.count.clone(),
            "invoice" => self.invoice.clone(),
            "po" => self.po.clone(),
            "order" => self.order.clone(),
            _ => return None,
        })
    }
}

/// Fills `{slot}`s (slot values may hold slots themselves); unknown slots stay as written.
pub(super) fn render(template: &str, slots: &Slots) -> String {
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = &after[..close];
        match slots.get(key) {
            Some(value) if value.contains('{') => out.push_str(&render(&value, slots)),
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

pub(super) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Capitalized, ending in a full stop.
pub(super) fn sentence(s: &str) -> String {
    let s = capitalize(s.trim());
    if s.ends_with(['.', '!', '?']) {
        s
    } else {
        format!("{s}.")
    }
}

/// A case description: what happens, some detail, what was tried, how bad it is.
pub(super) fn describe(rng: &mut Rng, topic: &Topic, slots: &Slots) -> String {
    let opener = sentence(&render(rng.word(topic.openers), slots));
    let how_many = 1 + rng.below(2);
    let details: Vec<String> = rng
        .sample(topic.details, how_many)
        .into_iter()
        .map(|d| sentence(&render(d, slots)))
        .collect();
    let tried: Vec<String> = rng
        .sample(topic.tried, 2)
        .into_iter()
        .map(|t| render(t, slots))
        .collect();
    let impact = sentence(&render(rng.word(words::IMPACTS), slots));
    match rng.below(3) {
        0 => format!(
            "{opener}\n\n{}\n\nWhat we tried:\n- {}\n\n{impact}",
            details.join(" "),
            tried
                .iter()
                .map(|t| capitalize(t))
                .collect::<Vec<_>>()
                .join("\n- ")
        ),
        1 => format!(
            "{opener} {} We have already {}. {impact}",
            details.join(" "),
            tried.join(" and ")
        ),
        _ => format!(
            "Hello,\n\n{opener} {}\n\nWe have {}, without success. {impact}\n\nRegards,\n{}",
            details.join(" "),
            tried.join(" and "),
            slots.contact
        ),
    }
}

/// Lower-case ASCII for e-mail addresses and domains: "Åsa Öberg" gives "asa-oberg" with
/// `sep` "-"; characters without an ASCII form are dropped.
pub(super) fn ascii_slug(s: &str, sep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        let mapped = match c {
            'a'..='z' | '0'..='9' => None,
            'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' | 'ą' => Some("a"),
            'æ' => Some("ae"),
            'ç' | 'ć' | 'č' => Some("c"),
            'é' | 'è' | 'ê' | 'ë' | 'ę' => Some("e"),
            'í' | 'ì' | 'î' | 'ï' | 'ı' => Some("i"),
            'ñ' | 'ń' => Some("n"),
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => Some("o"),
            'ü' | 'ú' | 'ù' | 'û' => Some("u"),
            'ý' | 'ÿ' => Some("y"),
            'ß' => Some("ss"),
            'š' | 'ś' | 'ş' => Some("s"),
            'ž' | 'ź' | 'ż' => Some("z"),
            'ł' => Some("l"),
            'ğ' => Some("g"),
            ' ' | '-' => Some(sep),
            _ => Some(""),
        };
        match mapped {
            None => out.push(c),
            Some(m) => out.push_str(m),
        }
    }
    out
}

//! A person's e-mail from the facts read when it is sent: which items still belong in it
//! ([`tether_domain::digest::still_missed`], R2), what it shows of each
//! ([`tether_domain::digest::compose`]), and its words in the person's language — subject,
//! plain text and HTML, the HTML through askama's escaper (`templates/digest_email.html`,
//! `templates/digest_email.txt`).

use super::Settings;
use super::mail::Mail;
use crate::i18n::tr;
use askama::Template;
use std::collections::BTreeMap;
use tether_domain::chat::{ChatKind, display_name};
use tether_domain::digest::{
    Digest, Entry, ItemKind, MemberNow, MessageNow, Missed, compose, still_missed,
};
use tether_domain::locale::Locale;
use tether_domain::markdown::{MentionResolver, plain_text};
use tether_store::digest::{DigestFacts, ItemKey};

/// What to do with a claimed person: the items handled (all of theirs that were read, sent or
/// not) and the e-mail, when anything is left to send.
pub struct Prepared {
    pub handled: Vec<ItemKey>,
    pub mail: Option<Mail>,
}

/// Decides and writes the e-mail for the person of `facts`. Nothing is sent to a person who is
/// gone, deactivated, opted out or without an address, nor — R1 — while collaboration is off
/// or they lack `collab.use` (`may_use_chats`), nor when every item was read, left or deleted
/// meanwhile.
pub fn prepare(
    facts: &DigestFacts,
    settings: &Settings,
    public_url: &str,
    may_use_chats: bool,
) -> Prepared {
    let handled = facts.items.iter().map(|i| i.key.clone()).collect();
    let Some(person) = facts
        .person
        .as_ref()
        .filter(|p| may_use_chats && p.active && p.email_digest && !p.email.trim().is_empty())
    else {
        return Prepared {
            handled,
            mail: None,
        };
    };
    let mut members: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (chat, user, name) in &facts.members {
        members
            .entry(chat.as_str())
            .or_default()
            .push((user.as_str(), name.as_str()));
    }
    let mut missed = Vec::new();
    for item in &facts.items {
        let Some(kind) = item.kind else { continue };
        let member = item.member.map(|m| MemberNow {
            joined_at: m.joined_at,
            visible_from: m.visible_from,
            last_read_seq: m.last_read_seq,
        });
        let message = item.message.as_ref().map(|m| MessageNow {
            created_at: m.created_at,
            deleted: m.deleted,
        });
        if !still_missed(kind, item.seq, item.at, member, message) {
            continue;
        }
        let chat_members = members
            .get(item.key.chat_id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let chat_kind = ChatKind::parse(&item.chat_kind).unwrap_or(ChatKind::Group);
        let text = match (kind, &item.message) {
            (ItemKind::Added, _) | (_, None) => None,
            (_, Some(m)) => {
                let names = MentionResolver::new(chat_members.iter().copied());
                Some(plain_text(&m.body, Some(&names)))
            }
        };
        missed.push(Missed {
            chat_id: item.key.chat_id.clone(),
            chat_title: display_name(
                chat_kind,
                item.chat_name.as_deref(),
                chat_members,
                person.id.as_str(),
            ),
            kind,
            message_id: (!item.key.message_id.is_empty()).then(|| item.key.message_id.clone()),
            at: item.at,
            actor: item.actor_name.clone(),
            text,
        });
    }
    let Some(digest) = compose(missed, &settings.limits) else {
        return Prepared {
            handled,
            mail: None,
        };
    };
    let locale = person
        .locale
        .as_deref()
        .and_then(|l| Locale::parse(l).ok())
        .unwrap_or(settings.default_locale);
    let words = render(&digest, locale, &person.name, public_url);
    Prepared {
        handled,
        mail: Some(Mail {
            to_name: person.name.clone(),
            to_address: person.email.clone(),
            subject: words.subject,
            text: words.text,
            html: words.html,
        }),
    }
}

/// An e-mail's three texts.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct ChatView {
    title: String,
    url: String,
    entries: Vec<EntryView>,
    more: Option<String>,
}

struct EntryView {
    label: String,
    urgent: bool,
    excerpt: Option<String>,
}

#[derive(Template)]
#[template(path = "digest_email.html")]
struct DigestHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    chats: &'a [ChatView],
    more_chats: Option<String>,
    open: &'a str,
    footer: &'a str,
    home_url: &'a str,
}

#[derive(Template)]
#[template(path = "digest_email.txt")]
struct DigestText<'a> {
    greeting: &'a str,
    chats: &'a [ChatView],
    more_chats: Option<String>,
    open: &'a str,
    footer: &'a str,
    home_url: &'a str,
}

/// The words of `digest` for `name` in `locale`, linking each chat under `public_url`.
pub fn render(digest: &Digest, locale: Locale, name: &str, public_url: &str) -> Rendered {
    let count = digest.total.to_string();
    let subject = if digest.any_urgent {
        tr(locale, "digest-subject-urgent", &[("count", &count)])
    } else {
        tr(locale, "digest-subject", &[("count", &count)])
    };
    let chats: Vec<ChatView> = digest
        .chats
        .iter()
        .map(|c| ChatView {
            title: c.title.clone(),
            url: format!("{public_url}/chats/{}", c.chat_id),
            entries: c
                .entries
                .iter()
                .map(|e| EntryView {
                    label: label(locale, e),
                    urgent: e.urgent,
                    excerpt: e.excerpt.clone(),
                })
                .collect(),
            more: (c.more > 0)
                .then(|| tr(locale, "digest-more", &[("count", &c.more.to_string())])),
        })
        .collect();
    let more_chats = || {
        (digest.more_chats > 0).then(|| {
            tr(
                locale,
                "digest-more-chats",
                &[("count", &digest.more_chat_entries.to_string())],
            )
        })
    };
    let greeting = tr(locale, "digest-greeting", &[("name", name)]);
    let open = tr(locale, "digest-open", &[]);
    let footer = tr(locale, "digest-footer", &[]);
    let home_url = format!("{public_url}/");
    // Rendering into a `String` fails only where a value's `Display` does, which a `String`'s
    // never does; an empty part would still be better than no e-mail.
    let html = DigestHtml {
        lang: locale.tag(),
        subject: &subject,
        greeting: &greeting,
        chats: &chats,
        more_chats: more_chats(),
        open: &open,
        footer: &footer,
        home_url: &home_url,
    }
    .render()
    .unwrap_or_default();
    let text = DigestText {
        greeting: &greeting,
        chats: &chats,
        more_chats: more_chats(),
        open: &open,
        footer: &footer,
        home_url: &home_url,
    }
    .render()
    .unwrap_or_default();
    Rendered {
        subject,
        text,
        html,
    }
}

/// What one line says: who, and whether it mentions the person, is urgent, or added them.
fn label(locale: Locale, e: &Entry) -> String {
    let someone = tr(locale, "digest-someone", &[]);
    let name = e.actor.as_deref().unwrap_or(&someone);
    match (e.added, e.urgent, e.mention) {
        (true, _, _) if e.actor.is_none() => tr(locale, "digest-added-by-system", &[]),
        (true, _, _) => tr(locale, "digest-added", &[("name", name)]),
        (false, true, true) => tr(locale, "digest-urgent-mention", &[("name", name)]),
        (false, true, false) => tr(locale, "digest-urgent", &[("name", name)]),
        (false, false, _) => tr(locale, "digest-mention", &[("name", name)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tether_domain::digest::ChatPart;

    fn digest(title: &str, excerpt: &str) -> Digest {
        Digest {
            chats: vec![ChatPart {
                chat_id: "c1".into(),
                title: title.into(),
                entries: vec![Entry {
                    mention: true,
                    urgent: true,
                    added: false,
                    at: 1,
                    actor: Some("Anna <b>Berg</b>".into()),
                    excerpt: Some(excerpt.into()),
                }],
                more: 2,
            }],
            more_chats: 1,
            more_chat_entries: 4,
            total: 7,
            any_urgent: true,
        }
    }

    #[test]
    fn i19_the_html_part_escapes_every_value_and_links_the_chat() {
        let r = render(
            &digest("<script>x</script>", "a & <img src=x>"),
            Locale::En,
            "Bo \"Lind\"",
            "https://tether.example",
        );
        assert!(!r.html.contains("<script>x"), "{}", r.html);
        assert!(!r.html.contains("<img src=x>"), "{}", r.html);
        assert!(!r.html.contains("<b>Berg"), "{}", r.html);
        assert!(r.html.contains("&#60;script&#62;"), "{}", r.html);
        assert!(r.html.contains("href=\"https://tether.example/chats/c1\""));
        assert!(r.text.contains("https://tether.example/chats/c1"));
        assert!(r.text.contains("<script>x</script>"), "plain text as it is");
        assert!(r.text.contains("and 2 more"), "{}", r.text);
        assert!(r.subject.contains('7'), "{}", r.subject);
    }

    fn facts(active: bool, email_digest: bool, email: &str) -> DigestFacts {
        use tether_store::digest::{DigestPerson, ItemFacts, Membership, MessageFacts};
        let item = |chat: &str, read: i64, member: bool| ItemFacts {
            key: ItemKey {
                chat_id: chat.into(),
                message_id: format!("m-{chat}"),
                kind: "mention".into(),
            },
            kind: Some(ItemKind::Mention),
            seq: 3,
            at: 10,
            actor_name: Some("Anna Berg".into()),
            chat_kind: "group".into(),
            chat_name: None,
            member: member.then_some(Membership {
                joined_at: 1,
                visible_from: 0,
                last_read_seq: read,
            }),
            message: Some(MessageFacts {
                body: format!("about {chat} <@bo>"),
                created_at: 10,
                deleted: false,
            }),
        };
        DigestFacts {
            person: Some(DigestPerson {
                id: tether_domain::UserId::new("bo"),
                name: "Bo Lind".into(),
                email: email.into(),
                active,
                email_digest,
                locale: None,
            }),
            items: vec![
                item("kept", 2, true),
                item("read", 3, true),
                item("left", 0, false),
            ],
            members: vec![
                ("kept".into(), "anna".into(), "Anna Berg".into()),
                ("kept".into(), "bo".into(), "Bo Lind".into()),
            ],
        }
    }

    #[test]
    fn r2_i19_only_what_is_still_missed_is_sent_and_nothing_to_whom_may_not_get_it() {
        let settings = Settings::default();
        let p = prepare(
            &facts(true, true, "bo@example.com"),
            &settings,
            "http://t",
            true,
        );
        assert_eq!(p.handled.len(), 3, "every item is done with, sent or not");
        let mail = p.mail.expect("an e-mail");
        assert!(mail.text.contains("http://t/chats/kept"), "{}", mail.text);
        assert!(mail.text.contains("about kept @Bo Lind"), "{}", mail.text);
        assert!(
            mail.text.contains("Anna Berg"),
            "unnamed chat named after its members"
        );
        for gone in ["chats/read", "chats/left", "about left", "about read"] {
            assert!(!mail.text.contains(gone), "{gone}: {}", mail.text);
            assert!(!mail.html.contains(gone), "{gone}: {}", mail.html);
        }
        for (active, on, email) in [
            (false, true, "bo@example.com"),
            (true, false, "bo@example.com"),
            (true, true, " "),
        ] {
            let p = prepare(&facts(active, on, email), &settings, "http://t", true);
            assert!(p.mail.is_none(), "{active} {on} {email:?}");
            assert_eq!(p.handled.len(), 3);
        }
        let mut gone = facts(true, true, "bo@example.com");
        gone.person = None;
        assert!(prepare(&gone, &settings, "http://t", true).mail.is_none());
        let mut all_read = facts(true, true, "bo@example.com");
        all_read.items.remove(0);
        assert!(
            prepare(&all_read, &settings, "http://t", true)
                .mail
                .is_none()
        );
        let no_chats = prepare(
            &facts(true, true, "bo@example.com"),
            &settings,
            "http://t",
            false,
        );
        assert!(
            no_chats.mail.is_none(),
            "R1: collaboration off or no collab.use"
        );
        assert_eq!(no_chats.handled.len(), 3);
    }

    #[test]
    fn i19_the_email_speaks_the_persons_language() {
        let en = render(&digest("Printer", "help"), Locale::En, "Bo", "http://t");
        let sv = render(&digest("Printer", "help"), Locale::Sv, "Bo", "http://t");
        assert_ne!(en.subject, sv.subject);
        assert!(sv.html.contains("lang=\"sv\""));
        assert!(sv.text.contains("och 2 till"), "{}", sv.text);
    }
}

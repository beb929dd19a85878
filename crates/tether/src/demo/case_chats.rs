//! Chats about cases: the owner asks an expert for help, connected to the case.

use super::case_plan::Story;
use super::people::{DemoTeam, Member, Staff};
use super::plan::{PlannedChat, shorten, system};
use super::rng::Rng;
use super::text::{render, sentence};
use super::words::TOPICS;
use serde_json::{Value, json};
use tether_domain::chat::{ChatKind, names_in_sentence};
use tether_store::bulk::BulkRecord;

/// The case's owner asks a topic expert (and, now and then, the team's supervisor) for help
/// in a chat connected to the case; the story follows the case: asked, found, fixed.
pub(super) fn plan_case_chat(
    rng: &mut Rng,
    staff: &Staff,
    teams: &[DemoTeam],
    story: &Story,
    record: &BulkRecord,
    number: &str,
    type_name: &str,
) -> Option<PlannedChat> {
    let topic = &TOPICS[story.topic];
    let slots = &story.slots;
    let owner = story.owner;
    let experts: Vec<usize> = staff.experts[story.topic]
        .iter()
        .copied()
        .filter(|&e| e != owner)
        .collect();
    let expert = *experts.get(rng.below(experts.len()))?;
    let supervisor = teams[topic.team]
        .admins
        .first()
        .copied()
        .filter(|&s| s != owner && s != expert && rng.chance(0.4));
    let (o, e) = (staff.user(owner), staff.user(expert));
    let title = record
        .fields
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut members = vec![
        (o.id.clone(), o.name.clone()),
        (e.id.clone(), e.name.clone()),
    ];
    if let Some(s) = supervisor {
        members.push((staff.user(s).id.clone(), staff.user(s).name.clone()));
    }
    let say = |who: &Member, text: String| (who.id.clone(), who.name.clone(), text);
    let mut messages = vec![
        say(
            o,
            format!(
                "<@{}> could you have a look at this one? {} has already {}, with no change.",
                e.id,
                slots.contact,
                render(rng.word(topic.tried), slots)
            ),
        ),
        say(
            e,
            format!(
                "Sure. Could you ask them for {}?",
                render(rng.word(topic.asks), slots)
            ),
        ),
    ];
    if let Some(s) = supervisor {
        messages.push(say(
            staff.user(s),
            format!(
                "Keep me posted here, please: {} is waiting on this.",
                slots.contact
            ),
        ));
    }
    messages.push(say(
        o,
        rng.word(&[
            "Done, I'll post it here as soon as it comes in.",
            "Asked them; it's on the case timeline now.",
            "They sent it already, it's attached to the case.",
        ])
        .to_owned(),
    ));
    messages.push(say(
        e,
        format!(
            "Thanks. {}",
            sentence(&render(rng.word(topic.findings), slots))
        ),
    ));
    if rng.chance(0.5) {
        messages.push(say(
            e,
            format!(
                "What worked last time: {}",
                render(rng.word(topic.fixes), slots)
            ),
        ));
        messages.push(say(
            o,
            format!("Trying that with {} now, thank you!", slots.contact),
        ));
    } else {
        messages.push(say(
            e,
            "I'll try a fix this afternoon and report back here.".to_owned(),
        ));
        messages.push(say(o, format!("Great, I'll let {} know.", slots.contact)));
    }
    let others: Vec<&str> = members.iter().skip(1).map(|(_, n)| n.as_str()).collect();
    let label = format!("{type_name} {number}");
    let unread_by = if rng.chance(0.5) {
        Vec::new()
    } else {
        // The owner has not read the expert's last answer yet.
        vec![o.id.clone()]
    };
    Some(PlannedChat {
        kind: ChatKind::Group,
        name: Some(shorten(&format!("{number}: {title}"), 120)),
        team_id: None,
        creator: o.id.clone(),
        opening: Some(system(
            &o.id,
            format!(
                "{} started the chat with {}",
                o.name,
                names_in_sentence(&others)
            ),
            json!({"event": "chat.created",
                   "users": members.iter().skip(1).map(|(id, n)| json!({"id": id, "name": n})).collect::<Vec<_>>()}),
        )),
        connect: Some((
            record.id.clone(),
            system(
                &o.id,
                format!("{} connected this chat to {label}", o.name),
                json!({"event": "connection.added", "how": "connected", "what": "chat",
                       "record": {"type": "case", "id": record.id, "number": number}}),
            ),
        )),
        members,
        messages,
        unread_by,
    })
}

//! Team channels: each team's *General* channel and a channel per topic.

use super::people::{DemoTeam, Staff};
use super::plan::{
    GENERAL_MESSAGES_PER_SCALE, PlannedChat, TOPIC_CHANNEL_MESSAGES_PER_SCALE, system,
};
use super::records::Companies;
use super::rng::Rng;
use super::text::{Slots, capitalize, render, sentence};
use super::words::{self, TOPICS};
use serde_json::json;
use std::collections::BTreeSet;
use tether_domain::chat::ChatKind;

/// A team's *General* channel: announcements and requests from its people.
pub(super) fn plan_general_channel(
    rng: &mut Rng,
    staff: &Staff,
    team: &DemoTeam,
    teams: &[DemoTeam],
    scale: usize,
) -> PlannedChat {
    let speakers: Vec<usize> = team.everyone().filter(|&i| i != staff.viewer).collect();
    let creator = team
        .admins
        .first()
        .or(speakers.first())
        .copied()
        .unwrap_or(staff.admin);
    let other_team = teams
        .iter()
        .map(|t| t.name)
        .find(|n| *n != team.name)
        .unwrap_or("the other teams");
    let messages = (0..GENERAL_MESSAGES_PER_SCALE * scale)
        .map(|_| {
            let who = speakers
                .get(rng.below(speakers.len()))
                .copied()
                .unwrap_or(creator);
            let line = rng
                .word(words::ANNOUNCEMENTS)
                .replace("{team}", team.name)
                .replace("{other}", other_team);
            (
                staff.user(who).id.clone(),
                staff.user(who).name.clone(),
                line,
            )
        })
        .collect();
    channel(staff, team, creator, "General", messages)
}

/// A channel for one topic in its team: the experts share what they find.
pub(super) fn plan_topic_channel(
    rng: &mut Rng,
    staff: &Staff,
    team: &DemoTeam,
    t: usize,
    companies: &Companies,
    scale: usize,
) -> PlannedChat {
    let topic = &TOPICS[t];
    let members: BTreeSet<usize> = team.everyone().collect();
    let experts: Vec<usize> = staff.experts[t]
        .iter()
        .copied()
        .filter(|e| members.contains(e))
        .collect();
    let creator = experts
        .first()
        .or(team.admins.first())
        .copied()
        .unwrap_or(staff.admin);
    let messages = (0..TOPIC_CHANNEL_MESSAGES_PER_SCALE * scale)
        .map(|_| {
            let who = experts
                .get(rng.below(experts.len()))
                .copied()
                .unwrap_or(creator);
            let company = rng.pick(&companies.list);
            let contact = company
                .contacts
                .first()
                .map_or("the customer", |c| c.name.as_str());
            let slots = Slots::for_topic(rng, topic, company.city, contact);
            let line = match rng.below(3) {
                0 => format!(
                    "Heads-up: {} Worth checking before you escalate.",
                    sentence(&render(rng.word(topic.findings), &slots))
                ),
                1 => format!(
                    "What worked today: {}",
                    render(rng.word(topic.fixes), &slots)
                ),
                _ => format!(
                    "New on the knowledge base: *{}*. Link it in your replies.",
                    capitalize(&render(rng.word(topic.articles), &slots))
                ),
            };
            (
                staff.user(who).id.clone(),
                staff.user(who).name.clone(),
                line,
            )
        })
        .collect();
    channel(staff, team, creator, topic.label, messages)
}

fn channel(
    staff: &Staff,
    team: &DemoTeam,
    creator: usize,
    name: &str,
    messages: Vec<(String, String, String)>,
) -> PlannedChat {
    let by = staff.user(creator);
    PlannedChat {
        kind: ChatKind::Channel,
        name: Some(name.to_owned()),
        team_id: Some(team.id.as_str().to_owned()),
        creator: by.id.clone(),
        members: team
            .everyone()
            .map(|i| (staff.user(i).id.clone(), staff.user(i).name.clone()))
            .collect(),
        opening: Some(system(
            &by.id,
            format!("{} created the channel {name} in {}", by.name, team.name),
            json!({"event": "channel.created", "name": name, "team": team.name}),
        )),
        connect: None,
        messages,
        unread_by: Vec::new(),
    }
}

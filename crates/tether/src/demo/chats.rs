//! Chats, channels and messages: what is planned (one-on-ones here; team channels in
//! [`super::channels`], chats about cases in [`super::case_chats`]) and how it is written.

use super::DemoChat;
use super::case_chats::plan_case_chat;
use super::cases::Cases;
use super::channels::{plan_general_channel, plan_topic_channel};
use super::people::{DemoTeam, Staff};
use super::plan::PlannedChat;
use super::records::Companies;
use super::rng::{Rng, skewed};
use super::words::{self, TOPICS};
use anyhow::Context;
use std::collections::BTreeSet;
use tether_domain::UserId;
use tether_domain::chat::ChatKind;
use tether_domain::markdown::{MentionResolver, render as render_markdown};
use tether_domain::record_type::RecordTypeDef;
use tether_store::Store;
use tether_store::chats::{NewChat, NewMessage};
use tether_store::collab::ConnectionChange;

/// One-on-one conversations per unit of scale.
const ONE_ON_ONES_PER_SCALE: usize = 10;
/// Chats written at once (sends from several chats share the store's group commit).
const CHATS_IN_FLIGHT: usize = 8;

#[allow(clippy::too_many_arguments)]
pub(super) fn plan_conversations(
    rng: &mut Rng,
    staff: &Staff,
    teams: &[DemoTeam],
    companies: &Companies,
    cases: &Cases,
    case_numbers: &[Option<String>],
    case_def: &RecordTypeDef,
    scale: usize,
) -> Vec<PlannedChat> {
    let mut out = Vec::new();
    // Channels first: each team's General, then one per topic in the topic's team.
    for team in teams {
        out.push(plan_general_channel(rng, staff, team, teams, scale));
    }
    for (t, topic) in TOPICS.iter().enumerate() {
        out.push(plan_topic_channel(
            rng,
            staff,
            &teams[topic.team],
            t,
            companies,
            scale,
        ));
    }
    for story in &cases.stories {
        let record = &cases.records[story.index];
        let number = case_numbers
            .get(story.index)
            .cloned()
            .flatten()
            .unwrap_or_default();
        if let Some(chat) = plan_case_chat(
            rng,
            staff,
            teams,
            story,
            record,
            &number,
            &case_def.display_name,
        ) {
            out.push(chat);
        }
    }
    let people: Vec<usize> = staff
        .agents
        .iter()
        .chain(&staff.supervisors)
        .copied()
        .collect();
    let mut pairs = BTreeSet::new();
    let wanted = ONE_ON_ONES_PER_SCALE * scale;
    let mut tries = 0;
    while pairs.len() < wanted && tries < wanted * 10 && people.len() >= 2 {
        tries += 1;
        let a = people[skewed(rng, people.len(), 1.5)];
        let b = *rng.pick(&people);
        if a == b || pairs.contains(&(a.min(b), a.max(b))) {
            continue;
        }
        pairs.insert((a.min(b), a.max(b)));
        out.push(plan_one_on_one(rng, staff, a, b));
    }
    out
}

/// Two colleagues talk about their day.
fn plan_one_on_one(rng: &mut Rng, staff: &Staff, a: usize, b: usize) -> PlannedChat {
    let (a, b) = (staff.user(a), staff.user(b));
    let dialogue = rng.pick(words::DIALOGUES);
    let messages = dialogue
        .iter()
        .enumerate()
        .map(|(k, line)| {
            let (from, to) = if k % 2 == 0 { (a, b) } else { (b, a) };
            (
                from.id.clone(),
                from.name.clone(),
                line.replace("{name}", &to.first),
            )
        })
        .collect::<Vec<_>>();
    let unread_by = if rng.chance(0.3) {
        // Whoever did not write the last line has not read it yet.
        let last_by = if dialogue.len() % 2 == 1 { a } else { b };
        let other = if last_by.id == a.id { b } else { a };
        vec![other.id.clone()]
    } else {
        Vec::new()
    };
    PlannedChat {
        kind: ChatKind::OneOnOne,
        name: None,
        team_id: None,
        creator: a.id.clone(),
        members: vec![
            (a.id.clone(), a.name.clone()),
            (b.id.clone(), b.name.clone()),
        ],
        opening: None,
        connect: None,
        messages,
        unread_by,
    }
}

/// Writes the planned chats through the store, as the API would: creation with its system
/// message, the connection to the case (with its timeline entry), every message (rendered,
/// with its mentions, in the search index), and read markers.
pub(super) async fn create_conversations(
    store: &Store,
    planned: Vec<PlannedChat>,
) -> anyhow::Result<Vec<DemoChat>> {
    let mut written: Vec<Option<DemoChat>> = vec![None; planned.len()];
    let mut running = tokio::task::JoinSet::new();
    for (i, chat) in planned.into_iter().enumerate() {
        if running.len() >= CHATS_IN_FLIGHT
            && let Some(done) = running.join_next().await
        {
            let (k, chat) = done.context("a demo chat task failed")??;
            written[k] = Some(chat);
        }
        let store = store.clone();
        running.spawn(async move { create_conversation(&store, chat).await.map(|c| (i, c)) });
    }
    while let Some(done) = running.join_next().await {
        let (k, chat) = done.context("a demo chat task failed")??;
        written[k] = Some(chat);
    }
    Ok(written.into_iter().flatten().collect())
}

async fn create_conversation(store: &Store, p: PlannedChat) -> anyhow::Result<DemoChat> {
    let chat = match (&p.kind, &p.team_id, &p.opening) {
        (ChatKind::Channel, Some(team), Some(opening)) => {
            store
                .create_channel(
                    &tether_domain::TeamId::from(team.as_str()),
                    p.name.as_deref().unwrap_or("General"),
                    &UserId::from(p.creator.as_str()),
                    opening,
                )
                .await?
        }
        _ => {
            store
                .create_chat(
                    &NewChat {
                        kind: p.kind,
                        name: p.name.clone(),
                        team_id: None,
                        created_by: UserId::from(p.creator.as_str()),
                        members: p
                            .members
                            .iter()
                            .map(|(id, _)| (UserId::from(id.as_str()), 0))
                            .collect(),
                    },
                    p.opening.as_ref(),
                )
                .await?
                .0
        }
    };
    if let Some((record_id, sys)) = &p.connect {
        store
            .connect_chat(&ConnectionChange {
                chat_id: &chat.id,
                record_type: "case",
                record_id: &tether_domain::RecordId::from(record_id.as_str()),
                actor_id: &UserId::from(p.creator.as_str()),
                system: sys,
                timeline_subject: "Chat connected",
            })
            .await?;
    }
    let resolver = MentionResolver::new(p.members.iter().cloned());
    let mut last_seq = 0;
    let mut before_last = 0;
    for (sender_id, sender_name, body) in &p.messages {
        let rendered = render_markdown(body, &resolver)
            .map_err(|e| anyhow::anyhow!("a demo message does not render: {e}"))?;
        let sent = store
            .send_message(&NewMessage {
                chat_id: chat.id.clone(),
                sender_id: UserId::from(sender_id.as_str()),
                sender_name: sender_name.clone(),
                body: body.clone(),
                html: rendered.html,
                importance: tether_domain::chat::Importance::Normal,
                data: None,
                mentions: rendered.mentioned_user_ids,
                attachment_ids: Vec::new(),
                idempotency_key: None,
                idempotency_fingerprint: None,
                remind_until: None,
                remind_every_ms: 0,
            })
            .await
            .with_context(|| format!("sending a demo message in {}", chat.id))?;
        before_last = last_seq;
        last_seq = sent.message.seq;
    }
    // Channels: only the people who wrote have read them.
    let readers: Vec<&String> = if p.kind == ChatKind::Channel {
        let writers: BTreeSet<&String> = p.messages.iter().map(|(id, _, _)| id).collect();
        writers.into_iter().collect()
    } else {
        p.members.iter().map(|(id, _)| id).collect()
    };
    for user in readers {
        let seq = if p.unread_by.contains(user) {
            before_last
        } else {
            last_seq
        };
        if seq > 0 {
            store
                .mark_read(&chat.id, &UserId::from(user.as_str()), seq)
                .await?;
        }
    }
    Ok(DemoChat {
        id: chat.id,
        kind: p.kind,
        name: p.name,
        member_ids: p.members.into_iter().map(|(id, _)| id).collect(),
        messages: p.messages.len(),
        record_id: p.connect.map(|(id, _)| id),
    })
}

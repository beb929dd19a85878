//! The summary of what was generated, for the CLI to print and tests to check.

use super::cases::Cases;
use super::people::{DemoTeam, Staff};
use super::records::Companies;
use super::words::{self, TOPICS};
use super::{DemoChat, DemoSignIn, DemoSummary, DemoTopic, DemoUser};
use tether_domain::chat::ChatKind;
use tether_store::bulk::BulkRecord;

pub(super) fn summary(
    staff: &Staff,
    teams: &[DemoTeam],
    companies: &Companies,
    articles: &[BulkRecord],
    cases: &Cases,
    conversations: Vec<DemoChat>,
) -> DemoSummary {
    let demo_user = |i: usize| DemoUser {
        id: staff.user(i).id.clone(),
        name: staff.user(i).name.clone(),
        email: staff.user(i).email.clone(),
    };
    let topics: Vec<DemoTopic> = TOPICS
        .iter()
        .enumerate()
        .map(|(t, topic)| DemoTopic {
            key: topic.key,
            label: topic.label,
            team: words::TEAMS[topic.team],
            experts: staff.experts[t].iter().map(|&i| demo_user(i)).collect(),
            case_ids: cases
                .records
                .iter()
                .zip(&cases.topics)
                .filter(|(_, ct)| **ct == t)
                .map(|(r, _)| r.id.clone())
                .collect(),
        })
        .collect();
    let team_names = |i: usize, admin: bool| -> String {
        let names: Vec<&str> = teams
            .iter()
            .filter(|t| {
                if admin {
                    t.admins.contains(&i)
                } else {
                    t.everyone().any(|m| m == i)
                }
            })
            .map(|t| t.name)
            .collect();
        if names.is_empty() {
            "no team".to_owned()
        } else {
            names.join(" and ")
        }
    };
    let sign_in = |i: usize, note: String| DemoSignIn {
        email: staff.user(i).email.clone(),
        name: staff.user(i).name.clone(),
        role: staff.user(i).role.to_owned(),
        note,
    };
    let mut sign_ins = vec![sign_in(staff.admin, "administrator: users, teams, record types and collaboration settings (collaboration is switched on)".to_owned())];
    if let Some(&s) = staff.supervisors.first() {
        sign_ins.push(sign_in(
            s,
            format!("supervisor, team admin of {}", team_names(s, true)),
        ));
    }
    // The lead VPN expert: their cases show who resolves network problems.
    let expert_topic = TOPICS.iter().position(|t| t.key == "network").unwrap_or(0);
    if let Some(&e) = staff.experts[expert_topic].first() {
        sign_ins.push(sign_in(
            e,
            format!(
                "agent, topic expert for {} (resolved {} cases), member of {}",
                TOPICS[expert_topic].label.to_lowercase(),
                cases.resolved_by.get(&e).copied().unwrap_or(0),
                team_names(e, false)
            ),
        ));
    }
    if let Some(&a) = staff.first_line.first() {
        sign_ins.push(sign_in(
            a,
            format!(
                "first-line agent in {}, owns {} open cases: open one to see suggested experts",
                team_names(a, false),
                cases.open_owned.get(&a).copied().unwrap_or(0)
            ),
        ));
    }
    sign_ins.push(sign_in(
        staff.viewer,
        "viewer: reads the records of their team, no collaboration privilege".to_owned(),
    ));
    DemoSummary {
        users: staff.users.len(),
        teams: teams.len(),
        accounts: companies.accounts.len(),
        contacts: companies.contacts.len(),
        knowledge_articles: articles.len(),
        cases: cases.records.len(),
        resolved_cases: cases.resolved,
        activities: cases.activities.len(),
        reassignments: cases.reassignments,
        topics,
        sign_ins,
        chats: conversations
            .iter()
            .filter(|c| c.kind != ChatKind::Channel)
            .count(),
        channels: conversations
            .iter()
            .filter(|c| c.kind == ChatKind::Channel)
            .count(),
        messages: conversations.iter().map(|c| c.messages).sum(),
        connected_chats: conversations
            .iter()
            .filter(|c| c.record_id.is_some())
            .count(),
        conversations,
    }
}

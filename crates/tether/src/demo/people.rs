//! People and teams: the staff in their roles, the topic experts, and the teams they form.

use super::DEMO_EMAIL_DOMAIN;
use super::rng::Rng;
use super::text::ascii_slug;
use super::words::{self, TOPICS};
use anyhow::Context;
use std::collections::BTreeSet;
use tether_domain::{TeamId, UserId};
use tether_store::Store;
use tether_store::people::NewUser;

/// A demo user; `id` is known once the user is created.
pub(super) struct Member {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) first: String,
    pub(super) email: String,
    pub(super) role: &'static str,
}

/// Who is who. Every `usize` is an index into `users`.
pub(super) struct Staff {
    pub(super) users: Vec<Member>,
    pub(super) admin: usize,
    pub(super) viewer: usize,
    pub(super) supervisors: Vec<usize>,
    pub(super) knowledge_managers: Vec<usize>,
    /// Agents who take calls and triage: no topic of their own.
    pub(super) first_line: Vec<usize>,
    /// All agents, first-line and experts.
    pub(super) agents: Vec<usize>,
    /// Per topic (as [`TOPICS`]), its experts, most active first.
    pub(super) experts: Vec<Vec<usize>>,
}

impl Staff {
    pub(super) fn user(&self, i: usize) -> &Member {
        &self.users[i]
    }
    pub(super) fn user_id(&self, i: usize) -> UserId {
        UserId::new(self.users[i].id.clone())
    }
}

pub(super) fn plan_staff(rng: &mut Rng, scale: usize) -> Staff {
    let total = 30 * scale;
    let n_supervisors = 3 * scale;
    let n_knowledge = 2 * scale;
    let n_first_line = 5 * scale;
    let mut emails = BTreeSet::new();
    let mut users = vec![Member {
        id: String::new(),
        name: "Ada Admin".into(),
        first: "Ada".into(),
        email: format!("admin@{DEMO_EMAIL_DOMAIN}"),
        role: "administrator",
    }];
    emails.insert(users[0].email.clone());
    // Names are dealt from shuffled lists, so colleagues rarely share a first or last name.
    let mut firsts = words::FIRST_NAMES.to_vec();
    let mut lasts = words::LAST_NAMES.to_vec();
    rng.shuffle(&mut firsts);
    rng.shuffle(&mut lasts);
    let mut draw = 0;
    while users.len() < total {
        let first = firsts[draw % firsts.len()];
        let last = lasts[(draw + draw / firsts.len()) % lasts.len()];
        draw += 1;
        let local = format!("{}.{}", ascii_slug(first, ""), ascii_slug(last, ""));
        let mut email = format!("{local}@{DEMO_EMAIL_DOMAIN}");
        // Two people of the same name would confuse a demo: draw again while names are
        // plentiful, and number the addresses only at huge scales.
        if emails.contains(&email)
            && users.len() * 2 < words::FIRST_NAMES.len() * words::LAST_NAMES.len()
        {
            continue;
        }
        let mut n = 2;
        while emails.contains(&email) {
            email = format!("{local}{n}@{DEMO_EMAIL_DOMAIN}");
            n += 1;
        }
        emails.insert(email.clone());
        let i = users.len();
        let role = if i <= n_supervisors {
            "supervisor"
        } else if i <= n_supervisors + n_knowledge {
            "knowledge_manager"
        } else if i == n_supervisors + n_knowledge + 1 {
            "viewer"
        } else {
            "agent"
        };
        users.push(Member {
            id: String::new(),
            name: format!("{first} {last}"),
            first: first.to_owned(),
            email,
            role,
        });
    }
    let with_role = |role: &str| -> Vec<usize> {
        (0..users.len())
            .filter(|&i| users[i].role == role)
            .collect()
    };
    let supervisors = with_role("supervisor");
    let knowledge_managers = with_role("knowledge_manager");
    let viewer = with_role("viewer").first().copied().unwrap_or(0);
    let agents = with_role("agent");
    let (first_line, specialists) = agents.split_at(n_first_line.min(agents.len()));
    // Expert slots go round the specialists, so a few are experts in two topics (VPN and SSO,
    // say), as in real teams.
    let mut order = specialists.to_vec();
    rng.shuffle(&mut order);
    let mut next = 0;
    let experts = (0..TOPICS.len())
        .map(|t| {
            let wanted = (2 + t % 2) * scale;
            let take = wanted.min(order.len());
            let chosen: Vec<usize> = (0..take).map(|k| order[(next + k) % order.len()]).collect();
            next += take;
            chosen
        })
        .collect();
    Staff {
        admin: 0,
        viewer,
        supervisors,
        knowledge_managers,
        first_line: first_line.to_vec(),
        agents,
        experts,
        users,
    }
}

pub(super) async fn create_users(
    store: &Store,
    staff: &mut Staff,
    password_hash: &str,
) -> anyhow::Result<()> {
    for m in &mut staff.users {
        let created = store
            .create_user(
                &NewUser {
                    email: m.email.clone(),
                    name: m.name.clone(),
                    password_hash: password_hash.to_owned(),
                    role_names: vec![m.role.to_owned()],
                    team_ids: Vec::new(),
                },
                None,
            )
            .await
            .with_context(|| format!("creating demo user {}", m.email))?;
        m.id = created.id.into();
    }
    Ok(())
}

/// A created team with the indices of its people.
pub(super) struct DemoTeam {
    pub(super) id: TeamId,
    pub(super) name: &'static str,
    pub(super) admins: Vec<usize>,
    members: Vec<usize>,
}

impl DemoTeam {
    pub(super) fn everyone(&self) -> impl Iterator<Item = usize> + '_ {
        self.admins.iter().chain(&self.members).copied()
    }
}

/// Teams: the topic experts join their topic's team, first-line agents spread over the
/// front-line teams, and small teams are filled up to five members.
fn plan_teams(staff: &Staff) -> Vec<(Vec<usize>, BTreeSet<usize>)> {
    let n = words::TEAMS.len();
    let mut admins: Vec<Vec<usize>> = vec![Vec::new(); n];
    let sup = &staff.supervisors;
    for (t, team_admins) in admins.iter_mut().enumerate() {
        if let Some(&first) = sup.get(t % sup.len().max(1)) {
            team_admins.push(first);
        }
        if t % 3 == 0
            && let Some(&second) = sup.get((t + 2) % sup.len().max(1))
            && !team_admins.contains(&second)
        {
            team_admins.push(second);
        }
    }
    let mut members: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (t, experts) in staff.experts.iter().enumerate() {
        members[TOPICS[t].team].extend(experts);
    }
    for (i, &agent) in staff.first_line.iter().enumerate() {
        members[words::FIRST_LINE_TEAMS[i % words::FIRST_LINE_TEAMS.len()]].insert(agent);
    }
    for &s in sup {
        if !admins.iter().any(|a| a.contains(&s)) {
            members[s % n].insert(s);
        }
    }
    members[0].insert(staff.viewer);
    let memberships =
        |members: &[BTreeSet<usize>], a: usize| members.iter().filter(|m| m.contains(&a)).count();
    for t in 0..n {
        while members[t].len() < 5 {
            let candidate = staff
                .first_line
                .iter()
                .chain(&staff.agents)
                .copied()
                .filter(|a| !members[t].contains(a))
                .min_by_key(|&a| memberships(&members, a));
            match candidate {
                Some(a) => members[t].insert(a),
                None => break,
            };
        }
    }
    for &a in &staff.agents {
        if memberships(&members, a) == 0
            && let Some(smallest) = (0..n).min_by_key(|&t| members[t].len())
        {
            members[smallest].insert(a);
        }
    }
    admins.into_iter().zip(members).collect()
}

pub(super) async fn create_teams(store: &Store, staff: &Staff) -> anyhow::Result<Vec<DemoTeam>> {
    let mut teams = Vec::new();
    for ((admins, members), name) in plan_teams(staff).into_iter().zip(words::TEAMS) {
        let members: Vec<usize> = members
            .into_iter()
            .filter(|m| !admins.contains(m))
            .collect();
        let ids = |xs: &[usize]| -> Vec<tether_domain::UserId> {
            xs.iter()
                .map(|&i| staff.user(i).id.as_str().into())
                .collect()
        };
        let created = store
            .create_team(name, &ids(&admins), &ids(&members), None)
            .await
            .with_context(|| format!("creating demo team {name}"))?;
        teams.push(DemoTeam {
            id: created.id,
            name,
            admins,
            members,
        });
    }
    Ok(teams)
}

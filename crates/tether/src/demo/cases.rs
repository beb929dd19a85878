//! Cases: who had them, when, and how they ended (their timelines: [`super::timeline`]).

use super::case_plan::{CaseStart, Outcome, Step, Story, is_working_time};
use super::people::{DemoTeam, Staff};
use super::plan::CASES_PER_CHAT;
use super::records::Companies;
use super::rng::{Rng, skewed};
use super::text::{Slots, capitalize, describe, render};
use super::timeline::tell_case;
use super::words::TOPICS;
use super::{CASE_DAYS, DAY, MINUTE, WORK_END, WORK_START};
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::record::RecordState;
use tether_store::bulk::{BulkActivity, BulkRecord};

pub(super) struct Cases {
    /// Sorted by creation time, so case numbers follow it.
    pub(super) records: Vec<BulkRecord>,
    /// Topic of each of `records`.
    pub(super) topics: Vec<usize>,
    pub(super) activities: Vec<BulkActivity>,
    pub(super) resolved: usize,
    pub(super) reassignments: usize,
    pub(super) resolved_by: BTreeMap<usize, usize>,
    pub(super) open_owned: BTreeMap<usize, usize>,
    /// The cases people chat about, in `records` order.
    pub(super) stories: Vec<Story>,
}

pub(super) fn plan_cases(
    rng: &mut Rng,
    staff: &Staff,
    teams: &[DemoTeam],
    companies: &Companies,
    scale: usize,
    now: i64,
) -> Cases {
    let n = 2000 * scale;
    let horizon = now - MINUTE;
    let weights: Vec<u32> = TOPICS.iter().map(|t| t.weight).collect();
    let mut resolved_in_topic = vec![0usize; TOPICS.len()];
    let mut planned = Vec::with_capacity(n);
    for i in 0..n {
        let t = rng.weighted(&weights);
        let topic = &TOPICS[t];
        let company = &companies.list[skewed(rng, companies.list.len(), 1.8)];
        let contact = rng.pick(&company.contacts);
        let slots = Slots::for_topic(rng, topic, company.city, &contact.name);
        let priority = ["low", "normal", "high", "urgent"][rng.weighted(&[20, 53, 20, 7])];
        let origin = ["phone", "email", "web", "chat"][rng.weighted(&[30, 35, 20, 15])];
        let mut title = capitalize(&render(rng.word(topic.titles), &slots));
        if priority == "urgent" && rng.chance(0.4) {
            title = format!("URGENT: {title}");
        }
        let fields = BTreeMap::from([
            ("title".to_owned(), json!(title)),
            (
                "description".to_owned(),
                json!(describe(rng, topic, &slots)),
            ),
            ("priority".to_owned(), json!(priority)),
            ("origin".to_owned(), json!(origin)),
            (
                "product".to_owned(),
                json!(slots.product.trim_start_matches("the ")),
            ),
            ("account".to_owned(), json!(company.id)),
            ("contact".to_owned(), json!(contact.id)),
        ]);
        let created = case_created(rng, now);
        let (creator, steps, outcome) =
            case_path(rng, staff, t, created, horizon, &mut resolved_in_topic[t]);
        let team = &teams[topic.team];
        let case = tell_case(
            rng,
            staff,
            team,
            t,
            CaseStart {
                fields,
                created,
                horizon,
                creator,
                priority,
                origin,
            },
            &steps,
            outcome,
            &slots,
        );
        // Candidates for a chat about the case (see `plan_case_chat`): the open ones of these.
        let story = (i % CASES_PER_CHAT == 0).then_some(slots);
        planned.push((case, t, story));
    }
    planned.sort_by_key(|(c, _, _)| c.record.created_at);
    let mut out = Cases {
        records: Vec::with_capacity(n),
        topics: Vec::with_capacity(n),
        activities: Vec::with_capacity(3 * n),
        resolved: 0,
        reassignments: 0,
        resolved_by: BTreeMap::new(),
        open_owned: BTreeMap::new(),
        stories: Vec::new(),
    };
    for (case, t, story) in planned {
        out.reassignments += case.record.owners.len() - 1;
        match (case.record.state, case.final_user) {
            (RecordState::Resolved, Some(u)) => {
                out.resolved += 1;
                *out.resolved_by.entry(u).or_default() += 1;
            }
            (RecordState::Active, Some(u)) => *out.open_owned.entry(u).or_default() += 1,
            _ => {}
        }
        if let (Some(slots), Some(owner), RecordState::Active) =
            (story, case.final_user, case.record.state)
        {
            out.stories.push(Story {
                index: out.records.len(),
                topic: t,
                owner,
                slots,
            });
        }
        out.records.push(case.record);
        out.topics.push(t);
        out.activities.extend(case.activities);
    }
    out
}

/// A moment in working hours over the last [`CASE_DAYS`] days, at least 20 minutes ago.
fn case_created(rng: &mut Rng, now: i64) -> i64 {
    let mut at = now;
    for _ in 0..4 {
        let days_ago = (rng.unit() * CASE_DAYS) as i64;
        let day_start = (now - days_ago * DAY).div_euclid(DAY) * DAY;
        at = day_start
            + WORK_START
            + rng.below(((WORK_END - WORK_START) / MINUTE) as usize) as i64 * MINUTE
            + rng.below(60_000) as i64;
        if is_working_time(at) {
            break;
        }
    }
    if at > now - 20 * MINUTE {
        now - 20 * MINUTE - rng.below(180) as i64 * MINUTE
    } else {
        at
    }
}

/// Who creates the case, whom it passes to, and how it ends. Nine in ten resolved cases of a
/// topic end with one of its experts (counted per topic, so it holds for any seed).
fn case_path(
    rng: &mut Rng,
    staff: &Staff,
    t: usize,
    created: i64,
    horizon: i64,
    resolved_so_far: &mut usize,
) -> (usize, Vec<Step>, Outcome) {
    let experts = &staff.experts[t];
    let creator = if rng.chance(0.8) && !staff.first_line.is_empty() {
        *rng.pick(&staff.first_line)
    } else {
        *rng.pick(&staff.agents)
    };
    let expert = |rng: &mut Rng| {
        experts
            .get(skewed(rng, experts.len(), 1.6))
            .copied()
            .unwrap_or(creator)
    };
    let age_days = (horizon - created) as f64 / DAY as f64;
    let mut steps = Vec::new();
    if rng.chance((0.25 + 0.75 * age_days / CASE_DAYS).min(0.95)) {
        let k = *resolved_so_far;
        *resolved_so_far += 1;
        let by_expert = k % 10 != 9;
        let resolver = match (by_expert, experts.contains(&creator)) {
            (true, true) | (false, false) => creator,
            (true, false) => expert(rng),
            // First-line agents are nobody's experts.
            (false, true) if !staff.first_line.is_empty() => *rng.pick(&staff.first_line),
            (false, true) => staff
                .agents
                .iter()
                .copied()
                .find(|a| !experts.contains(a))
                .unwrap_or(creator),
        };
        if resolver != creator {
            if rng.chance(0.25) {
                steps.push(Step::Queue);
            }
            if by_expert
                && rng.chance(0.12)
                && let Some(&other) = experts.iter().find(|&&e| e != resolver && e != creator)
            {
                steps.push(Step::User(other));
            }
            steps.push(Step::User(resolver));
        }
        return (creator, steps, Outcome::Resolved);
    }
    if rng.chance(0.06) {
        return (creator, steps, Outcome::Cancelled);
    }
    let r = rng.unit();
    if r >= 0.75 {
        steps.push(Step::Queue);
    } else if r >= 0.35 && !experts.contains(&creator) {
        steps.push(Step::User(expert(rng)));
    }
    (creator, steps, Outcome::Active)
}

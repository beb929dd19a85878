//! A case's timeline: times on its path, and the entries logged along it in its topic's words.

use super::case_plan::{CaseStart, Outcome, PlannedCase, Step, is_working_time, working_time};
use super::people::{DemoTeam, Staff};
use super::rng::Rng;
use super::text::{Slots, render, sentence};
use super::words::{TOPICS, Topic};
use super::{DAY, HOUR, MINUTE};
use serde_json::Value;
use tether_domain::Owner;
use tether_domain::record::{ActivityKind, RecordState};
use tether_store::bulk::{BulkActivity, BulkOwner, BulkRecord, Resolution};

/// Puts times on a case's path (created < reassignments < activities < resolution, all before
/// `horizon`) and writes its timeline.
#[allow(clippy::too_many_arguments)]
pub(super) fn tell_case(
    rng: &mut Rng,
    staff: &Staff,
    team: &DemoTeam,
    t: usize,
    start: CaseStart,
    steps: &[Step],
    outcome: Outcome,
    slots: &Slots,
) -> PlannedCase {
    let CaseStart {
        fields,
        created,
        horizon,
        creator,
        priority,
        origin,
    } = start;
    let id = tether_store::new_id();
    // Each event a while after the one before, in working hours where possible; squeezed
    // towards `created` when the case is too recent for the whole story.
    let urgent = matches!(priority, "high" | "urgent");
    let mut times = Vec::with_capacity(steps.len() + 1);
    let mut at = created;
    for (i, step) in steps.iter().enumerate() {
        let (lo, hi) = match (step, i) {
            (Step::Queue, _) => (5 * MINUTE, 2 * HOUR),
            (Step::User(_), 0) => (20 * MINUTE, DAY),
            (Step::User(_), _) => (30 * MINUTE, 36 * HOUR),
        };
        at = working_time(rng, at + lo, at + hi);
        times.push(at);
    }
    let finish = |rng: &mut Rng| match outcome {
        Outcome::Resolved => {
            let u = rng.unit();
            let span = 30.0 * MINUTE as f64 + u * u * 6.0 * DAY as f64;
            (span * if urgent { 0.35 } else { 1.0 }) as i64
        }
        Outcome::Cancelled => (rng.range(10.0, 48.0 * 60.0) * MINUTE as f64) as i64,
        Outcome::Active => 0,
    };
    let mut end_at = at + finish(rng);
    for _ in 0..5 {
        if is_working_time(end_at) {
            break;
        }
        end_at = at + finish(rng);
    }
    times.push(end_at.max(at + MINUTE));
    let last = times.last().copied().unwrap_or(created);
    let available = horizon - MINUTE - created;
    if last > horizon - MINUTE && last > created {
        let factor = available as f64 * 0.9 / (last - created) as f64;
        for t in &mut times {
            *t = created + ((*t - created) as f64 * factor) as i64;
        }
    }

    let queue = Owner::Team {
        team_id: team.id.clone(),
    };
    let mut owners = vec![BulkOwner {
        owner: Owner::User {
            user_id: staff.user_id(creator),
        },
        changed_by: Some(staff.user(creator).id.clone()),
        at: created,
    }];
    let mut holder = Some(creator);
    for (step, &when) in steps.iter().zip(&times) {
        let (owner, changed_by) = match step {
            Step::Queue => (queue.clone(), holder.unwrap_or(creator)),
            Step::User(u) => {
                let by = match holder {
                    // Taken from the queue by the expert, or assigned by the team admin.
                    None if rng.chance(0.5) => team.admins.first().copied().unwrap_or(*u),
                    None => *u,
                    Some(prev) if rng.chance(0.3) => team.admins.first().copied().unwrap_or(prev),
                    Some(prev) => prev,
                };
                (
                    Owner::User {
                        user_id: staff.user_id(*u),
                    },
                    by,
                )
            }
        };
        holder = match step {
            Step::Queue => None,
            Step::User(u) => Some(*u),
        };
        owners.push(BulkOwner {
            owner,
            changed_by: Some(staff.user(changed_by).id.clone()),
            at: when,
        });
    }
    let last_change = owners.last().map_or(created, |o| o.at);
    let end = match outcome {
        Outcome::Active => horizon,
        _ => times.last().copied().unwrap_or(horizon),
    };
    let (state, resolution) = match (outcome, holder) {
        (Outcome::Resolved, Some(u)) => (
            RecordState::Resolved,
            Some(Resolution {
                at: end,
                by: staff.user(u).id.clone(),
            }),
        ),
        (Outcome::Cancelled, _) => (RecordState::Cancelled, None),
        _ => (RecordState::Active, None),
    };

    let title = fields
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut log = Timeline {
        record_id: &id,
        staff,
        slots,
        topic: &TOPICS[t],
        title: &title,
        out: Vec::new(),
    };
    let count = 1 + rng.below(5);
    // The creator's first contact with the customer, before anyone else takes the case.
    let first_until = owners.get(1).map_or(end, |o| o.at);
    let span = first_until - created;
    let first_at = working_time(rng, created + span / 10, created + span * 6 / 10);
    let first_kind = match origin {
        "phone" => ActivityKind::PhoneCall,
        "email" => ActivityKind::Email,
        _ if rng.chance(0.5) => ActivityKind::PhoneCall,
        _ => ActivityKind::Note,
    };
    log.add(rng, first_kind, creator, first_at);
    let closing = !matches!(state, RecordState::Active);
    let middle = count.saturating_sub(1 + usize::from(closing));
    let window_end = if closing { end - 2 * MINUTE } else { end };
    let mut middle_times: Vec<i64> = (0..middle)
        .map(|_| working_time(rng, last_change, window_end.max(last_change)))
        .collect();
    middle_times.sort_unstable();
    let colleagues: Vec<usize> = team
        .everyone()
        .chain(staff.experts[t].iter().copied())
        .filter(|&u| Some(u) != holder && u != staff.viewer)
        .collect();
    for when in middle_times {
        let author = match holder {
            Some(h) if rng.chance(0.6) || colleagues.is_empty() => h,
            None if colleagues.is_empty() => creator,
            _ => *rng.pick(&colleagues),
        };
        let kind = [
            ActivityKind::Note,
            ActivityKind::PhoneCall,
            ActivityKind::Email,
            ActivityKind::Task,
        ][rng.weighted(&[40, 25, 20, 15])];
        log.add(rng, kind, author, when.max(first_at + MINUTE));
    }
    match state {
        RecordState::Resolved => {
            let author = holder.unwrap_or(creator);
            log.resolution(rng, author, end - MINUTE);
        }
        RecordState::Cancelled => log.cancellation(rng, creator, end - MINUTE),
        RecordState::Active => {}
    }
    let activities = log.out;
    PlannedCase {
        record: BulkRecord {
            id,
            fields,
            owners,
            state,
            created_by: Some(staff.user(creator).id.clone()),
            created_at: created,
            resolution,
            updated_at: Some(end).filter(|_| state != RecordState::Active),
        },
        activities,
        final_user: holder,
    }
}

/// Writes one case's timeline entries in its topic's words.
struct Timeline<'a> {
    record_id: &'a str,
    staff: &'a Staff,
    slots: &'a Slots,
    topic: &'static Topic,
    title: &'a str,
    out: Vec<BulkActivity>,
}

impl Timeline<'_> {
    fn push(
        &mut self,
        kind: ActivityKind,
        subject: String,
        body: Option<String>,
        author: usize,
        at: i64,
    ) {
        self.out.push(BulkActivity {
            record_id: self.record_id.to_owned(),
            kind,
            subject,
            body,
            author_id: Some(self.staff.user(author).id.clone()),
            at,
        });
    }

    fn add(&mut self, rng: &mut Rng, kind: ActivityKind, author: usize, at: i64) {
        let s = self.slots;
        let contact = s.contact.split(' ').next().unwrap_or(&s.contact).to_owned();
        let me = &self.staff.user(author).first;
        let (subject, body) = match kind {
            ActivityKind::PhoneCall => (
                match rng.below(3) {
                    0 => format!("Call with {}", s.contact),
                    1 => format!("Called {contact} back"),
                    _ => format!("Phone call: {}", self.title),
                },
                Some(match rng.below(3) {
                    0 => format!(
                        "Went through the problem with {contact}. {}",
                        sentence(&render(rng.word(self.topic.details), s))
                    ),
                    1 => format!(
                        "{contact} confirms it still happens. Asked for {}.",
                        render(rng.word(self.topic.asks), s)
                    ),
                    _ => format!(
                        "Talked to {contact}: {} They have {} already.",
                        sentence(&render(rng.word(self.topic.openers), s)),
                        render(rng.word(self.topic.tried), s)
                    ),
                }),
            ),
            ActivityKind::Email => (
                if rng.chance(0.6) {
                    format!("Re: {}", self.title)
                } else {
                    "Request for more information".to_owned()
                },
                Some(format!(
                    "Hi {contact},\n\nthanks for the details. Could you send us {}?\n\nBest regards,\n{me}",
                    render(rng.word(self.topic.asks), s)
                )),
            ),
            ActivityKind::Note => (
                (*rng.pick(&[
                    "Troubleshooting notes",
                    "Internal note",
                    "Analysis",
                    "Findings so far",
                    "Checked the logs",
                ]))
                .to_owned(),
                Some(match rng.below(3) {
                    0 => format!(
                        "{}. Looking into it further.",
                        render(rng.word(self.topic.findings), s)
                    ),
                    1 => format!(
                        "Seen this before at another customer: {}.",
                        render(rng.word(self.topic.findings), s).to_lowercase()
                    ),
                    _ => format!(
                        "Customer has {} without success. Next: ask for {}.",
                        render(rng.word(self.topic.tried), s),
                        render(rng.word(self.topic.asks), s)
                    ),
                }),
            ),
            ActivityKind::Task => (
                match rng.below(3) {
                    0 => format!("Follow up with {contact}"),
                    1 => "Check the fix with the customer".to_owned(),
                    _ => format!(
                        "Get {} from the customer",
                        render(rng.word(self.topic.asks), s)
                    ),
                },
                rng.chance(0.5)
                    .then(|| format!("Due in {} working days.", 1 + rng.below(3))),
            ),
        };
        self.push(kind, subject, body, author, at);
    }

    fn resolution(&mut self, rng: &mut Rng, author: usize, at: i64) {
        // Causes and fixes are listed in matching order.
        let i = rng.below(self.topic.findings.len());
        let body = format!(
            "Cause: {}.\n\nFix: {}",
            render(self.topic.findings[i], self.slots),
            render(self.topic.fixes[i], self.slots)
        );
        self.push(
            ActivityKind::Note,
            "Resolution".to_owned(),
            Some(body),
            author,
            at,
        );
    }

    fn cancellation(&mut self, rng: &mut Rng, author: usize, at: i64) {
        let body = *rng.pick(&[
            "Duplicate of an earlier case from the same customer; closing this one.",
            "Customer says the problem went away on its own.",
            "Raised by mistake; the customer withdrew the request.",
        ]);
        self.push(
            ActivityKind::Note,
            "Closed without action".to_owned(),
            Some(body.to_owned()),
            author,
            at,
        );
    }
}

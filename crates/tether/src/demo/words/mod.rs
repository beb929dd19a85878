//! The words of the demo: case topics (in [`topics_systems`] and [`topics_accounts`]), team
//! names and channel lines here, people's and companies' names in [`names`].

mod names;
mod topics_accounts;
mod topics_systems;

pub use names::{CITIES, COMPANY_STEMS, FIRST_NAMES, JOB_TITLES, LAST_NAMES, NORDIC_CITIES, SECTORS};
use topics_accounts::{BILLING, EXPORT, LOGIN, SHIPPING, SSO};
use topics_systems::{EMAIL, MOBILE, NETWORK, PERFORMANCE, PRINTERS};

/// One kind of case, with the vocabulary its cases are written in. Templates hold slots
/// (`{product}`, `{error}`, `{symptom}`, `{env}`, `{since}`, `{when}`, `{site}`,
/// `{contact}`, `{n}`, `{count}`, `{invoice}`, `{po}`, `{order}`).
pub struct Topic {
    pub key: &'static str,
    pub label: &'static str,
    /// Index into [`TEAMS`]: the team whose queue gets these cases.
    pub team: usize,
    /// Share of all cases.
    pub weight: u32,
    pub products: &'static [&'static str],
    pub errors: &'static [&'static str],
    pub symptoms: &'static [&'static str],
    pub envs: &'static [&'static str],
    pub titles: &'static [&'static str],
    pub openers: &'static [&'static str],
    pub details: &'static [&'static str],
    /// What the customer already tried (past participles: "cleared the cache").
    pub tried: &'static [&'static str],
    /// What an agent asks the customer for.
    pub asks: &'static [&'static str],
    /// Causes found.
    pub findings: &'static [&'static str],
    /// Fixes, as full sentences.
    pub fixes: &'static [&'static str],
    /// Knowledge-article titles.
    pub articles: &'static [&'static str],
    pub keywords: &'static str,
}

pub const TEAMS: [&str; 5] = [
    "Support EMEA", "Support Americas", "Billing", "Technical Escalations", "Onboarding",
];

/// Lines in a team's *General* channel (`{team}`: the team, `{other}`: another team).
pub const ANNOUNCEMENTS: &[&str] = &[
    "Reminder: queue review at 10:00 in the small meeting room.",
    "Who can take two overflow calls from {other} this afternoon?",
    "The phone system is updated tonight at 20:00; expect a short outage.",
    "Good week, everyone: the {team} backlog is down by a third.",
    "Please set the priority before you hand a case over to the queue.",
    "The shift plan for next month is in the shared folder; check your days.",
    "Lunch order at 11:30, reply here if you're in.",
    "Customer survey results are in: **4.6 of 5** for {team}. Thank you all!",
    "Heads-up: a big customer migrates on Monday, expect more calls in the morning.",
    "Reminder to log phone calls on the case timeline, even the short ones.",
    "Who has the spare headset? Mine just gave up.",
    "Team meeting moved to Thursday 14:00.",
];

/// One-on-one conversations, lines alternating between the two (`{name}`: the first name
/// of the one spoken to).
pub const DIALOGUES: &[&[&str]] = &[
    &[
        "Hi {name}, do you have a minute after the stand-up?",
        "Sure, what's up?",
        "I'd like to go through the escalation checklist with you before Friday.",
        "Good idea. 2 pm?",
        "2 pm works, thanks!",
    ],
    &["Are you on the phones at lunch today?", "Yes, 12 to 1. Enjoy your break, {name}!"],
    &[
        "Thanks for jumping on that call earlier, {name}.",
        "No problem, it was a quick one.",
        "The customer sent a very kind e-mail afterwards :)",
    ],
    &[
        "Could you read my reply to the invoice dispute before I send it?",
        "Send it over, I'll look in ten minutes.",
        "It's in the case notes.",
        "Looks good. Maybe add the invoice number to the subject.",
        "Done, sent. Thanks {name}!",
    ],
    &[
        "Heads-up {name}: I'm off tomorrow, my open cases are in the team queue.",
        "Noted, have a good day off!",
    ],
    &[
        "Did you see the new article on the knowledge base?",
        "Not yet, which one?",
        "The one about VPN drops after the client update. Saved me an hour today.",
        "Nice, I'll read it now.",
    ],
    &[
        "Can we swap shifts next Wednesday, {name}?",
        "Early for late? Fine by me.",
        "Perfect, I'll update the plan.",
    ],
];

/// Where first-line agents sit, in turn.
pub const FIRST_LINE_TEAMS: [usize; 5] = [0, 1, 4, 0, 1];

pub const TOPICS: [Topic; 10] = [
    PRINTERS,
    NETWORK,
    BILLING,
    LOGIN,
    EMAIL,
    MOBILE,
    SHIPPING,
    EXPORT,
    SSO,
    PERFORMANCE,
];

/// Words after "since".
pub const SINCE: &[&str] = &[
    "Monday", "yesterday", "last week", "this morning", "the weekend", "the last update",
    "Sunday's maintenance window", "the start of the month",
];
/// When something happened.
pub const WHEN: &[&str] = &[
    "on Monday", "yesterday", "last week", "this morning", "over the weekend", "two days ago",
    "at the start of the month",
];

pub const IMPACTS: &[&str] = &[
    "about {n} users are affected",
    "this blocks the whole team in {site}",
    "please treat this as urgent, our own customers notice it",
    "it is not critical but very annoying for the team",
    "we need this fixed before the end of the month",
    "our managing director is affected as well", "there is no workaround at the moment",
    "reported by {contact} on behalf of the {site} office",
];

use super::case_plan::is_working_time;
use super::rng::Rng;
use super::text::{Slots, ascii_slug, render};
use super::words::{self, TOPICS};
use super::*;
use std::collections::BTreeSet;

fn slots() -> Slots {
    Slots::for_topic(&mut Rng::new(1), &TOPICS[0], "Malmö", "Åsa Berg")
}

/// Every `{slot}` in every template is one that [`Slots`] fills.
#[test]
fn templates_use_known_slots_only() {
    let s = slots();
    for topic in &TOPICS {
        let lists = [
            topic.products,
            topic.errors,
            topic.symptoms,
            topic.envs,
            topic.titles,
            topic.openers,
            topic.details,
            topic.tried,
            topic.asks,
            topic.findings,
            topic.fixes,
            topic.articles,
        ];
        for template in lists.iter().flat_map(|l| l.iter()) {
            let text = render(template, &s);
            assert!(
                !text.contains(['{', '}']),
                "{}: {template} gives {text}",
                topic.key
            );
        }
        assert!(lists.iter().all(|l| !l.is_empty()), "{}", topic.key);
    }
    for t in words::IMPACTS {
        assert!(!render(t, &s).contains('{'), "{t}");
    }
}

#[test]
fn causes_and_fixes_pair_up_and_teams_exist() {
    for topic in &TOPICS {
        assert_eq!(topic.findings.len(), topic.fixes.len(), "{}", topic.key);
        assert!(topic.team < words::TEAMS.len());
    }
    let keys: BTreeSet<&str> = TOPICS.iter().map(|t| t.key).collect();
    assert_eq!(keys.len(), TOPICS.len());
}

#[test]
fn slots_nest_and_unknown_slots_stay() {
    let s = slots();
    assert_eq!(
        render("in {site}, {nothing} {", &s),
        "in Malmö, {nothing} {"
    );
    let mut nested = slots();
    nested.symptom = "is slow only for the {site} office";
    assert_eq!(
        render("it {symptom}", &nested),
        "it is slow only for the Malmö office"
    );
}

#[test]
fn slugs_are_ascii() {
    assert_eq!(ascii_slug("Åsa", ""), "asa");
    assert_eq!(ascii_slug("O'Brien", ""), "obrien");
    assert_eq!(ascii_slug("Yılmaz", ""), "yilmaz");
    assert_eq!(
        ascii_slug("Fjällbacka Försäkring", "-"),
        "fjallbacka-forsakring"
    );
    for name in words::FIRST_NAMES.iter().chain(words::LAST_NAMES) {
        let slug = ascii_slug(name, "");
        assert!(
            !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase()),
            "{name}"
        );
    }
}

#[test]
fn working_time_is_weekdays_in_office_hours() {
    // 2026-11-23 was a Monday.
    let monday = 20_780 * DAY;
    assert!(is_working_time(monday + 9 * HOUR));
    assert!(!is_working_time(monday + 5 * HOUR));
    assert!(!is_working_time(monday + 5 * DAY + 9 * HOUR));
    assert!(is_working_time(monday + 4 * DAY + 16 * HOUR));
}

#[test]
fn the_generator_is_fixed_for_a_seed() {
    let mut a = Rng::new(42);
    let mut b = Rng::new(42);
    let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
    assert_eq!(xs, (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
    // splitmix64's published first output for seed 0.
    assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    let mut r = Rng::new(3);
    let picked = r.indices(10, 4);
    assert_eq!(picked.len(), 4);
    assert_eq!(picked.iter().collect::<BTreeSet<_>>().len(), 4);
    assert_eq!(r.weighted(&[0, 5, 0]), 1);
}

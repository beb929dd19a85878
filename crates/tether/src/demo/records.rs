//! Accounts, contacts and knowledge articles: the records around the cases.

use super::people::Staff;
use super::rng::{Rng, skewed};
use super::text::{Slots, ascii_slug, capitalize, render, sentence};
use super::words::{self, TOPICS};
use super::{DAY, HOUR};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::record::RecordState;
use tether_domain::{Owner, UserId};
use tether_store::bulk::{BulkOwner, BulkRecord};

pub(super) struct Company {
    pub(super) id: String,
    pub(super) city: &'static str,
    owner: usize,
    pub(super) contacts: Vec<Contact>,
}

pub(super) struct Contact {
    pub(super) id: String,
    pub(super) name: String,
}

pub(super) struct Companies {
    pub(super) list: Vec<Company>,
    pub(super) accounts: Vec<BulkRecord>,
    pub(super) contacts: Vec<BulkRecord>,
}

pub(super) fn plan_companies(rng: &mut Rng, staff: &Staff, scale: usize, now: i64) -> Companies {
    let n_accounts = 200 * scale;
    let n_contacts = 500 * scale;
    let owners: Vec<usize> = staff
        .agents
        .iter()
        .chain(&staff.supervisors)
        .copied()
        .collect();
    let mut names = BTreeSet::new();
    let mut list = Vec::with_capacity(n_accounts);
    let mut accounts = Vec::with_capacity(n_accounts);
    let mut domains = Vec::with_capacity(n_accounts);
    while list.len() < n_accounts {
        let stem = *rng.pick(words::COMPANY_STEMS);
        let (sector, industry, nordic) = *rng.pick(words::SECTORS);
        let city = if nordic {
            rng.pick(&words::CITIES[..words::NORDIC_CITIES])
        } else {
            rng.pick(words::CITIES)
        };
        // The city, then a number, tells apart companies that would share a name.
        let base = [
            format!("{stem} {sector}"),
            format!("{stem} {sector} {}", city.name),
            format!("{stem} {sector} {} {}", city.name, list.len() + 1),
        ]
        .into_iter()
        .find(|b| !names.contains(&format!("{b} {}", city.legal_form)))
        .unwrap_or_default();
        let name = format!("{base} {}", city.legal_form);
        names.insert(name.clone());
        let domain = format!("{}.example", ascii_slug(&base, "-"));
        let owner = *rng.pick(&owners);
        let created = now - (220.0 + rng.unit() * 500.0) as i64 * DAY - rng.below(8) as i64 * HOUR;
        let id = tether_store::new_id();
        let employees = [12, 25, 40, 80, 150, 300, 600, 1200, 4000][rng.below(9)];
        let fields = BTreeMap::from([
            ("name".to_owned(), json!(name)),
            ("industry".to_owned(), json!(industry)),
            ("city".to_owned(), json!(city.name)),
            ("phone".to_owned(), json!(phone(rng, city.phone))),
            ("website".to_owned(), json!(format!("https://www.{domain}"))),
            (
                "description".to_owned(),
                json!(format!(
                    "{industry} company in {} with about {employees} employees. Customer since {}.",
                    city.name,
                    2010 + rng.below(15)
                )),
            ),
        ]);
        accounts.push(owned_record(
            &id,
            fields,
            staff.user_id(owner),
            &staff.user(owner).id,
            created,
        ));
        domains.push(domain);
        list.push(Company {
            id,
            city: city.name,
            owner,
            contacts: Vec::new(),
        });
    }
    let mut contacts = Vec::with_capacity(n_contacts);
    for k in 0..n_contacts {
        // Every company gets one contact; the rest go mostly to the larger (earlier) ones.
        let c = if k < n_accounts {
            k
        } else {
            skewed(rng, n_accounts, 1.6)
        };
        let (first, last) = (rng.pick(words::FIRST_NAMES), rng.pick(words::LAST_NAMES));
        let company = &mut list[c];
        let name = format!("{first} {last}");
        let id = tether_store::new_id();
        let email = format!(
            "{}.{}@{}",
            ascii_slug(first, ""),
            ascii_slug(last, ""),
            domains[c]
        );
        let city = words::CITIES
            .iter()
            .find(|x| x.name == company.city)
            .map_or("+46 8", |x| x.phone);
        let created =
            accounts[c].created_at + rng.below(15) as i64 * DAY + rng.below(10) as i64 * HOUR;
        let fields = BTreeMap::from([
            ("full_name".to_owned(), json!(name)),
            ("email".to_owned(), json!(email)),
            ("phone".to_owned(), json!(phone(rng, city))),
            ("job_title".to_owned(), json!(rng.pick(words::JOB_TITLES))),
            ("account".to_owned(), json!(company.id)),
        ]);
        let owner = company.owner;
        contacts.push(owned_record(
            &id,
            fields,
            staff.user_id(owner),
            &staff.user(owner).id,
            created,
        ));
        company.contacts.push(Contact { id, name });
    }
    Companies {
        list,
        accounts,
        contacts,
    }
}

/// An active record with one owner since `created`, who also created it.
fn owned_record(
    id: &str,
    fields: BTreeMap<String, Value>,
    owner: UserId,
    creator: &str,
    created: i64,
) -> BulkRecord {
    BulkRecord {
        id: id.to_owned(),
        fields,
        owners: vec![BulkOwner {
            owner: Owner::User { user_id: owner },
            changed_by: Some(creator.to_owned()),
            at: created,
        }],
        state: RecordState::Active,
        created_by: Some(creator.to_owned()),
        created_at: created,
        resolution: None,
        updated_at: None,
    }
}

pub(super) fn phone(rng: &mut Rng, prefix: &str) -> String {
    format!(
        "{prefix} {:03} {:02} {:02}",
        rng.below(1000),
        rng.below(100),
        rng.below(100)
    )
}

pub(super) fn plan_articles(
    rng: &mut Rng,
    staff: &Staff,
    scale: usize,
    now: i64,
) -> Vec<BulkRecord> {
    let per_topic = 4 * scale;
    let mut out = Vec::new();
    for topic in &TOPICS {
        for k in 0..per_topic {
            let slots = Slots::for_topic(rng, topic, "Stockholm", "the customer");
            let title = capitalize(&render(topic.articles[k % topic.articles.len()], &slots));
            let summary = format!(
                "{title}: the usual causes, what to ask the customer for, and the fixes that work."
            );
            let mut content = format!(
                "## Symptoms\n\n{}\n\n## Causes and fixes\n\n",
                sentence(&render(rng.word(topic.openers), &slots))
            );
            for i in rng.indices(topic.findings.len(), 2) {
                content.push_str(&format!(
                    "- **{}.** {}\n",
                    render(topic.findings[i], &slots),
                    render(topic.fixes[i], &slots)
                ));
            }
            content.push_str(&format!(
                "\nBefore escalating, ask the customer for {}.\n",
                render(rng.word(topic.asks), &slots)
            ));
            let author = *rng.pick(&staff.knowledge_managers);
            let created = now - (20.0 + rng.unit() * 400.0) as i64 * DAY;
            let fields = BTreeMap::from([
                ("title".to_owned(), json!(title)),
                ("summary".to_owned(), json!(summary)),
                ("content".to_owned(), json!(content)),
                ("keywords".to_owned(), json!(topic.keywords)),
            ]);
            out.push(owned_record(
                &tether_store::new_id(),
                fields,
                staff.user_id(author),
                &staff.user(author).id,
                created,
            ));
        }
    }
    out.sort_by_key(|r| r.created_at);
    out
}

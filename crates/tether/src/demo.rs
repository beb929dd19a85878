//! `tether demo`: fills a freshly prepared database with a realistic customer-service data set
//! — people in roles and teams, companies with contacts, knowledge articles, and cases with
//! owner history and timelines — so that every screen (and the suggestion features, which need
//! "who resolved similar cases") has something true-looking to show.
//!
//! Cases fall into [`words::TOPICS`]; each topic has a few *topic experts* who own and resolve
//! most of its cases (nine in ten, by construction rather than by chance), and each case's text
//! is assembled from topic-specific templates, products, error codes and symptoms, so that
//! similar cases really read alike and different topics do not.
//!
//! The data depends only on the seed (and the clock, which anchors the times): the generator
//! has its own small PRNG ([`Rng`]) so that a dependency update cannot change the data set.
//! Rows are written with the store's bulk methods, a few transactions in all.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::record::{ActivityKind, RecordState};
use tether_domain::record_type::RecordTypeDef;
use tether_domain::{Owner, TeamId, UserId};
use tether_store::Store;
use tether_store::bulk::{BulkActivity, BulkOwner, BulkRecord, Resolution};
use tether_store::people::NewUser;
use words::{Topic, TOPICS};

/// The password of every demo user (the caller hashes it into [`DemoOptions::password_hash`]).
pub const DEMO_PASSWORD: &str = "tether-demo-password";
/// The e-mail domain of demo users.
pub const DEMO_EMAIL_DOMAIN: &str = "demo.tether.test";

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Cases are created over this many days before now.
const CASE_DAYS: f64 = 180.0;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Multiplies every count (users, accounts, contacts, articles, cases); at least 1.
    pub scale: u32,
    /// Hash of [`DEMO_PASSWORD`], stored for every demo user.
    pub password_hash: String,
    /// The same seed gives the same data set.
    pub seed: u64,
}

/// What was generated, for the CLI to print and tests to check.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    pub users: usize,
    pub teams: usize,
    pub accounts: usize,
    pub contacts: usize,
    pub knowledge_articles: usize,
    pub cases: usize,
    pub resolved_cases: usize,
    pub activities: usize,
    /// Owner changes after creation (reassignments, hand-overs, team queues).
    pub reassignments: usize,
    pub topics: Vec<DemoTopic>,
    /// People to sign in as, each with why one would.
    pub sign_ins: Vec<DemoSignIn>,
}

/// One case topic with its experts and its cases.
#[derive(Clone, Debug)]
pub struct DemoTopic {
    pub key: &'static str,
    pub label: &'static str,
    /// The team whose queue the topic's cases go to.
    pub team: &'static str,
    /// The agents who resolve most of the topic's cases, most active first.
    pub experts: Vec<DemoUser>,
    pub case_ids: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct DemoUser {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A demo account worth signing in as (password [`DEMO_PASSWORD`]).
#[derive(Clone, Debug)]
pub struct DemoSignIn {
    pub email: String,
    pub name: String,
    pub role: String,
    pub note: String,
}

/// Fills a freshly prepared, empty database (see the module documentation) and switches the
/// collaboration feature on.
pub async fn generate(store: &Store, opts: &DemoOptions) -> anyhow::Result<DemoSummary> {
    if opts.scale == 0 {
        bail!("the demo scale must be at least 1");
    }
    let existing = store.count_users().await?;
    if existing > 0 {
        bail!("the database already has {existing} users; demo data goes into an empty database");
    }
    let scale = usize::try_from(opts.scale)?;
    let now = tether_store::now_ms();
    let mut rng = Rng::new(opts.seed);

    let mut staff = plan_staff(&mut rng, scale);
    create_users(store, &mut staff, &opts.password_hash).await?;
    let teams = create_teams(store, &staff).await?;
    tracing::info!(users = staff.users.len(), teams = teams.len(), "demo: people created");

    let account_def = record_type(store, "account").await?;
    let contact_def = record_type(store, "contact").await?;
    let article_def = record_type(store, "knowledge_article").await?;
    let case_def = record_type(store, "case").await?;

    let companies = plan_companies(&mut rng, &staff, scale, now);
    store
        .bulk_insert_records(&account_def, &companies.accounts)
        .await?;
    store
        .bulk_insert_records(&contact_def, &companies.contacts)
        .await?;
    let articles = plan_articles(&mut rng, &staff, scale, now);
    store.bulk_insert_records(&article_def, &articles).await?;
    tracing::info!(
        accounts = companies.accounts.len(),
        contacts = companies.contacts.len(),
        articles = articles.len(),
        "demo: companies and articles created"
    );

    let cases = plan_cases(&mut rng, &staff, &teams, &companies, scale, now);
    store.bulk_insert_records(&case_def, &cases.records).await?;
    store.bulk_insert_activities(&cases.activities).await?;
    tracing::info!(
        cases = cases.records.len(),
        activities = cases.activities.len(),
        "demo: cases created"
    );

    let admin_id = staff.user(staff.admin).id.clone();
    let mut settings = store.global_settings().await?;
    settings.collaboration_enabled = true;
    store.set_global_settings(&settings, Some(&admin_id)).await?;

    Ok(summary(&staff, &teams, &companies, &articles, &cases))
}

async fn record_type(store: &Store, name: &str) -> anyhow::Result<RecordTypeDef> {
    Ok(store
        .record_type(name)
        .await?
        .with_context(|| format!("the standard record type '{name}' is missing: run prepare first"))?
        .def)
}

// ---------------------------------------------------------------------------------------------
// People and teams

/// A demo user; `id` is known once the user is created.
struct Member {
    id: String,
    name: String,
    first: String,
    email: String,
    role: &'static str,
}

/// Who is who. Every `usize` is an index into `users`.
struct Staff {
    users: Vec<Member>,
    admin: usize,
    viewer: usize,
    supervisors: Vec<usize>,
    knowledge_managers: Vec<usize>,
    /// Agents who take calls and triage: no topic of their own.
    first_line: Vec<usize>,
    /// All agents, first-line and experts.
    agents: Vec<usize>,
    /// Per topic (as [`TOPICS`]), its experts, most active first.
    experts: Vec<Vec<usize>>,
}

impl Staff {
    fn user(&self, i: usize) -> &Member {
        &self.users[i]
    }
    fn user_id(&self, i: usize) -> UserId {
        UserId::new(self.users[i].id.clone())
    }
}

fn plan_staff(rng: &mut Rng, scale: usize) -> Staff {
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
    while users.len() < total {
        let (first, last) = (rng.pick(words::FIRST_NAMES), rng.pick(words::LAST_NAMES));
        let local = format!("{}.{}", ascii_slug(first, ""), ascii_slug(last, ""));
        let mut email = format!("{local}@{DEMO_EMAIL_DOMAIN}");
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
            first: (*first).to_owned(),
            email,
            role,
        });
    }
    let with_role = |role: &str| -> Vec<usize> {
        (0..users.len()).filter(|&i| users[i].role == role).collect()
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

async fn create_users(store: &Store, staff: &mut Staff, password_hash: &str) -> anyhow::Result<()> {
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
        m.id = created.id;
    }
    Ok(())
}

/// A created team with the indices of its people.
struct DemoTeam {
    id: TeamId,
    name: &'static str,
    admins: Vec<usize>,
    members: Vec<usize>,
}

impl DemoTeam {
    fn everyone(&self) -> impl Iterator<Item = usize> + '_ {
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
            && let Some(&second) = sup.get((t + 1) % sup.len().max(1))
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
    let memberships = |members: &[BTreeSet<usize>], a: usize| members.iter().filter(|m| m.contains(&a)).count();
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

async fn create_teams(store: &Store, staff: &Staff) -> anyhow::Result<Vec<DemoTeam>> {
    let mut teams = Vec::new();
    for ((admins, members), name) in plan_teams(staff).into_iter().zip(words::TEAMS) {
        let members: Vec<usize> = members.into_iter().filter(|m| !admins.contains(m)).collect();
        let ids = |xs: &[usize]| -> Vec<String> { xs.iter().map(|&i| staff.user(i).id.clone()).collect() };
        let created = store
            .create_team(name, &ids(&admins), &ids(&members), None)
            .await
            .with_context(|| format!("creating demo team {name}"))?;
        teams.push(DemoTeam {
            id: TeamId::new(created.id),
            name,
            admins,
            members,
        });
    }
    Ok(teams)
}

// ---------------------------------------------------------------------------------------------
// Accounts, contacts and knowledge articles

struct Company {
    id: String,
    name: String,
    city: &'static str,
    owner: usize,
    contacts: Vec<Contact>,
}

struct Contact {
    id: String,
    name: String,
}

struct Companies {
    list: Vec<Company>,
    accounts: Vec<BulkRecord>,
    contacts: Vec<BulkRecord>,
}

fn plan_companies(rng: &mut Rng, staff: &Staff, scale: usize, now: i64) -> Companies {
    let n_accounts = 200 * scale;
    let n_contacts = 500 * scale;
    let owners: Vec<usize> = staff.agents.iter().chain(&staff.supervisors).copied().collect();
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
        let mut name = format!("{stem} {sector} {}", city.legal_form);
        if names.contains(&name) {
            name = format!("{stem} {sector} {} {}", city.name, city.legal_form);
        }
        if !names.insert(name.clone()) {
            continue;
        }
        let domain = format!("{}.example", ascii_slug(&format!("{stem} {sector}"), "-"));
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
        accounts.push(owned_record(&id, fields, staff.user_id(owner), &staff.user(owner).id, created));
        domains.push(domain);
        list.push(Company {
            id,
            name,
            city: city.name,
            owner,
            contacts: Vec::new(),
        });
    }
    let mut contacts = Vec::with_capacity(n_contacts);
    for k in 0..n_contacts {
        // Every company gets one contact; the rest go mostly to the larger (earlier) ones.
        let c = if k < n_accounts { k } else { skewed(rng, n_accounts, 1.6) };
        let (first, last) = (rng.pick(words::FIRST_NAMES), rng.pick(words::LAST_NAMES));
        let company = &mut list[c];
        let name = format!("{first} {last}");
        let id = tether_store::new_id();
        let email = format!("{}.{}@{}", ascii_slug(first, ""), ascii_slug(last, ""), domains[c]);
        let city = words::CITIES.iter().find(|x| x.name == company.city).map_or("+46 8", |x| x.phone);
        let created = accounts[c].created_at + rng.below(15) as i64 * DAY + rng.below(10) as i64 * HOUR;
        let fields = BTreeMap::from([
            ("full_name".to_owned(), json!(name)),
            ("email".to_owned(), json!(email)),
            ("phone".to_owned(), json!(phone(rng, city))),
            ("job_title".to_owned(), json!(rng.pick(words::JOB_TITLES))),
            ("account".to_owned(), json!(company.id)),
        ]);
        let owner = company.owner;
        contacts.push(owned_record(&id, fields, staff.user_id(owner), &staff.user(owner).id, created));
        company.contacts.push(Contact { id, name });
    }
    Companies {
        list,
        accounts,
        contacts,
    }
}

/// An active record with one owner since `created`, who also created it.
fn owned_record(id: &str, fields: BTreeMap<String, Value>, owner: UserId, creator: &str, created: i64) -> BulkRecord {
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
    }
}

fn phone(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix} {:03} {:02} {:02}", rng.below(1000), rng.below(100), rng.below(100))
}

fn plan_articles(rng: &mut Rng, staff: &Staff, scale: usize, now: i64) -> Vec<BulkRecord> {
    let per_topic = 4 * scale;
    let mut out = Vec::new();
    for topic in &TOPICS {
        for k in 0..per_topic {
            let slots = Slots::for_topic(rng, topic, "Stockholm", "the customer");
            let title = capitalize(&render(topic.articles[k % topic.articles.len()], &slots));
            let summary = format!(
                "{title}: the usual causes, what to ask the customer for, and the fixes that work. {}.",
                render(rng.pick(topic.findings), &slots)
            );
            let mut content = format!("## Symptoms\n\n{}\n\n## Cause\n\n", sentence(&render(rng.pick(topic.openers), &slots)));
            for finding in rng.sample(topic.findings, 2) {
                content.push_str(&format!("- {}.\n", render(finding, &slots)));
            }
            content.push_str("\n## Resolution\n\n");
            for (i, fix) in rng.sample(topic.fixes, 3).into_iter().enumerate() {
                content.push_str(&format!("{}. {}\n", i + 1, render(fix, &slots)));
            }
            content.push_str(&format!("\nBefore escalating, ask the customer for {}.\n", render(rng.pick(topic.asks), &slots)));
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

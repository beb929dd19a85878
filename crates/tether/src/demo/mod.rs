//! `tether demo`: fills a freshly prepared database with a realistic customer-service data set
//! — people in roles and teams, companies with contacts, knowledge articles, and cases with
//! owner history and timelines — so that every screen (and the suggestion features, which need
//! "who resolved similar cases") has something true-looking to show.
//!
//! Cases fall into ten topics (`words::TOPICS`); each topic has a few *topic experts* who own and resolve
//! most of its cases (nine in ten, by construction rather than by chance), and each case's text
//! is assembled from topic-specific templates, products, error codes and symptoms, so that
//! similar cases really read alike and different topics do not.
//!
//! The content depends only on the seed and the moment it ends at ([`DemoOptions::now`]; ids are
//! fresh): the generator has its own small PRNG (`Rng`) so that a dependency update cannot
//! change it. The moment matters because cases arrive in working hours and the newest ones are
//! still open, so the same seed at another time of day draws a slightly different data set.
//! Rows are written with the store's bulk methods, a few transactions in all.
//!
//! One module per thing generated: `people` (staff in roles, topic experts, teams), `records`
//! (accounts, contacts, knowledge articles), `cases` and their `timeline`s, `chats` (with
//! `channels` and `case_chats`: chats about cases) and the `summary` of it all; `text`, `rng`
//! and `words` (names, topics and their vocabulary) serve them.

use anyhow::{Context, bail};
use tether_domain::chat::ChatKind;
use tether_domain::record_type::RecordTypeDef;
use tether_store::Store;

mod case_chats;
mod case_plan;
mod cases;
mod channels;
mod chats;
mod people;
mod plan;
mod records;
mod rng;
mod summary;
#[cfg(test)]
mod tests;
mod text;
mod timeline;
/// Names, companies and the case topics. Company domains use `.example` and people's e-mail
/// addresses `.test`/`.example`, so no demo address can reach anyone.
#[rustfmt::skip]
mod words;

use cases::plan_cases;
use chats::{create_conversations, plan_conversations};
use people::{create_teams, create_users, plan_staff};
use records::{plan_articles, plan_companies};
use rng::Rng;
use summary::summary;

/// The password of every demo user (the caller hashes it into [`DemoOptions::password_hash`]).
pub const DEMO_PASSWORD: &str = "tether-demo-password";
/// The e-mail domain of demo users.
pub const DEMO_EMAIL_DOMAIN: &str = "demo.tether.test";

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WORK_START: i64 = 6 * HOUR;
const WORK_END: i64 = 17 * HOUR;
/// Cases are created over this many days before now.
const CASE_DAYS: f64 = 180.0;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Multiplies every count (users, accounts, contacts, articles, cases); at least 1.
    pub scale: u32,
    /// Hash of [`DEMO_PASSWORD`], stored for every demo user.
    pub password_hash: String,
    /// The same seed (at the same [`DemoOptions::now`]) gives the same data set.
    pub seed: u64,
    /// The moment the data set ends at, in milliseconds since the epoch: records and their
    /// timelines fall before it. Callers pass the current time (chats and messages are
    /// written at the store's clock); tests pin it to compare two runs.
    pub now: i64,
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
    /// Group and one-on-one chats (channels not counted).
    pub chats: usize,
    /// Team channels.
    pub channels: usize,
    /// Messages people wrote in chats and channels (system messages not counted).
    pub messages: usize,
    /// Chats connected to the case they are about.
    pub connected_chats: usize,
    /// Every chat and channel created.
    pub conversations: Vec<DemoChat>,
}

/// A chat or channel of the demo.
#[derive(Clone, Debug)]
pub struct DemoChat {
    pub id: tether_domain::ChatId,
    pub kind: ChatKind,
    pub name: Option<String>,
    pub member_ids: Vec<String>,
    /// Messages people wrote in it (system messages not counted).
    pub messages: usize,
    /// The case it is connected to.
    pub record_id: Option<String>,
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

/// A demo user as the summary names them.
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
    let now = opts.now;
    let mut rng = Rng::new(opts.seed);

    let mut staff = plan_staff(&mut rng, scale);
    create_users(store, &mut staff, &opts.password_hash).await?;
    let teams = create_teams(store, &staff).await?;
    tracing::info!(
        users = staff.users.len(),
        teams = teams.len(),
        "demo: people created"
    );

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
    let case_numbers = store.bulk_insert_records(&case_def, &cases.records).await?;
    store.bulk_insert_activities(&cases.activities).await?;
    tracing::info!(
        cases = cases.records.len(),
        activities = cases.activities.len(),
        "demo: cases created"
    );

    // A generator of its own, so the records above stay what they were for a seed.
    let mut talk = Rng::new(opts.seed ^ 0x7a1c_c4a7_5c4e_11ed);
    let planned = plan_conversations(
        &mut talk,
        &staff,
        &teams,
        &companies,
        &cases,
        &case_numbers,
        &case_def,
        scale,
    );
    let conversations = create_conversations(store, planned).await?;
    tracing::info!(
        conversations = conversations.len(),
        messages = conversations.iter().map(|c| c.messages).sum::<usize>(),
        "demo: chats and channels created"
    );

    let admin_id = staff.user(staff.admin).id.clone();
    let mut settings = store.global_settings().await?;
    settings.collaboration_enabled = true;
    store
        .set_global_settings(
            &settings,
            Some(&tether_domain::UserId::from(admin_id.as_str())),
        )
        .await?;

    Ok(summary(
        &staff,
        &teams,
        &companies,
        &articles,
        &cases,
        conversations,
    ))
}

async fn record_type(store: &Store, name: &str) -> anyhow::Result<RecordTypeDef> {
    Ok(store
        .record_type(name)
        .await?
        .with_context(|| {
            format!("the standard record type '{name}' is missing: run prepare first")
        })?
        .def)
}

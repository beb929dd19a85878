//! What every demo data set must hold, read back from the store: its counts, people, cases
//! and timelines, and its chats, channels and messages.

use std::collections::{BTreeMap, BTreeSet};
use tether::demo::{DEMO_EMAIL_DOMAIN, DemoSummary};
use tether_domain::chat::ChatKind;
use tether_domain::record::RecordState;
use tether_domain::{Owner, UserId};
use tether_store::Store;
use tether_store::records::NewRecord;

/// Chats, channels and messages as the summary says, read back from the store: each
/// conversation's messages, its members' view, its connection to its case, mentions, and
/// unread markers.
pub(super) async fn check_conversations(store: &Store, summary: &DemoSummary, scale: usize) {
    eprintln!(
        "scale {scale}: {} chats ({} connected to a case), {} channels, {} messages",
        summary.chats, summary.connected_chats, summary.channels, summary.messages
    );
    assert_eq!(
        summary.channels, 15,
        "a General channel per team, one per topic"
    );
    assert!(
        summary.chats >= 25 * scale,
        "{} chats at scale {scale}",
        summary.chats
    );
    assert!(
        summary.connected_chats >= 15 * scale,
        "{} connected chats at scale {scale}",
        summary.connected_chats
    );
    assert!(
        summary.messages >= 150 * scale,
        "{} messages at scale {scale}",
        summary.messages
    );
    let kinds: std::collections::HashSet<ChatKind> =
        summary.conversations.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        std::collections::HashSet::from([ChatKind::OneOnOne, ChatKind::Group, ChatKind::Channel])
    );
    let mut mentions = 0;
    let mut unread = 0;
    let mut written = 0;
    for c in &summary.conversations {
        let messages = store.messages(&c.id, 0, None, 1000).await.unwrap();
        let texts: Vec<_> = messages.iter().filter(|m| m.kind == "text").collect();
        assert_eq!(texts.len(), c.messages, "{:?}", c.name);
        written += texts.len();
        assert!(!texts.is_empty(), "{:?} has messages", c.name);
        for m in &texts {
            let sender = m.sender_id.as_ref().unwrap().as_str();
            assert!(
                c.member_ids.iter().any(|id| id == sender),
                "senders are members"
            );
            if m.body.starts_with("<@") {
                mentions += 1;
                assert!(m.html.contains("mention"), "{}", m.html);
            }
        }
        if c.kind != ChatKind::OneOnOne {
            assert!(
                messages.iter().any(|m| m.kind == "system"),
                "{:?} opens with a system message",
                c.name
            );
        }
        let member = &tether_domain::UserId::from(c.member_ids.first().unwrap().as_str());
        let listed = store
            .list_chats(member, None, &[c.kind], None, 1000)
            .await
            .unwrap();
        let mine = listed.iter().find(|l| l.chat.id == c.id);
        assert!(mine.is_some(), "{:?} is in its member's list", c.name);
        unread += listed
            .iter()
            .filter(|l| l.chat.id == c.id && l.unread > 0)
            .count();
        if let Some(record) = &c.record_id {
            let record = tether_domain::RecordId::from(record.as_str());
            let connections = store.record_connections(&record, member).await.unwrap();
            assert!(
                connections.iter().any(|k| k.chat.id == c.id && k.is_member),
                "{:?} is connected to its case",
                c.name
            );
        }
    }
    assert_eq!(written, summary.messages);
    assert!(
        mentions >= summary.connected_chats,
        "each case chat mentions its expert"
    );
    assert!(unread > 0, "some chats are unread for someone");
}

/// Case titles in case-number order.
pub(super) async fn titles(store: &Store, summary: &DemoSummary) -> Vec<String> {
    let ids: Vec<tether_domain::RecordId> = summary
        .topics
        .iter()
        .flat_map(|t| t.case_ids.iter().map(|id| id.as_str().into()))
        .collect();
    let mut cases: Vec<(String, String)> = store
        .record_views(&ids, None)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.record.number.unwrap(), v.record.name))
        .collect();
    cases.sort();
    cases.into_iter().map(|(_, title)| title).collect()
}

pub(super) async fn check_demo(store: &Store, summary: &DemoSummary) {
    check_people(store, summary).await;
    assert_eq!(store.count_records("account").await.unwrap(), 200);
    assert_eq!(store.count_records("contact").await.unwrap(), 500);
    assert!(store.count_records("knowledge_article").await.unwrap() >= 40);
    assert_eq!(store.count_records("case").await.unwrap(), 2000);
    assert_eq!(summary.cases, 2000);
    assert!(
        summary.activities >= 2 * summary.cases && summary.activities <= 4 * summary.cases,
        "about three activities per case: {}",
        summary.activities
    );
    assert!(
        store.global_settings().await.unwrap().collaboration_enabled,
        "collaboration is switched on"
    );
    check_cases(store, summary).await;
    check_conversations(store, summary, 1).await;

    // The case counter continues after the bulk-written numbers.
    let def = store.record_type("case").await.unwrap().unwrap().def;
    let admin = store
        .user_credentials("admin@demo.tether.test")
        .await
        .unwrap()
        .unwrap();
    let next = store
        .create_record(
            &def,
            &NewRecord {
                fields: BTreeMap::from([("title".to_owned(), serde_json::json!("One more"))]),
                owner: Owner::User {
                    user_id: UserId::new(admin.id.clone()),
                },
                state: RecordState::Active,
                created_by: Some(admin.id),
                at: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(next.number.as_deref(), Some("CAS-02001"));
}

pub(super) async fn check_people(store: &Store, summary: &DemoSummary) {
    let users = store.search_users("", 200).await.unwrap();
    assert!(users.len() >= 30, "{} users", users.len());
    assert_eq!(users.len(), summary.users);
    let emails: BTreeSet<&str> = users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails.len(), users.len(), "e-mail addresses are unique");
    assert!(emails.contains("admin@demo.tether.test"));
    for u in &users {
        let (local, domain) = u.email.split_once('@').unwrap();
        assert_eq!(domain, DEMO_EMAIL_DOMAIN);
        assert!(
            local == "admin" || local.contains('.'),
            "firstname.lastname: {}",
            u.email
        );
        assert!(u.name.contains(' '), "full name: {}", u.name);
    }
    let mut roles: BTreeMap<String, usize> = BTreeMap::new();
    let mut agents_in_teams = BTreeMap::new();
    for u in &users {
        let d = store.user_detail(&u.id).await.unwrap().unwrap();
        for r in &d.roles {
            *roles.entry(r.clone()).or_default() += 1;
        }
        if d.roles.iter().any(|r| r == "agent") {
            agents_in_teams.insert(d.id.clone(), d.team_ids.len());
        }
    }
    assert_eq!(roles.get("administrator"), Some(&1));
    assert_eq!(roles.get("viewer"), Some(&1));
    assert!(
        roles.get("supervisor").copied().unwrap_or(0) >= 3,
        "{roles:?}"
    );
    assert!(
        roles.get("knowledge_manager").copied().unwrap_or(0) >= 2,
        "{roles:?}"
    );
    assert!(roles.get("agent").copied().unwrap_or(0) >= 20, "{roles:?}");
    assert!(
        agents_in_teams.values().all(|&n| n >= 1),
        "every agent is in a team: {agents_in_teams:?}"
    );

    let teams = store.list_teams().await.unwrap();
    assert_eq!(teams.len(), 5);
    assert_eq!(summary.teams, 5);
    for t in &teams {
        let admins = t.members.iter().filter(|m| m.is_admin).count();
        assert!((1..=2).contains(&admins), "{}: {admins} admins", t.name);
        assert!(
            t.members.len() - admins >= 5,
            "{}: {} members",
            t.name,
            t.members.len() - admins
        );
    }

    let roles_shown: Vec<&str> = summary.sign_ins.iter().map(|s| s.role.as_str()).collect();
    assert_eq!(
        roles_shown,
        ["administrator", "supervisor", "agent", "agent", "viewer"]
    );
    for s in &summary.sign_ins {
        assert!(
            store.user_credentials(&s.email).await.unwrap().is_some(),
            "{}",
            s.email
        );
        assert!(!s.note.is_empty());
    }
}

pub(super) async fn check_cases(store: &Store, summary: &DemoSummary) {
    assert_eq!(summary.topics.len(), 10);
    let ids: Vec<tether_domain::RecordId> = summary
        .topics
        .iter()
        .flat_map(|t| t.case_ids.iter().map(|id| id.as_str().into()))
        .collect();
    assert_eq!(ids.len(), 2000);
    let views = store.record_views(&ids, None).await.unwrap();
    assert_eq!(views.len(), 2000);
    let cases: BTreeMap<&str, _> = views
        .iter()
        .map(|v| (v.record.id.as_str(), &v.record))
        .collect();

    // Every case links an existing account and a contact of that account.
    let mut targets: BTreeSet<String> = BTreeSet::new();
    for c in cases.values() {
        for field in ["account", "contact"] {
            let id = c.fields.get(field).and_then(|v| v.as_str());
            targets.insert(
                id.unwrap_or_else(|| panic!("{} has no {field}", c.id))
                    .to_owned(),
            );
        }
        assert!(c.number.as_deref().is_some_and(|n| n.starts_with("CAS-")));
        for field in ["description", "priority", "origin", "product"] {
            assert!(c.fields.contains_key(field), "{} has no {field}", c.id);
        }
    }
    let targets: Vec<tether_domain::RecordId> = targets
        .into_iter()
        .map(tether_domain::RecordId::new)
        .collect();
    let linked: BTreeMap<tether_domain::RecordId, _> = store
        .record_views(&targets, None)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.record.id.clone(), v.record))
        .collect();
    for c in cases.values() {
        let account = &linked[c.fields["account"].as_str().unwrap()];
        let contact = &linked[c.fields["contact"].as_str().unwrap()];
        assert_eq!(account.record_type, "account");
        assert_eq!(contact.record_type, "contact");
        assert_eq!(
            contact.fields["account"].as_str(),
            Some(account.id.as_str())
        );
    }

    // Numbers follow creation time.
    let mut by_number: Vec<_> = cases.values().collect();
    by_number.sort_by_key(|c| c.number.clone());
    assert!(
        by_number
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at)
    );

    // Descriptions are not copies of each other.
    let descriptions: BTreeSet<&str> = cases
        .values()
        .filter_map(|c| c.fields["description"].as_str())
        .collect();
    assert!(
        descriptions.len() >= 1990,
        "{} distinct descriptions",
        descriptions.len()
    );

    let resolved = cases
        .values()
        .filter(|c| c.state == RecordState::Resolved)
        .count();
    assert_eq!(resolved, summary.resolved_cases);
    assert!(resolved * 2 >= cases.len(), "{resolved} of 2000 resolved");

    // Topic experts own (and so resolved) at least 80% of their topic's resolved cases.
    for topic in &summary.topics {
        assert!(
            (2..=3).contains(&topic.experts.len()),
            "{}: {} experts",
            topic.key,
            topic.experts.len()
        );
        let experts: BTreeSet<&str> = topic.experts.iter().map(|e| e.id.as_str()).collect();
        let resolved: Vec<_> = topic
            .case_ids
            .iter()
            .map(|id| cases[id.as_str()])
            .filter(|c| c.state == RecordState::Resolved)
            .collect();
        let by_experts = resolved
            .iter()
            .filter(|c| match &c.owner {
                Owner::User { user_id } => experts.contains(user_id.as_str()),
                Owner::Team { .. } => false,
            })
            .count();
        assert!(
            resolved.len() >= 30,
            "{}: {} resolved",
            topic.key,
            resolved.len()
        );
        assert!(
            by_experts * 10 >= resolved.len() * 8,
            "{}: experts resolved {by_experts} of {}",
            topic.key,
            resolved.len()
        );
    }

    // Owner history: some cases changed hands; events are in order.
    let mut multi_owner = 0;
    let mut team_owned_at_some_point = 0;
    for c in cases.values() {
        let history = store.owner_history(&c.id).await.unwrap();
        assert!(!history.is_empty());
        assert_eq!(history[0].at, c.created_at);
        assert_eq!(history.last().unwrap().owner, c.owner);
        assert!(history.windows(2).all(|w| w[0].at <= w[1].at));
        if history.len() > 1 {
            multi_owner += 1;
        }
        if history
            .iter()
            .any(|h| matches!(h.owner, Owner::Team { .. }))
        {
            team_owned_at_some_point += 1;
        }
        assert!(c.updated_at >= history.last().unwrap().at);
    }
    assert!(multi_owner >= 400, "{multi_owner} cases changed owner");
    assert!(
        team_owned_at_some_point >= 50,
        "{team_owned_at_some_point} went through a team queue"
    );

    // Timelines: authored, between creation and the last change of a closed case.
    let mut with_activities = 0;
    for c in cases.values().take(300) {
        let timeline = store.timeline(&c.id, None, 100).await.unwrap();
        if !timeline.is_empty() {
            with_activities += 1;
        }
        for a in &timeline {
            assert!(a.author.is_some());
            assert!(a.at >= c.created_at, "{}: activity before creation", c.id);
            if c.state != RecordState::Active {
                assert!(a.at <= c.updated_at, "{}: activity after closing", c.id);
            }
        }
        if c.state == RecordState::Resolved {
            assert_eq!(
                timeline.first().map(|a| a.subject.as_str()),
                Some("Resolution")
            );
        }
    }
    assert_eq!(with_activities, 300);
}

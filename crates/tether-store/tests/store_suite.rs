//! The store conformance suite: every test runs against a fresh SQLite file and a fresh
//! PostgreSQL database, so both implementations keep the same behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::collections::BTreeMap;
use tether_domain::access::ReadScope;
use tether_domain::record::{ActivityKind, RecordState};
use tether_domain::settings::GlobalSettings;
use tether_domain::{Access, Owner, Privilege, TeamId, UserId};
use tether_store::audit::AuditFilter;
use tether_store::people::{NewUser, UserPatch};
use tether_store::records::{NewRecord, RecordPatch, RecordQuery};
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store, StoreError};

/// Runs `async fn $name(Backend)` once per backend.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(tether_store::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(tether_store::Backend::Postgres).await
            }
        }
    )*};
}

both_backends!(
    empty_database_is_seeded,
    users_roles_and_subjects,
    teams_and_teammates,
    records_are_numbered_and_owner_history_kept,
    list_scope_matches_privileges_and_shares,
    text_filter_folds_case_and_escapes_wildcards,
    timeline_is_newest_first_with_authors,
    sessions_expire_and_end_on_deactivation,
    login_failures_are_counted_per_key,
    a_new_password_ends_the_other_sessions_and_is_audited,
    settings_changes_are_audited,
    custom_types_get_their_own_numbering,
    chats_members_and_history_windows,
    messages_idempotency_reminders_and_attachments,
    unsent_uploads_are_bounded_and_old_or_deleted_files_discarded,
    concurrent_sends_are_committed_together,
    connections_and_channels,
    a_connected_chat_is_created_whole_in_one_transaction,
    reactions_are_bounded_per_message_even_when_added_at_once,
    team_administration_and_the_users_page,
    the_finder_matches_word_starts_when_short_and_anywhere_when_longer,
    the_finder_ranks_numbers_then_name_starts_however_many_records_match,
);

async fn user(s: &Store, email: &str, name: &str, roles: &[&str]) -> String {
    s.create_user(
        &NewUser {
            email: email.into(),
            name: name.into(),
            password_hash: "x".into(),
            role_names: roles.iter().map(|r| (*r).to_owned()).collect(),
            team_ids: vec![],
        },
        None,
    )
    .await
    .unwrap()
    .id
}

async fn case(s: &Store, title: &str, owner: Owner) -> tether_store::records::Record {
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let mut fields = BTreeMap::new();
    fields.insert("title".to_owned(), Value::String(title.into()));
    s.create_record(
        &def,
        &NewRecord {
            fields,
            owner,
            state: RecordState::Active,
            created_by: None,
            at: None,
        },
    )
    .await
    .unwrap()
}

fn u(id: &str) -> Owner {
    Owner::User {
        user_id: UserId::new(id),
    }
}

async fn empty_database_is_seeded(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    assert_eq!(s.backend(), b);
    let names: Vec<String> = s
        .record_types()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.def.name)
        .collect();
    assert_eq!(
        names,
        [
            "case",
            "account",
            "contact",
            "knowledge_article",
            "email",
            "conversation"
        ]
    );
    let roles: Vec<String> = s
        .list_roles()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert!(roles.contains(&"administrator".to_owned()) && roles.contains(&"agent".to_owned()));
    assert!(
        !s.global_settings().await.unwrap().collaboration_enabled,
        "R1: off on a new installation"
    );
    // Preparing again (a restart) changes nothing.
    s.prepare().await.unwrap();
    assert_eq!(s.record_types().await.unwrap().len(), 6);
    s.ping().await.unwrap();
}

async fn users_roles_and_subjects(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let olga = user(
        &s,
        "olga@example.com",
        "Olga Berg",
        &["agent", "supervisor"],
    )
    .await;
    let dup = s
        .create_user(
            &NewUser {
                email: "olga@example.com".into(),
                name: "Other".into(),
                password_hash: "x".into(),
                role_names: vec![],
                team_ids: vec![],
            },
            None,
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(m)) if m.contains("olga@example.com")));
    let bad_role = s
        .create_user(
            &NewUser {
                email: "x@example.com".into(),
                name: "X".into(),
                password_hash: "x".into(),
                role_names: vec!["wizard".into()],
                team_ids: vec![],
            },
            None,
        )
        .await;
    assert!(matches!(bad_role, Err(StoreError::Invalid(m)) if m.contains("wizard")));

    let subject = s.subject(&olga).await.unwrap().unwrap();
    assert!(
        subject.active && subject.privileges.collab_use && subject.privileges.collab_disconnect
    );
    assert_eq!(
        subject.privileges.depth("case", Access::Write),
        Some(tether_domain::Depth::Team)
    );
    assert_eq!(
        subject.privileges.depth("account", Access::Read),
        Some(tether_domain::Depth::All)
    );

    let role = s
        .create_role(
            "night_shift",
            &["case.read:own".parse::<Privilege>().unwrap()],
            None,
        )
        .await
        .unwrap();
    assert_eq!(role.privileges, ["case.read:own"]);
    let updated = s
        .update_user(
            &olga,
            &UserPatch {
                role_names: Some(vec!["night_shift".into()]),
                ..Default::default()
            },
            Some(&olga),
        )
        .await
        .unwrap();
    assert_eq!(updated.roles, ["night_shift"]);
    let subject = s.subject(&olga).await.unwrap().unwrap();
    assert!(!subject.privileges.collab_use);
    let audit = s
        .list_audit(&AuditFilter {
            action: Some("user.roles_changed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "role change is audited (R22)");
    assert_eq!(audit[0].actor.as_ref().unwrap().name, "Olga Berg");

    let found = s.search_users("BERG", 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(s.subject("nobody").await.unwrap().is_none());
}

async fn teams_and_teammates(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let team = s
        .create_team(
            "Support EMEA",
            std::slice::from_ref(&a),
            std::slice::from_ref(&bo),
            Some(&a),
        )
        .await
        .unwrap();
    assert_eq!(team.members.len(), 2);
    assert!(team.members.iter().any(|m| m.user_id == a && m.is_admin));
    assert!(matches!(
        s.create_team("Support EMEA", &[], &[], None).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_team("Ghosts", &["nobody".into()], &[], None).await,
        Err(StoreError::Invalid(_))
    ));

    let subject = s.subject(&bo).await.unwrap().unwrap();
    assert!(subject.team_ids.contains(&TeamId::new(team.id.clone())));
    assert!(subject.teammate_ids.contains(&UserId::new(a.clone())));
    assert!(!subject.teammate_ids.contains(&UserId::new(c.clone())));

    s.add_team_members(&team.id, std::slice::from_ref(&c), Some(&a))
        .await
        .unwrap();
    let subject = s.subject(&bo).await.unwrap().unwrap();
    assert!(subject.teammate_ids.contains(&UserId::new(c)));
    assert_eq!(s.list_teams().await.unwrap()[0].members.len(), 3);
}

async fn records_are_numbered_and_owner_history_kept(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let first = case(&s, "Printer jams on tray 2", u(&a)).await;
    let second = case(&s, "VPN drops every hour", u(&a)).await;
    assert_eq!(first.number.as_deref(), Some("CAS-00001"));
    assert_eq!(second.number.as_deref(), Some("CAS-00002"));
    assert_eq!(first.fields["ticket_number"], json!("CAS-00001"));
    assert_eq!(first.name, "Printer jams on tray 2");

    let def = s.record_type("case").await.unwrap().unwrap().def;
    let account_def = s.record_type("account").await.unwrap().unwrap().def;
    let mut acc_fields = BTreeMap::new();
    acc_fields.insert("name".to_owned(), json!("Contoso"));
    let account = s
        .create_record(
            &account_def,
            &NewRecord {
                fields: acc_fields,
                owner: u(&bo),
                state: RecordState::Active,
                created_by: None,
                at: None,
            },
        )
        .await
        .unwrap();
    assert!(account.number.is_none());
    assert_eq!(
        s.missing_records(&[
            ("account".into(), account.id.clone()),
            ("account".into(), first.id.clone())
        ])
        .await
        .unwrap(),
        [("account".to_owned(), first.id.clone())]
    );

    let mut fields = BTreeMap::new();
    fields.insert("priority".to_owned(), json!("high"));
    fields.insert("account".to_owned(), json!(account.id));
    let change = s
        .update_record(
            &def,
            &first.id,
            &RecordPatch {
                fields,
                owner: Some(u(&bo)),
                state: Some(RecordState::Resolved),
                at: None,
            },
            Some(&a),
        )
        .await
        .unwrap();
    assert_eq!(change.before.owner, u(&a));
    assert_eq!(change.after.owner, u(&bo));
    assert_eq!(change.after.owner_name, "Bo");
    assert_eq!(change.after.state, RecordState::Resolved);
    assert_eq!(change.after.fields["priority"], json!("high"));
    assert_eq!(
        change.after.name, "Printer jams on tray 2",
        "untouched fields stay"
    );
    let history = s.owner_history(&first.id).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.owner.clone()).collect::<Vec<_>>(),
        [u(&a), u(&bo)]
    );

    let mut clear = BTreeMap::new();
    clear.insert("priority".to_owned(), Value::Null);
    let change = s
        .update_record(
            &def,
            &first.id,
            &RecordPatch {
                fields: clear,
                ..Default::default()
            },
            Some(&a),
        )
        .await
        .unwrap();
    assert!(!change.after.fields.contains_key("priority"));
    // The wrong type for an id is "not found", never a silent cross-type update.
    assert!(matches!(
        s.update_record(&account_def, &first.id, &RecordPatch::default(), None)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn list_scope_matches_privileges_and_shares(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let team = s
        .create_team("T", &[], &[a.clone(), bo.clone()], None)
        .await
        .unwrap();
    let mine = case(&s, "Mine", u(&a)).await;
    let mates = case(&s, "Teammate's", u(&bo)).await;
    let teams = case(
        &s,
        "Team's",
        Owner::Team {
            team_id: TeamId::new(team.id.clone()),
        },
    )
    .await;
    let strangers = case(&s, "Stranger's", u(&c)).await;

    let names = |views: Vec<tether_store::records::RecordView>| {
        let mut n: Vec<String> = views.into_iter().map(|v| v.record.name).collect();
        n.sort();
        n
    };
    let subject = s.subject(&a).await.unwrap().unwrap();
    let query = |scope| RecordQuery {
        record_type: "case",
        viewer: &a,
        scope,
        text: None,
        owner_user: None,
        limit: 50,
    };
    assert_eq!(
        names(s.list_records(&query(ReadScope::All)).await.unwrap()).len(),
        4
    );
    let own = ReadScope::Owners {
        user_ids: vec![UserId::new(a.clone())],
        team_ids: vec![],
    };
    assert_eq!(names(s.list_records(&query(own)).await.unwrap()), ["Mine"]);
    let team_scope = tether_domain::Subject {
        privileges: tether_domain::PrivilegeSet::from_privileges(&["case.read:team"
            .parse::<Privilege>()
            .unwrap()]),
        ..subject.clone()
    }
    .read_scope("case");
    assert_eq!(
        names(s.list_records(&query(team_scope.clone())).await.unwrap()),
        ["Mine", "Team's", "Teammate's"]
    );
    assert!(names(s.list_records(&query(ReadScope::SharedOnly)).await.unwrap()).is_empty());

    s.share_record("case", &strangers.id, &a, Access::Read, &c)
        .await
        .unwrap();
    assert_eq!(
        names(s.list_records(&query(ReadScope::SharedOnly)).await.unwrap()),
        ["Stranger's"]
    );
    assert_eq!(
        names(s.list_records(&query(team_scope)).await.unwrap()).len(),
        4
    );
    let view = s.record_view(&strangers.id, &a).await.unwrap().unwrap();
    assert_eq!(view.shared, Some(Access::Read));
    s.share_record("case", &strangers.id, &a, Access::Write, &c)
        .await
        .unwrap();
    assert_eq!(
        s.record_view(&strangers.id, &a)
            .await
            .unwrap()
            .unwrap()
            .shared,
        Some(Access::Write)
    );
    assert_eq!(
        s.record_view(&strangers.id, &bo)
            .await
            .unwrap()
            .unwrap()
            .shared,
        None
    );
    let audit = s
        .list_audit(&AuditFilter {
            record_id: Some(strangers.id.clone()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 2, "shares are audited (R22)");
    let batch = s
        .record_views(
            &[
                mine.id.clone(),
                mates.id.clone(),
                teams.id.clone(),
                "missing".into(),
            ],
            &a,
        )
        .await
        .unwrap();
    assert_eq!(batch.len(), 3);
}

async fn text_filter_folds_case_and_escapes_wildcards(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    case(&s, "Åsa kan inte logga in", u(&a)).await;
    case(&s, "Rabatt 50% fungerar inte", u(&a)).await;
    case(&s, "Rabatt 500 kr", u(&a)).await;
    let find = |text: &'static str| {
        let s = s.clone();
        let a = a.clone();
        async move {
            s.list_records(&RecordQuery {
                record_type: "case",
                viewer: &a,
                scope: ReadScope::All,
                text: Some(text),
                owner_user: None,
                limit: 50,
            })
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.record.name)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("åSA").await, ["Åsa kan inte logga in"]);
    assert_eq!(find("50%").await, ["Rabatt 50% fungerar inte"]);
    assert_eq!(find("cas-00003").await, ["Rabatt 500 kr"]);
    assert!(find("zzz").await.is_empty());
}

async fn timeline_is_newest_first_with_authors(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let c = case(&s, "Broken", u(&a)).await;
    s.add_activity(
        &c.id,
        ActivityKind::Note,
        "First",
        Some("body"),
        Some(&a),
        Some(1_000),
    )
    .await
    .unwrap();
    s.add_activity(
        &c.id,
        ActivityKind::PhoneCall,
        "Called back",
        None,
        Some(&a),
        Some(2_000),
    )
    .await
    .unwrap();
    s.add_activity(
        &c.id,
        ActivityKind::Task,
        "Ship part",
        None,
        None,
        Some(3_000),
    )
    .await
    .unwrap();
    let items = s.timeline(&c.id, None, 10).await.unwrap();
    assert_eq!(
        items.iter().map(|i| i.subject.as_str()).collect::<Vec<_>>(),
        ["Ship part", "Called back", "First"]
    );
    assert_eq!(items[1].kind, "phone_call");
    assert_eq!(items[1].author.as_ref().unwrap().name, "Anna");
    let older = s.timeline(&c.id, Some(2_000), 10).await.unwrap();
    assert_eq!(older.len(), 1);
}

async fn sessions_expire_and_end_on_deactivation(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let later = tether_store::now_ms() + 60_000;
    s.create_session("h1", &a, "csrf1", later).await.unwrap();
    s.create_session("h2", &a, "csrf2", tether_store::now_ms() - 1)
        .await
        .unwrap();
    let live = s.session("h1").await.unwrap().unwrap();
    assert_eq!(
        (
            live.user_id.as_str(),
            live.csrf_token.as_str(),
            live.name.as_str()
        ),
        (a.as_str(), "csrf1", "Anna")
    );
    assert!(s.session("h2").await.unwrap().is_none(), "expired");
    s.delete_session("h1").await.unwrap();
    assert!(s.session("h1").await.unwrap().is_none(), "logged out");
    s.create_session("h3", &a, "csrf3", later).await.unwrap();
    s.update_user(
        &a,
        &UserPatch {
            active: Some(false),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    assert!(
        s.session("h3").await.unwrap().is_none(),
        "deactivation ends sessions"
    );
    assert!(!s.user(&a).await.unwrap().unwrap().active);
    s.create_session("h4", &a, "csrf4", tether_store::now_ms() - 1)
        .await
        .unwrap();
    assert_eq!(
        s.purge_expired(0).await.unwrap(),
        1,
        "only the expired session is purged"
    );
}

async fn login_failures_are_counted_per_key(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let keys = vec![
        "account:a@example.com".to_owned(),
        "addr:127.0.0.1".to_owned(),
    ];
    for _ in 0..3 {
        s.record_login_failure(&keys, None).await.unwrap();
    }
    assert_eq!(
        s.login_failures_since("account:a@example.com", 0)
            .await
            .unwrap()
            .0,
        3
    );
    assert_eq!(
        s.login_failures_since("addr:127.0.0.1", tether_store::now_ms() + 1000)
            .await
            .unwrap()
            .0,
        0
    );
    s.clear_login_failures("account:a@example.com")
        .await
        .unwrap();
    assert_eq!(
        s.login_failures_since("account:a@example.com", 0)
            .await
            .unwrap()
            .0,
        0
    );
    assert_eq!(
        s.login_failures_since("addr:127.0.0.1", 0).await.unwrap().0,
        3
    );
}

async fn a_new_password_ends_the_other_sessions_and_is_audited(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let b_id = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let later = tether_store::now_ms() + 60_000;
    for (h, u) in [("a1", &a), ("a2", &a), ("a3", &a), ("b1", &b_id)] {
        s.create_session(h, u, "csrf", later).await.unwrap();
    }
    // The user's own change keeps the session that made it.
    let ended = s
        .set_password(&a, "new-hash", Some("a1"), Some(&a), "self")
        .await
        .unwrap();
    assert_eq!(ended, 2);
    assert!(s.session("a1").await.unwrap().is_some());
    assert!(s.session("a2").await.unwrap().is_none());
    assert!(s.session("a3").await.unwrap().is_none());
    assert!(
        s.session("b1").await.unwrap().is_some(),
        "others keep theirs"
    );
    let creds = s.user_credentials("a@example.com").await.unwrap().unwrap();
    assert_eq!(creds.password_hash, "new-hash");
    // An administrator's reset ends them all.
    let ended = s
        .set_password(&a, "newer-hash", None, Some(&b_id), "administrator")
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert!(s.session("a1").await.unwrap().is_none());
    assert!(matches!(
        s.set_password("nobody", "x", None, None, "command line")
            .await,
        Err(tether_store::StoreError::NotFound("user"))
    ));
    let entries = s
        .list_audit(&AuditFilter {
            action: Some("user.password_changed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    let by = |via: &str| entries.iter().find(|e| e.details["via"] == via).unwrap();
    assert_eq!(by("administrator").details["sessions_ended"], 1);
    assert_eq!(by("administrator").actor.as_ref().unwrap().id, b_id);
    let own = by("self");
    assert_eq!(own.details["sessions_ended"], 2);
    assert_eq!(own.details["user_id"], a.as_str());
    assert_eq!(own.actor.as_ref().unwrap().id, a);
    assert!(!own.details.to_string().contains("hash"));
}

async fn settings_changes_are_audited(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "admin@example.com", "Ada Admin", &["administrator"]).await;
    s.set_global_settings(
        &GlobalSettings {
            collaboration_enabled: true,
        },
        Some(&admin),
    )
    .await
    .unwrap();
    assert!(s.global_settings().await.unwrap().collaboration_enabled);
    let mut t = s.record_type("account").await.unwrap().unwrap();
    assert!(!t.settings.join_chat);
    t.settings.join_chat = true;
    let saved = s
        .set_record_type_settings("account", &t.settings, Some(&admin))
        .await
        .unwrap();
    assert!(saved.settings.join_chat);
    assert!(matches!(
        s.set_record_type_settings("nope", &t.settings, None).await,
        Err(StoreError::NotFound(_))
    ));
    let audit = s
        .list_audit(&AuditFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"settings.global_changed"));
    assert!(actions.contains(&"settings.record_type_changed"));
    let entry = audit
        .iter()
        .find(|e| e.action == "settings.record_type_changed")
        .unwrap();
    assert_eq!(entry.details["old"]["join_chat"], json!(false));
    assert_eq!(entry.details["new"]["join_chat"], json!(true));
}

async fn custom_types_get_their_own_numbering(b: Backend) {
    use tether_domain::record_type::{FieldDef, FieldKind, RecordTypeDef};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let def = RecordTypeDef {
        name: "work_order".into(),
        display_name: "Work order".into(),
        primary_field: "summary".into(),
        fields: vec![FieldDef {
            name: "summary".into(),
            label: "Summary".into(),
            kind: FieldKind::Text,
            required: true,
            options: vec![],
            target: None,
            read_only: false,
        }],
        standard: false,
        number_prefix: Some("WO".into()),
    };
    let settings = tether_domain::settings::RecordTypeSettings::defaults_for(&def);
    s.create_record_type(&def, &settings, Some(&a))
        .await
        .unwrap();
    assert!(matches!(
        s.create_record_type(&def, &settings, Some(&a)).await,
        Err(StoreError::Conflict(_))
    ));
    let mut fields = BTreeMap::new();
    fields.insert("summary".to_owned(), json!("Replace pump"));
    let r = s
        .create_record(
            &def,
            &NewRecord {
                fields,
                owner: u(&a),
                state: RecordState::Active,
                created_by: Some(a.clone()),
                at: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(r.number.as_deref(), Some("WO-00001"));
    assert_eq!(
        s.record_types().await.unwrap().last().unwrap().def.name,
        "work_order"
    );
}

/// Both migration folders must describe the same tables and columns.
#[tokio::test]
async fn sqlite_and_postgres_schemas_agree() {
    let lite = TestDb::sqlite();
    let pg = TestDb::postgres().await;
    let lite_cols = lite.store().await.schema_columns().await.unwrap();
    let pg_cols = pg.store().await.schema_columns().await.unwrap();
    assert!(!lite_cols.is_empty());
    assert_eq!(lite_cols, pg_cols);
}

/// The body of stored message `id`.
async fn body_of(s: &Store, id: &str) -> String {
    s.message(id)
        .await
        .unwrap()
        .expect("the message is stored")
        .body
}

fn sys(text: &str) -> tether_store::chats::SystemMessage {
    tether_store::chats::SystemMessage {
        kind: "system",
        actor_id: None,
        text: text.into(),
        html: format!("<p>{text}</p>"),
        data: json!({}),
    }
}

fn new_message(chat: &str, sender: &str, body: &str) -> tether_store::chats::NewMessage {
    tether_store::chats::NewMessage {
        chat_id: chat.into(),
        sender_id: sender.into(),
        sender_name: "Sender".into(),
        body: body.into(),
        html: body.into(),
        importance: "normal".into(),
        data: None,
        mentions: vec![],
        attachment_ids: vec![],
        idempotency_key: None,
        idempotency_fingerprint: None,
        remind_until: None,
        remind_every_ms: 120_000,
    }
}

async fn chats_members_and_history_windows(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::NewChat;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let one = NewChat {
        kind: ChatKind::OneOnOne,
        name: None,
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let (first, created) = s.create_chat(&one, None).await.unwrap();
    assert!(created);
    let reverse = NewChat {
        members: vec![(bo.clone(), 0), (a.clone(), 0)],
        created_by: bo.clone(),
        ..one.clone()
    };
    let (again, created) = s.create_chat(&reverse, None).await.unwrap();
    assert!(!created, "one one-on-one chat per pair");
    assert_eq!(first.id, again.id);

    let group = NewChat {
        kind: ChatKind::Group,
        name: Some("Ops".into()),
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let (g, _) = s
        .create_chat(&group, Some(&sys("Anna started the chat")))
        .await
        .unwrap();
    let old = s
        .send_message(&new_message(&g.id, &a, "old"))
        .await
        .unwrap()
        .message;
    s.execute_raw(&format!(
        "UPDATE messages SET created_at = created_at - 100000 WHERE id = '{}'",
        old.id
    ))
    .await
    .unwrap();
    s.send_message(&new_message(&g.id, &a, "new"))
        .await
        .unwrap();
    let now = tether_store::now_ms();
    let added = s
        .add_members(
            &g.id,
            &[(c.clone(), now - 50_000), (bo.clone(), 0)],
            &a,
            &sys("Anna added Cilla"),
        )
        .await
        .unwrap();
    assert_eq!(
        added.users,
        std::slice::from_ref(&c),
        "existing members stay as they are"
    );
    let written = added.message_id.expect("a system message for the added");
    assert_eq!(body_of(&s, &written).await, "Anna added Cilla");
    let cilla = s.member(&g.id, &c).await.unwrap().unwrap();
    let seen: Vec<String> = s
        .messages(&g.id, cilla.visible_from, None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "text")
        .map(|m| m.body)
        .collect();
    assert_eq!(seen, ["new"], "the history window hides the old message");
    let unread = s
        .unread_counts(&c, std::slice::from_ref(&g.id))
        .await
        .unwrap();
    assert_eq!(unread.get(&g.id), Some(&1));
    let latest = s.messages(&g.id, 0, None, 1).await.unwrap().remove(0);
    s.mark_read(&g.id, &c, latest.seq).await.unwrap();
    s.mark_read(&g.id, &c, 1).await.unwrap();
    assert_eq!(
        s.member(&g.id, &c).await.unwrap().unwrap().last_read_seq,
        latest.seq,
        "read markers never go back"
    );
    assert!(
        s.unread_counts(&c, std::slice::from_ref(&g.id))
            .await
            .unwrap()
            .is_empty()
    );

    let list = s.list_chats(&c, Some("ANNA"), &[], None, 10).await.unwrap();
    assert_eq!(list.len(), 1, "filters match members' names");
    let removed = s
        .remove_member(&g.id, &c, &sys("Anna removed Cilla"))
        .await
        .unwrap()
        .expect("removed");
    assert_eq!(body_of(&s, &removed.message_id).await, "Anna removed Cilla");
    assert!(
        removed.members_before.contains(&c),
        "the removed person is among those told: {:?}",
        removed.members_before
    );
    assert!(
        s.remove_member(&g.id, &c, &sys("again"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.list_chats(&c, None, &[], None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    s.rename_chat(&g.id, "Operations", &sys("renamed"))
        .await
        .unwrap();
    assert_eq!(
        s.chat(&g.id).await.unwrap().unwrap().name.as_deref(),
        Some("Operations")
    );
    let audit = s
        .list_audit(&AuditFilter {
            chat_id: Some(g.id.clone()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"chat.members_added") && actions.contains(&"chat.member_removed"),
        "{actions:?}"
    );
}

async fn messages_idempotency_reminders_and_attachments(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::{Attachment, NewChat};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let (g, _) = s
        .create_chat(
            &NewChat {
                kind: ChatKind::Group,
                name: None,
                team_id: None,
                created_by: a.clone(),
                members: vec![(a.clone(), 0), (bo.clone(), 0)],
            },
            None,
        )
        .await
        .unwrap();
    let keyed = tether_store::chats::NewMessage {
        idempotency_key: Some("k1".into()),
        idempotency_fingerprint: Some("digest-of-once".into()),
        ..new_message(&g.id, &a, "once")
    };
    let first = s.send_message(&keyed).await.unwrap();
    let retry = s.send_message(&keyed).await.unwrap();
    assert!(!first.replayed && retry.replayed);
    assert_eq!(first.message.id, retry.message.id);
    let other_request = tether_store::chats::NewMessage {
        idempotency_fingerprint: Some("digest-of-something-else".into()),
        ..new_message(&g.id, &a, "something else")
    };
    let other_request = tether_store::chats::NewMessage {
        idempotency_key: Some("k1".into()),
        ..other_request
    };
    assert!(
        matches!(
            s.send_message(&other_request).await,
            Err(StoreError::KeyReused(_))
        ),
        "a key is bound to its request"
    );

    let now = tether_store::now_ms();
    let urgent = tether_store::chats::NewMessage {
        remind_until: Some(now + 1_000_000),
        remind_every_ms: 1000,
        ..new_message(&g.id, &a, "urgent!")
    };
    let u = s.send_message(&urgent).await.unwrap().message;
    let due = s.claim_due_reminders(now + 1_500, 1000).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        due[0].unread_user_ids,
        std::slice::from_ref(&bo),
        "the sender is never reminded"
    );
    assert!(
        s.claim_due_reminders(now + 1_500, 1000)
            .await
            .unwrap()
            .is_empty(),
        "claimed once"
    );
    s.mark_read(&g.id, &bo, u.seq).await.unwrap();
    assert!(
        s.claim_due_reminders(now + 2_600, 1000)
            .await
            .unwrap()
            .is_empty(),
        "read: no reminder"
    );

    let att = Attachment {
        id: "att1".into(),
        uploader_id: a.clone(),
        name: "a.png".into(),
        content_type: "image/png".into(),
        size: 3,
        inline: true,
        storage_key: "att1".into(),
        message_id: None,
        created_at: now,
    };
    s.create_attachment(&att).await.unwrap();
    assert!(
        s.attachment_for("att1", &a).await.unwrap().is_some(),
        "the uploader before sending"
    );
    assert!(s.attachment_for("att1", &bo).await.unwrap().is_none());
    let with = tether_store::chats::NewMessage {
        attachment_ids: vec!["att1".into()],
        ..new_message(&g.id, &a, "")
    };
    let sent = s.send_message(&with).await.unwrap().message;
    assert_eq!(sent.attachments.len(), 1);
    assert!(
        s.attachment_for("att1", &bo).await.unwrap().is_some(),
        "members after sending"
    );
    assert!(
        s.attachment_for("att1", &c).await.unwrap().is_none(),
        "never a non-member"
    );
    let reuse = tether_store::chats::NewMessage {
        attachment_ids: vec!["att1".into()],
        ..new_message(&g.id, &a, "again")
    };
    assert!(matches!(
        s.send_message(&reuse).await,
        Err(StoreError::Invalid(_))
    ));

    assert!(s.set_reaction(&sent.id, &bo, "👍", true).await.unwrap());
    assert!(!s.set_reaction(&sent.id, &bo, "👍", true).await.unwrap());
    let edited = s
        .edit_message(&first.message.id, "twice", "twice", &[])
        .await
        .unwrap();
    assert!(edited.edited_at.is_some());
    let gone = s.delete_message(&sent.id).await.unwrap();
    assert!(gone.deleted_at.is_some() && gone.body.is_empty() && gone.reactions.is_empty());
    assert!(
        s.attachment_for("att1", &bo).await.unwrap().is_none(),
        "a deleted message's file is gone for members"
    );
}

/// Issue 15: each user's unsent uploads are bounded; uploads unsent for too long and the files
/// of a deleted message are discarded (no download, no send) and then forgotten, while sent
/// files and recent uploads stay.
async fn unsent_uploads_are_bounded_and_old_or_deleted_files_discarded(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::{Attachment, NewChat};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let (g, _) = s
        .create_chat(
            &NewChat {
                kind: ChatKind::Group,
                name: None,
                team_id: None,
                created_by: a.clone(),
                members: vec![(a.clone(), 0), (bo.clone(), 0)],
            },
            None,
        )
        .await
        .unwrap();
    let now = tether_store::now_ms();
    let file = |id: &str, uploader: &str, size: i64, created_at: i64| Attachment {
        id: id.into(),
        uploader_id: uploader.into(),
        name: format!("{id}.txt"),
        content_type: "text/plain".into(),
        size,
        inline: false,
        storage_key: id.into(),
        message_id: None,
        created_at,
    };
    // The bound counts only the uploader's own unsent bytes.
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 0);
    assert!(
        s.create_attachment_within(&file("old", &a, 40, now - 10_000), 100)
            .await
            .unwrap()
    );
    assert!(
        s.create_attachment_within(&file("sent", &a, 50, now - 10_000), 100)
            .await
            .unwrap()
    );
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 90);
    assert!(
        !s.create_attachment_within(&file("over", &a, 11, now), 100)
            .await
            .unwrap(),
        "90 + 11 bytes pass a bound of 100"
    );
    assert!(
        s.attachment_for("over", &a).await.unwrap().is_none(),
        "a refused upload is not stored"
    );
    assert!(
        s.create_attachment_within(&file("fits", &a, 10, now), 100)
            .await
            .unwrap()
    );
    assert!(
        s.create_attachment_within(&file("bos", &bo, 100, now), 100)
            .await
            .unwrap()
    );
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 100);

    // A sent file no longer counts.
    let sent = s
        .send_message(&tether_store::chats::NewMessage {
            attachment_ids: vec!["sent".into()],
            ..new_message(&g.id, &a, "")
        })
        .await
        .unwrap()
        .message;
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 50);
    assert_eq!(
        s.message_attachments(&sent.id)
            .await
            .unwrap()
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        ["sent"]
    );

    // Unsent uploads made before the cut-off are discarded; recent and sent ones stay.
    assert_eq!(s.discard_unsent_attachments(now - 5_000).await.unwrap(), 1);
    assert_eq!(
        s.discard_unsent_attachments(now - 5_000).await.unwrap(),
        0,
        "once"
    );
    assert!(
        s.attachment_for("old", &a).await.unwrap().is_none(),
        "no download"
    );
    let resend = tether_store::chats::NewMessage {
        attachment_ids: vec!["old".into()],
        ..new_message(&g.id, &a, "late")
    };
    assert!(
        matches!(s.send_message(&resend).await, Err(StoreError::Invalid(_))),
        "a discarded upload cannot be sent"
    );
    assert!(s.attachment_for("fits", &a).await.unwrap().is_some());
    assert!(s.attachment_for("sent", &bo).await.unwrap().is_some());
    assert_eq!(s.unsent_attachment_bytes(&a).await.unwrap(), 10);

    // Deleting a message discards its files; the message no longer lists them.
    let gone = s.delete_message(&sent.id).await.unwrap();
    assert!(gone.attachments.is_empty());
    assert!(s.attachment_for("sent", &bo).await.unwrap().is_none());
    assert!(
        s.attachment_for("sent", &a).await.unwrap().is_none(),
        "not even for its uploader"
    );
    assert_eq!(s.message_attachments(&sent.id).await.unwrap().len(), 1);

    let mut discarded: Vec<String> = s
        .discarded_attachments(100)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    discarded.sort();
    assert_eq!(discarded, ["old", "sent"]);
    assert!(
        !s.forget_attachment("fits").await.unwrap(),
        "a live file is never forgotten"
    );
    assert!(s.forget_attachment("old").await.unwrap());
    assert!(s.forget_attachment("sent").await.unwrap());
    assert!(!s.forget_attachment("sent").await.unwrap(), "once");
    assert!(s.discarded_attachments(100).await.unwrap().is_empty());
    assert!(s.message_attachments(&sent.id).await.unwrap().is_empty());
    assert!(s.attachment_for("fits", &a).await.unwrap().is_some());
    assert!(s.attachment_for("bos", &bo).await.unwrap().is_some());
}

/// Group commit: sends that arrive together are written in shared transactions, and still
/// every chat's sequence numbers are gapless, each sender's messages keep their order, a key
/// used twice at once gives one message, and a send to a missing chat fails alone.
async fn reactions_are_bounded_per_message_even_when_added_at_once(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::{NewChat, ReactionAdded};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let chat = NewChat {
        kind: ChatKind::Group,
        name: None,
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let g = s.create_chat(&chat, None).await.unwrap().0.id;
    let m = s
        .send_message(&new_message(&g, &a, "hi"))
        .await
        .unwrap()
        .message
        .id;
    assert_eq!(
        s.add_reaction(&m, &a, "a", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &a, "a", 3).await.unwrap(),
        ReactionAdded::AlreadyThere
    );
    assert_eq!(
        s.add_reaction(&m, &a, "b", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &a, "c", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &a, "d", 3).await.unwrap(),
        ReactionAdded::TooMany
    );
    // Joining a reaction that is there takes no new place.
    assert_eq!(
        s.add_reaction(&m, &bo, "c", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert!(s.set_reaction(&m, &a, "b", false).await.unwrap());
    assert_eq!(
        s.add_reaction(&m, &bo, "d", 3).await.unwrap(),
        ReactionAdded::Added
    );
    assert_eq!(
        s.add_reaction(&m, &bo, "e", 3).await.unwrap(),
        ReactionAdded::TooMany
    );

    // Twenty different reactions at once on a fresh message: exactly three are taken.
    let m2 = s
        .send_message(&new_message(&g, &a, "again"))
        .await
        .unwrap()
        .message
        .id;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (s, m2, who) = (
            s.clone(),
            m2.clone(),
            if i % 2 == 0 { a.clone() } else { bo.clone() },
        );
        tasks.spawn(async move {
            s.add_reaction(&m2, &who, &format!("e{i}"), 3)
                .await
                .unwrap()
        });
    }
    let mut added = 0;
    while let Some(outcome) = tasks.join_next().await {
        added += usize::from(outcome.unwrap() == ReactionAdded::Added);
    }
    assert_eq!(added, 3);
    let stored = s.message(&m2).await.unwrap().unwrap().reactions;
    assert_eq!(stored.len(), 3, "{stored:?}");
}

async fn concurrent_sends_are_committed_together(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::{NewChat, NewMessage};
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let mut chats = Vec::new();
    for name in ["one", "two", "three"] {
        let chat = NewChat {
            kind: ChatKind::Group,
            name: Some(name.into()),
            team_id: None,
            created_by: a.clone(),
            members: vec![(a.clone(), 0), (bo.clone(), 0)],
        };
        chats.push(s.create_chat(&chat, None).await.unwrap().0.id);
    }
    let (senders, each) = (4, 10);
    let mut tasks = tokio::task::JoinSet::new();
    for (c, chat) in chats.iter().enumerate() {
        for sender in 0..senders {
            let (s, chat, who, bo) = (s.clone(), chat.clone(), a.clone(), bo.clone());
            tasks.spawn(async move {
                let mut seqs = Vec::new();
                for i in 0..each {
                    let word = if (c, sender, i) == (1, 2, 3) {
                        " zebra"
                    } else {
                        ""
                    };
                    let m = NewMessage {
                        mentions: if i % 3 == 0 { vec![bo.clone()] } else { vec![] },
                        idempotency_key: Some(format!("{c}-{sender}-{i}")),
                        ..new_message(
                            &chat,
                            &who,
                            &format!("chat {c} sender {sender} message {i}{word}"),
                        )
                    };
                    let sent = s.send_message(&m).await.unwrap();
                    assert!(!sent.replayed);
                    assert_eq!(sent.message.body, m.body);
                    seqs.push((sent.message.seq, sent.message.id));
                }
                (chat, seqs)
            });
        }
    }
    // One key sent twice at once, and a chat that does not exist, amid the others.
    let twice = NewMessage {
        idempotency_key: Some("twice".into()),
        ..new_message(&chats[0], &a, "only once")
    };
    let lost = new_message("no-such-chat", &a, "lost");
    let (first, second, missing) = tokio::join!(
        s.send_message(&twice),
        s.send_message(&twice),
        s.send_message(&lost)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(
        first.message.id, second.message.id,
        "one message for one key"
    );
    assert!(first.replayed != second.replayed);
    assert!(missing.is_err(), "a send to a missing chat fails");

    let mut sent: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let (chat, seqs) = done.unwrap();
        assert!(
            seqs.windows(2).all(|w| w[0].0 < w[1].0),
            "one sender's messages keep their order: {seqs:?}"
        );
        sent.entry(chat).or_default().extend(seqs);
    }
    for (c, chat) in chats.iter().enumerate() {
        let mut written = sent.remove(chat).unwrap();
        if c == 0 {
            written.push((first.message.seq, first.message.id.clone()));
        }
        written.sort();
        let expected: Vec<i64> = (1..=written.len() as i64).collect();
        let seqs: Vec<i64> = written.iter().map(|w| w.0).collect();
        assert_eq!(seqs, expected, "gapless sequence numbers in chat {c}");
        let stored = s.messages(chat, 0, None, 200).await.unwrap();
        let mut stored: Vec<(i64, String)> = stored.into_iter().map(|m| (m.seq, m.id)).collect();
        stored.sort();
        assert_eq!(
            stored, written,
            "what each send answered is what was stored"
        );
        let info = s.chat(chat).await.unwrap().unwrap();
        assert_eq!(info.last_seq, written.len() as i64);
        assert_eq!(info.last_message_by.as_deref(), Some(a.as_str()));
    }
    let hits = s
        .search_messages(&bo, &[vec!["zebra".into()]], None, 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "batched messages are in the search index");
    let (batches, sends) = s.send_batches().unwrap();
    assert!(sends >= (chats.len() * senders * each) as u64);
    assert!(
        batches < sends,
        "sends were grouped: {batches} batches for {sends} sends"
    );
}

/// R9, R10: the chat, its members, the connection with its system message, timeline entry and
/// audit entry, and the intro card come into being together; the opening messages' ids come
/// back in order.
async fn a_connected_chat_is_created_whole_in_one_transaction(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::NewChat;
    use tether_store::collab::NewConnectedChat;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let chat = |kind| NewChat {
        kind,
        name: Some("Printer".into()),
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let (started, intro) = (sys("Anna started this chat from Case"), sys("intro card"));
    let group = chat(ChatKind::Group);
    let new = |intro| NewConnectedChat {
        chat: &group,
        record_type: "case",
        record_id: &rec.id,
        started: &started,
        intro,
        timeline_subject: "Chat connected",
    };
    let (g, opening) = s.create_connected_chat(&new(Some(&intro))).await.unwrap();
    assert_eq!(g.kind, ChatKind::Group);
    let mut members = s.member_ids(&g.id).await.unwrap();
    members.sort();
    let mut expected = vec![a.clone(), bo.clone()];
    expected.sort();
    assert_eq!(members, expected);
    let first: Vec<String> = s
        .first_messages(&g.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(opening, first, "the opening messages, oldest first");
    assert_eq!(body_of(&s, &opening[0]).await, started.text);
    assert_eq!(body_of(&s, &opening[1]).await, intro.text);
    assert_eq!(
        s.connection(&g.id, &rec.id)
            .await
            .unwrap()
            .unwrap()
            .0
            .as_deref(),
        Some(a.as_str())
    );
    let timeline = s.timeline(&rec.id, None, 10).await.unwrap();
    assert_eq!(timeline[0].kind, "chat_connection");
    assert_eq!(timeline[0].chat_id.as_deref(), Some(g.id.as_str()));
    // Without an intro: the started message only.
    let (_, opening) = s.create_connected_chat(&new(None)).await.unwrap();
    assert_eq!(opening.len(), 1);
    // Only a group chat starts connected; nothing is written otherwise.
    let pair = chat(ChatKind::OneOnOne);
    let refused = s
        .create_connected_chat(&NewConnectedChat {
            chat: &pair,
            ..new(None)
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(s.record_connections(&rec.id, &a).await.unwrap().len(), 2);
}

async fn connections_and_channels(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::NewChat;
    use tether_store::collab::ConnectionChange;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let (g, _) = s
        .create_chat(
            &NewChat {
                kind: ChatKind::Group,
                name: Some("G".into()),
                team_id: None,
                created_by: a.clone(),
                members: vec![(a.clone(), 0)],
            },
            None,
        )
        .await
        .unwrap();
    let msg = sys("connected");
    let change = ConnectionChange {
        chat_id: &g.id,
        record_type: "case",
        record_id: &rec.id,
        actor_id: &a,
        system: &msg,
        timeline_subject: "Chat connected",
    };
    let written = s.connect_chat(&change).await.unwrap().expect("connected");
    assert_eq!(body_of(&s, &written).await, change.system.text);
    assert!(
        s.connect_chat(&change).await.unwrap().is_none(),
        "twice is a no-op"
    );
    assert_eq!(
        s.connection(&g.id, &rec.id)
            .await
            .unwrap()
            .unwrap()
            .0
            .as_deref(),
        Some(a.as_str())
    );
    let conns = s.record_connections(&rec.id, &bo).await.unwrap();
    assert_eq!(conns.len(), 1);
    assert!(!conns[0].is_member);
    let written = s
        .join_chat(&g.id, &bo, "case", &rec.id, &sys("Bo joined"))
        .await
        .unwrap()
        .expect("joined");
    assert_eq!(body_of(&s, &written).await, "Bo joined");
    assert!(s.record_connections(&rec.id, &bo).await.unwrap()[0].is_member);
    let timeline = s.timeline(&rec.id, None, 10).await.unwrap();
    assert_eq!(timeline[0].kind, "chat_connection");
    assert_eq!(timeline[0].chat_id.as_deref(), Some(g.id.as_str()));
    assert!(
        s.member_chats_by_connection(&a, true, "other", None, 10)
            .await
            .unwrap()
            .iter()
            .any(|c| c.id == g.id)
    );
    assert!(
        s.member_chats_by_connection(&a, false, "other", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.disconnect_chat(&change).await.unwrap().is_some());
    assert!(s.connection(&g.id, &rec.id).await.unwrap().is_none());
    assert_eq!(
        s.timeline(&rec.id, None, 10).await.unwrap()[0].kind,
        "chat_disconnection"
    );

    let team = s
        .create_team("T", &[], std::slice::from_ref(&a), None)
        .await
        .unwrap();
    let channel = s
        .create_channel(&team.id, "general", &a, &sys("created"))
        .await
        .unwrap();
    assert_eq!(channel.kind, ChatKind::Channel);
    assert_eq!(
        s.member_ids(&channel.id).await.unwrap(),
        std::slice::from_ref(&a)
    );
    let change = s
        .add_team_members(&team.id, std::slice::from_ref(&bo), None)
        .await
        .unwrap();
    let mut members = s.member_ids(&channel.id).await.unwrap();
    members.sort();
    let mut expected = vec![a.clone(), bo.clone()];
    expected.sort();
    assert_eq!(
        members, expected,
        "new team members join the team's channels"
    );
    let moved = |chat: &str, user: &str| tether_store::people::ChannelMove {
        chat_id: chat.to_owned(),
        user_id: user.to_owned(),
    };
    assert_eq!(
        change.joined,
        vec![moved(&channel.id, &bo)],
        "the join is reported"
    );
    let again = s
        .add_team_members(&team.id, std::slice::from_ref(&bo), None)
        .await
        .unwrap();
    assert!(again.joined.is_empty(), "a member already in adds nothing");
    let change = s.remove_team_member(&team.id, &bo, None).await.unwrap();
    assert_eq!(
        change.left,
        vec![moved(&channel.id, &bo)],
        "the leave is reported"
    );
    assert_eq!(
        s.member_ids(&channel.id).await.unwrap(),
        std::slice::from_ref(&a)
    );
}

/// `--durability full`: SQLite connections use `synchronous=FULL`; the default is NORMAL.
#[tokio::test]
async fn durable_sqlite_uses_synchronous_full() {
    let db = TestDb::sqlite();
    let normal = Store::connect(&db.url, &tether_store::ConnectOptions::default())
        .await
        .unwrap();
    assert_eq!(normal.sqlite_synchronous().await.unwrap(), Some(1));
    normal.close().await;
    let full = Store::connect(
        &db.url,
        &tether_store::ConnectOptions {
            durable: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(full.sqlite_synchronous().await.unwrap(), Some(2));
}

/// Issue 16: the Users page's batched roles and teams, team admins replaced, members removed
/// (never the last admin), the audit log filtered by actor and names resolved in one look-up.
async fn team_administration_and_the_users_page(b: Backend) {
    use tether_store::team_admin::TeamPatch;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "admin@example.com", "Ada Admin", &["administrator"]).await;
    let ann = user(&s, "ann@example.com", "Ann Agent", &["agent", "viewer"]).await;
    let bo = user(&s, "bo@example.com", "Bo Berg", &["agent"]).await;
    let team = s
        .create_team(
            "Billing",
            std::slice::from_ref(&ann),
            std::slice::from_ref(&bo),
            Some(&admin),
        )
        .await
        .unwrap();

    let page = s.search_users_admin("example.com", 2, 0).await.unwrap();
    assert_eq!(page.len(), 2);
    let rest = s.search_users_admin("example.com", 2, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    let ann_row = s.search_users_admin("ann@", 10, 0).await.unwrap();
    assert_eq!(ann_row[0].roles, vec!["agent", "viewer"]);
    assert_eq!(ann_row[0].teams[0].name, "Billing");

    assert!(matches!(
        s.remove_team_member(&team.id, &ann, Some(&admin)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.remove_team_member(&team.id, &admin, Some(&admin)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.update_team(
            &team.id,
            &TeamPatch {
                name: None,
                admin_ids: Some(vec![])
            },
            None
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    let t = s
        .update_team(
            &team.id,
            &TeamPatch {
                name: Some("Billing 2".into()),
                admin_ids: Some(vec![bo.clone(), admin.clone()]),
            },
            Some(&admin),
        )
        .await
        .unwrap()
        .team;
    assert_eq!(t.name, "Billing 2");
    assert_eq!(t.members.len(), 3, "the new admin joined");
    assert!(t.members.iter().all(|m| m.is_admin != (m.user_id == ann)));
    let t = s
        .remove_team_member(&team.id, &ann, Some(&admin))
        .await
        .unwrap()
        .team;
    assert!(t.members.iter().all(|m| m.user_id != ann));

    let audit = s
        .list_audit(&AuditFilter {
            actor_id: Some(admin.clone()),
            action: Some("team.member_removed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let none = s
        .list_audit(&AuditFilter {
            actor_id: Some(bo.clone()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
    let names = s
        .names_by_ids(&[ann.clone(), team.id.clone(), "nobody".into()])
        .await
        .unwrap();
    assert_eq!(names.get(&ann).map(String::as_str), Some("Ann Agent"));
    assert_eq!(names.get(&team.id).map(String::as_str), Some("Billing 2"));
    assert_eq!(names.len(), 2);
}

/// A record of `record_type` whose primary field is `title`, changed last at `at`.
async fn record_at(s: &Store, record_type: &str, title: &str, owner: Owner, at: i64) -> String {
    let def = s.record_type(record_type).await.unwrap().unwrap().def;
    let mut fields = BTreeMap::new();
    fields.insert(def.primary_field.clone(), json!(title));
    s.create_record(
        &def,
        &NewRecord {
            fields,
            owner,
            state: RecordState::Active,
            created_by: None,
            at: Some(at),
        },
    )
    .await
    .unwrap()
    .id
}

/// The read scopes `search_records` gets for `viewer`, as the server builds them.
async fn read_scopes(s: &Store, viewer: &str) -> Vec<(String, ReadScope)> {
    let subject = s.subject(viewer).await.unwrap().unwrap();
    s.record_types()
        .await
        .unwrap()
        .into_iter()
        .map(|t| {
            let scope = subject.read_scope(&t.def.name);
            (t.def.name, scope)
        })
        .collect()
}

async fn found(s: &Store, viewer: &str, text: &str, limit: i64) -> Vec<String> {
    let scopes = read_scopes(s, viewer).await;
    s.search_records(viewer, &scopes, text, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.record.name)
        .collect()
}

/// The finder (issue 16): one or two characters match names one of whose words begins with
/// them and numbers that begin with them; three or more match names and numbers anywhere and
/// the words of text fields. Only what the viewer may read, on both backends.
async fn the_finder_matches_word_starts_when_short_and_anywhere_when_longer(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let v = user(&s, "v@example.com", "Vera", &["viewer"]).await;
    let t0 = 1_700_000_000_000;
    record_at(&s, "case", "Reprint the invoice", u(&a), t0).await; // CAS-00001
    record_at(&s, "case", "Laser printer offline", u(&a), t0 + 1).await; // CAS-00002
    record_at(&s, "case", "VPN-printer bridge", u(&a), t0 + 2).await; // CAS-00003
    let jams = record_at(&s, "case", "Printer jams", u(&a), t0 + 3).await; // CAS-00004
    record_at(&s, "account", "Primo AB", u(&a), t0 + 4).await;
    record_at(&s, "account", "Åkesson Tryck", u(&a), t0 + 5).await;

    // Short: word starts only (start, after a space or a hyphen), names that begin first.
    assert_eq!(
        found(&s, &a, "pr", 20).await,
        [
            "Primo AB",
            "Printer jams",
            "VPN-printer bridge",
            "Laser printer offline"
        ]
    );
    assert_eq!(found(&s, &a, "P", 1).await, ["Primo AB"]);
    assert_eq!(found(&s, &a, "å", 20).await, ["Åkesson Tryck"]);
    assert_eq!(found(&s, &a, "TR", 20).await, ["Åkesson Tryck"]);
    assert!(found(&s, &a, "nt", 20).await.is_empty(), "inside words");
    // Numbers: short texts where they begin, not inside; longer ones anywhere.
    assert!(found(&s, &a, "00", 20).await.is_empty());
    assert_eq!(found(&s, &a, "ca", 20).await.len(), 4);
    assert_eq!(found(&s, &a, "00004", 20).await, ["Printer jams"]);
    // Three characters or more: anywhere in a name, and text words as before.
    assert_eq!(
        found(&s, &a, "rint", 20).await,
        [
            "Printer jams",
            "VPN-printer bridge",
            "Laser printer offline",
            "Reprint the invoice"
        ]
    );
    assert_eq!(found(&s, &a, "invoice", 20).await, ["Reprint the invoice"]);
    // Text fields: a word, or the beginning of one, ranked with the rest.
    let def = s.record_type("case").await.unwrap().unwrap().def;
    s.create_record(
        &def,
        &NewRecord {
            fields: BTreeMap::from([
                ("title".to_owned(), json!("Grey streaks")),
                (
                    "description".to_owned(),
                    json!("Toner smudges on every printout"),
                ),
            ]),
            owner: u(&a),
            state: RecordState::Active,
            created_by: None,
            at: Some(t0 - 1),
        },
    )
    .await
    .unwrap();
    assert_eq!(found(&s, &a, "smudg", 20).await, ["Grey streaks"]);
    assert_eq!(
        found(&s, &a, "printou", 20).await,
        ["Grey streaks"],
        "not the names that contain \"print\""
    );
    assert_eq!(
        found(&s, &a, "print", 20).await.last().unwrap(),
        "Grey streaks"
    );
    assert!(
        found(&s, &v, "smudg", 20).await.is_empty(),
        "text of an unreadable record"
    );
    // Wildcards are text.
    assert!(found(&s, &a, "%", 20).await.is_empty());
    assert!(found(&s, &a, "p_", 20).await.is_empty());

    // Vera reads her team's records only (she has none): nothing, until one is shared (R4).
    assert!(found(&s, &v, "pr", 20).await.is_empty());
    s.share_record("case", &jams, &v, Access::Read, &a)
        .await
        .unwrap();
    assert_eq!(found(&s, &v, "pr", 20).await, ["Printer jams"]);
    assert_eq!(found(&s, &v, "CAS-00004", 20).await, ["Printer jams"]);
    assert!(found(&s, &v, "CAS-00003", 20).await.is_empty());
}

/// The exact number comes first and names that begin with the text next, each newest first,
/// even when many newer records match otherwise (the finder stops at its page: each part of
/// its query has its own limit).
async fn the_finder_ranks_numbers_then_name_starts_however_many_records_match(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let t0 = 1_700_000_000_000;
    // The oldest records: CAS-00001, then two names that begin with "net".
    record_at(&s, "case", "Slow VPN", u(&a), t0).await;
    record_at(&s, "case", "Network down in Malmö", u(&a), t0 + 1).await;
    record_at(&s, "account", "Netto Logistik AB", u(&a), t0 + 2).await;
    for i in 0..30 {
        record_at(
            &s,
            "case",
            &format!("Office {i} network"),
            u(&a),
            t0 + 10 + i,
        )
        .await;
    }
    record_at(&s, "case", "CAS-00001 was reopened", u(&a), t0 + 100).await;

    let page = found(&s, &a, "net", 5).await;
    assert_eq!(
        page,
        [
            "Netto Logistik AB",
            "Network down in Malmö",
            "Office 29 network",
            "Office 28 network",
            "Office 27 network"
        ]
    );
    assert_eq!(found(&s, &a, "n", 3).await, page[..3]);
    assert_eq!(
        found(&s, &a, "cas-00001", 5).await,
        ["Slow VPN", "CAS-00001 was reopened"]
    );
    assert_eq!(found(&s, &a, "network", 50).await.len(), 31);
}

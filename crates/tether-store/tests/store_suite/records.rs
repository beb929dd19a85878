//! Records: numbering, owner history, read scopes and shares, the text filter, timelines,
//! custom types.

use crate::{case, u, user};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tether_domain::access::ReadScope;
use tether_domain::record::{ActivityKind, EntryKind, RecordState};
use tether_domain::{Access, Owner, Privilege, UserId};
use tether_store::audit::AuditFilter;
use tether_store::records::{NewRecord, RecordPatch, RecordQuery};
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(
    records_are_numbered_and_owner_history_kept,
    list_scope_matches_privileges_and_shares,
    text_filter_folds_case_and_escapes_wildcards,
    timeline_is_newest_first_with_authors,
    custom_types_get_their_own_numbering,
);

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
            ("account".into(), account.id.to_string()),
            ("account".into(), first.id.to_string())
        ])
        .await
        .unwrap(),
        [("account".to_owned(), first.id.to_string())]
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
            team_id: team.id.clone(),
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
            record_id: Some(strangers.id.to_string()),
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
            Some(&a),
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
    assert_eq!(items[1].kind, EntryKind::Logged(ActivityKind::PhoneCall));
    assert_eq!(items[1].author.as_ref().unwrap().name, "Anna");
    let older = s.timeline(&c.id, Some(2_000), 10).await.unwrap();
    assert_eq!(older.len(), 1);
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

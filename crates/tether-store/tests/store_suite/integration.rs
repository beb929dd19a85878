//! Issue 19, records and people from elsewhere: API keys (stored hashed, revoked, audited),
//! records by (type, source, external id), people upserted by external id, and who holds
//! `admin` kept by every path that changes roles.

use crate::{u, user};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tether_domain::Owner;
use tether_domain::record::RecordState;
use tether_domain::roles::RoleRuleError;
use tether_store::api_keys::NewApiKey;
use tether_store::audit::AuditFilter;
use tether_store::people::UserPatch;
use tether_store::people::external::{ChangedBy, ExternalUser, Upserted};
use tether_store::records::{ExternalLink, NewRecord, RecordPatch};
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store, StoreError};

both_backends!(
    api_keys_are_kept_hashed_revoked_and_audited,
    records_are_found_by_their_external_id_one_per_type_and_source,
    a_patch_that_changes_nothing_is_told_apart,
    people_are_upserted_by_external_id_then_email,
    r19_the_last_admin_keeps_admin_on_every_path,
    r19_a_key_changes_no_administrator,
    r19_a_launch_changes_no_administrator_and_says_what_made_its_changes,
);

async fn audit_actions(s: &Store) -> Vec<(String, Option<String>, Option<String>)> {
    s.list_audit(&AuditFilter {
        limit: 100,
        ..AuditFilter::default()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|e| (e.action, e.actor.map(|a| a.name), e.api_key.map(|k| k.name)))
    .collect()
}

async fn api_keys_are_kept_hashed_revoked_and_audited(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let key = s
        .create_api_key(
            &NewApiKey {
                name: "Zendesk sync".into(),
                key_hash: "hash-of-the-key".into(),
                scopes: vec!["records:write".into()],
            },
            &admin,
        )
        .await
        .unwrap();
    assert_eq!(key.scopes, ["records:write"]);
    assert_eq!(key.created_by, Some((admin.clone(), "Ada".to_owned())));
    assert!(key.last_used_at.is_none() && key.revoked_at.is_none());
    let grant = s.api_key_grant("hash-of-the-key").await.unwrap().unwrap();
    assert_eq!(grant.id, key.id);
    assert_eq!(grant.created_by, Some(admin.clone()));
    assert!(s.api_key_grant("another-hash").await.unwrap().is_none());

    // Use is noted at most once a minute.
    s.touch_api_key(&key.id, 1_000_000).await.unwrap();
    s.touch_api_key(&key.id, 1_030_000).await.unwrap();
    assert_eq!(
        s.api_key(&key.id).await.unwrap().unwrap().last_used_at,
        Some(1_000_000)
    );
    s.touch_api_key(&key.id, 1_070_000).await.unwrap();
    assert_eq!(
        s.api_key(&key.id).await.unwrap().unwrap().last_used_at,
        Some(1_070_000)
    );

    // A change made with the key names it in the audit log, without a person.
    s.audit(
        &tether_store::audit::NewAudit::new(None, "record.synced", json!({})).by_key(Some(&key.id)),
    )
    .await
    .unwrap();

    assert!(s.revoke_api_key(&key.id, &admin).await.unwrap());
    assert!(s.api_key_grant("hash-of-the-key").await.unwrap().is_none());
    assert!(!s.revoke_api_key(&key.id, &admin).await.unwrap(), "once");
    assert!(matches!(
        s.revoke_api_key("no-such-key", &admin).await,
        Err(StoreError::NotFound(_))
    ));
    let listed = s.api_keys().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].revoked_at.is_some(), "a revoked key stays listed");
    assert_eq!(
        audit_actions(&s).await[..3],
        [
            ("api_key.revoked".to_owned(), Some("Ada".to_owned()), None),
            (
                "record.synced".to_owned(),
                None,
                Some("Zendesk sync".to_owned())
            ),
            ("api_key.created".to_owned(), Some("Ada".to_owned()), None),
        ]
    );
}

fn title(t: &str) -> BTreeMap<String, Value> {
    BTreeMap::from([("title".to_owned(), json!(t))])
}

fn link(source: &str, id: &str) -> ExternalLink {
    ExternalLink {
        source: source.into(),
        external_id: id.into(),
        url: Some(format!("https://{source}.example.com/tickets/{id}")),
    }
}

async fn records_are_found_by_their_external_id_one_per_type_and_source(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let case_def = s.record_type("case").await.unwrap().unwrap().def;
    let account_def = s.record_type("account").await.unwrap().unwrap().def;
    let new = |t: &str| NewRecord {
        fields: title(t),
        owner: u(&a),
        state: RecordState::Active,
        created_by: None,
        at: None,
    };
    let mut tx = s.begin().await.unwrap();
    let first = tx
        .create_record(
            &case_def,
            &new("Printer jams"),
            Some(&link("zendesk", "4711")),
        )
        .await
        .unwrap();
    let second = tx
        .create_record(&case_def, &new("VPN drops"), Some(&link("zendesk", "4712")))
        .await
        .unwrap();
    // The same id under another source is another record.
    let other_source = tx
        .create_record(
            &case_def,
            &new("Zammad's 4711"),
            Some(&link("zammad", "4711")),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(first.number.as_deref(), Some("CAS-00001"));
    assert_eq!(first.external, Some(link("zendesk", "4711")));

    let found = s
        .record_by_external("case", "zendesk", "4711", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.record.id, first.id);
    assert!(
        s.record_by_external("account", "zendesk", "4711", None)
            .await
            .unwrap()
            .is_none(),
        "per type"
    );
    assert!(
        s.record_by_external("case", "zendesk", "nope", None)
            .await
            .unwrap()
            .is_none()
    );

    // A batch in one query keeps exactly the pairs asked for (not zammad's 4712, which is
    // in the product of sources and ids but is no pair asked for).
    let batch = s
        .records_by_external(
            "case",
            &[
                ("zendesk".into(), "4711".into()),
                ("zammad".into(), "4712".into()),
                ("zendesk".into(), "4712".into()),
                ("zendesk".into(), "9999".into()),
            ],
        )
        .await
        .unwrap();
    let mut ids: Vec<_> = batch.into_iter().map(|v| v.record.id).collect();
    ids.sort();
    let mut want = vec![first.id.clone(), second.id.clone()];
    want.sort();
    assert_eq!(ids, want);
    assert_ne!(other_source.id, first.id);

    // One record per (type, source, external id)…
    let mut tx = s.begin().await.unwrap();
    let again = tx
        .create_record(&case_def, &new("Twice"), Some(&link("zendesk", "4711")))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    drop(tx);
    // …but another type may use the same key.
    let mut account = new("ignored");
    account.fields = BTreeMap::from([("name".to_owned(), json!("Contoso"))]);
    let mut tx = s.begin().await.unwrap();
    tx.create_record(&account_def, &account, Some(&link("zendesk", "4711")))
        .await
        .unwrap();
    tx.set_record_url(&first.id, Some("https://zendesk.example.com/agent/4711"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let moved = s
        .record_by_external("case", "zendesk", "4711", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        moved.record.external.and_then(|x| x.url).as_deref(),
        Some("https://zendesk.example.com/agent/4711")
    );
    // A record made by a person has no external id; its link cannot be set.
    let plain = s.create_record(&case_def, &new("Plain")).await.unwrap();
    assert!(plain.external.is_none());
    let mut tx = s.begin().await.unwrap();
    assert!(matches!(
        tx.set_record_url(&plain.id, Some("https://x.example.com/"))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn a_patch_that_changes_nothing_is_told_apart(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let record = crate::case(&s, "Printer jams", u(&a)).await;
    let patch = |fields: BTreeMap<String, Value>, owner: Option<Owner>, state| RecordPatch {
        fields,
        owner,
        state,
        at: None,
    };
    assert!(
        !patch(
            title("Printer jams"),
            Some(u(&a)),
            Some(RecordState::Active)
        )
        .changes(&record)
    );
    assert!(!patch(BTreeMap::new(), None, None).changes(&record));
    assert!(
        !patch(
            BTreeMap::from([("description".to_owned(), Value::Null)]),
            None,
            None
        )
        .changes(&record),
        "clearing an empty field"
    );
    assert!(patch(title("Printer jams!"), None, None).changes(&record));
    assert!(patch(BTreeMap::new(), Some(u(&bo)), None).changes(&record));
    assert!(patch(BTreeMap::new(), None, Some(RecordState::Resolved)).changes(&record));
    assert!(
        patch(
            BTreeMap::from([("title".to_owned(), Value::Null)]),
            None,
            None
        )
        .changes(&record)
    );
}

fn person(external_id: &str, name: &str, email: &str, roles: Option<&[&str]>) -> ExternalUser {
    ExternalUser {
        source: "zendesk".into(),
        external_id: external_id.into(),
        name: name.into(),
        email: email.into(),
        role_names: roles.map(|r| r.iter().map(|x| (*x).to_owned()).collect()),
    }
}

async fn people_are_upserted_by_external_id_then_email(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let by = ChangedBy {
        user: Some(&admin),
        api_key: None,
        ..ChangedBy::default()
    };
    // New: no password, the roles given.
    let made = s
        .upsert_external_user(
            &person("u1", "Olga Berg", "olga@example.com", Some(&["agent"])),
            by,
        )
        .await
        .unwrap();
    let Upserted::Created(olga) = made else {
        panic!("created: {made:?}")
    };
    assert_eq!(olga.roles, ["agent"]);
    let creds = s
        .user_credentials("olga@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.password_hash, "", "no password until one is set");
    let audited = audit_actions(&s).await.len();

    // The same again: nothing written, no audit entry.
    let again = s
        .upsert_external_user(
            &person("u1", "Olga Berg", "olga@example.com", Some(&["agent"])),
            by,
        )
        .await
        .unwrap();
    assert!(
        matches!(&again, Upserted::Unchanged(u) if u.id == olga.id),
        "{again:?}"
    );
    assert_eq!(audit_actions(&s).await.len(), audited);

    // Without roles, the roles stay; a new name and address are set.
    let renamed = s
        .upsert_external_user(
            &person("u1", "Olga Lind", "olga.lind@example.com", None),
            by,
        )
        .await
        .unwrap();
    let Upserted::Updated(renamed) = renamed else {
        panic!("updated: {renamed:?}")
    };
    assert_eq!(
        (
            renamed.id.clone(),
            renamed.name.as_str(),
            renamed.roles.clone()
        ),
        (olga.id.clone(), "Olga Lind", vec!["agent".to_owned()])
    );
    assert_eq!(
        s.user_by_external("zendesk", "u1")
            .await
            .unwrap()
            .unwrap()
            .id,
        olga.id
    );

    // An account made before is linked by its address.
    let bo = user(&s, "bo@example.com", "Bo", &["agent"]).await;
    let linked = s
        .upsert_external_user(&person("u2", "Bo", "bo@example.com", None), by)
        .await
        .unwrap();
    assert_eq!(linked.value().id, bo);
    assert!(matches!(linked, Upserted::Updated(_)));
    // An address that belongs to someone the host knows by another id is a conflict.
    let taken = s
        .upsert_external_user(&person("u3", "Not Bo", "bo@example.com", None), by)
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    // So is moving one person to another's address.
    let clash = s
        .upsert_external_user(&person("u1", "Olga Lind", "bo@example.com", None), by)
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    // Unknown roles are named.
    let unknown = s
        .upsert_external_user(&person("u4", "Cy", "cy@example.com", Some(&["wizard"])), by)
        .await;
    assert!(matches!(unknown, Err(StoreError::Invalid(m)) if m.contains("wizard")));
    let actions: Vec<String> = audit_actions(&s).await.into_iter().map(|a| a.0).collect();
    assert!(actions.contains(&"user.synced".to_owned()), "{actions:?}");
}

async fn r19_the_last_admin_keeps_admin_on_every_path(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let ada = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let by = ChangedBy {
        user: Some(&ada),
        api_key: None,
        ..ChangedBy::default()
    };
    let strip = UserPatch {
        role_names: Some(vec!["agent".into()]),
        ..UserPatch::default()
    };
    // The administrator's own user edit…
    let refused = s.update_user(&ada, &strip, Some(&ada)).await;
    assert!(
        matches!(refused, Err(StoreError::Refused(RoleRuleError::LastAdmin))),
        "{refused:?}"
    );
    // …and the host's upsert of the same person (linked by address).
    let refused = s
        .upsert_external_user(
            &person("ada", "Ada", "ada@example.com", Some(&["agent"])),
            by,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Refused(RoleRuleError::LastAdmin))),
        "{refused:?}"
    );
    assert_eq!(
        s.user_detail(&ada).await.unwrap().unwrap().roles,
        ["administrator"],
        "nothing was written"
    );
    // A deactivated administrator does not count.
    let bea = user(&s, "bea@example.com", "Bea", &["administrator"]).await;
    s.update_user(
        &bea,
        &UserPatch {
            active: Some(false),
            ..UserPatch::default()
        },
        Some(&ada),
    )
    .await
    .unwrap();
    assert!(matches!(
        s.update_user(&ada, &strip, Some(&ada)).await,
        Err(StoreError::Refused(RoleRuleError::LastAdmin))
    ));
    // With another active administrator, either path may take it.
    let cy = user(&s, "cy@example.com", "Cy", &["administrator"]).await;
    s.update_user(&ada, &strip, Some(&cy)).await.unwrap();
    let cy_is_last = s
        .upsert_external_user(&person("cy", "Cy", "cy@example.com", Some(&["agent"])), by)
        .await;
    assert!(
        matches!(
            cy_is_last,
            Err(StoreError::Refused(RoleRuleError::LastAdmin))
        ),
        "Cy is now the last: {cy_is_last:?}"
    );
    // Deactivating the last administrator is refused as well.
    assert!(matches!(
        s.update_user(
            &cy,
            &UserPatch {
                active: Some(false),
                ..UserPatch::default()
            },
            Some(&ada),
        )
        .await,
        Err(StoreError::Refused(RoleRuleError::LastAdmin))
    ));
}

async fn r19_a_key_changes_no_administrator(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let ada = user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    let _bea = user(&s, "bea@example.com", "Bea", &["administrator"]).await;
    let key = s
        .create_api_key(
            &NewApiKey {
                name: "Sync".into(),
                key_hash: "h".into(),
                scopes: vec!["users:write".into()],
            },
            &ada,
        )
        .await
        .unwrap();
    let by = ChangedBy {
        user: None,
        api_key: Some(&key.id),
        ..ChangedBy::default()
    };
    // Not an administrator's name or address (linked by address), even with others left…
    let refused = s
        .upsert_external_user(&person("ada", "Ada Hacked", "ada@example.com", None), by)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Refused(RoleRuleError::AdminByKey))),
        "{refused:?}"
    );
    // …and no one made an administrator, new or known.
    let refused = s
        .upsert_external_user(
            &person("x", "Xena", "xena@example.com", Some(&["administrator"])),
            by,
        )
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(RoleRuleError::AdminByKey))
    ));
    let olga = s
        .upsert_external_user(
            &person("o", "Olga", "olga@example.com", Some(&["agent"])),
            by,
        )
        .await
        .unwrap();
    let refused = s
        .upsert_external_user(
            &person("o", "Olga", "olga@example.com", Some(&["administrator"])),
            by,
        )
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(RoleRuleError::AdminByKey))
    ));
    assert_eq!(
        s.user_detail(&olga.value().id)
            .await
            .unwrap()
            .unwrap()
            .roles,
        ["agent"]
    );
    // What the key did is signed with it.
    let created = s
        .list_audit(&AuditFilter {
            action: Some("user.created".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let by_key: Vec<_> = created
        .iter()
        .filter(|e| e.details["user_id"] == json!(olga.value().id))
        .collect();
    assert_eq!(by_key.len(), 1);
    assert!(by_key[0].actor.is_none());
    assert_eq!(
        by_key[0].api_key.as_ref().map(|k| k.name.as_str()),
        Some("Sync")
    );
}

/// A launch writes people as a host system without a key: the same rule as for a key (it
/// changes no administrator and makes none, whatever role it names), and its audit entries
/// say what made them (`via`), as the command line's do.
async fn r19_a_launch_changes_no_administrator_and_says_what_made_its_changes(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    user(&s, "ada@example.com", "Ada", &["administrator"]).await;
    user(&s, "bea@example.com", "Bea", &["administrator"]).await;
    let launch = ChangedBy {
        via: Some("Zendesk"),
        host: true,
        ..ChangedBy::default()
    };
    let refused = s
        .upsert_external_user(
            &person("ada", "Ada Hacked", "ada@example.com", None),
            launch,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Refused(RoleRuleError::AdminByKey))),
        "{refused:?}"
    );
    let refused = s
        .upsert_external_user(
            &person("x", "Xena", "xena@example.com", Some(&["administrator"])),
            launch,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Refused(RoleRuleError::AdminByKey))),
        "{refused:?}"
    );
    let olga = s
        .upsert_external_user(
            &person("o", "Olga", "olga@example.com", Some(&["agent"])),
            launch,
        )
        .await
        .unwrap();
    let created = s
        .list_audit(&AuditFilter {
            action: Some("user.created".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let entry = created
        .iter()
        .find(|e| e.details["user_id"] == json!(olga.value().id))
        .expect("Olga's creation is audited");
    assert!(entry.actor.is_none() && entry.api_key.is_none());
    assert_eq!(entry.details["via"], json!("Zendesk"));
    // The command line is no host system: the operator may change an administrator.
    let operator = ChangedBy {
        via: Some("command line"),
        ..ChangedBy::default()
    };
    s.upsert_external_user(
        &person("ada", "Ada Lovelace", "ada@example.com", None),
        operator,
    )
    .await
    .unwrap();
}

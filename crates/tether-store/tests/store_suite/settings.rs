//! Settings and their audit entries.

use crate::user;
use serde_json::json;
use tether_domain::settings::GlobalSettings;
use tether_store::audit::AuditFilter;
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(settings_changes_are_audited);

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

//! What an empty database gets on first start: the six standard record types with default
//! settings, the standard roles, and the global settings (collaboration off, R1).

use crate::{Result, Store};
use tether_domain::Privilege;
use tether_domain::record_type::standard_record_types;
use tether_domain::settings::RecordTypeSettings;

/// The roles every installation starts with: (name, privileges).
pub const STANDARD_ROLES: &[(&str, &[&str])] = &[
    (
        "administrator",
        &[
            "admin",
            "collab.use",
            "collab.disconnect",
            "*.read:all",
            "*.write:all",
        ],
    ),
    (
        "supervisor",
        &[
            "collab.use",
            "collab.disconnect",
            "*.read:all",
            "*.write:team",
        ],
    ),
    (
        "agent",
        &[
            "collab.use",
            "*.read:all",
            "case.write:team",
            "email.write:team",
            "conversation.write:team",
            "contact.write:own",
            "account.write:own",
        ],
    ),
    (
        "knowledge_manager",
        &["collab.use", "*.read:all", "knowledge_article.write:all"],
    ),
    ("viewer", &["*.read:team"]),
];

impl Store {
    pub(crate) async fn seed_if_empty(&self) -> Result<()> {
        if self.record_types().await?.is_empty() {
            for def in standard_record_types() {
                let settings = RecordTypeSettings::defaults_for(&def);
                // Another node starting at the same moment may have seeded it first.
                match self.create_record_type(&def, &settings, None).await {
                    Ok(_) | Err(crate::StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        if self.list_roles().await?.is_empty() {
            for (name, privs) in STANDARD_ROLES {
                let parsed: Vec<Privilege> = privs
                    .iter()
                    .map(|p| p.parse())
                    .collect::<Result<_, _>>()
                    .map_err(|e: tether_domain::privilege::PrivilegeError| {
                        crate::StoreError::Corrupt(e.0)
                    })?;
                match self.create_role(name, &parsed, None).await {
                    Ok(_) | Err(crate::StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

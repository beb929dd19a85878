//! What a test sets up beside the server: an administrator's session in the store, and a
//! PostgreSQL tablespace on the tmpfs.

use crate::support::{PASSWORD, postgres_admin_url};
use tether_store::{ConnectOptions, Store};

/// An administrator's session, made in the store before the server starts.
pub(super) async fn admin_token(db_url: &str) -> String {
    let store = Store::connect(db_url, &ConnectOptions::default())
        .await
        .unwrap();
    let u = store
        .create_user(
            &tether_store::people::NewUser {
                email: "admin@example.com".into(),
                name: "Ada Admin".into(),
                password_hash: tether_server::auth::hash_password(PASSWORD).unwrap(),
                role_names: vec!["administrator".into()],
                team_ids: vec![],
            },
            None,
        )
        .await
        .unwrap();
    let token = tether_server::auth::new_token();
    store
        .create_session(
            &tether_server::auth::token_hash(&token),
            &u.id,
            "csrf",
            tether_store::now_ms() + 3_600_000,
        )
        .await
        .unwrap();
    store.close().await;
    token
}

/// A PostgreSQL tablespace on `dir`, dropped on drop (after the database that uses it).
pub(super) struct Tablespace {
    pub(super) name: String,
}

impl Tablespace {
    pub(super) async fn create(dir: &std::path::Path) -> Tablespace {
        let name = format!("tether_full_{}", tether_store::new_id());
        let admin = Store::connect(&postgres_admin_url(), &ConnectOptions::default())
            .await
            .unwrap();
        admin
            .execute_raw(&format!(
                "CREATE TABLESPACE {name} LOCATION '{}'",
                dir.display()
            ))
            .await
            .unwrap_or_else(|e| panic!("creating a tablespace on the tmpfs: {e}"));
        admin.close().await;
        Tablespace { name }
    }
}

impl Drop for Tablespace {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) =
                    Store::connect(&postgres_admin_url(), &ConnectOptions::default()).await
                {
                    let _ = admin
                        .execute_raw(&format!("DROP TABLESPACE IF EXISTS {name}"))
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

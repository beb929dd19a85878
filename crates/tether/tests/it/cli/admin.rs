//! Database administration from the command line: migrate, create-user, set-password and
//! backup.

use super::{TempDir, reason, stderr, tether};
use std::process::{Output, Stdio};

#[test]
fn migrate_and_create_user() {
    let dir = TempDir::new();
    let o = tether()
        .args(["migrate", "--database", &dir.db()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let create = |email: &str| {
        tether()
            .args([
                "admin",
                "create-user",
                "--database",
                &dir.db(),
                "--email",
                email,
                "--name",
                "Olga Berg",
                "--password",
                "a long passphrase",
                "--role",
                "agent,supervisor",
            ])
            .output()
            .unwrap()
    };
    let o = create("olga@example.com");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("agent, supervisor"));
    let o = create("olga@example.com");
    assert!(!o.status.success());
    assert!(reason(&o).contains("already exists"), "{}", stderr(&o));
    let o = tether()
        .args([
            "admin",
            "create-user",
            "--database",
            &dir.db(),
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--password",
            "short",
            "--role",
            "agent",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(reason(&o).contains("password"), "{}", stderr(&o));
}

/// Runs `tether admin set-password` with `args`, writing `stdin` to its standard input.
fn set_password(db: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = tether()
        .args(["admin", "set-password", "--database", db])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn set_password_from_the_command_line_ends_the_users_sessions() {
    let dir = TempDir::new();
    let o = tether()
        .args(["admin", "create-user", "--database", &dir.db()])
        .args(["--email", "olga@example.com", "--name", "Olga Berg"])
        .args(["--password", "a long passphrase", "--role", "agent"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt.block_on(async {
        tether_store::Store::connect(&dir.db(), &tether_store::ConnectOptions::default())
            .await
            .unwrap()
    });
    let credentials = |store: &tether_store::Store| {
        rt.block_on(store.user_credentials("olga@example.com"))
            .unwrap()
            .unwrap()
    };
    let olga = credentials(&store).id;
    let later = tether_store::now_ms() + 60_000;
    for h in ["s1", "s2"] {
        rt.block_on(store.create_session(h, &olga, "csrf", later))
            .unwrap();
    }

    // With --password.
    let o = set_password(
        &dir.db(),
        &[
            "--email",
            "Olga@Example.com",
            "--password",
            "a second passphrase",
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Olga Berg") && out.contains("2 session(s) ended"),
        "{out}"
    );
    assert!(rt.block_on(store.session("s1")).unwrap().is_none());
    assert!(rt.block_on(store.session("s2")).unwrap().is_none());
    let hash = credentials(&store).password_hash;
    assert!(tether_server::auth::verify_password(
        "a second passphrase",
        &hash
    ));
    assert!(!tether_server::auth::verify_password(
        "a long passphrase",
        &hash
    ));

    // From standard input (a line, its ending dropped).
    let o = set_password(
        &dir.db(),
        &["--email", "olga@example.com"],
        "a third passphrase\r\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let hash = credentials(&store).password_hash;
    assert!(tether_server::auth::verify_password(
        "a third passphrase",
        &hash
    ));

    // Refusals, each with a one-line reason; the password stays.
    let o = set_password(
        &dir.db(),
        &[
            "--email",
            "nobody@example.com",
            "--password",
            "a long passphrase",
        ],
        "",
    );
    assert!(!o.status.success());
    assert!(
        reason(&o).contains("no user with e-mail nobody@example.com"),
        "{}",
        stderr(&o)
    );
    let o = set_password(&dir.db(), &["--email", "olga@example.com"], "short\n");
    assert!(!o.status.success());
    assert!(
        reason(&o).contains("at least 10 characters"),
        "{}",
        stderr(&o)
    );
    let o = set_password(&dir.db(), &["--email", "olga@example.com"], "");
    assert!(!o.status.success());
    assert!(reason(&o).contains("no password given"), "{}", stderr(&o));
    assert!(tether_server::auth::verify_password(
        "a third passphrase",
        &credentials(&store).password_hash
    ));

    let audit = rt
        .block_on(store.list_audit(&tether_store::audit::AuditFilter {
            action: Some("user.password_changed".into()),
            limit: 10,
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(
        audit
            .iter()
            .all(|e| e.details["via"] == "command line" && e.actor.is_none())
    );
    rt.block_on(store.close());
}

#[test]
fn backup_is_a_consistent_copy_that_opens_as_a_database() {
    let dir = TempDir::new();
    let o = tether()
        .args([
            "admin",
            "create-user",
            "--database",
            &dir.db(),
            "--email",
            "olga@example.com",
            "--name",
            "Olga Berg",
            "--password",
            "a long passphrase",
            "--role",
            "agent",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let to = dir.0.join("backup.db");
    let o = tether()
        .args(["backup", "--database", &dir.db(), "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // The copy is a complete database: the same user exists there.
    let copy = format!("sqlite://{}", to.display());
    let o = tether()
        .args([
            "admin",
            "create-user",
            "--database",
            &copy,
            "--email",
            "olga@example.com",
            "--name",
            "Again",
            "--password",
            "a long passphrase",
            "--role",
            "agent",
        ])
        .output()
        .unwrap();
    assert!(reason(&o).contains("already exists"), "{}", stderr(&o));
    let o = tether()
        .args(["backup", "--database", &dir.db(), "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(reason(&o).contains("already exists"), "{}", stderr(&o));
    let o = tether()
        .args([
            "backup",
            "--database",
            "postgres://postgres@127.0.0.1:5432/postgres",
            "--to",
        ])
        .arg(dir.0.join("x.db"))
        .output()
        .unwrap();
    assert!(reason(&o).contains("pg_dump"), "{}", stderr(&o));
}

//! Administration helpers of the command line: a password typed on standard input, and the
//! first administrator of an empty database from the environment.

use anyhow::{Context, Result, anyhow};
use tether_server::auth;
use tether_store::Store;
use tether_store::people::NewUser;

/// One line of standard input, without its line ending. On a terminal, `prompt` is shown on
/// standard error and the typed characters are not echoed (through `stty`).
pub(crate) fn read_password(prompt: &str) -> Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    let stty = |arg: &str| {
        let _ = std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status();
    };
    if terminal {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        stty("-echo");
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if terminal {
        stty("echo");
        eprintln!();
    }
    read.context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(anyhow!(
            "no password given: pass --password or write it on standard input"
        ));
    }
    Ok(password)
}

/// On an empty database, creates the first administrator from `TETHER_ADMIN_EMAIL` and
/// `TETHER_ADMIN_PASSWORD` when both are set.
pub(crate) async fn bootstrap_admin(store: &Store) -> Result<()> {
    let (Ok(email), Ok(password)) = (
        std::env::var("TETHER_ADMIN_EMAIL"),
        std::env::var("TETHER_ADMIN_PASSWORD"),
    ) else {
        return Ok(());
    };
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let email = tether_domain::people::Email::parse(&email)
        .map_err(|e| anyhow!("TETHER_ADMIN_EMAIL: {e}"))?;
    let password = tether_domain::people::Password::parse(&password)
        .map_err(|e| anyhow!("TETHER_ADMIN_PASSWORD: {e}"))?;
    let hash = auth::hash_password(password.expose())?;
    store
        .create_user(
            &NewUser {
                email: email.to_string(),
                name: "Administrator".into(),
                password_hash: hash,
                role_names: vec!["administrator".into()],
                team_ids: vec![],
            },
            None,
        )
        .await?;
    tracing::info!(%email, "created the first administrator");
    Ok(())
}

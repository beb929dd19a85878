//! Opening the database a command works on, shared by the command line and the benchmark
//! tool: connect, apply the migrations, and name the database in messages without its password.

use anyhow::{Context, Result};
use tether_store::{ConnectOptions, Store};

/// The database URL with its password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url.get(s + 3..at).and_then(|c| c.split_once(':')) {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Connects to `url` and prepares the schema. `durable`: SQLite syncs every commit to the disk
/// (`--durability full`), so an accepted write survives power loss too.
pub async fn open_store(url: &str, durable: bool) -> Result<Store> {
    open_store_with(
        url,
        &ConnectOptions {
            durable,
            ..ConnectOptions::default()
        },
    )
    .await
}

/// [`open_store`] with every connection setting.
pub async fn open_store_with(url: &str, opts: &ConnectOptions) -> Result<Store> {
    let store = Store::connect(url, opts)
        .await
        .with_context(|| format!("cannot open database {}", redact(url)))?;
    store
        .prepare()
        .await
        .with_context(|| format!("cannot prepare database {}", redact(url)))?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redact("postgres://tether:s3cret@db:5432/tether"),
            "postgres://tether:***@db:5432/tether"
        );
        assert_eq!(
            redact("postgres://tether@db/tether"),
            "postgres://tether@db/tether"
        );
        assert_eq!(redact("sqlite://data/tether.db"), "sqlite://data/tether.db");
        // An '@' in the password: everything up to the last one is hidden.
        assert_eq!(redact("postgres://u:p@ss@h/d"), "postgres://u:***@h/d");
    }
}

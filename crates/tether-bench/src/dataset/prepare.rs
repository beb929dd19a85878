//! The database a run over a generated data set measures (`panel`, `agents`): a fresh one
//! holding the data set, copied from the cache when there is one ([`super::cache`] names the
//! cached files and databases), else generated and cached for the next run.

use crate::dataset::{self, Manifest, Sizes};
use crate::server::{self, BenchDb};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use tether_store::Store;

/// The run's database, its store, the data set's manifest, and whether it came from the cache.
pub type Prepared = (BenchDb, Store, Manifest, bool);

/// Where generated data sets are kept, and whether to make this one afresh.
pub struct Cache {
    pub dir: PathBuf,
    pub fresh: bool,
}

/// A fresh database holding the data set: copied from the cache when there is one, else
/// generated (and cached). `database` is the workload's `--database`.
pub async fn prepare(database: Option<&str>, cache: &Cache, sizes: &Sizes) -> Result<Prepared> {
    match database {
        None => sqlite(cache, sizes).await,
        Some(url) if url.starts_with("postgres") => postgres(cache, sizes, url).await,
        Some(url) => named_sqlite(sizes, url).await,
    }
}

/// A SQLite file in a temporary directory, copied from the cached file.
async fn sqlite(cache: &Cache, sizes: &Sizes) -> Result<Prepared> {
    let key = sizes.key();
    let (fresh, cache) = (cache.fresh, &cache.dir);
    let db = BenchDb::create(None).await?;
    let file = dataset::sqlite_cache_file(cache, &key);
    let manifest_key = format!("{key}-sqlite");
    if !fresh
        && file.exists()
        && let Some(manifest) = Manifest::load(cache, &manifest_key)
    {
        let target = db.dir.join("tether.db");
        eprintln!("using the cached data set {}", file.display());
        std::fs::copy(&file, &target).with_context(|| format!("cannot copy {}", file.display()))?;
        let store = server::open_store(&db.url).await?;
        return Ok((db, store, manifest, true));
    }
    let store = server::open_store(&db.url).await?;
    let manifest = dataset::generate_into(&store, sizes).await?;
    // Fold the WAL into the main file, then keep a copy of it.
    store.execute_raw("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    store.close().await;
    std::fs::create_dir_all(cache).with_context(|| format!("cannot create {}", cache.display()))?;
    let tmp = file.with_extension("db.tmp");
    std::fs::copy(db.dir.join("tether.db"), &tmp)
        .and_then(|_| std::fs::rename(&tmp, &file))
        .with_context(|| format!("cannot cache the data set in {}", file.display()))?;
    manifest.save(cache, &manifest_key)?;
    let store = server::open_store(&db.url).await?;
    Ok((db, store, manifest, false))
}

/// A fresh database on the PostgreSQL server of `url`, cloned from the cached one.
async fn postgres(cache: &Cache, sizes: &Sizes, url: &str) -> Result<Prepared> {
    let key = sizes.key();
    let (fresh, cache) = (cache.fresh, &cache.dir);
    let template = dataset::postgres_template(&key);
    let manifest_key = format!("{key}-postgres");
    if !fresh
        && let Some(manifest) = Manifest::load(cache, &manifest_key)
        && let Ok(db) = BenchDb::postgres_from_template(url, &template).await
    {
        eprintln!("using the cached data set (database {template})");
        let store = server::open_store(&db.url).await?;
        return Ok((db, store, manifest, true));
    }
    let db = BenchDb::create(Some(url)).await?;
    let store = server::open_store(&db.url).await?;
    let manifest = dataset::generate_into(&store, sizes).await?;
    store.close().await;
    db.save_as_template(&template).await?;
    manifest.save(cache, &manifest_key)?;
    let store = server::open_store(&db.url).await?;
    Ok((db, store, manifest, false))
}

/// A SQLite file the user named: generated into, no cache.
async fn named_sqlite(sizes: &Sizes, url: &str) -> Result<Prepared> {
    let db = BenchDb::create(Some(url)).await?;
    let store = server::open_store(&db.url).await?;
    if store.count_users().await? > 0 {
        bail!("the data set goes into an empty database; {url} has users");
    }
    let manifest = dataset::generate_into(&store, sizes).await?;
    Ok((db, store, manifest, false))
}

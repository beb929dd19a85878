//! Where generated data sets are kept between runs, under `--cache-dir`: a SQLite data set as a
//! file (`panel-<key>.db`, copied for each run), a PostgreSQL one as a database on that server
//! (`tether_bench_cache_<hash of key>`, cloned with `CREATE DATABASE … TEMPLATE`), and beside
//! either a manifest (`panel-<key>-<backend>.json`) with the ids a run needs.

use super::Manifest;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

impl Manifest {
    fn path(dir: &Path, key: &str) -> PathBuf {
        dir.join(format!("panel-{key}.json"))
    }

    pub fn load(dir: &Path, key: &str) -> Option<Manifest> {
        let text = std::fs::read_to_string(Self::path(dir, key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn save(&self, dir: &Path, key: &str) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let path = Self::path(dir, key);
        std::fs::write(&path, serde_json::to_vec(self)?)
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

/// The cached SQLite file of a data set.
pub fn sqlite_cache_file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("panel-{key}.db"))
}

/// The PostgreSQL database that keeps a data set, as a template for each run's copy.
pub fn postgres_template(key: &str) -> String {
    format!("tether_bench_cache_{:016x}", fnv(key))
}

/// FNV-1a, for a short database name from a long key.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

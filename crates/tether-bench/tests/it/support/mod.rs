//! What the tests of the benchmark tool share: the PostgreSQL and NATS servers they use, a
//! temporary directory, and the `tether` binary the tool starts as a child server.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TETHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The NATS server of the scale-out tests.
pub fn nats_url() -> String {
    std::env::var("TETHER_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned())
}

/// A temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("tether-{label}-{}", tether_store::new_id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `tether-bench` binary, with the `tether` binary it runs as a child server (`tether
/// serve`) built beside it.
pub fn tether_bench() -> Command {
    let bench = Path::new(env!("CARGO_BIN_EXE_tether-bench"));
    build_beside(bench, "tether");
    Command::new(bench)
}

/// Makes sure the binary of workspace package `package` is in the directory of `exe`. A test
/// run of the whole workspace (`scripts/test`, CI) has built it with this one; a run of this
/// package alone (`-p tether-bench`) has not, so it is built here with cargo, same profile and
/// target directory. A binary already there is used as it is, fresh or not.
fn build_beside(exe: &Path, package: &str) {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let profile_dir = exe.parent().unwrap();
        let built = profile_dir.join(format!("{package}{}", std::env::consts::EXE_SUFFIX));
        if built.is_file() {
            return;
        }
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(other) => other,
            None => panic!("{} has no profile directory", exe.display()),
        };
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let out = Command::new(cargo)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--locked",
                "--profile",
                profile,
                "-p",
                package,
                "--bin",
            ])
            .arg(package)
            .arg("--target-dir")
            .arg(profile_dir.parent().unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cannot build {package} beside {}:\n{}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            built.is_file(),
            "cargo built {package}, but not into {}",
            profile_dir.display()
        );
    });
}

//! The benchmark tool lives in its own crate and binary, `tether-bench`: the server binary's
//! dependency tree holds none of its client-only crates, and `tether bench …` still works by
//! running the `tether-bench` beside `tether`.

use crate::support::TempDir;
use std::path::Path;
use std::process::{Command, Output};

/// `cargo tree -p tether -e normal <extra>`: one package a line, without the tree's drawing.
fn dependencies_of_tether(extra: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "-p",
            "tether",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
            "--locked",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `tree` (one package a line: `name vX.Y.Z …`) holds package `name`.
fn holds(tree: &str, name: &str) -> bool {
    tree.lines()
        .any(|line| line.split_whitespace().next() == Some(name))
}

#[test]
fn the_server_binary_does_not_depend_on_the_benchmark_clients() {
    let all = dependencies_of_tether(&[]);
    // The tree is the real one: the server is in it.
    assert!(holds(&all, "tether-server"), "{all}");
    assert!(holds(&all, "tether-store"), "{all}");
    // (indicatif is not among them since `tether import` draws its progress bar with it.)
    for client_only in ["tether-bench", "reqwest"] {
        assert!(!holds(&all, client_only), "{client_only} is in:\n{all}");
    }
    // tokio-tungstenite stays in the tree as the server half of axum's WebSockets; the `tether`
    // package itself no longer names it.
    let direct = dependencies_of_tether(&["--depth", "1"]);
    assert!(holds(&direct, "tether-server"), "{direct}");
    for client_only in ["tokio-tungstenite", "reqwest", "futures-util"] {
        assert!(
            !holds(&direct, client_only),
            "{client_only} is a direct dependency:\n{direct}"
        );
    }
}

fn run(exe: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .env("TETHER_LOG", "warn")
        .output()
        .unwrap()
}

/// Makes sure the benchmark tool `tether-bench` is in the directory of `tether`, where `tether
/// bench` looks for it. A test run of the whole workspace (`scripts/test`, CI) has built it
/// with `tether`; a run of this package alone (`-p tether`) has not, so it is built here with
/// cargo, same profile and target directory. A binary already there is used as it is.
fn tether_bench_beside(tether: &Path) {
    static BUILT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let profile_dir = tether.parent().unwrap();
        let bench = profile_dir.join(format!("tether-bench{}", std::env::consts::EXE_SUFFIX));
        if bench.is_file() {
            return;
        }
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(other) => other,
            None => panic!("{} has no profile directory", tether.display()),
        };
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let out = std::process::Command::new(cargo)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--locked", "--profile", profile])
            .args([
                "-p",
                "tether-bench",
                "--bin",
                "tether-bench",
                "--target-dir",
            ])
            .arg(profile_dir.parent().unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cannot build tether-bench beside {}:\n{}",
            tether.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            bench.is_file(),
            "cargo built tether-bench, but not into {}",
            profile_dir.display()
        );
    });
}

#[test]
fn tether_bench_runs_the_benchmark_tool_beside_it() {
    let tether = Path::new(env!("CARGO_BIN_EXE_tether"));
    tether_bench_beside(tether);

    let help = run(tether, &["bench", "--help"]);
    let stdout = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&help.stderr)
    );
    // The tool's own help, every workload, under the name it was called by.
    for workload in ["chat", "bare", "idle", "panel"] {
        assert!(stdout.contains(workload), "{workload}: {stdout}");
    }
    assert!(stdout.contains("Usage: tether bench <COMMAND>"), "{stdout}");

    let help = run(tether, &["bench", "chat", "--help"]);
    let stdout = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success(), "{stdout}");
    assert!(stdout.contains("--clients"), "{stdout}");
    assert!(stdout.contains("Usage: tether bench chat"), "{stdout}");

    // The tool's failures are its own: its one-line reason and its exit status.
    let bad = run(
        tether,
        &["bench", "chat", "--clients", "4", "--members", "1"],
    );
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--members"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let unknown = run(tether, &["bench", "no-such-workload"]);
    assert_eq!(unknown.status.code(), Some(2), "clap's usage error");
}

#[test]
fn tether_bench_without_the_tool_says_how_to_build_it() {
    // A `tether` alone in a directory (a hard link, or a copy across file systems).
    let dir = TempDir::new("bench-tool");
    let alone = dir
        .0
        .join(format!("tether{}", std::env::consts::EXE_SUFFIX));
    let tether = env!("CARGO_BIN_EXE_tether");
    if std::fs::hard_link(tether, &alone).is_err() {
        std::fs::copy(tether, &alone).unwrap();
    }
    let out = run(&alone, &["bench", "chat"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("the benchmark tool is a separate binary"),
        "{stderr}"
    );
    assert!(
        stderr.contains("build it with `cargo build --release -p tether-bench`"),
        "{stderr}"
    );
}

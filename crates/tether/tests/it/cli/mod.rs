//! The command line as an operator meets it: one-line errors with a non-zero status, migrate,
//! admin create-user and set-password, the first administrator, and serve with graceful
//! shutdown. Here: the helpers and argument errors; `admin` (migrate, users, passwords,
//! backup), `import` (records and people from CSV and JSON Lines) and `serve` (start, first
//! administrator, limits, shutdown) have the rest.

mod admin;
mod email;
mod import;
mod serve;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn tether() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tether"));
    c.env_remove("TETHER_DATABASE_URL")
        .env_remove("TETHER_ADMIN_EMAIL")
        .env_remove("TETHER_ADMIN_PASSWORD")
        .env("TETHER_LOG", "warn");
    c
}

struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "tether-cli-{}-{:x}",
            std::process::id(),
            rand_u64()
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn db(&self) -> String {
        format!("sqlite://{}", self.0.join("t.db").display())
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The last non-empty stderr line is the one-line reason.
fn reason(o: &Output) -> String {
    stderr(o)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_owned()
}

#[test]
fn bad_flag_fails_with_a_reason() {
    let o = tether().args(["serve", "--no-such-flag"]).output().unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--no-such-flag"), "{}", stderr(&o));
    let o = tether()
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not-an-address"));
}

/// `--unsent-upload-ttl` takes a humane duration longer than zero, and says how to write one.
#[test]
fn unsent_upload_ttl_is_a_humane_duration() {
    for (bad, says) in [("soon", "write it like 24h"), ("0s", "longer than 0")] {
        let o = tether()
            .args(["serve", "--unsent-upload-ttl", bad])
            .output()
            .unwrap();
        assert!(!o.status.success());
        assert!(stderr(&o).contains(says), "{bad}: {}", stderr(&o));
    }
    let o = tether().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("--unsent-upload-ttl") && help.contains("[default: 24h]"),
        "{help}"
    );
}

#[test]
fn unreachable_database_fails_with_one_line() {
    let o = tether()
        .args([
            "migrate",
            "--database",
            "postgres://postgres@127.0.0.1:1/nothing",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let r = reason(&o);
    assert!(
        r.starts_with("tether: cannot open database postgres://"),
        "{}",
        stderr(&o)
    );
    let o = tether()
        .args(["migrate", "--database", "mysql://x"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        reason(&o).contains("unsupported database URL"),
        "{}",
        stderr(&o)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_healthy(port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.1 200") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn an_idle_timeout_under_the_websocket_heartbeat_is_refused() {
    let o = tether()
        .args(["serve", "--idle-timeout", "20"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("25 s"), "{}", stderr(&o));
}

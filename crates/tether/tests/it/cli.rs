//! The command line as an operator meets it: one-line errors with a non-zero status, migrate,
//! admin create-user and set-password, the first administrator, and serve with graceful
//! shutdown.

use std::process::{Command, Output, Stdio};
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
fn port_in_use_fails_with_one_line() {
    let dir = TempDir::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = tether()
        .args([
            "serve",
            "--database",
            &dir.db(),
            "--listen",
            &addr,
            "--data-dir",
        ])
        .arg(dir.0.join("data"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        reason(&o).starts_with(&format!("tether: cannot listen on {addr}")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn serve_creates_the_first_admin_and_stops_gracefully_on_sigterm() {
    let dir = TempDir::new();
    let port = free_port();
    let mut child = tether()
        .args([
            "serve",
            "--database",
            &dir.db(),
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.0.join("data"))
        .env("TETHER_ADMIN_EMAIL", "root@example.com")
        .env("TETHER_ADMIN_PASSWORD", "a long passphrase")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(wait_healthy(port), "server did not become healthy");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "graceful shutdown exits 0");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The administrator exists in the database.
    let o = tether()
        .args([
            "admin",
            "create-user",
            "--database",
            &dir.db(),
            "--email",
            "root@example.com",
            "--name",
            "Again",
            "--password",
            "a long passphrase",
            "--role",
            "agent",
        ])
        .output()
        .unwrap();
    assert!(
        reason(&o).contains("already exists"),
        "first admin was created: {}",
        stderr(&o)
    );
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

/// `tether serve` raises its soft open-file limit to the hard limit (started here with a soft
/// limit of 256), and `--max-connections` caps open connections: past it, a 503 problem.
#[test]
fn serve_raises_its_open_file_limit_and_caps_connections() {
    use std::io::{Read, Write};
    let dir = TempDir::new();
    let port = free_port();
    let hard = std::fs::read_to_string("/proc/self/limits")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(4).map(str::to_owned))
        .unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -Sn 256 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_tether"))
        .args([
            "serve",
            "--database",
            &dir.db(),
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--max-connections",
            "3",
            "--data-dir",
        ])
        .arg(dir.0.join("data"))
        .env("TETHER_LOG", "warn")
        .env_remove("TETHER_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let healthy = wait_healthy(port);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .to_owned();
    // Three connections held, the fourth refused.
    let held: Vec<_> = (0..3)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut refused = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    refused
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = refused.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut answer = String::new();
    let _ = refused.read_to_string(&mut answer);
    drop(held);
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "server did not become healthy");
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        fields.get(3..5),
        Some([hard.as_str(), hard.as_str()].as_slice()),
        "soft limit raised to the hard one: {line}"
    );
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
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

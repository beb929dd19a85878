//! `tether serve` as a process: a port in use, the first administrator, graceful shutdown on
//! SIGTERM, and its open-file and connection limits.

use super::{TempDir, free_port, reason, stderr, tether, wait_healthy};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    // The server counts a connection once it has accepted it; on a busy machine that can lag
    // behind the client's connect, so a fourth connection is tried until the three are counted.
    let fourth = || {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut answer = fourth();
    while !answer.starts_with("HTTP/1.1 503 ") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        answer = fourth();
    }
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

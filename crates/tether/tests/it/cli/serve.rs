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
        .env("TETHER_LOG", "info")
        .env_remove("TETHER_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.0.join("serve.log")).unwrap())
        .spawn()
        .unwrap();
    let healthy = wait_healthy(port);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .to_owned();
    // Three connections held, the fourth refused. The connection `wait_healthy` used gives its
    // place back only once the server has closed it, which can come after the client saw the
    // answer: a held connection the server refused (it answers and closes at once) is opened
    // again, so that exactly three are held when the fourth comes.
    let hold = || loop {
        let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut byte = [0u8; 1];
        match stream.peek(&mut byte) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return stream;
            }
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let held: Vec<_> = (0..3).map(|_| hold()).collect();
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
    let log = std::fs::read_to_string(dir.0.join("serve.log")).unwrap_or_default();
    assert!(
        answer.starts_with("HTTP/1.1 503 "),
        "{answer}\n--- the server's log ---\n{log}"
    );
    assert!(answer.contains("application/problem+json"), "{answer}");
}

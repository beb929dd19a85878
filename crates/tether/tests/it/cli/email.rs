//! `tether serve`'s e-mail settings (issue 19, part 5): incomplete or invalid ones stop it at
//! start with a one-line reason; valid ones turn the digest on, and the SMTP password never
//! shows in the log.

use super::{TempDir, free_port, reason, stderr, tether, wait_healthy};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn serve(dir: &TempDir, port: u16, email: &[&str]) -> Command {
    let mut c = tether();
    c.args([
        "serve",
        "--database",
        &dir.db(),
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(dir.0.join("data"))
    .args(email);
    for var in [
        "TETHER_SMTP_HOST",
        "TETHER_SMTP_PORT",
        "TETHER_SMTP_TLS",
        "TETHER_SMTP_USERNAME",
        "TETHER_SMTP_PASSWORD",
        "TETHER_SMTP_FROM",
        "TETHER_SMTP_CA_FILE",
        "TETHER_EMAIL_DELAY",
        "TETHER_EMAIL_LOCALE",
    ] {
        c.env_remove(var);
    }
    c
}

#[test]
fn i19_serve_refuses_incomplete_or_invalid_email_settings_with_one_line() {
    let dir = TempDir::new();
    let cases: [(&[&str], &str); 7] = [
        (&["--smtp-host", "mail.example.com"], "--smtp-from"),
        (
            &[
                "--smtp-host",
                "mail.example.com",
                "--smtp-from",
                "not an address",
            ],
            "not an e-mail sender address",
        ),
        (
            &[
                "--smtp-host",
                "mail.example.com",
                "--smtp-from",
                "t@example.com",
                "--smtp-username",
                "tether",
            ],
            "go together",
        ),
        (&["--smtp-tls", "ssl"], "use none, starttls or tls"),
        (
            &[
                "--smtp-host",
                "mail.example.com",
                "--smtp-from",
                "t@example.com",
                "--smtp-ca-file",
                "/no/such/ca.pem",
            ],
            "cannot be read",
        ),
        (
            &[
                "--smtp-host",
                "mail.example.com",
                "--smtp-from",
                "t@example.com",
                "--smtp-tls",
                "none",
                "--smtp-ca-file",
                "/etc/hostname",
            ],
            "--smtp-ca-file is for TLS",
        ),
        (&["--email-locale", "de"], "\"de\" is not a language"),
    ];
    for (flags, needle) in cases {
        let o = serve(&dir, free_port(), flags).output().unwrap();
        assert!(!o.status.success(), "{flags:?} refused");
        let all = stderr(&o);
        assert!(all.contains(needle), "{flags:?}: {all}");
        // Settings the flags' parser takes are checked at start: their reason is the last line.
        if flags.contains(&"--smtp-host") {
            assert!(reason(&o).starts_with("tether: e-mail settings: "), "{all}");
        }
    }
}

#[test]
fn i19_serve_with_smtp_turns_the_digest_on_and_never_logs_the_password() {
    let dir = TempDir::new();
    let port = free_port();
    let log = dir.0.join("serve.log");
    std::fs::create_dir_all(&dir.0).unwrap();
    let mut child = serve(
        &dir,
        port,
        &[
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &free_port().to_string(),
            "--smtp-tls",
            "none",
            "--smtp-username",
            "tether",
            "--smtp-from",
            "Tether <tether@example.com>",
            "--email-delay",
            "5m",
        ],
    )
    .env("TETHER_SMTP_PASSWORD", "pw-that-must-not-leak")
    .env("TETHER_LOG", "debug")
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(&log).unwrap())
    .spawn()
    .unwrap();
    assert!(wait_healthy(port), "server did not become healthy");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut text = String::new();
    while Instant::now() < deadline {
        text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("e-mail digests on") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap_or(text);
    assert!(text.contains("e-mail digests on"), "{text}");
    assert!(!text.contains("pw-that-must-not-leak"), "{text}");
}

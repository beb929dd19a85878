//! The e-mail digest of what a person missed (issue 19, part 5), against a real SMTP server process.
//!
//! Each test starts Python's `aiosmtpd` (from PyPI; `scripts/test` installs it) on a free port,
//! writing what it receives into a maildir, and a server whose digest looks for work every
//! 100 ms with a short delay. The e-mails are read back with Python's own `email` parser, so
//! what is checked is what a mail client would show. A missing `python3` or `aiosmtpd` fails
//! the test, saying so: nothing is skipped.

mod delivery;
mod denials;
mod nodes;
mod settings_page;
mod smtp_settings;

use crate::common::TestApp;
use serde_json::{Value, json};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tether_domain::webhook::Backoff;
use tether_server::Config;
use tether_server::app::digest::{Smtp, SmtpTls};

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Points the digest at the SMTP server on `port` (plain SMTP, no credentials), with `delay`
/// and quick rounds (looking at what is 100 ms old) and retries.
pub fn email_to(port: u16, delay: Duration) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        let mut smtp = Smtp::new("127.0.0.1", SmtpTls::None, "Tether <tether@example.com>")
            .expect("valid settings");
        smtp.port = port;
        smtp.timeout = Duration::from_secs(2);
        c.email.smtp = Some(smtp);
        c.email.delay = delay;
        c.email.settle = Duration::from_millis(100);
        c.email.poll = Duration::from_millis(100);
        c.email.backoff = Backoff {
            first_ms: 300,
            cap_ms: 1_000,
            give_up_after_ms: 120_000,
        };
    }
}

/// A real SMTP server: `python3 -m aiosmtpd` with its Mailbox handler (or, with `login`, a
/// small aiosmtpd program that requires that user name and password), killed on drop.
pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
    login: Option<(String, String)>,
    /// Certificate and key: STARTTLS offered and required.
    tls: Option<(PathBuf, PathBuf)>,
}

/// The test CA (beside this file) that signed the STARTTLS server's certificate, for
/// 127.0.0.1 and localhost.
pub fn test_ca_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/email_digest/test-smtp-ca.pem")
}

impl SmtpServer {
    /// Starts one on a free port.
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(free_port())
    }

    /// Starts one on `port`, with a fresh maildir, and waits until it accepts connections.
    pub fn start_on(port: u16) -> SmtpServer {
        require_aiosmtpd();
        let dir = std::env::temp_dir().join(format!("tether-smtp-{}", tether_store::new_id()));
        let mut server = SmtpServer {
            port,
            dir,
            child: None,
            login: None,
            tls: None,
        };
        server.restart();
        server
    }

    /// Starts one on a free port that requires STARTTLS, with the test CA's certificate for
    /// 127.0.0.1 ([`test_ca_file`]).
    pub fn start_with_starttls() -> SmtpServer {
        require_aiosmtpd();
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/email_digest");
        let mut server = SmtpServer {
            port: free_port(),
            dir: std::env::temp_dir().join(format!("tether-smtp-{}", tether_store::new_id())),
            child: None,
            login: None,
            tls: Some((
                here.join("test-smtp-cert.pem"),
                here.join("test-smtp-key.pem"),
            )),
        };
        server.restart();
        server
    }

    /// Starts one on a free port that takes mail only from a client that signed in (AUTH) as
    /// `user` with `password`.
    pub fn start_with_login(user: &str, password: &str) -> SmtpServer {
        require_aiosmtpd();
        let mut server = SmtpServer {
            port: free_port(),
            dir: std::env::temp_dir().join(format!("tether-smtp-{}", tether_store::new_id())),
            child: None,
            login: Some((user.to_owned(), password.to_owned())),
            tls: None,
        };
        server.restart();
        server
    }

    /// Starts the process (again) on the same port and maildir.
    pub fn restart(&mut self) {
        let mut command = Command::new("python3");
        match &self.login {
            None => {
                command.args(["-m", "aiosmtpd", "-n", "-l"]);
                command.arg(format!("127.0.0.1:{}", self.port));
                if let Some((cert, key)) = &self.tls {
                    command.arg("--tlscert").arg(cert).arg("--tlskey").arg(key);
                }
                command
                    .args(["-c", "aiosmtpd.handlers.Mailbox"])
                    .arg(&self.dir)
            }
            Some((user, password)) => command
                .args(["-c", LOGIN_SERVER])
                .arg(self.port.to_string())
                .arg(&self.dir)
                .args([user, password]),
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 starts");
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                let mut err = String::new();
                if let Some(mut e) = self.child.take().and_then(|c| c.stderr) {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                panic!("aiosmtpd ended at once ({status}): {err}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not listen on port {} within 20 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the process; the received mail stays.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every e-mail received so far, parsed: `{to, from, subject, text, html}`.
    pub fn mails(&self) -> Vec<Value> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.join(sub)) {
                files.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        }
        if files.is_empty() {
            return Vec::new();
        }
        files.sort();
        let out = Command::new("python3")
            .arg("-c")
            .arg(PARSE_MAIL)
            .args(&files)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "parsing mail failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the parser's JSON")
    }

    /// The e-mails to `address`.
    pub fn mails_to(&self, address: &str) -> Vec<Value> {
        self.mails()
            .into_iter()
            .filter(|m| m["to"].as_str().unwrap_or("").contains(address))
            .collect()
    }

    /// Waits up to `within` for `n` e-mails to `address` and answers them.
    pub async fn wait_for(&self, address: &str, n: usize, within: Duration) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let got = self.mails_to(address);
            if got.len() >= n {
                return got;
            }
            assert!(
                started.elapsed() < within,
                "{n} e-mail(s) to {address} within {within:?}; got {}: {:?}",
                got.len(),
                self.mails()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An SMTP server that requires AUTH (PLAIN or LOGIN, allowed without TLS here) as the
/// given user: `python3 -c LOGIN_SERVER <port> <maildir> <user> <password>`.
const LOGIN_SERVER: &str = r#"
import signal, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult
port, maildir, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def check(server, session, envelope, mechanism, data):
    ok = data.login == user.encode() and data.password == password.encode()
    return AuthResult(success=ok)
c = Controller(Mailbox(maildir), hostname='127.0.0.1', port=port, authenticator=check,
               auth_required=True, auth_require_tls=False)
c.start()
signal.sigwait([signal.SIGTERM, signal.SIGINT])
c.stop()
"#;

/// Reads maildir files with Python's `email` package (MIME, encoded words, transfer
/// encodings) and prints them as JSON.
const PARSE_MAIL: &str = r#"
import email, json, sys
from email import policy
out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        m = email.message_from_binary_file(f, policy=policy.default)
    text = m.get_body(preferencelist=('plain',))
    html = m.get_body(preferencelist=('html',))
    out.append({
        'to': str(m['To']), 'from': str(m['From']), 'subject': str(m['Subject']),
        'multipart': m.get_content_type(),
        'message_id': str(m['Message-ID']), 'auto_submitted': str(m['Auto-Submitted']),
        'text': text.get_content() if text is not None else None,
        'html': html.get_content() if html is not None else None,
    })
print(json.dumps(out))
"#;

/// Fails, saying what to install, when `python3` or its `aiosmtpd` package is missing.
fn require_aiosmtpd() {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "the e-mail digest tests need python3 with aiosmtpd: run `python3 -m pip install aiosmtpd` \
         (scripts/test does it)"
    );
}

/// People of a test: an administrator's token, and agents by name.
pub struct People {
    pub admin: String,
    pub anna: Agent,
    pub bo: Agent,
    pub cy: Agent,
    pub dee: Agent,
}

pub struct Agent {
    pub id: String,
    pub token: String,
    pub email: String,
}

/// Anna, Bo, Cy and Dee, agents; collaboration on.
pub async fn people(app: &TestApp) -> People {
    let admin = app.enable_collaboration().await;
    let agent = async |email: &str, name: &str| {
        let (id, token) = app.user(&admin, email, name, &["agent"], &[]).await;
        Agent {
            id,
            token,
            email: email.to_owned(),
        }
    };
    People {
        anna: agent("anna@example.com", "Anna Berg").await,
        bo: agent("bo@example.com", "Bo Lind").await,
        cy: agent("cy@example.com", "Cy Ek").await,
        dee: agent("dee@example.com", "Dee Ny").await,
        admin,
    }
}

/// A group chat `name` of `by` and `members`; its id.
pub async fn group(app: &TestApp, by: &Agent, name: &str, members: &[&Agent]) -> String {
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    app.post(
        "/chats",
        &by.token,
        json!({"member_ids": ids, "name": name}),
    )
    .await
    .expect(201)
    .body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Sends `body` (with `importance`) to `chat` as `by`; the message.
pub async fn say(app: &TestApp, by: &Agent, chat: &str, body: &str, importance: &str) -> Value {
    app.post(
        &format!("/chats/{chat}/messages"),
        &by.token,
        json!({"body": body, "importance": importance}),
    )
    .await
    .expect(201)
    .body
}

//! Crash safety with the real binary (issue 10): clients send messages at full speed while
//! `tether serve` is killed with SIGKILL, then a new `tether serve` starts on the same database
//! and data directory, and the clients retry what got no answer with the same `Idempotency-Key`.
//! Afterwards every message that was acknowledged with a 201 is stored exactly once, in the
//! order its sender sent it, under the id the 201 named; nothing else is stored.
//!
//! Runs on SQLite (a fresh file in a temporary directory) and on PostgreSQL (a fresh database on
//! the local server, or on `TETHER_TEST_POSTGRES_URL`, dropped at the end). People and sessions
//! are created directly in the store; everything else goes through HTTP like any client.
//!
//! The new server listens on a new port, and the clients learn of it only after the test has
//! read, through the new server, what survived the kill: so the test knows which messages were
//! stored by the killed server without their 201 reaching the client, and can check that their
//! retries are answered with the stored message instead of a second copy.

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::{PgDb, Server, Stored, TempDir, User, http, prepare, read_all};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Clients sending at once, each as its own user, all into one group chat.
const SENDERS: usize = 4;
/// Messages acknowledged (all senders together) before the server is killed.
const BEFORE_KILL: usize = 400;
/// New messages each sender sends after the restart, once its retry went through.
const AFTER_RESTART: usize = 10;
/// How long a client keeps retrying one message before it gives up.
const RETRY_FOR: Duration = Duration::from_secs(60);
/// How long anything else may take (the first acknowledgements, the clients' finish).
const WAIT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// One message a client sent, and how it went.
#[derive(Clone, Debug)]
struct Sent {
    sender: usize,
    n: usize,
    /// `s{sender}-{n}`, also its Idempotency-Key.
    body: String,
    /// Attempts that got no 201 before the one that did.
    failures: u32,
    /// The server the first attempt went to.
    first_tried_on: usize,
    /// The server whose 201 acknowledged it.
    acked_by: usize,
    /// What the 201 named.
    id: String,
    seq: i64,
}

/// What a client did: its messages in the order sent, the messages it sent once more after the
/// restart although it had their 201, and any answer other than 201.
struct Report {
    sent: Vec<Sent>,
    resent: Vec<String>,
    refusals: Vec<String>,
}

/// How the sending of one message went.
struct Outcome {
    first_tried_on: usize,
    acked_by: usize,
    failures: u32,
    /// The 201's message.
    message: Value,
}

/// Sends `body` with `body` as Idempotency-Key until a 201 comes back: after a failure (no
/// answer, or an answer other than 201, noted in `refusals`) the same message with the same key
/// goes again, after a short backoff, to whatever server `servers` names at the time.
async fn send_until_acked(
    http: &reqwest::Client,
    servers: &watch::Receiver<(usize, String)>,
    who: &User,
    chat: &str,
    body: &str,
    refusals: &mut Vec<String>,
) -> Outcome {
    let mut failures = 0;
    let mut backoff = Duration::from_millis(10);
    let mut first_tried_on = None;
    let give_up = Instant::now() + RETRY_FOR;
    loop {
        let (generation, addr) = servers.borrow().clone();
        first_tried_on.get_or_insert(generation);
        let res = http
            .post(format!("http://{addr}/api/v1/chats/{chat}/messages"))
            .bearer_auth(&who.token)
            .header("Idempotency-Key", body)
            .json(&json!({ "body": body }))
            .send()
            .await;
        match res {
            Ok(res) if res.status() == 201 => {
                // A 201 whose body was cut off by the kill is no acknowledgement.
                if let Ok(message) = res.json::<Value>().await {
                    assert_eq!(
                        message["body"],
                        json!(body),
                        "the 201 names the message sent"
                    );
                    assert_eq!(message["sender"]["id"], json!(who.id), "{message}");
                    return Outcome {
                        first_tried_on: first_tried_on.unwrap(),
                        acked_by: generation,
                        failures,
                        message,
                    };
                }
            }
            Ok(res) => {
                let status = res.status();
                let text = res.text().await.unwrap_or_default();
                refusals.push(format!("{body}: {status} from server {generation}: {text}"));
            }
            // Refused, reset, timed out: no answer.
            Err(_) => {}
        }
        failures += 1;
        assert!(
            Instant::now() < give_up,
            "no 201 for {body} in {RETRY_FOR:?} ({failures} attempts)"
        );
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_millis(200));
    }
}

/// Sends `s{sender}-{n}` for n = 0, 1, … one after another as fast as the server answers (see
/// [`send_until_acked`]). Once the restarted server has acknowledged a message, sends the last
/// message the killed server acknowledged once more with its key, as a client does that lost
/// that 201: the answer must be the stored message. Stops after [`AFTER_RESTART`] new messages
/// went to the restarted server.
async fn client(
    sender: usize,
    who: User,
    chat: String,
    servers: watch::Receiver<(usize, String)>,
    acked: Arc<AtomicUsize>,
) -> Report {
    let http = http();
    let mut sent: Vec<Sent> = Vec::new();
    let mut resent = Vec::new();
    let mut refusals = Vec::new();
    let mut after_restart = 0;
    let mut n = 0;
    while after_restart < AFTER_RESTART {
        let body = format!("s{sender}-{n}");
        let o = send_until_acked(&http, &servers, &who, &chat, &body, &mut refusals).await;
        sent.push(Sent {
            sender,
            n,
            body,
            failures: o.failures,
            first_tried_on: o.first_tried_on,
            acked_by: o.acked_by,
            id: o.message["id"].as_str().unwrap().to_owned(),
            seq: o.message["seq"].as_i64().unwrap(),
        });
        acked.fetch_add(1, Ordering::SeqCst);
        if o.acked_by > 0 && resent.is_empty() {
            let last = sent
                .iter()
                .rev()
                .find(|s| s.acked_by == 0)
                .cloned()
                .expect("messages acknowledged before the kill");
            let again =
                send_until_acked(&http, &servers, &who, &chat, &last.body, &mut refusals).await;
            assert_eq!(
                (again.message["id"].as_str(), again.message["seq"].as_i64()),
                (Some(last.id.as_str()), Some(last.seq)),
                "sending {} again after the restart answers the message stored before the kill",
                last.body
            );
            resent.push(last.body);
        }
        if o.first_tried_on > 0 {
            after_restart += 1;
        }
        n += 1;
    }
    Report {
        sent,
        resent,
        refusals,
    }
}

async fn crash_and_restart(backend: Backend) {
    let started = Instant::now();
    let label = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    // Locals drop in reverse: the servers stop before the database goes, then the directory.
    let dir = TempDir::new(&format!("crash-safety-{label}"));
    let pg = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PgDb::create("tether_crash_safety").await),
    };
    let db_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.0.join("tether.db").display()),
    };
    let users = prepare(&db_url, SENDERS).await;
    let mut first = Server::start("server-0", &db_url, &dir.0, &[]).await;

    // One group chat with every sender in it.
    let res = http()
        .post(first.url("/chats"))
        .bearer_auth(&users[0].token)
        .json(&json!({
            "member_ids": users[1..].iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
            "name": "Crash test",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "creating the chat");
    let chat: Value = res.json().await.unwrap();
    assert_eq!(chat["kind"], "group", "{chat}");
    let chat_id = chat["id"].as_str().unwrap().to_owned();

    // The clients send at full speed.
    let (servers_tx, servers_rx) = watch::channel((0, first.addr.clone()));
    let acked = Arc::new(AtomicUsize::new(0));
    let mut clients: Vec<JoinHandle<Report>> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            tokio::spawn(client(
                i,
                u.clone(),
                chat_id.clone(),
                servers_rx.clone(),
                acked.clone(),
            ))
        })
        .collect();

    // Once enough messages are acknowledged, the server is killed mid-stream.
    let deadline = Instant::now() + WAIT;
    while acked.load(Ordering::SeqCst) < BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "only {} of {BEFORE_KILL} messages acknowledged in {WAIT:?}",
            acked.load(Ordering::SeqCst)
        );
        first.assert_running();
        if clients.iter().any(JoinHandle::is_finished) {
            for c in clients.drain(..) {
                if c.is_finished() {
                    c.await.unwrap();
                }
            }
            panic!("a client stopped before the kill");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill().await;
    let killed_after = started.elapsed();
    assert!(
        http()
            .get(format!("http://{}/healthz", first.addr))
            .send()
            .await
            .is_err(),
        "the killed server still answers"
    );

    // A new server on the same database and data directory. Before the clients hear of it, the
    // test reads what survived the kill.
    let second = Server::start("server-1", &db_url, &dir.0, &[]).await;
    let survived = read_all(&second, &chat_id, &users[0]).await;
    servers_tx
        .send((1, second.addr.clone()))
        .expect("the clients are listening");

    // The clients retry what got no answer, then send a few more each.
    let deadline = Instant::now() + WAIT;
    let mut sent: Vec<Sent> = Vec::new();
    let mut refusals: Vec<String> = Vec::new();
    let mut resent: Vec<String> = Vec::new();
    for c in clients {
        let report = tokio::time::timeout_at(deadline, c)
            .await
            .unwrap_or_else(|_| panic!("the clients did not finish within {WAIT:?} of the restart"))
            .expect("a client failed");
        sent.extend(report.sent);
        refusals.extend(report.refusals);
        resent.extend(report.resent);
    }
    assert_eq!(resent.len(), SENDERS, "each client sent one message again");
    let stored = read_all(&second, &chat_id, &users[0]).await;

    // Every request got a 201 or no answer at all: no error from either server.
    assert!(refusals.is_empty(), "answers other than 201: {refusals:#?}");

    // Each acknowledgement names a message of its own.
    let by_id: HashMap<&str, &Sent> = sent.iter().map(|s| (s.id.as_str(), s)).collect();
    assert_eq!(
        by_id.len(),
        sent.len(),
        "two messages acknowledged with one id"
    );

    // Everything the killed server acknowledged survived it, under the id and seq it named, and
    // was there before any retry reached the new server.
    let survived_text: Vec<&Stored> = survived.iter().filter(|m| m.kind == "text").collect();
    let survived_ids: HashMap<&str, &Stored> =
        survived_text.iter().map(|m| (m.id.as_str(), *m)).collect();
    let acked_before_kill: Vec<&Sent> = sent.iter().filter(|s| s.acked_by == 0).collect();
    for s in &acked_before_kill {
        let m = survived_ids.get(s.id.as_str()).unwrap_or_else(|| {
            panic!(
                "{} was acknowledged as {} before the kill but is gone after it",
                s.body, s.id
            )
        });
        assert_eq!((&m.body, m.seq), (&s.body, s.seq), "{s:?}");
    }
    // What else survived was in flight at the kill: stored, but its 201 never arrived. At most
    // one per sender (each sends one at a time), the one after its last acknowledged message,
    // and its retry was answered with that very message.
    let in_flight: Vec<&Sent> = sent
        .iter()
        .filter(|s| s.first_tried_on == 0 && s.acked_by == 1)
        .collect();
    let mut stored_unacknowledged = Vec::new();
    for m in survived_text
        .iter()
        .filter(|m| !acked_before_kill.iter().any(|s| s.id == m.id))
    {
        let s = in_flight
            .iter()
            .find(|s| s.body == m.body)
            .unwrap_or_else(|| {
                panic!(
                    "{m:?} was stored by the killed server, yet no client had it in flight; in \
                     flight: {in_flight:#?}"
                )
            });
        assert_eq!(
            (&s.id, s.seq),
            (&m.id, m.seq),
            "the retry of {} was answered with the message the killed server stored",
            s.body
        );
        stored_unacknowledged.push(s.body.clone());
    }

    // In the end, exactly the acknowledged messages are stored, once each, as acknowledged.
    let text: Vec<&Stored> = stored.iter().filter(|m| m.kind == "text").collect();
    let mut bodies = HashSet::new();
    for m in &text {
        assert!(bodies.insert(m.body.as_str()), "{} is stored twice", m.body);
        let s = by_id
            .get(m.id.as_str())
            .unwrap_or_else(|| panic!("{m:?} is stored, but no client got a 201 naming it"));
        assert_eq!(
            (&m.body, m.seq, m.sender_id.as_deref()),
            (&s.body, s.seq, Some(users[s.sender].id.as_str())),
            "the stored message is the one acknowledged"
        );
    }
    assert_eq!(
        text.len(),
        sent.len(),
        "as many messages stored as acknowledged"
    );
    // Each sender's messages are stored in the order it sent them, with no gaps.
    let mut per_sender: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for m in &text {
        let s = by_id[m.id.as_str()];
        per_sender.entry(s.sender).or_default().push(s.n);
    }
    for (sender, ns) in &per_sender {
        assert_eq!(
            *ns,
            (0..ns.len()).collect::<Vec<_>>(),
            "sender {sender}'s messages in the order sent"
        );
    }
    assert_eq!(per_sender.len(), SENDERS);

    let retried = sent.iter().filter(|s| s.failures > 0).count();
    let after_restart = sent.iter().filter(|s| s.acked_by == 1).count();
    eprintln!(
        "crash safety on {label}: killed after {killed_after:.1?} with {} acknowledged and {} in \
         flight ({} of those already stored: {stored_unacknowledged:?}); {retried} retried, \
         {} acknowledged ones sent again ({resent:?}), all answered with the stored message; \
         {after_restart} acknowledged by the restarted server, {} stored; {:.1?} in all",
        acked_before_kill.len(),
        in_flight.len(),
        stored_unacknowledged.len(),
        resent.len(),
        text.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_message_once_across_a_sigkill() {
    crash_and_restart(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_message_once_across_a_sigkill() {
    crash_and_restart(Backend::Postgres).await;
}

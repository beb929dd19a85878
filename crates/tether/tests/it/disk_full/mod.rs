//! A full disk never acknowledges a lost write (issue 15), with the real binary.
//!
//! The database lives on a small tmpfs (SQLite: the database file; PostgreSQL: a tablespace
//! holding the test's database). Eight clients send into one chat as fast as the server answers,
//! each message with its own `Idempotency-Key`, retrying after any answer but 201. The disk is
//! filled to the last byte while they send, then freed again, without restarting the server;
//! meanwhile the test signs in, creates teams and reads `/healthz`. Afterwards the server is
//! killed, a new one starts on the same database, and the test counts:
//!
//! - some writes were refused while the disk was full (else the test proved nothing), each with
//!   a 507 or 503 problem document and `Retry-After`, never another answer;
//! - every message that got a 201 is stored, once, under the id the 201 named, and nothing else;
//! - a sign-in or a team that got a 2xx while the disk was full exists; one that got 5xx
//!   does not;
//! - `/healthz` said 503, naming the failing writes, while the disk was full, and 200 again once
//!   a write could commit;
//! - sends were accepted again after the disk was freed, by the same server process.

mod clients;
mod fixtures;

use clients::{Acked, OtherWrites, Report, Shared, client, health, wait_until};
use fixtures::{Tablespace, admin_token};

use crate::support;
use crate::support::{PgDb, Server, TempDir, Tmpfs, http, prepare};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Clients sending at once, each as its own user, all into one group chat.
const SENDERS: usize = 8;
/// Messages acknowledged before the disk is filled.
const BEFORE_FULL: usize = 200;
/// Refused sends (all clients together) to see while the disk is full.
const REFUSALS: usize = 40;
/// Messages each client gets acknowledged after the disk was freed.
const AFTER_FREE: usize = 10;
/// How long any phase may take.
const WAIT: Duration = Duration::from_secs(90);

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

async fn fill_and_free(backend: Backend) {
    let started = Instant::now();
    let label = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    // Locals drop in reverse: servers, then the database, the tablespace, the tmpfs, the logs.
    let logs = TempDir::new(&format!("disk-full-{label}"));
    let (disk, tablespace, pg) = match backend {
        Backend::Sqlite => (Tmpfs::mount("disk-full", "24m", ""), None, None),
        Backend::Postgres => {
            let disk = Tmpfs::mount("disk-full-pg", "64m", "mode=0700");
            let chown = std::process::Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&disk.0)
                .status()
                .unwrap();
            assert!(chown.success(), "chown postgres the tablespace directory");
            let ts = Tablespace::create(&disk.0).await;
            let pg = PgDb::create_in("tether_disk_full", &ts.name).await;
            (disk, Some(ts), Some(pg))
        }
    };
    let db_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", disk.0.join("tether.db").display()),
    };
    // Attachments live on the small disk too (the server's data directory is `<logs>/data`).
    std::fs::create_dir_all(disk.0.join("data")).unwrap();
    std::os::unix::fs::symlink(disk.0.join("data"), logs.0.join("data")).unwrap();
    let users = prepare(&db_url, SENDERS).await;
    let admin = admin_token(&db_url).await;
    let mut server = Server::start("server", &db_url, &logs.0, &[]).await;

    let res = http()
        .post(server.url("/chats"))
        .bearer_auth(&users[0].token)
        .json(&json!({
            "member_ids": users[1..].iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
            "name": "Disk full",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "creating the chat");
    let chat: Value = res.json().await.unwrap();
    let chat_id = chat["id"].as_str().unwrap().to_owned();

    let res = http()
        .post(server.url("/records/case"))
        .bearer_auth(&admin)
        .json(&json!({"fields": {"title": "The disk fills up"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "creating the case");
    let case: Value = res.json().await.unwrap();
    let case_id = case["id"].as_str().unwrap().to_owned();

    let shared = Arc::new(Shared::default());
    let clients: Vec<JoinHandle<Report>> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            tokio::spawn(client(
                i,
                u.clone(),
                server.addr.clone(),
                chat_id.clone(),
                shared.clone(),
            ))
        })
        .collect();

    wait_until("the first acknowledgements", &mut server, || {
        shared.acked.load(Ordering::SeqCst) >= BEFORE_FULL
    })
    .await;

    // Fill the disk to the last byte while the clients send.
    let filler = disk.0.join("filler");
    let filled = disk.fill(&filler);
    let acked_at_full = shared.acked.load(Ordering::SeqCst);
    wait_until("the full disk refused writes (a server that keeps answering 201 acknowledges what it cannot store)", &mut server, || {
        shared.refused.load(Ordering::SeqCst) >= REFUSALS
    })
    .await;
    // The storage has had time to show it is full: health says so, and other writes are
    // answered as messages are.
    let (status, body) = health(&server).await;
    assert_eq!(status, 503, "/healthz while writes fail: {body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("writes"),
        "/healthz names the failing writes: {body}"
    );
    let mut other = OtherWrites {
        case_id: case_id.clone(),
        ..OtherWrites::default()
    };
    for (i, who) in users.iter().enumerate().take(3) {
        other.attempt(&server, who, &admin, i).await;
    }
    let refused_while_full = shared.refused.load(Ordering::SeqCst);

    // Free the disk: the same server process takes writes again.
    std::fs::remove_file(&filler).unwrap();
    shared.freed.store(true, Ordering::SeqCst);
    wait_until(
        "every client acknowledged again after the disk was freed",
        &mut server,
        || shared.done_after_free.load(Ordering::SeqCst) == SENDERS,
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = health(&server).await;
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "/healthz still {status} after writes commit again: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let sign_ins_while_full = other.sign_ins.len();
    let uploads_while_full = other.uploads.len();
    for (i, who) in users.iter().enumerate().skip(3).take(2) {
        other.attempt(&server, who, &admin, i).await;
    }
    assert_eq!(
        other.sign_ins.len(),
        sign_ins_while_full + 2,
        "sign-ins work again once the disk has room"
    );
    assert!(
        other.uploads_refused > 0,
        "an upload on the full disk is refused: {} stored",
        uploads_while_full
    );
    assert_eq!(
        other.uploads.len(),
        uploads_while_full + 2,
        "uploads work again once the disk has room"
    );
    for t in ["Full disk team 3", "Full disk team 4"] {
        assert!(
            other.teams_created.iter().any(|c| c == t),
            "teams are created again once the disk has room: {:?}",
            other.teams_created
        );
    }

    let mut acked: Vec<Acked> = Vec::new();
    let mut wrong: Vec<String> = other.wrong.clone();
    for c in clients {
        let report = c.await.expect("a client failed");
        acked.extend(report.acked);
        wrong.extend(report.wrong);
    }
    assert!(wrong.is_empty(), "improper answers: {wrong:#?}");

    // Kill the server and start a new one on the same database: only what was committed is
    // there.
    server.kill().await;
    let server = Server::start("again", &db_url, &logs.0, &[]).await;
    let stored = support::read_all(&server, &chat_id, &users[0]).await;
    let text: Vec<_> = stored.iter().filter(|m| m.kind == "text").collect();
    let stored_ids: HashMap<&str, &str> = text
        .iter()
        .map(|m| (m.id.as_str(), m.body.as_str()))
        .collect();
    let mut bodies = HashSet::new();
    for m in &text {
        assert!(bodies.insert(m.body.as_str()), "{} is stored twice", m.body);
    }
    let lost: Vec<&Acked> = acked
        .iter()
        .filter(|a| stored_ids.get(a.id.as_str()) != Some(&a.body.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged messages are not stored as acknowledged: {:?}",
        lost.len(),
        acked.len(),
        lost.iter().take(10).collect::<Vec<_>>()
    );
    assert_eq!(
        text.len(),
        acked.len(),
        "exactly the acknowledged messages are stored"
    );

    // Sign-ins and teams: a 2xx is stored, a refusal is not.
    for token in &other.sign_ins {
        let res = http()
            .get(server.url("/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "a session whose sign-in got 200 works");
    }
    let teams = server.get_json("/teams", &admin).await;
    let team_names: HashSet<&str> = teams["items"]
        .as_array()
        .or_else(|| teams.as_array())
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for (id, token) in &other.uploads {
        let res = http()
            .get(server.url(&format!("/attachments/{id}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "an upload that got 201 is stored");
        assert_eq!(res.bytes().await.unwrap().len(), 64 * 1024);
    }
    for t in &other.teams_created {
        assert!(team_names.contains(t.as_str()), "{t} got 201 and is stored");
    }
    // The case holds the last change that got 200 (they were made one after another), and
    // the changes after the disk was freed got 200.
    assert!(
        other.case_changes.iter().rev().take(2).all(|(_, ok)| *ok),
        "record changes work again once the disk has room: {:?}",
        other.case_changes
    );
    let last_acked = other
        .case_changes
        .iter()
        .rev()
        .find(|(_, ok)| *ok)
        .map(|(d, _)| d.clone());
    let case = server
        .get_json(&format!("/records/case/{case_id}"), &admin)
        .await;
    assert_eq!(
        case["fields"]["description"].as_str().map(str::to_owned),
        last_acked,
        "the case holds its last acknowledged change: {:?}",
        other.case_changes
    );
    for t in &other.teams_refused {
        assert!(
            !team_names.contains(t.as_str()),
            "{t} was refused and is not stored"
        );
    }
    eprintln!(
        "disk full on {label}: filled {filled} bytes after {acked_at_full} acknowledged; \
         {refused_while_full} sends refused while full; sign-ins during the full disk: {} ok, {} \
         refused; teams: {:?} created, {:?} refused; record changes (ok?): {:?}; {} messages \
         acknowledged and stored once each; {:.1?} in all",
        other.sign_ins.len(),
        other.sign_ins_refused,
        other.teams_created,
        other.teams_refused,
        other
            .case_changes
            .iter()
            .map(|(_, ok)| *ok)
            .collect::<Vec<_>>(),
        acked.len(),
        started.elapsed()
    );
    drop(server);
    drop(pg);
    drop(tablespace);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_never_acknowledges_a_write_the_full_disk_lost() {
    fill_and_free(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_never_acknowledges_a_write_the_full_tablespace_lost() {
    fill_and_free(Backend::Postgres).await;
}

//! Issue 10, the authorization matrix: every endpoint of the served OpenAPI document, called as
//! each of twelve personas against real resources (a case owned by the record owner, a group
//! chat connected to it with members, a team channel connected to it, a message with a record
//! link and an attachment), with the expected status of every (endpoint × persona) cell.
//!
//! The expected statuses are derived from SPEC.md, API.md, docs/api.md and docs/security.md
//! and the handlers in `src/api/*.rs`, not from what the server answers. A documented endpoint
//! without a row fails the test, and so does a row whose endpoint is no longer documented. An
//! endpoint may have more rows, each with a label naming what it adds (an owner change, a
//! share, a lookup); pairs of rows in `SAME_ANSWER` must answer alike where the first refuses.
//!
//! Leak checks run over the raw text of the same responses (see `NEEDLES`): nothing of the chat
//! (name, a member's name, message text) reaches a non-member, and a non-member who may join
//! sees its name only (the locked entry of R3); nothing of the record (name, field values)
//! reaches a non-reader; nothing of the team channel reaches a non-member of the team. Live
//! events are checked too: the non-member's and the reader's sockets receive nothing of the
//! chat while its members talk, and the member who cannot read the record never receives the
//! record's name (R16 cards per recipient).

mod coverage;
mod needles;
mod requests;
mod table;
mod world;

use crate::common;
use crate::common::{PASSWORD, TestApp, spawn_app};
use coverage::coverage_problems;
use needles::NEEDLES;
use requests::collect;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use table::{SAME_ANSWER, TABLE};
use tether_store::Backend;
use world::world;

both_backends!(every_endpoint_as_every_persona);

// ---------------------------------------------------------------------------------------------
// Personas (the columns of the table, in this order)
// ---------------------------------------------------------------------------------------------

const P: usize = 12;

/// No token at all.
const ANON: usize = 0;
/// An agent of Support and a member of the chat, deactivated after signing in (the token is
/// kept and must stop working).
const GONE: usize = 1;
/// Role `viewer` (`*.read:team`, no `collab.use`), in Support: reads the case, no chat data.
const NOCOL: usize = 2;
/// Role `chatter` (`collab.use` only): a member of the chat who cannot read the case.
const MEMBER: usize = 3;
/// Role `chatter`: not in the chat, in no team, cannot read the case.
const NONMEMBER: usize = 4;
/// Role `reader` (`collab.use`, `case.read:all`): reads the case, cannot write it, not in the
/// chat, in no team.
const READER: usize = 5;
/// An agent of Support (`case.write:team` covers the owner's case), not in the chat.
const WRITER: usize = 6;
/// An agent of Support who owns the case; member of the chat; sent the target message and
/// uploaded its attachment.
const OWNER: usize = 7;
/// An agent of Support who started the chat and connected it to the case (the last connector;
/// the world turns *last connector may disconnect* on for cases).
const CONNECTOR: usize = 8;
/// A supervisor of Escalations (`collab.disconnect`, `*.read:all`, `*.write:team`): reads but
/// cannot write the case; member of the chat.
const DISCONNECTOR: usize = 9;
/// An agent who is the admin of Support; created the channel and connected it to the case;
/// not in the chat.
const TEAM_ADMIN: usize = 10;
/// The seeded administrator: every privilege, member of nothing.
const ADMIN: usize = 11;

const PERSONAS: [&str; P] = [
    "anonymous",
    "deactivated",
    "no collab.use",
    "chat member",
    "non-member",
    "record reader",
    "record writer",
    "record owner",
    "last connector",
    "collab.disconnect",
    "team admin",
    "administrator",
];

/// The world's distinctive texts; `NEEDLES` searches responses for parts of them, ignoring case.
const CHAT_NAME: &str = "Zephyr escalation room";
const MESSAGE_WORD: &str = "walrus";
const MEMBER_NAME: &str = "Mira Quist";
const RECORD_NAME: &str = "Zanzibar printer fault";
const PRODUCT: &str = "Quokka-9000";
const DESCRIPTION: &str = "Marmalade smudges on every invoice";
const CHANNEL_NAME: &str = "Fjord floor";
const CHANNEL_TEXT: &str = "Narwhal sighting at the front desk";
/// The name of an account only agents, the supervisor and the administrator may read.
const HIDDEN_ACCOUNT: &str = "Yarrowdale Holdings";

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// What the world does around one call, so that destructive calls do not break later cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prep {
    None,
    /// The call uses a fresh sign-in of the persona (logout ends the session it names).
    FreshSession,
    /// `{message_id}` is a new text message of the owner, so every caller meets a live one.
    FreshMessage,
    /// Hal Helper is not in the chat before the call (adding him can succeed every time).
    HelperOut,
    /// Hal Helper is in the chat before the call (removing him can succeed every time).
    HelperIn,
    /// The chat is connected to the case before the call — by the connector, so the
    /// connector stays the last connector.
    ChatConnected,
    /// The channel is connected to the case before the call — by the team admin.
    ChannelConnected,
    /// A persona who joined leaves again, so every persona tries to join as a non-member.
    LeaveAfterJoin,
    /// `{id}` of the record is a new case of the owner's, so every caller meets a live one
    /// (deleting the world's case would end the world).
    FreshCase,
    /// As `FreshCase`, but the case is owned by Support, the owner's team.
    FreshTeamCase,
    /// As `FreshCase`, and the owner shares it with the caller for write.
    SharedForWrite,
    /// As `FreshTeamCase`, and the owner shares it with the caller for write.
    TeamSharedForWrite,
}

#[derive(Clone, Copy, Debug)]
enum Body {
    None,
    /// A JSON template; `{name}` placeholders are filled from the world's bindings.
    Json(&'static str),
    /// `{email, password}` of the persona itself (an unknown address for anonymous).
    Login,
    /// A multipart upload of a small text file.
    Upload,
    /// A WebSocket handshake instead of a plain request: 101 when the socket opens.
    Socket,
}

struct Row {
    method: &'static str,
    path: &'static str,
    /// What a further row of the same endpoint tries; empty for the endpoint's first row.
    label: &'static str,
    query: &'static str,
    prep: Prep,
    body: Body,
    expect: [u16; P],
}

/// A text that must not reach some personas, except through endpoints that show it by design.
struct Needle {
    text: &'static str,
    what: &'static str,
    hidden_from: &'static [usize],
    /// (method, path) whose answers may contain it by design.
    by_design: &'static [(&'static str, &'static str)],
}

// ---------------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------------

struct World {
    app: TestApp,
    tokens: [Option<String>; P],
    user_ids: [String; P],
    emails: [String; P],
    /// Values for `{placeholders}` in paths and bodies.
    bindings: BTreeMap<&'static str, String>,
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

async fn upload(app: &TestApp, token: Option<&str>, name: &str, bytes: &[u8]) -> common::Res {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
    let mut req = app
        .http
        .post(app.url("/attachments"))
        .multipart(reqwest::multipart::Form::new().part("file", part));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    common::read(req.send().await.unwrap()).await
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

struct Cell {
    row: usize,
    who: usize,
    status: u16,
    text: String,
}

fn excerpt(text: &str, needle: &str) -> String {
    let lower = text.to_lowercase();
    let at = lower.find(needle).unwrap_or(0);
    let chars: Vec<char> = text.chars().collect();
    let start = lower[..at].chars().count().saturating_sub(80);
    chars.iter().skip(start).take(200).collect()
}

async fn every_endpoint_as_every_persona(backend: Backend) {
    let started = Instant::now();
    let w = world(backend).await;
    let doc = w
        .app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let problems = coverage_problems(&doc);
    assert!(
        problems.is_empty(),
        "the table must name exactly the documented endpoints:\n{}",
        problems.join("\n")
    );

    // Live events of two people who are never in the chat — the non-member (who also may not
    // watch the unreadable case) and the reader (who watches the case's timeline) — and of the
    // member who cannot read the case (R16: their own events carry bare links, no record).
    let watch = json!({"type": "watch", "record": {"type": "case", "id": w.bindings["case"]}});
    let mut outsider = w.app.events(w.token(NONMEMBER).unwrap()).await;
    outsider.send_json(watch.clone()).await;
    let reply = outsider
        .next(Duration::from_secs(5))
        .await
        .expect("a reply");
    assert_eq!(
        reply["type"], "error",
        "watching an unreadable record: {reply}"
    );
    assert!(
        !reply.to_string().to_lowercase().contains("zanzibar"),
        "{reply}"
    );
    let mut reader = w.app.events(w.token(READER).unwrap()).await;
    reader.send_json(watch).await;
    let reply = reader.next(Duration::from_secs(5)).await.expect("a reply");
    assert_eq!(reply["type"], "watching", "{reply}");
    let member = w.app.events(w.token(MEMBER).unwrap()).await;
    let (outsider_task, outsider_events) = collect(outsider);
    let (reader_task, reader_events) = collect(reader);
    let (member_task, member_events) = collect(member);

    let mut cells = Vec::new();
    for (r, row) in TABLE.iter().enumerate() {
        for who in 0..P {
            let mut b = w.bindings.clone();
            b.insert("uniq", format!("{r}x{who}"));
            b.insert("me", w.user_ids[who].clone());
            let token = w.prepare(row.prep, who, &mut b).await;
            let (status, text) = w.call(row, who, &b, token.as_deref()).await;
            w.after_call(row.prep, who, status).await;
            cells.push(Cell {
                row: r,
                who,
                status,
                text,
            });
        }
        w.after_row(row.prep).await;
    }

    // Members chat while the outsiders' sockets listen; the member's socket proves that the
    // events flow (positive control).
    w.app
        .patch(
            &w.chat_path(""),
            w.token(OWNER).unwrap(),
            json!({"name": CHAT_NAME}),
        )
        .await
        .expect(200);
    w.app
        .post(
            &w.chat_path("/messages"),
            w.token(OWNER).unwrap(),
            json!({"body": "Walrus wrap-up: all done"}),
        )
        .await
        .expect(201);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let seen =
            member_events.lock().unwrap().iter().any(|e| {
                e["type"] == "message.created" && e.to_string().contains("Walrus wrap-up")
            });
        if seen {
            break;
        }
        assert!(Instant::now() < deadline, "the member got the last message");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for task in [outsider_task, reader_task, member_task] {
        task.abort();
    }
    {
        let member_events = member_events.lock().unwrap();
        let url = &w.bindings["case_url"];
        assert!(
            member_events
                .iter()
                .any(|e| e["type"] == "message.updated" && e.to_string().contains(url.as_str())),
            "the member got the edit of the message that links the case"
        );
        assert!(
            member_events
                .iter()
                .any(|e| e["type"] == "chat.updated" && e.to_string().contains(CHAT_NAME)),
            "the member got the rename"
        );
    }

    // Verdicts.
    let mut failures = Vec::new();
    for c in &cells {
        let row = &TABLE[c.row];
        let want = row.expect[c.who];
        if c.status != want {
            failures.push(format!(
                "{} {}{} as {}: expected {want}, got {} — {}",
                row.method.to_uppercase(),
                row.path,
                labelled(row),
                PERSONAS[c.who],
                c.status,
                c.text.chars().take(200).collect::<String>()
            ));
        }
        let lower = c.text.to_lowercase();
        for n in NEEDLES {
            if n.hidden_from.contains(&c.who)
                && !n.by_design.contains(&(row.method, row.path))
                && lower.contains(n.text)
            {
                failures.push(format!(
                    "LEAK: {} {}{} as {} ({}) shows {}: …{}…",
                    row.method.to_uppercase(),
                    row.path,
                    labelled(row),
                    PERSONAS[c.who],
                    c.status,
                    n.what,
                    excerpt(&c.text, n.text)
                ));
            }
        }
    }
    // Refusals that must not tell an unreadable record from a missing one.
    let answer = |label: &str, who: usize| {
        let r = TABLE.iter().position(|row| row.label == label).unwrap();
        let c = cells.iter().find(|c| c.row == r && c.who == who).unwrap();
        let mut text = c.text.clone();
        for key in ["hidden_account", "missing_account"] {
            text = text.replace(w.bindings[key].as_str(), "<id>");
        }
        (c.status, text)
    };
    for (refusing, missing) in SAME_ANSWER {
        for (who, persona) in PERSONAS.iter().enumerate() {
            let (status, text) = answer(refusing, who);
            if (200..300).contains(&status) {
                continue;
            }
            let other = answer(missing, who);
            if (status, &text) != (other.0, &other.1) {
                failures.push(format!(
                    "ORACLE: {refusing} answers the {persona} differently from {missing}: {status} {text} versus {} {}",
                    other.0, other.1
                ));
            }
        }
    }
    for (who, events) in [
        (NONMEMBER, &outsider_events),
        (READER, &reader_events),
        (MEMBER, &member_events),
    ] {
        let events = events.lock().unwrap();
        assert!(
            !events.is_empty(),
            "the {} socket stayed alive and got its own events",
            PERSONAS[who]
        );
        for e in events.iter() {
            let text = e.to_string().to_lowercase();
            for n in NEEDLES.iter().filter(|n| n.hidden_from.contains(&who)) {
                if text.contains(n.text) {
                    failures.push(format!(
                        "LEAK: live event to the {} shows {}: {e}",
                        PERSONAS[who], n.what
                    ));
                }
            }
        }
    }
    eprintln!(
        "persona matrix ({backend:?}): {} endpoints × {P} personas = {} cells, {:.1} s",
        TABLE.len(),
        cells.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} cell(s) disagree with the spec:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// ` (label)` for a further row of an endpoint, nothing for its first.
fn labelled(row: &Row) -> String {
    if row.label.is_empty() {
        String::new()
    } else {
        format!(" ({})", row.label)
    }
}

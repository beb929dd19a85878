//! The worked example (issue 19, part 6) in Chromium: `examples/host`, the stand-in helpdesk,
//! runs in this process on `http://localhost:<port>` — another origin and another site than
//! Tether on `http://127.0.0.1:<port>`, so the panel is a true third-party frame (both hosts
//! are potentially trustworthy, so the embed cookie's `Secure` holds over plain HTTP).
//!
//! What a helpdesk sees: the launch opens the ticket's panel in its frame (the partitioned
//! embed cookie works there, for the API and the live events' socket); a connected chat started and written in the frame reaches the
//! ticket's notes through the signed webhook (checked by the example's own code); another
//! ticket opened in the helpdesk is followed by the same frame via `tether.context`, after which
//! the panel still knows its host; the panel posts to the host's origin only; a page on an
//! origin the integration does not allow cannot frame Tether (its policy says so, and the
//! browser shows nothing of it there); an ended embed session shows how to get back instead of
//! a sign-in.

use crate::browser_support::{Browser, Driver, keys, screenshot_path};
use crate::common::{PASSWORD, TestApp, spawn_app_with};
use crate::webhooks::quick;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use std::time::Duration;
use tether_example_host::{Agent, Config, launch, serve, sync::sync_tickets, tickets};
use tether_store::Backend;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const SECRET: &str = "the-helpdesk-and-tether-share-this-secret-0123456789";
const WEBHOOK_SECRET: &str = "whsec-helpdesk-0123456789abcdef";
const AUDIENCE: &str = "tether-host-example";
const ACTIVE: &str = ".chat:not([hidden])";

/// A running example helpdesk; dropping it stops it.
struct Helpdesk {
    /// `http://localhost:<port>`: how the browser reaches it.
    origin: String,
    /// `http://127.0.0.1:<port>`: where Tether delivers webhooks.
    direct: String,
    config: Config,
    _stop: oneshot::Sender<()>,
}

/// A port for a helpdesk, bound before the integration that names its origin is made.
async fn bind() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, format!("http://localhost:{port}"))
}

/// Starts the example on `listener` for `integration`, syncing its agent and tickets first
/// when `api_key` is given.
async fn helpdesk(
    app: &TestApp,
    (listener, origin): (TcpListener, String),
    integration: &str,
    api_key: Option<&str>,
) -> Helpdesk {
    let direct = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        tether_url: app.base.clone(),
        public_url: origin.clone(),
        integration_id: integration.to_owned(),
        audience: AUDIENCE.into(),
        secret: SECRET.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        source: "host".into(),
        agent: Agent {
            id: "agent-7".into(),
            email: "sam@helpdesk.example".into(),
            name: "Sam Agent".into(),
        },
    };
    if let Some(key) = api_key {
        assert_eq!(sync_tickets(&config, key).await.unwrap(), 3);
    }
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(serve(listener, config.clone(), async move {
        let _ = rx.await;
    }));
    Helpdesk {
        origin,
        direct,
        config,
        _stop: tx,
    }
}

/// Tether with collaboration on, Bo (an agent to chat with), an API key for the sync, and the
/// helpdesk's integration allowing `origin` only. Answers (app, admin token, api key,
/// integration id).
async fn tether(origin: &str) -> (TestApp, String, String, String) {
    let app = spawn_app_with(Backend::Sqlite, quick).await;
    let admin = app.enable_collaboration().await;
    app.user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let key = app
        .post(
            "/api/v1/api-keys",
            &admin,
            json!({"name": "Helpdesk sync", "scopes": ["records:write", "users:write"]}),
        )
        .await
        .expect(201)
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let integration = app
        .create(
            "/integrations",
            &admin,
            json!({"name": "Helpdesk", "source": "host", "allowed_origins": [origin],
                   "secret": SECRET, "audience": AUDIENCE,
                   "provision_users": true, "default_role": "agent"}),
        )
        .await;
    (app, admin, key, integration)
}

/// Opens ticket `id` in the helpdesk and waits until Tether's frame told it its height: the
/// panel loaded, from Tether's origin, and posted to the helpdesk's.
async fn open_helpdesk(b: &Browser, desk: &Helpdesk, id: &str) {
    b.goto(&format!("{}/?ticket={id}", desk.origin)).await;
    b.wait_js(
        "return document.getElementById('tether').dataset.height !== undefined",
        "the panel's first tether.resize",
    )
    .await;
}

/// Inside the frame: the panel shows `title`; the first-use tour is skipped.
async fn panel_shows(b: &Browser, title: &str) {
    b.enter_frame("#tether").await;
    b.wait_text(".embed-title", title).await;
    // The panel drew its sections, and started its first-use tour (if any) in the same turn.
    b.wait("#collab-panel #section-connected").await;
    b.js("document.getElementById('tour-skip')?.click()", vec![])
        .await;
}

/// A host-written check of the webhook receiver: a forged or unsigned delivery is refused.
async fn forged_deliveries_are_refused(desk: &Helpdesk) {
    let http = reqwest::Client::new();
    let url = format!("{}/hooks/tether", desk.direct);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let body = json!({"id": "forged", "type": "message.created",
        "record": {"type": "case", "id": "x", "source": "host", "external_id": "1001"},
        "data": {"chat": {"id": "c", "name": "Forged"},
                 "message": {"sender": {"name": "Mallory"}, "text": "forged note"}}})
    .to_string();
    let unsigned = http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(unsigned.status(), 400);
    let forged = http
        .post(&url)
        .header("tether-timestamp", now.to_string())
        .header("tether-signature", format!("v1={}", "ab".repeat(32)))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn i19_the_example_helpdesk_embeds_tether_from_another_site() {
    let bound = bind().await;
    let (app, admin, key, integration) = tether(&bound.1).await;
    let desk = helpdesk(&app, bound, &integration, Some(&key)).await;
    app.post(
        "/webhooks",
        &admin,
        json!({"url": format!("{}/hooks/tether", desk.direct), "secret": WEBHOOK_SECRET,
               "events": ["chat.connected", "message.created", "chat.disconnected"]}),
    )
    .await
    .expect(201);
    let driver = Driver::start().await;
    let b = driver.browser().await;

    // (1) The launch: the helpdesk signed a token for ticket 1001, the frame shows its panel.
    // The panel's API calls carry the partitioned embed cookie in this third-party frame.
    open_helpdesk(&b, &desk, "1001").await;
    panel_shows(&b, "Printer jams on tray 2").await;
    let framed = b
        .js(
            "return {top: window.top === window, origin: location.origin, path: location.pathname,
                     ancestors: Array.from(location.ancestorOrigins || [])}",
            vec![],
        )
        .await;
    assert_eq!(framed["top"], json!(false));
    assert_eq!(framed["origin"], json!(app.base));
    assert_eq!(framed["ancestors"], json!([desk.origin]));
    let first_path = framed["path"].as_str().unwrap().to_owned();
    assert!(first_path.starts_with("/embed/records/case/"), "{framed}");
    // The session is the embed cookie, sent in this third-party frame and out of the page's
    // reach (HttpOnly).
    let me = b
        .js_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/v1/me', {credentials: 'same-origin'})
               .then(async (r) => done({status: r.status, name: (await r.json()).name, cookie: document.cookie}));",
            vec![],
        )
        .await;
    assert_eq!(
        me,
        json!({"status": 200, "name": "Sam Agent", "cookie": ""})
    );

    // The panel fits a 320 px sidebar: nothing cut off, nothing to scroll sideways.
    b.leave_frame().await;
    b.js(
        "document.getElementById('tether').style.width = '320px'",
        vec![],
    )
    .await;
    b.enter_frame("#tether").await;
    b.wait_js(
        "return document.documentElement.clientWidth <= 320
           && document.documentElement.scrollWidth <= document.documentElement.clientWidth",
        "the panel to fit 320 px without sideways scrolling",
    )
    .await;
    // It tells the host its content's height, which can shrink below the frame's: a frame made
    // tall gets a smaller height back at the next change of content.
    b.leave_frame().await;
    b.js(
        "const f = document.getElementById('tether');
         f.style.width = ''; f.style.height = '4000px'; f.style.minHeight = '4000px';
         delete f.dataset.height;",
        vec![],
    )
    .await;
    b.enter_frame("#tether").await;
    b.wait("#panel-tab-channels").await.click().await;
    b.wait("#panel-tab-chats").await.click().await;
    b.leave_frame().await;
    b.wait_js(
        "const h = Number(document.getElementById('tether').dataset.height);
         return h > 100 && h < 4000",
        "a tether.resize smaller than the frame",
    )
    .await;
    b.js(
        "const f = document.getElementById('tether'); f.style.height = ''; f.style.minHeight = '';",
        vec![],
    )
    .await;
    b.enter_frame("#tether").await;

    // (2) A connected chat started from the helpdesk's ticket, and a message in it.
    b.wait("#panel-new-connected").await.click().await;
    let people = b.wait("dialog .people-picker input").await;
    people.send_keys("Bo").await;
    b.wait_text("dialog .listbox .option", "Bo Lind")
        .await
        .click()
        .await;
    b.wait_text("dialog .chip", "Bo Lind").await;
    b.wait_text("dialog .dialog-foot button", "Start chat")
        .await
        .click()
        .await;
    let input = b.wait(&format!("{ACTIVE} .composer-input")).await;
    input.send_keys("Tray 2 needs a new roller").await;
    input.send_keys(keys::ENTER).await;
    b.wait_text(&format!("{ACTIVE} .msg-body"), "Tray 2 needs a new roller")
        .await;
    b.wait_text("#section-connected .entry", "Printer jams on tray 2")
        .await;

    // (3) The webhooks arrive, signed; the helpdesk checks them and notes them on the ticket.
    b.leave_frame().await;
    b.wait_text(
        "#notes li[data-event='chat.connected']",
        "Sam Agent connected the chat",
    )
    .await;
    b.wait_text(
        "#notes li[data-event='message.created']",
        "Sam Agent in “Printer jams on tray 2",
    )
    .await;
    b.wait_text("#notes li", "Tray 2 needs a new roller").await;
    b.screenshot(&screenshot_path("host-example.png")).await;
    forged_deliveries_are_refused(&desk).await;
    // In the frame the message is shown once, though both the answer to the send and the live
    // event (long arrived by now) brought it.
    b.enter_frame("#tether").await;
    let shown = b
        .js(
            "return Array.from(document.querySelectorAll('.chat:not([hidden]) .msg-body'))
               .filter((e) => e.innerText.includes('Tray 2 needs a new roller')).length",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(1));
    b.leave_frame().await;
    b.wait_js(
        "return document.getElementById('tether').dataset.unread !== undefined",
        "the panel's tether.unread",
    )
    .await;
    // Live events reach the frame too (its WebSocket carries the same cookie): Bo writes to
    // Sam in a chat of their own, and the helpdesk's badge counts it.
    let bo = app.login("bo@example.com", PASSWORD).await;
    let sam =
        app.get("/users?q=sam@helpdesk", &bo).await.expect(200).body["items"][0]["id"].clone();
    let chat = app
        .create("/chats", &bo, json!({"member_ids": [sam]}))
        .await;
    app.post(
        &format!("/chats/{chat}/messages"),
        &bo,
        json!({"body": "Have you seen ticket 1002?"}),
    )
    .await
    .expect(201);
    b.wait_text("#unread", "1").await;

    // (4) Another ticket opened in the helpdesk: the same frame follows it (no new launch).
    b.js(
        "delete document.getElementById('tether').dataset.height",
        vec![],
    )
    .await;
    b.wait_text("#tickets a", "VPN drops every hour")
        .await
        .click()
        .await;
    b.wait_text("#title", "VPN drops every hour").await;
    b.enter_frame("#tether").await;
    b.wait_text(".embed-title", "VPN drops every hour").await;
    let now = b
        .js(
            "return {path: location.pathname, referrer: document.referrer,
                     kept: sessionStorage.getItem('tether.embed.host')}",
            vec![],
        )
        .await;
    assert_ne!(now["path"], json!(first_path), "another record's panel");
    // The frame navigated itself: its referrer is Tether now, so the host's origin comes from
    // the accepted tether.context message (kept for the frame) where ancestorOrigins is absent.
    assert!(
        now["referrer"].as_str().unwrap().starts_with(&app.base),
        "{now}"
    );
    assert_eq!(now["kept"], json!(desk.origin));
    // ...and the panel still talks to the helpdesk after the switch.
    b.leave_frame().await;
    b.wait_js(
        "return document.getElementById('tether').dataset.height !== undefined",
        "a tether.resize after the switch",
    )
    .await;
    // The browser's Back goes to the helpdesk's previous ticket and the panel follows it: the
    // switch replaced the frame's page, so Back never steps the frame alone to another ticket.
    b.js("history.back()", vec![]).await;
    b.wait_text("#title", "Printer jams on tray 2").await;
    b.enter_frame("#tether").await;
    b.wait_text(".embed-title", "Printer jams on tray 2").await;
    b.leave_frame().await;
    b.js("history.forward()", vec![]).await;
    b.wait_text("#title", "VPN drops every hour").await;
    b.enter_frame("#tether").await;
    b.wait_text(".embed-title", "VPN drops every hour").await;
    // A link to one of Tether's other pages (which may not be framed) opens in a new tab; the
    // panel stays.
    let opened = b
        .js(
            "const a = document.createElement('a');
             a.href = '/chats'; a.id = 'probe-link'; a.textContent = 'chats';
             document.body.append(a);
             a.addEventListener('click', (e) => e.preventDefault());
             a.click();
             return {target: a.target, rel: a.rel, path: location.pathname}",
            vec![],
        )
        .await;
    assert_eq!(opened["target"], json!("_blank"), "{opened}");
    assert_eq!(opened["rel"], json!("noopener"));
    assert!(
        opened["path"]
            .as_str()
            .unwrap()
            .starts_with("/embed/records/")
    );
    b.leave_frame().await;
    // A ticket Tether does not have: the panel says so rather than keep showing the previous
    // ticket's chats; the next ticket brings it back.
    let post = |external_id: &str| {
        format!(
            "document.getElementById('tether').contentWindow.postMessage(
               {{type: 'tether.context', record: {{type: 'case', source: 'host', external_id: '{external_id}'}}}},
               '{}')",
            app.base
        )
    };
    b.js(&post("no-such-ticket"), vec![]).await;
    b.enter_frame("#tether").await;
    b.wait_text("#embed-unavailable", "not in Tether").await;
    b.leave_frame().await;
    b.js(&post("1002"), vec![]).await;
    b.enter_frame("#tether").await;
    b.wait_text(".embed-title", "VPN drops every hour").await;
    b.leave_frame().await;
    let tickets = app
        .get("/records/case/by-external/host/1002", &admin)
        .await
        .expect(200);
    assert!(
        now["path"]
            .as_str()
            .unwrap()
            .ends_with(tickets.body["id"].as_str().unwrap())
    );

    // (6) Everything the panel posts goes to the helpdesk's origin, never "*": the frame's
    // `parent` (a replaceable property) is swapped for a recorder that passes messages on.
    b.enter_frame("#tether").await;
    b.js(
        "const real = window.parent;
         window.__posted = [];
         window.parent = {postMessage: (m, o) => { window.__posted.push({type: m.type, to: o}); real.postMessage(m, o); }};
         const tall = document.createElement('div');
         tall.style.height = '700px';
         document.body.append(tall);",
        vec![],
    )
    .await;
    b.wait_js(
        "return window.__posted.some((p) => p.type === 'tether.resize')",
        "a tether.resize through the recorder",
    )
    .await;
    let posted = b.js("return window.__posted", vec![]).await;
    for p in posted.as_array().unwrap() {
        assert_eq!(p["to"], json!(desk.origin), "{posted}");
    }
    b.leave_frame().await;
    assert!(
        b.console_defects().await.is_empty(),
        "{:?}",
        b.console_defects().await
    );
}

/// Reads the embed page's policy as a browser would get it after the launch, through HTTP.
async fn embed_policy(app: &TestApp, config: &Config) -> String {
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let ticket = tickets::ticket("1001").unwrap();
    let launched = client
        .get(launch::launch_url(config, ticket).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(launched.status(), 303);
    let cookie = launched.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for part in ["SameSite=None", "Secure", "Partitioned", "HttpOnly"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let to = launched.headers()["location"].to_str().unwrap().to_owned();
    let page = client
        .get(format!("{}{to}", app.base))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn i19_a_page_on_an_origin_not_allowed_cannot_frame_tether_and_an_ended_session_asks_for_a_launch()
 {
    let allowed = bind().await;
    let other = bind().await;
    let (app, admin, key, integration) = tether(&allowed.1).await;
    let desk = helpdesk(&app, allowed, &integration, Some(&key)).await;
    // The same helpdesk on another port: it even holds the secret, so its tokens are valid.
    let stranger = helpdesk(&app, other, &integration, None).await;

    // The policy names the allowed origin only.
    let csp = embed_policy(&app, &stranger.config).await;
    assert!(
        csp.contains(&format!("frame-ancestors {};", desk.origin)),
        "{csp}"
    );
    assert!(!csp.contains(&stranger.origin), "{csp}");

    let driver = Driver::start().await;
    let b = driver.browser().await;
    // The allowed page frames the panel (the control)...
    open_helpdesk(&b, &desk, "1001").await;
    panel_shows(&b, "Printer jams on tray 2").await;
    b.leave_frame().await;
    // ...the other one gets nothing: the browser refuses the frame, so no message comes.
    b.goto(&format!("{}/?ticket=1001", stranger.origin)).await;
    b.wait_js(
        "return document.getElementById('tether').src.includes('/embed/launch?token=')",
        "the stranger's frame to be launched",
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let height = b
        .js(
            "return document.getElementById('tether').dataset.height ?? null",
            vec![],
        )
        .await;
    assert_eq!(height, Value::Null, "a refused frame posts nothing");
    let refused = b.console_defects().await;
    assert!(
        refused.iter().any(|m| m.contains("frame-ancestors")),
        "the browser says it refused the frame: {refused:?}"
    );

    // An ended embed session (the integration removed): the panel says to launch again from
    // the helpdesk, in the frame, rather than going to a sign-in page that cannot be framed.
    open_helpdesk(&b, &desk, "1001").await;
    panel_shows(&b, "Printer jams on tray 2").await;
    // A chat is open with words typed but not yet sent when the session ends.
    b.wait("#panel-new-connected").await.click().await;
    b.wait("dialog .people-picker input")
        .await
        .send_keys("Bo")
        .await;
    b.wait_text("dialog .listbox .option", "Bo Lind")
        .await
        .click()
        .await;
    b.wait_text("dialog .dialog-foot button", "Start chat")
        .await
        .click()
        .await;
    let input = b.wait(&format!("{ACTIVE} .composer-input")).await;
    input.send_keys("Roller ordered for tray 2").await;
    b.leave_frame().await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    app.send(
        reqwest::Method::DELETE,
        &format!("/integrations/{integration}"),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
    b.enter_frame("#tether").await;
    b.wait_text(
        "#embed-ended",
        "Open Tether again from your helpdesk's ticket.",
    )
    .await;
    b.wait_text("#embed-ended", "is kept").await;
    let path = b.js("return location.pathname", vec![]).await;
    assert!(
        path.as_str().unwrap().starts_with("/embed/records/case/"),
        "still the panel's page, not a sign-in: {path}"
    );
    // The unsent words wait in the frame as the chat's draft for the next launch.
    let kept = b
        .js(
            "return Object.keys(localStorage).filter((k) => k.startsWith('tether.draft.'))
               .map((k) => JSON.parse(localStorage.getItem(k)).text)",
            vec![],
        )
        .await;
    assert_eq!(kept, json!(["Roller ordered for tray 2"]), "{kept}");
    // A ticket switched to in the helpdesk after that finds the session ended too.
    b.leave_frame().await;
    b.wait_text("#tickets a", "VPN drops every hour")
        .await
        .click()
        .await;
    b.enter_frame("#tether").await;
    b.wait_text(
        "#embed-ended",
        "Open Tether again from your helpdesk's ticket.",
    )
    .await;
}

//! Issue 16 items 5–7 in a real browser (headless Chromium, see `browser/`): the timeline's
//! chat entry updating live, a mention shown as a name in the composer, the record's owner
//! disconnecting a chat she is not in from the timeline with the disconnect attributed to her and
//! timed, and a read-only user seeing *New connected chat* disabled with the reason.

use crate::browser_support::{Browser, Driver, keys};
use crate::common::desk::Desk;
use crate::common::{PASSWORD, TestApp, spawn_app_with};
use serde_json::json;
use tether_store::Backend;

const ACTIVE: &str = ".chat:not([hidden])";

struct World {
    app: TestApp,
    admin: String,
    olga: String,
    bo_id: String,
    bo: String,
    eve_id: String,
    eve: String,
    case_id: String,
    chat_id: String,
}

/// Olga owns a case; Bo and Eve (her teammates) talk about it in a chat connected by Bo that
/// Olga is not in. Cilla may only read cases.
async fn world() -> World {
    // A small upload limit, so the browser's refusal can be seen without a large file.
    let app = spawn_app_with(Backend::Sqlite, |c| c.max_attachment_bytes = 4096).await;
    let d = Desk::open(app, json!({"title": "Printer jams on tray 2"})).await;
    let chat_id = d
        .app
        .create(
            "/chats",
            &d.bo.token,
            json!({"member_ids": [d.eve.id], "name": "Tray 2 hunt"}),
        )
        .await;
    d.app
        .post(
            &format!("/records/case/{}/chats", d.case_id),
            &d.bo.token,
            json!({"chat_id": chat_id}),
        )
        .await
        .expect(200);
    World {
        app: d.app,
        admin: d.admin,
        olga: d.olga.token,
        bo_id: d.bo.id,
        bo: d.bo.token,
        eve_id: d.eve.id,
        eve: d.eve.token,
        case_id: d.case_id,
        chat_id,
    }
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base)
    }
}

async fn sign_in(b: &Browser, w: &World, email: &str, then: &str) {
    b.goto(&w.url(&format!("/login?next={then}"))).await;
    b.wait("#email").await.send_keys(email).await;
    b.wait("#password").await.send_keys(PASSWORD).await;
    b.wait("form button[type=submit]").await.click().await;
    b.wait_url(then).await;
    // The panel's tour would cover what the test clicks.
    b.js(
        "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
        vec![],
    )
    .await;
    b.goto(&w.url(then)).await;
}

async fn sign_out(b: &Browser) {
    b.wait("#signout").await.click().await;
    b.wait_url("/login").await;
}

const CHAT_ENTRY: &str = ".tl-item.kind-chat_connection";

#[tokio::test]
async fn timeline_live_mentions_as_names_owner_disconnects_and_read_only_reasons() {
    let w = world().await;
    let driver = Driver::start().await;
    let b = driver.browser().await;
    let record = format!("/records/case/{}", w.case_id);

    // Bo sees the chat's timeline entry; Eve's new message updates it without Refresh (R15).
    sign_in(&b, &w, "bo@example.com", &record).await;
    b.wait_text(CHAT_ENTRY, "Tray 2 hunt").await;
    w.app
        .post(
            &format!("/chats/{}/messages", w.chat_id),
            &w.eve,
            json!({"body": "paper stuck again"}),
        )
        .await
        .expect(201);
    b.wait_text(&format!("{CHAT_ENTRY} .tl-last"), "from Eve Ny")
        .await;

    // A mention chosen in the composer reads as the name and is sent as the id.
    b.wait_text(&format!("{CHAT_ENTRY} button"), "Open chat")
        .await
        .click()
        .await;
    let input = b.wait(&format!("{ACTIVE} .composer-input")).await;
    input.send_keys("@Ev").await;
    b.wait_text(&format!("{ACTIVE} .mention-list .option"), "Eve Ny")
        .await;
    input.send_keys(keys::ENTER).await;
    input.send_keys("please check tray 2").await;
    assert_eq!(input.value().await, "@Eve Ny please check tray 2");
    input.send_keys(keys::ENTER).await;
    b.wait_text(&format!("{ACTIVE} .msg-body .mention"), "@Eve Ny")
        .await;
    let page = w
        .app
        .get(&format!("/chats/{}/messages?limit=1", w.chat_id), &w.bo)
        .await
        .expect(200)
        .body;
    assert_eq!(
        page["items"][0]["body"],
        json!(format!("<@{}> please check tray 2", w.eve_id))
    );
    sign_out(&b).await;

    // Olga owns the case but is not in the chat: she disconnects it from the timeline (R11a).
    sign_in(&b, &w, "olga@example.com", &record).await;
    b.wait_text(&format!("{CHAT_ENTRY} button"), "Disconnect")
        .await
        .click()
        .await;
    b.wait_text("dialog .dialog-foot button", "Disconnect")
        .await
        .click()
        .await;
    // …and the entry names her, not Bo who connected it, with the time.
    b.wait_text(
        &format!("{CHAT_ENTRY} .tl-meta"),
        "disconnected by Olga Berg",
    )
    .await;
    let since = b
        .wait_text(&format!("{CHAT_ENTRY} .tag"), "Disconnected since")
        .await
        .text()
        .await;
    assert!(since.chars().any(|c| c.is_ascii_digit()), "{since}");
    b.wait_text(
        ".tl-item.kind-chat_disconnection .tl-meta",
        "Disconnected by Olga Berg",
    )
    .await;
    sign_out(&b).await;

    // Cilla can only read the case: New connected chat is disabled and says why.
    sign_in(&b, &w, "cilla@example.com", &record).await;
    let button = b.wait("#panel-new-connected").await;
    assert_eq!(button.prop("disabled").await, json!(true));
    assert!(
        button
            .prop("title")
            .await
            .as_str()
            .unwrap()
            .contains("needs write access")
    );
    b.wait_text(".read-only-note", "needs write access").await;
    b.wait_js(
        "return [...document.querySelectorAll('.suggestion .entry-actions button')].every((x) => x.disabled)",
        "every suggestion's Chat button disabled",
    )
    .await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());
    let _ = &w.bo;
}

#[tokio::test]
async fn chat_filter_ranks_names_uploads_over_the_limit_channel_name_and_people_list() {
    let w = world().await;
    // Olga's chats: one named after Eve (without her), then, more recent, one with Eve in it.
    for (name, member) in [("Planning for Eve", &w.bo_id), ("Printers", &w.eve_id)] {
        w.app
            .post(
                "/chats",
                &w.olga,
                json!({"member_ids": [member], "name": name}),
            )
            .await
            .expect(201);
    }
    let driver = Driver::start().await;
    let b = driver.browser().await;

    // The chat app's filter puts the chat whose name matches first.
    // (The chat app's address follows the chat shown, so sign in on the record page.)
    let record = format!("/records/case/{}", w.case_id);
    sign_in(&b, &w, "olga@example.com", &record).await;
    b.goto(&w.url("/chats")).await;
    b.wait_text(".chatlist-items .chat-item-name", "Printers")
        .await;
    b.wait("#chat-filter").await.send_keys("eve").await;
    b.wait_js(
        "const n = [...document.querySelectorAll('.chatlist-items .chat-item-name')].map((x) => x.textContent); return n.length === 2 && n[0] === 'Planning for Eve'",
        "the name match ranked first",
    )
    .await;

    // A file over the server's limit is refused in the browser, before it is sent.
    b.wait_text(".chatlist-items .chat-item-name", "Printers")
        .await
        .click()
        .await;
    let dir = std::env::temp_dir().join(format!("tether-ui-{}", tether_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big-log.txt");
    std::fs::write(&big, vec![b'x'; 5000]).unwrap();
    let files = b.wait(&format!("{ACTIVE} input[type=file]")).await;
    files.send_keys(&big.display().to_string()).await;
    let chip = b
        .wait_text(&format!("{ACTIVE} .file-chip.too-big"), "at most 4")
        .await
        .text()
        .await;
    assert!(chip.contains("not sent"), "{chip}");
    assert!(
        b.find(&format!("{ACTIVE} .file-chip.pending"))
            .await
            .is_none()
    );

    // The new-channel dialog's suggested name is selected: typing replaces it.
    b.goto(&w.url(&format!("/records/case/{}", w.case_id)))
        .await;
    b.wait("#panel-tab-channels").await.click().await;
    b.wait("#connect-channel").await.click().await;
    b.wait_js(
        "const i = document.getElementById('channel-name'); return document.activeElement === i && i.value.length > 0 && i.selectionStart === 0 && i.selectionEnd === i.value.length",
        "the channel name focused and selected",
    )
    .await;
    let name = b.wait("#channel-name").await;
    name.send_keys("tray-2").await;
    assert_eq!(name.value().await, "tray-2");
    b.wait_text("dialog .dialog-foot button", "Cancel")
        .await
        .click()
        .await;

    // The people picker's list is not clipped by its dialog: its options can be seen.
    b.wait("#panel-tab-chats").await.click().await;
    b.wait("#panel-new-connected").await.click().await;
    b.wait("dialog .people-picker input")
        .await
        .send_keys("e")
        .await;
    b.wait("dialog .listbox .option").await;
    b.wait_js(
        // The whole list lies inside the dialog's scrolling body as it is drawn (an absolutely
        // placed list overflows the body and is cut off at its edge), and its options are on top.
        "const l = document.querySelector('dialog .listbox'); const body = l.closest('.dialog-body').getBoundingClientRect(); const r = l.getBoundingClientRect(); const o = l.querySelector('.option').getBoundingClientRect(); const hit = document.elementFromPoint(o.left + o.width / 2, o.top + o.height / 2); return r.height > 0 && r.top >= body.top - 1 && r.bottom <= body.bottom + 1 && !!hit && l.contains(hit)",
        "the people list wholly inside the dialog body",
    )
    .await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

#[tokio::test]
async fn an_intro_card_shows_nothing_of_a_record_the_member_cannot_read() {
    let w = world().await;
    w.app
        .post(
            "/roles",
            &w.admin,
            json!({"name": "own_cases", "privileges": ["collab.use", "case.read:own"]}),
        )
        .await
        .expect(201);
    let (dan_id, _) = w
        .app
        .user(&w.admin, "dan@example.com", "Dan Ek", &["own_cases"], &[])
        .await;
    w.app
        .put(
            "/record-types/case/settings",
            &w.admin,
            json!({"intro_message": {"enabled": true, "fields": ["priority"]}}),
        )
        .await
        .expect(200);
    let chat = w
        .app
        .post(
            "/chats",
            &w.olga,
            json!({"member_ids": [w.bo_id, dan_id], "record": {"type": "case", "id": w.case_id}, "send_intro": true}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let driver = Driver::start().await;
    let b = driver.browser().await;
    sign_in(&b, &w, "dan@example.com", "/").await;
    b.goto(&w.url(&format!("/chats/{chat}"))).await;
    let card = b
        .wait_text(&format!("{ACTIVE} .msg-intro"), "A record was introduced")
        .await
        .text()
        .await;
    assert!(!card.contains("Printer"), "{card}");
    assert!(
        b.find(&format!("{ACTIVE} .msg-intro .intro-title"))
            .await
            .is_none()
    );
    sign_out(&b).await;
    // Bo reads the case and sees the card itself.
    sign_in(&b, &w, "bo@example.com", "/").await;
    b.goto(&w.url(&format!("/chats/{chat}"))).await;
    b.wait_text(&format!("{ACTIVE} .msg-intro .intro-title"), "Printer jams")
        .await;
    assert_eq!(b.console_defects().await, Vec::<String>::new());
}

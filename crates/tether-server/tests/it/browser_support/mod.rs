//! Real-browser test support: chromedriver on a free port (killed by a drop guard), headless
//! Chromium sessions each with a fresh profile, driven through fantoccini, and the waits a UI
//! test needs.
//!
//! fantoccini speaks WebDriver; what it has no method for (Chrome DevTools Protocol calls,
//! the browser's console log, a property as the JSON value it is) goes through [`Raw`], its way
//! of issuing a custom command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
    TouchActions,
};
use fantoccini::elements::{Element, ElementRef};
use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper::Method;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use url::Url;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

pub mod keys {
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const TAB: &str = "\u{E004}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const DELETE: &str = "\u{E017}";
}

/// A running chromedriver; dropping it ends the driver (drop the browsers first: each closes
/// its Chromium when dropped).
pub struct Driver {
    child: Child,
    pub url: String,
    port: u16,
}

impl Driver {
    /// Starts chromedriver, or panics with what to install.
    pub async fn start() -> Driver {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: apt-get install -y chromium chromium-driver"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
        };
        let status = format!("{}/status", driver.url);
        let ready = async || {
            let v: Value = reqwest::get(&status).await.ok()?.json().await.ok()?;
            (v["value"]["ready"] == json!(true)).then_some(())
        };
        assert!(poll(ready).await.is_some(), "chromedriver did not start");
        driver
    }

    /// A new headless Chromium with a fresh profile.
    pub async fn browser(&self) -> Browser {
        let profile = std::env::temp_dir().join(format!(
            "tether-chromium-{}-{}",
            std::process::id(),
            tether_store::new_id()
        ));
        std::fs::create_dir_all(&profile).unwrap();
        let Value::Object(caps) = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--disable-extensions", "--mute-audio", "--no-default-browser-check",
                    "--disable-features=Translate,MediaRouter,OptimizationHints",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1400,900", "--lang=en-US",
                ],
                "prefs": {"intl.accept_languages": "en-US"}
            },
            "goog:loggingPrefs": {"browser": "ALL"}
        }) else {
            unreachable!("the capabilities are an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("no browser session: {e}"));
        // The session ends in `Browser::drop`, synchronously; fantoccini's own end on drop
        // would need a runtime that a finished or failed test no longer runs.
        client.persist().await.unwrap();
        let session = client.session_id().await.unwrap().expect("a session id");
        Browser {
            client,
            session,
            driver_port: self.port,
            profile,
        }
    }
}

impl Drop for Driver {
    /// Ends chromedriver (by its own id). Its browsers were closed by their sessions' drops.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls `probe` until it gives a value, for at most [`WAIT`].
async fn poll<T>(mut probe: impl AsyncFnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = probe().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

/// A session command fantoccini has no method for: `method session/{id}/{path}` with `body`.
#[derive(Debug)]
struct Raw(Method, String, Option<Value>);

impl WebDriverCompatibleCommand for Raw {
    fn endpoint(&self, base: &Url, session: Option<&str>) -> Result<Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.1
        ))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        (self.0.clone(), self.2.as_ref().map(Value::to_string))
    }
}

/// A pointer's move to the centre of `element`.
fn centre_of(element: &Element) -> PointerAction {
    let element = element.clone();
    let (x, y, duration) = (0.0, 0.0, None);
    PointerAction::MoveToElement {
        element,
        duration,
        x,
        y,
    }
}

/// One browser session.
pub struct Browser {
    client: Client,
    session: String,
    driver_port: u16,
    profile: PathBuf,
}

impl Drop for Browser {
    /// Ends the session synchronously (a plain HTTP DELETE), so the browser closes even when a
    /// test fails, then removes the profile.
    fn drop(&mut self) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.driver_port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let req = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session, self.driver_port
            );
            if s.write_all(req.as_bytes()).is_ok() {
                // The answer (once the browser closed) is a small JSON document; chromedriver
                // keeps the connection open, so read until the document is complete.
                let (mut got, mut buf) = (Vec::new(), [0u8; 1024]);
                while let Ok(n @ 1..) = s.read(&mut buf) {
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got);
                    if text.contains("\r\n\r\n") && text.trim_end().ends_with('}') {
                        break;
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// An element of the page.
#[derive(Clone)]
pub struct El<'a> {
    b: &'a Browser,
    el: Element,
    /// How it was found (selector, text), to find it again when the page redrew it.
    css: String,
    needle: String,
}

impl Browser {
    async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CmdError> {
        self.client.issue_cmd(Raw(method, path.into(), body)).await
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, CmdError> {
        let body = json!({"cmd": cmd, "params": params});
        self.raw(Method::POST, "goog/cdp/execute", Some(body)).await
    }

    /// Makes the browser ask for `languages` (an `Accept-Language` value) from now on, as a
    /// browser set to those languages would (Chrome DevTools Protocol through chromedriver).
    pub async fn accept_language(&self, languages: &str) {
        self.cdp("Network.enable", json!({})).await.unwrap();
        let headers = json!({"headers": {"Accept-Language": languages}});
        self.cdp("Network.setExtraHTTPHeaders", headers)
            .await
            .unwrap();
        // As a browser set to these languages, the page's `navigator.languages` says them too.
        let version = self.cdp("Browser.getVersion", json!({})).await.unwrap();
        let user_agent = version["userAgent"]
            .as_str()
            .expect("the browser's user agent");
        let agent = json!({"userAgent": user_agent, "acceptLanguage": languages});
        self.cdp("Emulation.setUserAgentOverride", agent)
            .await
            .unwrap();
    }

    /// Lets a test stand for a page whose live updates lag behind: from the next page load on,
    /// the page's WebSockets are kept where [`Browser::hold_live_events`] can reach them.
    pub async fn allow_holding_live_events(&self) {
        let source = "(() => {
            const Native = window.WebSocket;
            const open = [];
            window.__heldSockets = open;
            window.WebSocket = class extends Native {
                constructor(...args) { super(...args); open.push(this); }
            };
        })();";
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": source}),
        )
        .await
        .unwrap_or_else(|e| panic!("cannot watch the page's sockets: {e}"));
    }

    /// From now until the next page load, live events reach the page no more: what it shows
    /// is what it loaded, as when a change happened just after the page drew it.
    pub async fn hold_live_events(&self) {
        let held = self
            .js(
                "const s = window.__heldSockets;
                 if (!s) return -1;
                 for (const ws of s) ws.onmessage = () => {};
                 return s.length;",
                vec![],
            )
            .await;
        assert!(
            held.as_i64().unwrap_or(-1) >= 1,
            "hold_live_events needs allow_holding_live_events before the page loaded and an open socket (got {held})"
        );
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn current_url(&self) -> String {
        self.client.current_url().await.unwrap().into()
    }

    /// Runs a script in the page (`arguments[i]` are `args`) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs an asynchronous script (it calls `arguments[arguments.length - 1]` with its value).
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn find(&self, css: &str) -> Option<El<'_>> {
        let el = self.client.find(Locator::Css(css)).await.ok()?;
        Some(self.el(el, css, ""))
    }

    fn el(&self, el: Element, css: &str, needle: &str) -> El<'_> {
        let (css, needle) = (css.to_owned(), needle.to_owned());
        El {
            b: self,
            el,
            css,
            needle,
        }
    }

    /// The first visible element matching `css` whose text contains `needle` (one round trip).
    async fn find_visible(&self, css: &str, needle: &str) -> Option<El<'_>> {
        let v = self
            .js(
                "const [css, needle] = arguments;
                 for (const el of document.querySelectorAll(css)) {
                   const shown = el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
                   if (shown && (el.innerText || el.value || '').includes(needle)) return el;
                   if (shown && !needle) return el;
                 }
                 return null;",
                vec![json!(css), json!(needle)],
            )
            .await;
        let id = ElementRef::from(v.get(ELEMENT_KEY)?.as_str()?.to_owned());
        let el = Element::from_element_id(self.client.clone(), id);
        Some(self.el(el, css, needle))
    }

    async fn wait_for(&self, css: &str, needle: &str) -> El<'_> {
        match poll(async || self.find_visible(css, needle).await).await {
            Some(el) => el,
            None => {
                self.debug_dump(css).await;
                panic!("no visible {css} contains {needle:?}");
            }
        }
    }

    /// The first element matching `css` that is displayed, waiting for it.
    pub async fn wait(&self, css: &str) -> El<'_> {
        self.wait_for(css, "").await
    }

    /// The first visible element matching `css` whose text contains `needle`, waiting for it.
    pub async fn wait_text(&self, css: &str, needle: &str) -> El<'_> {
        assert!(!needle.is_empty(), "wait_text needs a text to look for");
        self.wait_for(css, needle).await
    }

    /// Waits until no visible element matching `css` contains `needle`.
    pub async fn wait_gone(&self, css: &str, needle: &str) {
        let gone = async || self.find_visible(css, needle).await.is_none().then_some(());
        assert!(poll(gone).await.is_some(), "{css} with {needle:?} stayed");
    }

    /// Waits until a script returns `true`.
    pub async fn wait_js(&self, script: &str, what: &str) {
        let done = async || (self.js(script, vec![]).await == json!(true)).then_some(());
        assert!(poll(done).await.is_some(), "timed out waiting for {what}");
    }

    /// The current address without the origin (`/chats/01J…?x=1`).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        url[url::Position::BeforePath..].to_owned()
    }

    /// Waits until the address (path and query) is `expected`; a trailing `*` matches any rest.
    pub async fn wait_url(&self, expected: &str) {
        let at = async || {
            let path = self.path().await;
            let ok = match expected.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == expected,
            };
            ok.then_some(())
        };
        if poll(at).await.is_none() {
            panic!("still at {}, expected {expected}", self.path().await);
        }
    }

    /// Makes the page's viewport `width`×`height` CSS pixels (what `innerWidth` and
    /// `innerHeight` say). Below the smallest window the platform allows (a phone's width), the
    /// viewport is emulated through the DevTools protocol, as a phone with touch.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        let _ = self
            .cdp("Emulation.clearDeviceMetricsOverride", json!({}))
            .await;
        self.client.set_window_size(width, height).await.unwrap();
        // The window may have borders: correct by what the page measures.
        let inner = self.js("return [innerWidth, innerHeight]", vec![]).await;
        let (iw, ih) = (
            inner[0].as_u64().unwrap_or(0),
            inner[1].as_u64().unwrap_or(0),
        );
        if (iw, ih) != (u64::from(width), u64::from(height)) {
            let w = (u64::from(width) * 2).saturating_sub(iw);
            let h = (u64::from(height) * 2).saturating_sub(ih);
            let _ = self
                .client
                .set_window_size(w.try_into().unwrap(), h.try_into().unwrap())
                .await;
        }
        let inner = self.js("return [innerWidth, innerHeight]", vec![]).await;
        if inner != json!([width, height]) {
            let metrics = json!({
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600
            });
            self.cdp("Emulation.setDeviceMetricsOverride", metrics)
                .await
                .unwrap_or_else(|e| panic!("cannot make the viewport {width}×{height}: {e}"));
        }
        let inner = self.js("return [innerWidth, innerHeight]", vec![]).await;
        assert_eq!(
            inner,
            json!([width, height]),
            "the viewport should be {width}×{height}"
        );
    }

    /// Presses and releases keys (WebDriver key actions) where the focus is; `keys` are
    /// characters or [`keys`] constants, pressed in order; a modifier first is held for the rest.
    pub async fn press(&self, pressed: &[&str]) {
        let key = |k: &str| k.chars().next().expect("a key");
        let mut actions = KeyActions::new("keyboard".into());
        for k in pressed {
            actions = actions.then(KeyAction::Down { value: key(k) });
        }
        for k in pressed.iter().rev() {
            actions = actions.then(KeyAction::Up { value: key(k) });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("pressing keys failed: {e}"));
        let _ = self.client.release_actions().await;
    }

    /// Moves the mouse over an element (its centre), as a person pointing at it. When the page
    /// redrew the element meanwhile (a live update), finds it again by how it was found.
    pub async fn hover(&self, el: &El<'_>) {
        el.retry("moving the mouse", async |e| {
            let mouse = MouseActions::new("mouse".into()).then(centre_of(e));
            self.client.perform_actions(mouse).await
        })
        .await;
    }

    /// Makes the page a touch device without hover, as a phone or tablet is: touch events on,
    /// `(hover: none)` and `(pointer: coarse)` match (Chrome DevTools Protocol).
    pub async fn emulate_touch(&self) {
        let touch = json!({"enabled": true, "maxTouchPoints": 5});
        let mouse = json!({"enabled": true, "configuration": "mobile"});
        for (cmd, params) in [
            ("Emulation.setTouchEmulationEnabled", touch),
            ("Emulation.setEmitTouchEventsForMouse", mouse),
        ] {
            self.cdp(cmd, params)
                .await
                .unwrap_or_else(|e| panic!("touch emulation failed: {e}"));
        }
    }

    /// Taps an element (its centre) with a finger: a touch pointer, not a mouse, so nothing is
    /// hovered first. Finds the element again when the page redrew it meanwhile.
    pub async fn tap(&self, el: &El<'_>) {
        el.retry("tapping", async |e| {
            let button = MOUSE_BUTTON_LEFT;
            let finger = TouchActions::new("finger".into())
                .then(centre_of(e))
                .then(PointerAction::Down { button })
                .pause(Duration::from_millis(50))
                .then(PointerAction::Up { button });
            let res = self.client.perform_actions(finger).await;
            let _ = self.client.release_actions().await;
            res
        })
        .await;
    }

    /// Moves the mouse to the top-left corner, so no hover state shows in a screenshot.
    pub async fn mouse_away(&self) {
        let corner = PointerAction::MoveTo {
            duration: None,
            x: 2.0,
            y: 2.0,
        };
        let mouse = MouseActions::new("mouse".into()).then(corner);
        let _ = self.client.perform_actions(mouse).await;
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.unwrap();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// Console messages of the page that mean a defect: script errors and blocked content
    /// (Content-Security-Policy violations). Failed API calls the page handled are not among
    /// them.
    pub async fn console_defects(&self) -> Vec<String> {
        let logs = self
            .raw(Method::POST, "se/log", Some(json!({"type": "browser"})))
            .await
            .unwrap_or(Value::Null);
        logs.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str().map(str::to_owned))
            .filter(|m| {
                m.contains("Content Security Policy")
                    || m.contains("Uncaught")
                    || m.contains("SyntaxError")
                    || m.contains("TypeError")
                    || m.contains("ReferenceError")
            })
            .collect()
    }

    /// Prints what the page shows, for a failing wait.
    async fn debug_dump(&self, css: &str) {
        let text = self
            .js(
                "return document.body ? document.body.innerText.slice(0, 3000) : ''",
                vec![],
            )
            .await;
        eprintln!(
            "--- waiting for {css} at {}\n{}\n---",
            self.current_url().await,
            text.as_str().unwrap_or("")
        );
    }
}

impl El<'_> {
    /// Runs `act` on the element. When something covers it for a moment, tries again; when the
    /// page redrew it meanwhile (a live update), finds it again by how it was found and retries.
    async fn retry(&self, what: &str, act: impl AsyncFn(&Element) -> Result<(), CmdError>) {
        let deadline = Instant::now() + WAIT;
        let mut el = self.el.clone();
        loop {
            let e = match act(&el).await {
                Ok(()) => return,
                Err(e) if Instant::now() < deadline => e,
                Err(e) => panic!("{what} failed: {e}"),
            };
            match &e {
                CmdError::Standard(w) if w.error == ErrorStatus::ElementClickIntercepted => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                e if e.is_stale_element_reference() => {
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    if let Some(again) = self.b.find_visible(&self.css, &self.needle).await {
                        el = again.el;
                    }
                }
                _ => panic!("{what} failed: {e}"),
            }
        }
    }

    pub async fn click(&self) {
        self.retry("click", async |e| e.click().await).await;
    }

    pub async fn send_keys(&self, text: &str) {
        self.retry("typing", async |e| e.send_keys(text).await)
            .await;
    }

    pub async fn clear(&self) {
        self.retry("clearing", async |e| e.clear().await).await;
    }

    pub async fn text(&self) -> String {
        self.el.text().await.unwrap_or_default()
    }

    /// The property `name` as the page has it (`true`, `"true"`, a number, `null`).
    pub async fn prop(&self, name: &str) -> Value {
        let path = format!("element/{}/property/{name}", self.el.element_id());
        self.b
            .raw(Method::GET, &path, None)
            .await
            .unwrap_or(Value::Null)
    }

    pub async fn value(&self) -> String {
        self.prop("value").await.as_str().unwrap_or("").to_owned()
    }

    /// The element itself as a script argument.
    pub fn arg(&self) -> Value {
        serde_json::to_value(&self.el).unwrap()
    }
}

/// Where a test's screenshot `name` goes. With `TETHER_UPDATE_SCREENSHOTS=1` it is the
/// README's folder, `docs/screenshots/` at the workspace root; otherwise
/// `$CARGO_TARGET_DIR/tmp/screenshots/`, so an ordinary test run leaves the repository as it
/// was (the pictures are still there to look at after a run).
pub fn screenshot_path(name: &str) -> PathBuf {
    if std::env::var("TETHER_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/screenshots")
            .join(name)
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("screenshots")
            .join(name)
    }
}

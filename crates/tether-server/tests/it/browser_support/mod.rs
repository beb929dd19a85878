//! Real-browser test support: chromedriver on a free port (killed by a drop guard), headless
//! Chromium sessions each with a fresh profile, and a small W3C WebDriver client with the
//! waits a UI test needs.
//!
//! The client speaks WebDriver over plain HTTP with reqwest (already a dev-dependency): the
//! protocol is a handful of JSON calls, and fantoccini without its TLS features offers no
//! connector this crate can name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
        let port = free_port();
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
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(res) = http.get(format!("{}/status", driver.url)).send().await
                && let Ok(v) = res.json::<Value>().await
                && v["value"]["ready"] == json!(true)
            {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A new headless Chromium with a fresh profile.
    pub async fn browser(&self) -> Browser {
        let profile = std::env::temp_dir().join(format!(
            "tether-chromium-{}-{}",
            std::process::id(),
            tether_store::new_id()
        ));
        std::fs::create_dir_all(&profile).unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
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
        }}});
        let http = reqwest::Client::new();
        let res: Value = http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {res}"))
            .to_owned();
        Browser {
            http,
            session: format!("{}/session/{id}", self.url),
            session_path: format!("/session/{id}"),
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

/// One browser session.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    session_path: String,
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
                "DELETE {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session_path, self.driver_port
            );
            if s.write_all(req.as_bytes()).is_ok() {
                // The answer is a small JSON document; read until it is complete.
                let mut got = Vec::new();
                let mut buf = [0u8; 1024];
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
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
    id: String,
    /// How it was found (selector, text), to find it again when the page redrew it.
    locator: Option<(String, String)>,
}

fn element_id(v: &Value) -> Option<String> {
    v.get(ELEMENT_KEY)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

impl Browser {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.map_err(|e| e.to_string())?;
        let ok = res.status().is_success();
        let v: Value = res.json().await.map_err(|e| e.to_string())?;
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(format!(
                "{}: {}",
                v["value"]["error"], v["value"]["message"]
            ))
        }
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// Makes the browser ask for `languages` (an `Accept-Language` value) from now on, as a
    /// browser set to those languages would (Chrome DevTools Protocol through chromedriver).
    pub async fn accept_language(&self, languages: &str) {
        self.post(
            "/goog/cdp/execute",
            json!({"cmd": "Network.enable", "params": {}}),
        )
        .await
        .unwrap();
        self.post(
            "/goog/cdp/execute",
            json!({"cmd": "Network.setExtraHTTPHeaders", "params": {"headers": {"Accept-Language": languages}}}),
        )
        .await
        .unwrap();
        // As a browser set to these languages, the page's `navigator.languages` says them too.
        let version = self
            .post(
                "/goog/cdp/execute",
                json!({"cmd": "Browser.getVersion", "params": {}}),
            )
            .await
            .unwrap();
        let user_agent = version["userAgent"]
            .as_str()
            .expect("the browser's user agent");
        self.post(
            "/goog/cdp/execute",
            json!({"cmd": "Emulation.setUserAgentOverride", "params": {"userAgent": user_agent, "acceptLanguage": languages}}),
        )
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
        self.post(
            "/goog/cdp/execute",
            json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": source}}),
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
        self.post("/url", json!({"url": url})).await.unwrap();
    }

    pub async fn current_url(&self) -> String {
        self.get("/url")
            .await
            .unwrap()
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// Runs a script in the page (`arguments[i]` are `args`) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn find(&self, css: &str) -> Option<El<'_>> {
        let v = self
            .post("/element", json!({"using": "css selector", "value": css}))
            .await
            .ok()?;
        element_id(&v).map(|id| El {
            b: self,
            id,
            locator: Some((css.to_owned(), String::new())),
        })
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
        element_id(&v).map(|id| El {
            b: self,
            id,
            locator: Some((css.to_owned(), needle.to_owned())),
        })
    }

    async fn wait_for(&self, css: &str, needle: &str) -> El<'_> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(el) = self.find_visible(css, needle).await {
                return el;
            }
            if Instant::now() > deadline {
                self.debug_dump(css).await;
                panic!("no visible {css} contains {needle:?}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
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
        let deadline = Instant::now() + WAIT;
        while self.find_visible(css, needle).await.is_some() {
            assert!(Instant::now() < deadline, "{css} with {needle:?} stayed");
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// Waits until a script returns `true`.
    pub async fn wait_js(&self, script: &str, what: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.js(script, vec![]).await == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The current address without the origin (`/chats/01J…?x=1`).
    pub async fn path(&self) -> String {
        let url = self.current_url().await;
        match url
            .find("://")
            .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
        {
            Some(i) => url[i..].to_owned(),
            None => url,
        }
    }

    /// Waits until the address (path and query) is `expected`; a trailing `*` matches any rest.
    pub async fn wait_url(&self, expected: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let path = self.path().await;
            let ok = match expected.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == expected,
            };
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still at {path}, expected {expected}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs an asynchronous script (it calls `arguments[arguments.length - 1]` with its value).
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/async", json!({"script": script, "args": args}))
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Makes the page's viewport `width`×`height` CSS pixels (what `innerWidth` and
    /// `innerHeight` say). Below the smallest window the platform allows (a phone's width), the
    /// viewport is emulated through the DevTools protocol, as a phone with touch.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        let _ = self
            .post(
                "/goog/cdp/execute",
                json!({"cmd": "Emulation.clearDeviceMetricsOverride", "params": {}}),
            )
            .await;
        self.post("/window/rect", json!({"width": width, "height": height}))
            .await
            .unwrap();
        // The window may have borders: correct by what the page measures.
        let inner = self.js("return [innerWidth, innerHeight]", vec![]).await;
        let (iw, ih) = (
            inner[0].as_u64().unwrap_or(0) as i64,
            inner[1].as_u64().unwrap_or(0) as i64,
        );
        if iw != i64::from(width) || ih != i64::from(height) {
            let w = i64::from(width) * 2 - iw;
            let h = i64::from(height) * 2 - ih;
            let _ = self
                .post("/window/rect", json!({"width": w, "height": h}))
                .await;
        }
        let inner = self.js("return [innerWidth, innerHeight]", vec![]).await;
        if inner != json!([width, height]) {
            self.post(
                "/goog/cdp/execute",
                json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                    "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600
                }}),
            )
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
        let mut actions = Vec::new();
        for k in pressed {
            actions.push(json!({"type": "keyDown", "value": k}));
        }
        for k in pressed.iter().rev() {
            actions.push(json!({"type": "keyUp", "value": k}));
        }
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .await
        .unwrap_or_else(|e| panic!("pressing keys failed: {e}"));
        let _ = self.call(reqwest::Method::DELETE, "/actions", None).await;
    }

    /// Moves the mouse over an element (its centre), as a person pointing at it. When the page
    /// redrew the element meanwhile (a live update), finds it again by how it was found.
    pub async fn hover(&self, el: &El<'_>) {
        let deadline = Instant::now() + WAIT;
        let mut id = el.id.clone();
        loop {
            let origin = json!({ ELEMENT_KEY: id });
            match self
                .post(
                    "/actions",
                    json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                        "actions": [{"type": "pointerMove", "x": 0, "y": 0, "origin": origin}]}]}),
                )
                .await
            {
                Ok(_) => return,
                Err(e) if Instant::now() < deadline && e.contains("stale element") => {
                    let Some((css, needle)) = &el.locator else {
                        panic!("moving the mouse failed: {e}");
                    };
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    if let Some(again) = self.find_visible(css, needle).await {
                        id = again.id;
                    }
                }
                Err(e) => panic!("moving the mouse failed: {e}"),
            }
        }
    }

    /// Makes the page a touch device without hover, as a phone or tablet is: touch events on,
    /// `(hover: none)` and `(pointer: coarse)` match (Chrome DevTools Protocol).
    pub async fn emulate_touch(&self) {
        self.post(
            "/goog/cdp/execute",
            json!({"cmd": "Emulation.setTouchEmulationEnabled", "params": {"enabled": true, "maxTouchPoints": 5}}),
        )
        .await
        .unwrap_or_else(|e| panic!("touch emulation failed: {e}"));
        self.post(
            "/goog/cdp/execute",
            json!({"cmd": "Emulation.setEmitTouchEventsForMouse", "params": {"enabled": true, "configuration": "mobile"}}),
        )
        .await
        .unwrap_or_else(|e| panic!("touch emulation failed: {e}"));
    }

    /// Taps an element (its centre) with a finger: a touch pointer, not a mouse, so nothing is
    /// hovered first. Finds the element again when the page redrew it meanwhile.
    pub async fn tap(&self, el: &El<'_>) {
        let deadline = Instant::now() + WAIT;
        let mut id = el.id.clone();
        loop {
            let origin = json!({ ELEMENT_KEY: id });
            let res = self
                .post(
                    "/actions",
                    json!({"actions": [{"type": "pointer", "id": "finger", "parameters": {"pointerType": "touch"},
                        "actions": [
                            {"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
                            {"type": "pointerDown", "button": 0},
                            {"type": "pause", "duration": 50},
                            {"type": "pointerUp", "button": 0}
                        ]}]}),
                )
                .await;
            let _ = self.call(reqwest::Method::DELETE, "/actions", None).await;
            match res {
                Ok(_) => return,
                Err(e) if Instant::now() < deadline && e.contains("stale element") => {
                    let Some((css, needle)) = &el.locator else {
                        panic!("tapping failed: {e}");
                    };
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    if let Some(again) = self.find_visible(css, needle).await {
                        id = again.id;
                    }
                }
                Err(e) => panic!("tapping failed: {e}"),
            }
        }
    }

    /// Moves the mouse to the top-left corner, so no hover state shows in a screenshot.
    pub async fn mouse_away(&self) {
        let _ = self
            .post(
                "/actions",
                json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                    "actions": [{"type": "pointerMove", "x": 2, "y": 2, "origin": "viewport"}]}]}),
            )
            .await;
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) {
        let data = self.get("/screenshot").await.unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, bytes).unwrap();
    }

    /// Console messages of the page that mean a defect: script errors and blocked content
    /// (Content-Security-Policy violations). Failed API calls the page handled are not among
    /// them.
    pub async fn console_defects(&self) -> Vec<String> {
        let logs = self
            .post("/se/log", json!({"type": "browser"}))
            .await
            .unwrap_or(Value::Null);
        logs.as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
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
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    /// Runs an element command; when the page redrew the element in the meantime (a live
    /// update), finds it again by how it was found and retries.
    async fn act(&self, rest: &str, body: Value) -> Result<Value, String> {
        let deadline = Instant::now() + WAIT;
        let mut id = self.id.clone();
        loop {
            match self
                .b
                .post(&format!("/element/{id}{rest}"), body.clone())
                .await
            {
                Ok(v) => return Ok(v),
                Err(e) if Instant::now() < deadline && e.contains("intercepted") => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) if Instant::now() < deadline && e.contains("stale element") => {
                    let Some((css, needle)) = &self.locator else {
                        return Err(e);
                    };
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    if let Some(again) = self.b.find_visible(css, needle).await {
                        id = again.id;
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn click(&self) {
        self.act("/click", json!({}))
            .await
            .unwrap_or_else(|e| panic!("click failed: {e}"));
    }

    pub async fn send_keys(&self, text: &str) {
        self.act("/value", json!({"text": text}))
            .await
            .unwrap_or_else(|e| panic!("typing failed: {e}"));
    }

    pub async fn clear(&self) {
        self.act("/clear", json!({}))
            .await
            .unwrap_or_else(|e| panic!("clearing failed: {e}"));
    }

    pub async fn text(&self) -> String {
        self.b
            .get(&self.path("/text"))
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub async fn prop(&self, name: &str) -> Value {
        self.b
            .get(&self.path(&format!("/property/{name}")))
            .await
            .unwrap_or(Value::Null)
    }

    pub async fn value(&self) -> String {
        self.prop("value").await.as_str().unwrap_or("").to_owned()
    }

    /// The element itself as a script argument.
    pub fn arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
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

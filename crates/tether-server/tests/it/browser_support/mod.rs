//! Real-browser test support: chromedriver on a free port (killed by a drop guard), headless
//! Chromium sessions each with a fresh profile, driven through fantoccini, and the waits a UI
//! test needs.
//!
//! fantoccini speaks WebDriver; what it has no method for (Chrome DevTools Protocol calls,
//! the browser's console log, a property as the JSON value it is) goes through [`Raw`], its way
//! of issuing a custom command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod input;
mod page;

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

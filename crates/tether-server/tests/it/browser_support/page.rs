//! Pages: loading, scripts, finding elements and waiting for them, and live events held back.

use super::*;

impl Browser {
    pub(super) async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CmdError> {
        self.client.issue_cmd(Raw(method, path.into(), body)).await
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub(super) async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, CmdError> {
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

    /// From now on, finds, scripts and input act inside the frame `css` of the current
    /// document (the embedded panel in a host's page), until [`Browser::leave_frame`].
    pub async fn enter_frame(&self, css: &str) {
        let frame = self.wait(css).await;
        frame
            .el
            .enter_frame()
            .await
            .unwrap_or_else(|e| panic!("cannot enter the frame {css}: {e}"));
    }

    /// Back to the document around the frame entered last.
    pub async fn leave_frame(&self) {
        self.client.enter_parent_frame().await.unwrap();
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
    pub(super) async fn find_visible(&self, css: &str, needle: &str) -> Option<El<'_>> {
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

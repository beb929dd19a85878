//! What a person does: window sizes, keys, the mouse and touch, screenshots, and the console;
//! and what can be done to one element.

use super::*;

impl Browser {
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

//! axe-core in a browser test: injects the npm package (the release [`AXE_VERSION`], which
//! `scripts/test` installs and reads from here; installed under the target's `tmp` when
//! missing) and returns the serious and critical violations of the page or of one part of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::browser_support::Browser;
use serde_json::{Value, json};
use std::path::PathBuf;

/// The axe-core release the tests run (`scripts/test` installs the same one).
pub const AXE_VERSION: &str = "4.10.3";

/// Runs axe-core on `arguments[0]` (a CSS selector, or the whole page) and calls back with its
/// serious and critical violations.
const AXE_RUN: &str = r#"
const [scope, done] = [arguments[0], arguments[arguments.length - 1]];
const context = scope ? document.querySelector(scope) : document;
axe.run(context, { resultTypes: ['violations'] }).then(
  (r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} (${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)})`).join(' | ')}`)),
  (e) => done([`axe failed: ${e}`]),
);
"#;

/// The axe-core script: `TETHER_AXE_JS`, or the npm package under the target's `tmp`,
/// installed there with `npm` when missing (into a fresh folder renamed into place, so tests
/// running at once never see half a package).
fn axe_source() -> String {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = match std::env::var_os("TETHER_AXE_JS") {
                Some(p) => PathBuf::from(p),
                None => {
                    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
                    let prefix = root.join(format!("axe-core-{AXE_VERSION}"));
                    let file = prefix.join("node_modules/axe-core/axe.min.js");
                    if !file.exists() {
                        let tmp = root.join(format!("axe-core-install-{}", tether_store::new_id()));
                        let status = std::process::Command::new("npm")
                            .args([
                                "install",
                                "--no-audit",
                                "--no-fund",
                                "--no-save",
                                "--prefix",
                            ])
                            .arg(&tmp)
                            .arg(format!("axe-core@{AXE_VERSION}"))
                            .status()
                            .expect("npm runs (scripts/test installs Node.js and npm)");
                        assert!(
                            status.success(),
                            "npm install axe-core@{AXE_VERSION} failed"
                        );
                        if std::fs::rename(&tmp, &prefix).is_err() {
                            let _ = std::fs::remove_dir_all(&tmp);
                        }
                    }
                    file
                }
            };
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("axe-core at {}: {e}", path.display()))
        })
        .clone()
}

/// Serious and critical axe-core violations of the page, or of the element `scope` selects,
/// each prefixed with `what`.
pub async fn axe(b: &Browser, what: &str, scope: Option<&str>) -> Vec<String> {
    if b.js("return typeof window.axe === 'object'", vec![]).await != json!(true) {
        b.js(&format!("{}\n;return true;", axe_source()), vec![])
            .await;
    }
    let v = b
        .js_async(AXE_RUN, vec![scope.map_or(Value::Null, |s| json!(s))])
        .await;
    v.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(|d| format!("{what}: {d}"))
        .collect()
}

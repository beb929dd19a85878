//! The audit log speaks both languages for everything the server writes to it: every action
//! written anywhere (`NewAudit::new(…, "action", …)`, `….audit("action", …)`) has a label in
//! `admin-labels.js` (which also fills the audit log's action filter), every key of the
//! details those actions write has one, and so do the webhook events and API key scopes the
//! details name; each label's key is in both catalogs. The server's sources are the one list
//! of actions: a new action without a label fails here.

use super::*;

/// Details the audit log does not list as `key: value` (shown otherwise, or not at all).
const NOT_LISTED: [&str; 6] = ["chats", "record_type", "type", "definition", "old", "new"];

/// Each audit entry the sources write: its action codes and its details' keys.
fn written_audit_entries() -> Vec<(String, BTreeSet<String>, PathBuf)> {
    let root = crate_dir().join("..");
    let mut sources = Vec::new();
    for dir in ["tether-store/src", "tether-server/src", "tether/src"] {
        files(&root.join(dir), "rs", &mut sources);
    }
    let mut out = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["NewAudit::new(", ".audit("] {
            for (at, _) in text.match_indices(marker) {
                let call = &text[at + marker.len()..];
                // The action is a literal before the details (or the statement's end).
                let end = [call.find("json!("), call.find(';')]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(call.len());
                let actions: Vec<String> = quoted(&call[..end])
                    .into_iter()
                    .filter(|s| is_action(s))
                    .collect();
                if actions.is_empty() {
                    continue;
                }
                let mut keys = BTreeSet::new();
                if call[end..].starts_with("json!(") {
                    let body = balanced(&call[end + "json!".len()..]);
                    for (i, _) in body.match_indices("\":") {
                        let key = body[..i].rsplit('"').next().unwrap_or("");
                        if !key.is_empty() {
                            keys.insert(key.to_owned());
                        }
                    }
                }
                // A person's, a key's or a launch's change made in their name says so.
                keys.insert("via".to_owned());
                for action in actions {
                    out.push((action, keys.clone(), path.clone()));
                }
            }
        }
    }
    out
}

fn is_action(s: &str) -> bool {
    let mut parts = s.split('.');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// The string literals in `text`.
fn quoted(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// `text` from its opening bracket to the one that closes it.
fn balanced(text: &str) -> &str {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..=i];
                }
            }
            _ => {}
        }
    }
    text
}

/// A table of `admin-labels.js` (`export const ACTIONS = { 'code': t('key'), … }`): code →
/// catalog key.
fn js_table(js: &str, head: &str) -> BTreeMap<String, String> {
    let start = js
        .find(head)
        .unwrap_or_else(|| panic!("admin-labels.js has no `{head}`"));
    let block = &js[start + head.len()..];
    let block = &block[..block.find("\n};").expect("the table ends")];
    block
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(": t('")?;
            let key = rest.split('\'').next()?;
            Some((name.trim_matches('\'').to_owned(), key.to_owned()))
        })
        .collect()
}

#[test]
fn the_source_scan_finds_the_audit_entries_the_server_writes() {
    let written = written_audit_entries();
    let actions: BTreeSet<&str> = written.iter().map(|(a, _, _)| a.as_str()).collect();
    // Written in one line, across lines, by a helper, in the store and in the server.
    for action in [
        "record.shared",
        "webhook.created",
        "user.synced",
        "record.synced",
        "session.launched",
        "user.activated",
        "user.deactivated",
    ] {
        assert!(actions.contains(action), "the scan misses {action}");
    }
    assert!(actions.len() >= 30, "the scan finds only {actions:?}");
    let launched = written
        .iter()
        .find(|(a, _, _)| a == "session.launched")
        .unwrap();
    assert!(launched.1.contains("integration_id"), "{launched:?}");
    assert!(
        !actions.contains("api_key.invalid"),
        "a problem code is no action"
    );
}

#[test]
fn every_audit_action_and_detail_the_server_writes_has_words_in_both_languages() {
    let en = catalog(Locale::En);
    let sv = catalog(Locale::Sv);
    let js = std::fs::read_to_string(crate_dir().join("assets/js/admin-labels.js")).unwrap();
    let actions = js_table(&js, "export const ACTIONS = {");
    let details = js_table(&js, "const DETAIL_KEYS = {");
    let events = js_table(&js, "export const EVENTS = {");
    let scopes = js_table(&js, "export const SCOPES = {");
    let in_both = |what: &str, key: &str| {
        assert!(en.contains_key(key), "{what}: {key} is missing in en.ftl");
        assert!(sv.contains_key(key), "{what}: {key} is missing in sv.ftl");
    };
    for (action, keys, path) in written_audit_entries() {
        let file = path.display();
        let key = actions.get(&action).unwrap_or_else(|| {
            panic!("{file} writes the audit action {action}, which ACTIONS in admin-labels.js has no words for (nor the audit filter)")
        });
        in_both(&action, key);
        for detail in keys.iter().filter(|k| !NOT_LISTED.contains(&k.as_str())) {
            let key = details.get(detail).unwrap_or_else(|| {
                panic!("{file} writes {detail} in {action}'s details, which DETAIL_KEYS in admin-labels.js has no words for")
            });
            in_both(detail, key);
        }
    }
    for event in tether_domain::webhook::EventType::ALL {
        let key = events.get(event.as_str()).unwrap_or_else(|| {
            panic!(
                "EVENTS in admin-labels.js has no words for the webhook event {}",
                event.as_str()
            )
        });
        in_both(event.as_str(), key);
    }
    for scope in tether_domain::integration::Scope::ALL {
        let key = scopes.get(scope.as_str()).unwrap_or_else(|| {
            panic!(
                "SCOPES in admin-labels.js has no words for the scope {}",
                scope.as_str()
            )
        });
        in_both(scope.as_str(), key);
    }
}

//! Swedish and English (issue 16, item 8): the message catalogs are complete in both languages
//! and cover every key the modules and the server use and every problem `code`; `PATCH /me`
//! stores a language and a time zone on both backends and refuses unknown ones; pages speak the
//! user's (or else the browser's) language; every problem document carries a `code`.

use crate::common;
use crate::common::{PASSWORD, spawn_app};
use fluent_syntax::ast;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tether_domain::access::DenyReason;
use tether_domain::collab::GateDenied;
use tether_domain::invalid::Invalid;
use tether_domain::locale::Locale;
use tether_domain::{Access, Depth};
use tether_server::error::ApiError;
use tether_server::i18n;
use tether_store::Backend;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A catalog's messages (and `message.attribute`s), each with the variables it uses.
fn catalog(locale: Locale) -> BTreeMap<String, BTreeSet<String>> {
    let source = i18n::source(locale);
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((_, errors)) => panic!("{locale}.ftl does not parse: {errors:?}"),
    };
    let mut out = BTreeMap::new();
    for entry in &resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(v) = &m.value {
                    pattern_vars(v, &mut vars);
                }
                assert!(
                    out.insert(m.id.name.to_owned(), vars).is_none(),
                    "{locale}.ftl has {} twice",
                    m.id.name
                );
                for a in &m.attributes {
                    let mut vars = BTreeSet::new();
                    pattern_vars(&a.value, &mut vars);
                    out.insert(format!("{}.{}", m.id.name, a.id.name), vars);
                }
            }
            ast::Entry::Junk { content } => panic!("{locale}.ftl has junk: {content}"),
            _ => {}
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
    }
}

fn inline_vars(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}

/// Every string literal that follows `marker` in `text` (`t('key'` → `key`), where `marker`
/// starts a name of its own (not `format('…'`, `x.t('…'`).
fn literals_after(text: &str, marker: &str, quote: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + marker.len()..];
        rest = after;
        let method = marker.starts_with(|c: char| c.is_alphabetic()) && marker.len() > 3;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || (c == '.' && !method)) {
            continue;
        }
        if let Some(end) = after.find(quote) {
            out.push(after[..end].to_owned());
        }
    }
    out
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn both_catalogs_parse_and_have_the_same_keys_and_variables() {
    let en = catalog(Locale::En);
    let sv = catalog(Locale::Sv);
    assert!(en.len() > 100, "the English catalog has {} keys", en.len());
    let missing_sv: Vec<_> = en.keys().filter(|k| !sv.contains_key(*k)).collect();
    let missing_en: Vec<_> = sv.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing_sv.is_empty(), "missing in sv.ftl: {missing_sv:?}");
    assert!(missing_en.is_empty(), "missing in en.ftl: {missing_en:?}");
    for (key, vars) in &en {
        assert_eq!(
            vars, &sv[key],
            "{key} uses other variables in sv.ftl than in en.ftl"
        );
    }
}

#[test]
fn the_key_scanner_finds_keys_and_skips_other_calls() {
    let js = "t('a-b'); x.t('no'); const s = t('c', { n: 1 }); format('no'); t(\"d\")";
    assert_eq!(literals_after(js, "t('", '\''), ["a-b", "c"]);
    assert_eq!(literals_after(js, "t(\"", '"'), ["d"]);
}

#[test]
fn every_key_the_modules_use_is_in_both_catalogs() {
    let en = catalog(Locale::En);
    let sv = catalog(Locale::Sv);
    let mut scripts = Vec::new();
    files(&crate_dir().join("assets/js"), "js", &mut scripts);
    let mut used = BTreeSet::new();
    for path in &scripts {
        let text = std::fs::read_to_string(path).unwrap();
        for key in literals_after(&text, "t('", '\'')
            .into_iter()
            .chain(literals_after(&text, "t(\"", '"'))
        {
            used.insert((
                key,
                path.file_name().unwrap().to_string_lossy().into_owned(),
            ));
        }
    }
    assert!(
        used.iter().any(|(k, _)| k == "login-submit"),
        "the scan finds login.js's keys"
    );
    for (key, file) in &used {
        assert!(en.contains_key(key), "{file} uses {key}, missing in en.ftl");
        assert!(sv.contains_key(key), "{file} uses {key}, missing in sv.ftl");
    }
}

#[test]
fn every_key_the_server_uses_is_in_both_catalogs() {
    let en = catalog(Locale::En);
    let sv = catalog(Locale::Sv);
    let mut sources = Vec::new();
    files(&crate_dir().join("src"), "rs", &mut sources);
    let mut used = BTreeSet::new();
    for path in &sources {
        let text = std::fs::read_to_string(path).unwrap();
        // `tr(locale, "key", …)` and `Page::new(locale, "key", …)`.
        for marker in [
            "tr(l, \"",
            "tr(locale, \"",
            "tr(page.locale, \"",
            "tr(Locale::Sv, \"",
            "tr(Locale::En, \"",
            "Page::new(l, \"",
            "Page::new(locale, \"",
            "Page::new(v.locale, \"",
        ] {
            for key in literals_after(&text, marker, '"') {
                used.insert(key);
            }
        }
    }
    used.remove("no-such-key");
    assert!(
        used.contains("page-title-home"),
        "the scan finds pages.rs's keys"
    );
    for key in &used {
        assert!(
            en.contains_key(key),
            "the server uses {key}, missing in en.ftl"
        );
        assert!(
            sv.contains_key(key),
            "the server uses {key}, missing in sv.ftl"
        );
    }
}

/// A language's catalog as the browser gets it: key → text (`message.attribute` for
/// attributes; plain texts are strings).
fn served(locale: Locale) -> serde_json::Map<String, Value> {
    let json = i18n::catalog_json(&format!("i18n/{}.json", locale.tag())).unwrap();
    serde_json::from_str(json).unwrap()
}

/// Item 1 of issue 16: the standard record types are data with English names; the UI shows
/// them in the page's language from the catalogs (`recordTypes()` in api.js, where the stored
/// text still equals the English catalog's word). So every standard type, field and choice
/// option has words in both catalogs, and the English words are exactly the built-in texts.
#[test]
fn every_standard_record_type_field_and_option_has_words_in_both_languages() {
    use tether_domain::record_type::{FieldKind, standard_record_types};
    let en = served(Locale::En);
    let sv = served(Locale::Sv);
    let api_js = std::fs::read_to_string(crate_dir().join("assets/js/api.js")).unwrap();
    assert!(
        api_js.contains("const key = `rt-${ty.name}`;")
            && api_js.contains("const fk = `${key}-${f.name}`;")
            && api_js.contains("`${fk}-${o}`"),
        "api.js builds the keys this test checks"
    );
    let text = |cat: &serde_json::Map<String, Value>, key: &str| -> Option<String> {
        cat.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    let mut missing = Vec::new();
    let mut check = |key: String, english: Option<&str>| {
        let (e, s) = (text(&en, &key), text(&sv, &key));
        match (&e, &s) {
            (Some(e), Some(s)) if !e.trim().is_empty() && !s.trim().is_empty() => {
                if let Some(want) = english {
                    assert_eq!(e, want, "{key} in en.ftl must be the built-in text");
                }
            }
            _ => missing.push(format!("{key} (en: {e:?}, sv: {s:?})")),
        }
    };
    let types = standard_record_types();
    assert_eq!(types.len(), 6);
    for ty in &types {
        let key = format!("rt-{}", ty.name);
        check(key.clone(), Some(&ty.display_name));
        for attr in ["plural", "lower", "new"] {
            check(format!("{key}.{attr}"), None);
        }
        for f in &ty.fields {
            let fk = format!("{key}-{}", f.name);
            check(fk.clone(), Some(&f.label));
            assert_eq!(f.kind == FieldKind::Choice, !f.options.is_empty());
            for o in &f.options {
                check(format!("{fk}-{o}"), None);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "words missing or empty for standard record types:\n{}",
        missing.join("\n")
    );
    // Swedish is Swedish, not the English left in place.
    assert_eq!(text(&sv, "rt-case").as_deref(), Some("Ärende"));
    assert_eq!(text(&sv, "rt-case-priority-high").as_deref(), Some("Hög"));
}

/// Every code a problem document can carry: each variant's, each precise one given with
/// `with_code("…")` anywhere in the server, and the domain's refusals.
fn problem_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let variants = [
        ApiError::BadRequest(String::new()),
        ApiError::Unauthorized(String::new()),
        ApiError::Forbidden(String::new()),
        ApiError::NotFound(String::new()),
        ApiError::conflict(""),
        ApiError::PayloadTooLarge(String::new()),
        ApiError::UnsupportedMediaType(String::new()),
        ApiError::Unprocessable {
            detail: String::new(),
            errors: Vec::new(),
        },
        ApiError::invalid("x", Invalid::Format, "y"),
        ApiError::TooManyRequests {
            detail: String::new(),
            retry_after_secs: 1,
        },
        ApiError::Unavailable(String::new()),
        ApiError::StorageFull(String::new()),
        ApiError::Busy {
            detail: String::new(),
            retry_after_secs: 1,
        },
        ApiError::Internal(anyhow::anyhow!("x")),
    ];
    codes.extend(variants.iter().map(|v| v.code().to_owned()));
    for status in [
        400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 429, 431, 500, 503, 507,
    ] {
        let s = axum::http::StatusCode::from_u16(status).unwrap();
        codes.insert(tether_server::error::status_code(s).to_owned());
    }
    let t = || "case".to_owned();
    for reason in [
        DenyReason::Deactivated,
        DenyReason::NoPrivilege {
            record_type: t(),
            access: Access::Read,
        },
        DenyReason::NoPrivilege {
            record_type: t(),
            access: Access::Write,
        },
        DenyReason::NewOwnerOutsideDepth {
            record_type: t(),
            depth: Depth::Own,
        },
    ] {
        codes.insert(reason.code().to_owned());
    }
    for g in [
        GateDenied::FeatureOff,
        GateDenied::NoCollabUse,
        GateDenied::ChatsOff { record_type: t() },
        GateDenied::ChannelsOff { record_type: t() },
    ] {
        codes.insert(g.code().to_owned());
    }
    // Every field error's code (the domain's one list of them).
    codes.extend(Invalid::ALL.iter().map(|c| c.code().to_owned()));
    let mut sources = Vec::new();
    files(&crate_dir().join("src"), "rs", &mut sources);
    for path in &sources {
        let text = std::fs::read_to_string(path).unwrap();
        for code in literals_after(&text, "with_code(\"", '"') {
            codes.insert(code);
        }
        // The health check's own code (ops.rs).
        for code in literals_after(&text, "\"code\".into(), json!(\"", '"') {
            codes.insert(code);
        }
    }
    codes
}

#[test]
fn every_problem_code_has_words_in_both_languages_and_is_documented() {
    let en = catalog(Locale::En);
    let sv = catalog(Locale::Sv);
    let docs = std::fs::read_to_string(crate_dir().join("../../docs/api.md")).unwrap();
    let codes = problem_codes();
    for must in [
        "auth.bad_credentials",
        "record.write_denied",
        "password.wrong",
        "locale.unsupported",
        "time_zone.unknown",
        "unhealthy",
        "validation.field",
        "value.missing",
        "value.too_long",
    ] {
        assert!(codes.contains(must), "the scan finds {must}");
    }
    for code in &codes {
        let key = i18n::problem_key(code);
        assert!(en.contains_key(&key), "{code}: {key} missing in en.ftl");
        assert!(sv.contains_key(&key), "{code}: {key} missing in sv.ftl");
        assert!(
            docs.contains(&format!("`{code}`")),
            "{code} is not listed in docs/api.md"
        );
    }
}

/// The variant keys of every select on `$var` in a served message, however deeply nested.
fn select_keys(v: &Value, var: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Array(parts) => {
            for p in parts {
                select_keys(p, var, out);
            }
        }
        Value::Object(o) => {
            if let Some(options) = o.get("o").and_then(Value::as_object) {
                if o.get("s").and_then(Value::as_str) == Some(var) {
                    out.extend(options.keys().cloned());
                }
                for x in options.values() {
                    select_keys(x, var, out);
                }
            }
        }
        _ => {}
    }
}

/// Every code of a suggestion's `why` (R12, the domain's one list) has words in both languages
/// and panel.js says it; where the Swedish words name the record type, every standard type has
/// its own (Swedish nouns differ in gender and form: "det här ärendet", "den här kunden").
#[test]
fn every_suggestion_reason_code_has_words_in_both_languages() {
    use tether_domain::record_type::standard_record_types;
    use tether_domain::suggest::Reason;
    let en = catalog(Locale::En);
    let sv = catalog(Locale::Sv);
    let served_sv = served(Locale::Sv);
    let panel = std::fs::read_to_string(crate_dir().join("assets/js/panel.js")).unwrap();
    let standard: BTreeSet<String> = standard_record_types()
        .into_iter()
        .map(|t| t.name)
        .collect();
    for code in Reason::CODES {
        let key = format!("panel-reason-{code}");
        assert!(en.contains_key(&key), "{code}: {key} missing in en.ftl");
        assert!(sv.contains_key(&key), "{code}: {key} missing in sv.ftl");
        assert!(
            panel.contains(&format!("t('{key}'")),
            "panel.js does not word the reason {code}"
        );
        if sv[&key].contains("type") {
            let mut named = BTreeSet::new();
            select_keys(&served_sv[&key], "type", &mut named);
            let missing: Vec<&String> = standard.difference(&named).collect();
            assert!(
                missing.is_empty(),
                "{key} in sv.ftl has no words for the standard types {missing:?}"
            );
        }
    }
}

#[tokio::test]
async fn me_language_and_time_zone_sqlite() {
    me_language_and_time_zone(Backend::Sqlite).await;
}

#[tokio::test]
async fn me_language_and_time_zone_postgres() {
    me_language_and_time_zone(Backend::Postgres).await;
}

async fn me_language_and_time_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;

    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(me["locale"], Value::Null);
    assert_eq!(me["time_zone"], Value::Null);

    let res = app
        .patch(
            "/me",
            &olga,
            json!({"locale": "sv", "time_zone": "Europe/Stockholm"}),
        )
        .await
        .expect(200);
    assert_eq!(
        res.body,
        json!({"locale": "sv", "time_zone": "Europe/Stockholm"})
    );
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(me["locale"], "sv");
    assert_eq!(me["time_zone"], "Europe/Stockholm");

    // Only the caller's own row changes.
    let other = app.get("/me", &admin).await.expect(200).body;
    assert_eq!(other["locale"], Value::Null);

    // A member left out keeps its value; null clears it.
    app.patch("/me", &olga, json!({"time_zone": "America/New_York"}))
        .await
        .expect(200);
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(
        (&me["locale"], &me["time_zone"]),
        (&json!("sv"), &json!("America/New_York"))
    );
    app.patch("/me", &olga, json!({"locale": null}))
        .await
        .expect(200);
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(
        (&me["locale"], &me["time_zone"]),
        (&Value::Null, &json!("America/New_York"))
    );

    // Unknown language and zone: 422 naming each field, with codes; nothing changes.
    let res = app
        .patch(
            "/me",
            &olga,
            json!({"locale": "de", "time_zone": "Mars/Olympus"}),
        )
        .await
        .problem(422, "time zone");
    assert_eq!(res.body["code"], "validation.field");
    let errors = res.body["errors"].as_array().unwrap();
    let by_field: BTreeMap<_, _> = errors
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(by_field["locale"], "locale.unsupported");
    assert_eq!(by_field["time_zone"], "time_zone.unknown");
    app.patch("/me", &olga, json!({"locale": 7}))
        .await
        .expect(422);
    app.patch("/me", &olga, json!({"email_address": "x"}))
        .await
        .expect(422);
    let me = app.get("/me", &olga).await.expect(200).body;
    assert_eq!(me["time_zone"], "America/New_York");

    // The OpenAPI document names the new method.
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    assert!(doc["paths"]["/api/v1/me"]["patch"].is_object());

    // Not signed in.
    let res = app
        .send(Method::PATCH, "/me", None, Some(json!({"locale": "sv"})))
        .await
        .expect(401);
    assert_eq!(res.body["code"], "auth.required");
}

#[tokio::test]
async fn every_problem_document_carries_a_code() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let code = |res: common::Res| res.body["code"].as_str().unwrap_or("").to_owned();

    let wrong = app
        .send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "olga@example.com", "password": "not the password"})),
        )
        .await
        .problem(401, "wrong e-mail or password");
    assert_eq!(code(wrong), "auth.bad_credentials");
    assert_eq!(
        code(app.get("/me", "no-such-token").await.expect(401)),
        "auth.session_expired"
    );
    assert_eq!(
        code(app.get("/users/none/x", &olga).await.expect(404)),
        "not_found"
    );
    assert_eq!(
        code(app.get("/audit", &olga).await.expect(403)),
        "admin.required"
    );
    assert_eq!(
        code(app.get("/chats", &olga).await.expect(403)),
        "collab.disabled"
    );
    let res = app
        .post(
            "/me/password",
            &olga,
            json!({"current_password": "not it at all", "new_password": "short"}),
        )
        .await
        .expect(422);
    assert_eq!(res.body["errors"][0]["code"], "password.too_short");
    let res = app
        .post(
            "/me/password",
            &olga,
            json!({"current_password": "not it at all", "new_password": "a long enough new password"}),
        )
        .await
        .expect(422);
    assert_eq!(res.body["errors"][0]["code"], "password.wrong");
    assert_eq!(code(res), "validation.field");
    let res = app
        .send(Method::DELETE, "/healthz", None, None)
        .await
        .expect(405);
    assert_eq!(code(res), "method_not_allowed");
}

/// A page request with the session cookie and an `Accept-Language`.
async fn page(app: &common::TestApp, path: &str, token: Option<&str>, lang: &str) -> String {
    let mut req = app
        .http
        .get(format!("{}{path}", app.base))
        .header("accept-language", lang);
    if let Some(t) = token {
        req = req.header("cookie", format!("tether_session={t}"));
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.text().await.unwrap()
}

#[tokio::test]
async fn pages_speak_the_chosen_language_else_the_browsers() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;

    let login = page(&app, "/login", None, "sv-SE,sv;q=0.9,en;q=0.5").await;
    assert!(login.contains("<html lang=\"sv\">"), "{login}");
    assert!(
        login.contains("<title>Logga in · Tether</title>"),
        "{login}"
    );
    assert!(login.contains("Hoppa till innehållet"));
    let login_en = page(&app, "/login", None, "en-GB,en").await;
    assert!(login_en.contains("<html lang=\"en\">"));
    assert!(login_en.contains("<title>Sign in · Tether</title>"));

    // The browser says English, the user chose Swedish: Swedish, with the zone on <body>.
    let home = page(&app, "/", Some(&admin), "en").await;
    assert!(home.contains("<html lang=\"en\">") && home.contains(">My work<"));
    assert!(!home.contains("data-time-zone"));
    app.patch(
        "/me",
        &admin,
        json!({"locale": "sv", "time_zone": "Europe/Stockholm"}),
    )
    .await
    .expect(200);
    let home = page(&app, "/", Some(&admin), "en").await;
    assert!(home.contains("<html lang=\"sv\">"), "{home}");
    assert!(home.contains("<title>Mitt arbete · Tether</title>"));
    assert!(home.contains(">Logga ut</button>"));
    assert!(home.contains("data-time-zone=\"Europe/Stockholm\""));

    // The catalog the page names is served, resolved to JSON, cacheable for ever.
    let marker = "name=\"tether-catalog\" content=\"";
    let start = home.find(marker).unwrap() + marker.len();
    let url = &home[start..start + home[start..].find('"').unwrap()];
    assert!(url.ends_with("/i18n/sv.json"), "{url}");
    let res = app
        .http
        .get(format!("{}{url}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let cat: Value = res.json().await.unwrap();
    assert_eq!(cat["login-submit"], "Logga in");
    assert_eq!(
        cat["tour-step"],
        json!(["Steg ", {"v": "step"}, " av ", {"v": "total"}])
    );
    assert_eq!(cat["shell-unread"][0]["s"], "count");

    // A non-administrator's 403 page for /admin is in their language too.
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let res = app
        .http
        .get(format!("{}/admin", app.base))
        .header("accept-language", "sv")
        .header("cookie", format!("tether_session={olga}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let text = res.text().await.unwrap();
    assert!(text.contains("administratörsbehörighet"), "{text}");
    let _ = PASSWORD;
}

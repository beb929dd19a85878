//! Every code the server sends has words in both languages: standard fields and options, problem
//! codes and suggestion reasons; every problem document carries a code.

use super::*;

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

//! Both catalogs parse, hold the same keys and variables, and hold every key the code uses.

use super::*;

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

//! Swedish and English (issue 16, item 8): the message catalogs are complete in both languages
//! and cover every key the modules and the server use and every problem `code`; `PATCH /me`
//! stores a language and a time zone on both backends and refuses unknown ones; pages speak the
//! user's (or else the browser's) language; every problem document carries a `code`.

mod audit;
mod catalogs;
mod codes;
mod language;

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

//! The UI's message catalogs (issue 16, item 8): one Fluent file per language
//! (`assets/i18n/en.ftl`, `assets/i18n/sv.ftl`, Project Fluent's format), read with the
//! maintained `fluent-bundle` crate.
//!
//! The server uses them twice:
//! - for the words it writes itself (page titles and the texts of `web/pages.rs`) through
//!   [`tr`];
//! - for the browser, which gets each catalog *resolved to JSON* at a versioned asset address
//!   (`/assets/<version>/i18n/sv.json`, [`catalog_url`]): the Fluent syntax is parsed here, once,
//!   by the crate, and `assets/js/i18n.js` only substitutes `{ $name }` variables and picks a
//!   selector's variant (plurals with `Intl.PluralRules`). That keeps the browser's part at
//!   some 60 lines with no vendored library, and a malformed catalog fails the server's tests
//!   rather than a user's page.
//!
//! The JSON form of a message is a string when it has no placeables, else a list of parts:
//! text, `{"v": name}` (a variable; `"f": "number"|"datetime"` when wrapped in `NUMBER()` /
//! `DATETIME()`), or `{"s": name, "o": {key: parts}, "d": default key}` (a select expression
//! on a variable). Message and term references are resolved into their text here. Attributes
//! become keys of their own: `message.attribute`.
//!
//! The catalogs are constants of the build (compiled in with `include_str!`), so they are
//! parsed once per process into a static, like the asset version in `web/assets.rs`.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use tether_domain::locale::Locale;

/// The Fluent source of a language's catalog.
pub fn source(locale: Locale) -> &'static str {
    match locale {
        Locale::En => include_str!("../assets/i18n/en.ftl"),
        Locale::Sv => include_str!("../assets/i18n/sv.ftl"),
    }
}

/// One language's catalog, parsed.
struct Catalog {
    bundle: FluentBundle<FluentResource>,
    /// The catalog resolved for the browser (see the module docs).
    json: String,
}

static CATALOGS: LazyLock<Vec<(Locale, Catalog)>> = LazyLock::new(|| {
    Locale::ALL
        .iter()
        .map(|&locale| (locale, Catalog::load(locale)))
        .collect()
});

impl Catalog {
    fn load(locale: Locale) -> Catalog {
        let resource = match FluentResource::try_new(source(locale).to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                // tests/it/i18n.rs fails on any of these; a running server keeps what parsed.
                tracing::error!(?errors, locale = %locale, "the message catalog has errors");
                r
            }
        };
        let json = resolve(&resource).to_string();
        let lang = locale.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![lang]);
        // No Unicode isolation marks around placeables: the texts go into HTML and titles,
        // where the marks would only be noise (the UI's languages are all left-to-right).
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?errors, locale = %locale, "the message catalog has duplicate keys");
        }
        Catalog { bundle, json }
    }
}

fn catalog(locale: Locale) -> Option<&'static Catalog> {
    CATALOGS.iter().find(|(l, _)| *l == locale).map(|(_, c)| c)
}

/// The text of `key` in `locale`, with `args` substituted. A key missing from the catalog
/// (which `tests/it/i18n.rs` prevents) comes out as the key itself, never as a failure.
pub fn tr(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let Some(c) = catalog(locale) else {
        return key.to_owned();
    };
    let Some(pattern) = c.bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(*value));
    }
    let mut errors = Vec::new();
    c.bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// The catalog key of a problem `code`: `problem-` and the code with `.` as `-`
/// (`record.write_denied` → `problem-record-write_denied`). `assets/js/i18n.js` does the same.
pub fn problem_key(code: &str) -> String {
    format!("problem-{}", code.replace('.', "-"))
}

/// The catalog's words for a problem `code`, when it has some.
pub fn problem_text(locale: Locale, code: &str) -> Option<String> {
    let key = problem_key(code);
    catalog(locale)
        .filter(|c| c.bundle.has_message(&key))
        .map(|_| tr(locale, &key, &[]))
}

/// The JSON catalog served at `i18n/<lang>.json` under the asset path, if `path` is one.
pub fn catalog_json(path: &str) -> Option<&'static str> {
    let tag = path.strip_prefix("i18n/")?.strip_suffix(".json")?;
    let locale = Locale::parse(tag).ok().filter(|l| l.tag() == tag)?;
    catalog(locale).map(|c| c.json.as_str())
}

/// The address of a language's JSON catalog in this build.
pub fn catalog_url(locale: Locale) -> String {
    crate::web::asset_url(&format!("i18n/{}.json", locale.tag()))
}

/// Resolves a parsed catalog into the browser's JSON form.
fn resolve(resource: &FluentResource) -> Value {
    let mut messages = BTreeMap::new();
    let mut terms = BTreeMap::new();
    for entry in resource.entries() {
        match entry {
            ast::Entry::Message(m) => {
                messages.insert(m.id.name, m);
            }
            ast::Entry::Term(t) => {
                terms.insert(t.id.name, t);
            }
            _ => {}
        }
    }
    let scope = Scope {
        messages: &messages,
        terms: &terms,
    };
    let mut out = Map::new();
    for (name, m) in &messages {
        if let Some(value) = &m.value {
            out.insert((*name).to_owned(), compact(scope.pattern(value, 0)));
        }
        for attr in &m.attributes {
            out.insert(
                format!("{name}.{}", attr.id.name),
                compact(scope.pattern(&attr.value, 0)),
            );
        }
    }
    Value::Object(out)
}

/// A message with only text is sent as one string.
fn compact(parts: Vec<Value>) -> Value {
    if parts.iter().all(Value::is_string) {
        Value::String(
            parts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .concat(),
        )
    } else {
        Value::Array(parts)
    }
}

/// Messages and terms by name, for resolving references.
#[derive(Clone, Copy)]
struct Scope<'a, 'r> {
    messages: &'a BTreeMap<&'r str, &'r ast::Message<&'r str>>,
    terms: &'a BTreeMap<&'r str, &'r ast::Term<&'r str>>,
}

/// References deeper than this are cut (a cycle in a catalog).
const MAX_DEPTH: usize = 8;

impl Scope<'_, '_> {
    fn pattern(&self, p: &ast::Pattern<&str>, depth: usize) -> Vec<Value> {
        let mut parts: Vec<Value> = Vec::new();
        for el in &p.elements {
            match el {
                ast::PatternElement::TextElement { value } => push_text(&mut parts, value),
                ast::PatternElement::Placeable { expression } => {
                    for part in self.expression(expression, depth) {
                        match part {
                            Value::String(s) => push_text(&mut parts, &s),
                            other => parts.push(other),
                        }
                    }
                }
            }
        }
        parts
    }

    fn expression(&self, e: &ast::Expression<&str>, depth: usize) -> Vec<Value> {
        match e {
            ast::Expression::Inline(inline) => self.inline(inline, depth),
            ast::Expression::Select { selector, variants } => {
                let (name, format) = match variable(selector) {
                    Some(v) => v,
                    None => return Vec::new(),
                };
                let mut options = Map::new();
                let mut default = String::new();
                for v in variants {
                    let key = match &v.key {
                        ast::VariantKey::Identifier { name } => (*name).to_owned(),
                        ast::VariantKey::NumberLiteral { value } => (*value).to_owned(),
                    };
                    if v.default {
                        default.clone_from(&key);
                    }
                    options.insert(key, Value::Array(self.pattern(&v.value, depth)));
                }
                let mut sel = json!({"s": name, "o": options, "d": default});
                if let (Some(f), Some(obj)) = (format, sel.as_object_mut()) {
                    obj.insert("f".into(), json!(f));
                }
                vec![sel]
            }
        }
    }

    fn inline(&self, e: &ast::InlineExpression<&str>, depth: usize) -> Vec<Value> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        match e {
            ast::InlineExpression::StringLiteral { value } => {
                vec![Value::String(
                    fluent_syntax::unicode::unescape_unicode_to_string(value).into_owned(),
                )]
            }
            ast::InlineExpression::NumberLiteral { value } => vec![json!(value)],
            ast::InlineExpression::VariableReference { .. }
            | ast::InlineExpression::FunctionReference { .. } => match variable(e) {
                Some((name, None)) => vec![json!({"v": name})],
                Some((name, Some(f))) => vec![json!({"v": name, "f": f})],
                None => Vec::new(),
            },
            ast::InlineExpression::MessageReference { id, attribute } => {
                let Some(m) = self.messages.get(id.name) else {
                    return Vec::new();
                };
                let pattern = match attribute {
                    Some(a) => m
                        .attributes
                        .iter()
                        .find(|x| x.id.name == a.name)
                        .map(|x| &x.value),
                    None => m.value.as_ref(),
                };
                pattern.map_or_else(Vec::new, |p| self.pattern(p, depth + 1))
            }
            ast::InlineExpression::TermReference { id, attribute, .. } => {
                let Some(t) = self.terms.get(id.name) else {
                    return Vec::new();
                };
                let pattern = match attribute {
                    Some(a) => t
                        .attributes
                        .iter()
                        .find(|x| x.id.name == a.name)
                        .map(|x| &x.value),
                    None => Some(&t.value),
                };
                pattern.map_or_else(Vec::new, |p| self.pattern(p, depth + 1))
            }
            ast::InlineExpression::Placeable { expression } => self.expression(expression, depth),
        }
    }
}

/// `$name`, `NUMBER($name)` or `DATETIME($name)`: the variable and the formatting asked for.
fn variable<'s>(e: &ast::InlineExpression<&'s str>) -> Option<(&'s str, Option<&'static str>)> {
    match e {
        ast::InlineExpression::VariableReference { id } => Some((id.name, None)),
        ast::InlineExpression::FunctionReference { id, arguments } => {
            let format = match id.name {
                "NUMBER" => "number",
                "DATETIME" => "datetime",
                _ => return None,
            };
            match arguments.positional.first() {
                Some(ast::InlineExpression::VariableReference { id }) => {
                    Some((id.name, Some(format)))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Appends text, joining it to the text before.
fn push_text(parts: &mut Vec<Value>, text: &str) {
    if let Some(Value::String(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(Value::String(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(src: &str) -> Value {
        let res = FluentResource::try_new(src.to_owned()).unwrap();
        resolve(&res)
    }

    #[test]
    fn plain_messages_become_strings_and_references_are_resolved() {
        let v = resolved(
            "-brand = Tether\nhello = Hej från { -brand }!\nsign = Logga in\n    .title = Inloggning\nagain = { sign } igen\n",
        );
        assert_eq!(v["hello"], "Hej från Tether!");
        assert_eq!(v["sign.title"], "Inloggning");
        assert_eq!(v["again"], "Logga in igen");
        assert!(v.get("-brand").is_none());
    }

    #[test]
    fn variables_and_plurals_keep_their_structure() {
        let v = resolved(
            "unread = { $count ->\n    [0] Inga olästa\n    [one] { $count } oläst\n   *[other] { NUMBER($count) } olästa\n}\nhi = Hej { $name }\n",
        );
        assert_eq!(v["hi"], json!(["Hej ", {"v": "name"}]));
        let sel = &v["unread"][0];
        assert_eq!(sel["s"], "count");
        assert_eq!(sel["d"], "other");
        assert_eq!(sel["o"]["0"], json!(["Inga olästa"]));
        assert_eq!(sel["o"]["one"], json!([{"v": "count"}, " oläst"]));
        assert_eq!(
            sel["o"]["other"],
            json!([{"v": "count", "f": "number"}, " olästa"])
        );
    }

    #[test]
    fn the_server_formats_with_arguments() {
        assert_eq!(tr(Locale::Sv, "page-title-login", &[]), "Logga in");
        assert_eq!(tr(Locale::En, "page-title-login", &[]), "Sign in");
        assert_eq!(tr(Locale::En, "no-such-key", &[]), "no-such-key");
        assert!(catalog_json("i18n/sv.json").is_some());
        assert!(catalog_json("i18n/SV.json").is_none());
        assert!(catalog_json("i18n/de.json").is_none());
    }
}

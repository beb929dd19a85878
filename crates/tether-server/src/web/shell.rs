//! The HTML of a page shell: `templates/page.html`, rendered by askama with its HTML escaper on
//! every value. The handlers in [`super::pages`] decide what a page shows; this module only says
//! how it is written.

use super::assets;
use crate::i18n::{self, tr};
use askama::Template;
use axum::http::StatusCode;
use tether_domain::locale::Locale;

/// Modules every signed-in page needs: fetched in parallel with the entry module.
const COMMON_MODULES: [&str; 7] = [
    "js/api.js",
    "js/dom.js",
    "js/i18n.js",
    "js/format.js",
    "js/events.js",
    "js/shell.js",
    "js/icons.js",
];

/// The top bar's link that is marked as the current page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    None,
    Home,
    Chats,
    Admin,
    /// The embedded panel (issue 19): no top bar, a single column inside a host's frame.
    Embed,
}

/// What `<main>` holds before the entry module draws (or without script).
pub enum Main {
    /// "Loading…", the usual case.
    Loading,
    /// Nothing: the sign-in module draws at once.
    Empty,
    /// A page that cannot be shown: a heading, the reason and a link home.
    Problem { heading: String, detail: String },
}

/// The signed-in user as the shell shows them: the top bar and the `data-` attributes the
/// modules start from.
pub struct ShellUser<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub csrf_token: &'a str,
    pub admin: bool,
    pub collaboration_enabled: bool,
    pub collab_use: bool,
    pub collab_disconnect: bool,
    /// The user's team ids, comma-separated.
    pub team_ids: String,
    /// The user's chosen time zone (`None`: the browser's).
    pub time_zone: Option<&'a str>,
}

impl ShellUser<'_> {
    /// The avatar's letters: the first letter of the first two words of the name.
    fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// What a page shows: the handler's decisions.
pub struct Page {
    /// The language of the page's words (`<html lang>`, the catalog the modules load).
    pub locale: Locale,
    pub title: String,
    /// The entry module under `assets/js/` (without `.js`).
    pub entry: &'static str,
    pub nav: Nav,
    /// Extra `data-` attributes of `<body>` (name without the prefix, value).
    pub data: Vec<(&'static str, String)>,
    pub main: Main,
    pub status: StatusCode,
}

impl Page {
    /// A page titled with the catalog's `title_key`, "Loading…" until its module draws.
    pub fn new(locale: Locale, title_key: &str, entry: &'static str, nav: Nav) -> Page {
        Page {
            locale,
            title: tr(locale, title_key, &[]),
            entry,
            nav,
            data: Vec::new(),
            main: Main::Loading,
            status: StatusCode::OK,
        }
    }

    /// The page with one more `data-` attribute on `<body>`.
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Page {
        self.data.push((key, value.into()));
        self
    }
}

/// A page shell: a few lines of HTML naming the signed-in user (if any) and the entry module.
#[derive(Template)]
#[template(path = "page.html")]
pub struct Shell<'a> {
    pub page: &'a Page,
    pub public_url: &'a str,
    pub user: Option<ShellUser<'a>>,
}

impl Shell<'_> {
    fn lang(&self) -> &'static str {
        self.page.locale.tag()
    }

    /// The page's words in the page's language.
    fn t(&self, key: &str) -> String {
        tr(self.page.locale, key, &[])
    }

    fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    fn catalog(&self) -> String {
        i18n::catalog_url(self.page.locale)
    }

    fn entry_url(&self) -> String {
        assets::url(&format!("js/{}.js", self.page.entry))
    }

    fn common_modules(&self) -> impl Iterator<Item = String> {
        COMMON_MODULES.iter().map(|m| assets::url(m))
    }

    /// A flag attribute's value.
    fn flag(&self, on: &bool) -> &'static str {
        if *on { "1" } else { "0" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'y'";
    const ESCAPED: &str = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;";

    fn user(name: &str) -> ShellUser<'_> {
        ShellUser {
            id: "u-1",
            name,
            csrf_token: "csrf-1",
            admin: true,
            collaboration_enabled: true,
            collab_use: true,
            collab_disconnect: false,
            team_ids: "t-1,t-2".into(),
            time_zone: Some("Europe/Berlin"),
        }
    }

    fn render(page: &Page, user: Option<ShellUser<'_>>) -> String {
        Shell {
            page,
            public_url: "https://t.example",
            user,
        }
        .render()
        .unwrap_or_else(|e| format!("render failed: {e}"))
    }

    #[test]
    fn a_signed_in_shell_names_the_user_and_the_page() {
        let page = Page::new(Locale::En, "page-title-record", "record", Nav::Home)
            .with("record-type", "case")
            .with("record-id", "R1");
        let html = render(&page, Some(user("Alice berg Lind")));
        for part in [
            "<!doctype html>",
            "<html lang=\"en\">",
            "<meta name=\"csrf-token\" content=\"csrf-1\">",
            "<body data-page=\"record\" data-public-url=\"https://t.example\" data-user-id=\"u-1\" \
             data-user-name=\"Alice berg Lind\"",
            "data-admin=\"1\" data-collab=\"1\"",
            "data-collab-use=\"1\" data-collab-disconnect=\"0\"",
            "data-team-ids=\"t-1,t-2\" data-time-zone=\"Europe/Berlin\" data-record-type=\"case\" \
             data-record-id=\"R1\">",
            "<a href=\"/\" aria-current=\"page\">",
            "<a href=\"/admin\">",
            "<span class=\"avatar\" aria-hidden=\"true\">AB</span><span class=\"me-name\">Alice berg Lind</span>",
            "<main id=\"main\" tabindex=\"-1\" class=\"page-record\"><p class=\"loading\" role=\"status\">",
            "</noscript></main>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert_eq!(
            html.matches("rel=\"modulepreload\"").count(),
            COMMON_MODULES.len()
        );
    }

    #[test]
    fn a_shell_without_user_has_no_top_bar_and_no_token() {
        let mut page = Page::new(Locale::Sv, "page-title-login", "login", Nav::None);
        page.main = Main::Empty;
        let html = render(&page, None);
        assert!(html.contains("<html lang=\"sv\">"), "{html}");
        assert!(!html.contains("topbar") && !html.contains("csrf") && !html.contains("data-user"));
        assert!(html.contains("class=\"page-login\"><noscript>"), "{html}");
    }

    /// Every value that comes from users — the user's name, the ids of the address, the time
    /// zone, a problem's detail — is escaped, in text and in attributes.
    #[test]
    fn user_values_are_escaped() {
        let mut page = Page::new(Locale::En, "page-title-chats", "chats", Nav::Chats)
            .with("chat-id", HOSTILE)
            .with("record-type", HOSTILE);
        page.main = Main::Problem {
            heading: HOSTILE.into(),
            detail: HOSTILE.into(),
        };
        let mut u = user(HOSTILE);
        u.id = HOSTILE;
        u.csrf_token = HOSTILE;
        u.team_ids = HOSTILE.into();
        u.time_zone = Some(HOSTILE);
        let html = Shell {
            page: &page,
            public_url: HOSTILE,
            user: Some(u),
        }
        .render()
        .unwrap_or_default();
        assert!(
            !html.contains("<script>") && !html.contains("alert(\""),
            "{html}"
        );
        for attr in [
            "data-public-url",
            "data-user-id",
            "data-user-name",
            "data-team-ids",
            "data-time-zone",
            "data-chat-id",
            "data-record-type",
        ] {
            assert!(
                html.contains(&format!("{attr}=\"{ESCAPED}\"")),
                "{attr} in {html}"
            );
        }
        assert!(html.contains(&format!("<meta name=\"csrf-token\" content=\"{ESCAPED}\">")));
        assert!(html.contains(&format!("<span class=\"me-name\">{ESCAPED}</span>")));
        assert!(html.contains(&format!("<h1>{ESCAPED}</h1>")));
        assert!(html.contains(&format!("role=\"alert\">{ESCAPED}</p>")));
        assert!(html.contains("<span class=\"avatar\" aria-hidden=\"true\">&#60;&#38;</span>"));
    }
}

//! Issue 19, parts 2 and 3 over HTTP: integrations (admin only, validated, never showing the
//! secret), the signed launch (every way a token is refused gets a 401 page and no cookie; a
//! valid one signs the agent in with an embed-only cookie and goes to the panel), and the
//! embedded panel's page (framed only by the allowed origins; every other page keeps
//! `frame-ancestors 'none'`; nothing of a record the agent may not read). Tokens are signed
//! here with `jsonwebtoken` (HS256, and EdDSA and RS256 with the test-only keys beside this
//! file).

use crate::common::{TestApp, spawn_app};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use tether_store::Backend;

const ED_PRIVATE: &str = include_str!("test-ed25519-private.pem");
const ED_PUBLIC: &str = include_str!("test-ed25519-public.pem");
const RSA_PRIVATE: &str = include_str!("test-rsa-private.pem");
const RSA_PUBLIC: &str = include_str!("test-rsa-public.pem");
const SECRET: &str = "a-shared-secret-of-more-than-32-bytes-0123456789";
const HOST: &str = "https://acme.zendesk.example";

both_backends!(
    i19_integrations_are_made_by_administrators_validated_and_listed_without_secrets,
    i19_a_valid_launch_signs_the_agent_in_to_the_embedded_panel,
    i19_bad_tokens_get_a_401_page_and_no_session,
    i19_agents_are_provisioned_only_when_the_integration_allows_and_never_deactivated_ones,
    i19_frame_ancestors_are_the_allowed_origins_on_embed_pages_only,
    r4_a_launched_agent_sees_nothing_of_a_record_they_may_not_read,
    i19_an_embed_session_never_administers_even_after_a_promotion,
    i19_a_relaunch_in_the_same_browser_ends_the_embed_session_it_replaces,
    i19_on_the_same_site_the_panel_acts_as_the_launched_agent_not_the_sign_in,
);

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Makes an integration as `admin` from `body` merged over a valid HS256 one; answers its id.
async fn integration(app: &TestApp, admin: &str, extra: Value) -> String {
    let mut body = json!({
        "name": "Zendesk", "source": "zendesk", "allowed_origins": [HOST, "http://localhost:9000"],
        "secret": SECRET, "audience": "tether-test", "provision_users": true, "default_role": "agent"
    });
    if let (Some(b), Some(x)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            if v.is_null() {
                b.remove(k);
            } else {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    app.create("/integrations", admin, body).await
}

/// Valid claims for `iss`: Olga, ticket 4711.
fn claims(iss: &str) -> Value {
    json!({
        "iss": iss, "aud": "tether-test", "exp": now() + 120, "jti": uuid_ish(),
        "sub": "agent-361", "email": "olga@example.com", "name": "Olga Berg",
        "record": {"type": "case", "source": "zendesk", "external_id": "4711",
                   "name": "Printer jams on tray 2", "fields": {"priority": "high"},
                   "url": "https://acme.zendesk.example/agent/tickets/4711"}
    })
}

fn uuid_ish() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("jti-{}-{}", now(), N.fetch_add(1, Ordering::Relaxed))
}

fn hs256(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn eddsa(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::EdDSA),
        claims,
        &EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn rs256(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::RS256),
        claims,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// A browser-like answer: status, headers, body text; redirects are not followed.
struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Page {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> Page {
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let mut req = client
        .get(format!("{}{path}", app.base))
        .header("accept-language", "en");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    Page {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        text: res.text().await.unwrap_or_default(),
    }
}

async fn launch(app: &TestApp, token: &str) -> Page {
    page(app, &format!("/embed/launch?token={token}"), None).await
}

/// The `name=value` of a launch's embed cookie.
fn embed_cookie(p: &Page) -> String {
    let set = p.header("set-cookie");
    set.split(';').next().unwrap_or_default().to_owned()
}

async fn i19_integrations_are_made_by_administrators_validated_and_listed_without_secrets(
    b: Backend,
) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, agent) = app
        .user(&admin, "bo@example.com", "Bo", &["agent"], &[])
        .await;
    let id = integration(&app, &admin, json!({})).await;
    let listed = app.get("/integrations", &admin).await.expect(200);
    assert!(!listed.text.contains(SECRET), "never the secret");
    assert_eq!(listed.body["items"][0]["id"], json!(id));
    assert_eq!(listed.body["items"][0]["algorithm"], "HS256");
    let ed = integration(
        &app,
        &admin,
        json!({"secret": null, "public_key": ED_PUBLIC}),
    )
    .await;
    let rsa = integration(
        &app,
        &admin,
        json!({"secret": null, "public_key": RSA_PUBLIC}),
    )
    .await;
    let algs: Vec<Value> = app.get("/integrations", &admin).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!([i["id"], i["algorithm"]]))
        .collect();
    assert!(algs.contains(&json!([ed, "EdDSA"])) && algs.contains(&json!([rsa, "RS256"])));
    // Refused: a non-administrator, bad origins, a short secret, both or neither key, a
    // private key, a default role that holds admin.
    app.post("/integrations", &agent, json!({}))
        .await
        .expect(403);
    for (extra, field) in [
        (
            json!({"allowed_origins": ["https://acme.example/app"]}),
            "allowed_origins",
        ),
        (json!({"allowed_origins": ["*"]}), "allowed_origins"),
        (json!({"allowed_origins": []}), "allowed_origins"),
        (json!({"secret": "short"}), "secret"),
        (json!({"public_key": ED_PUBLIC}), "secret"),
        (json!({"secret": null}), "secret"),
        (
            json!({"secret": null, "public_key": ED_PRIVATE}),
            "public_key",
        ),
        (json!({"default_role": "administrator"}), "default_role"),
        (json!({"default_role": "no-such-role"}), "default_role"),
        (json!({"source": "Zen Desk"}), "source"),
    ] {
        let mut body = json!({
            "name": "Zendesk", "source": "zendesk", "allowed_origins": [HOST],
            "secret": SECRET, "audience": "tether-test", "provision_users": true, "default_role": "agent"
        });
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        let res = app.post("/integrations", &admin, body).await.expect(422);
        assert!(res.text.contains(field), "{field}: {}", res.text);
        if extra == json!({"secret": "short"}) {
            // The page says the rule in its own language from the code and `min`.
            assert_eq!(res.body["errors"][0]["code"], "value.too_short");
            assert_eq!(res.body["errors"][0]["params"]["min"], 32);
        }
    }
    app.send(
        reqwest::Method::DELETE,
        &format!("/integrations/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(204);
    app.send(
        reqwest::Method::DELETE,
        &format!("/integrations/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(404);
    let audit = app
        .get("/audit?action=integration.created&limit=10", &admin)
        .await
        .expect(200);
    assert_eq!(audit.body["items"].as_array().map(Vec::len), Some(3));
}

async fn i19_a_valid_launch_signs_the_agent_in_to_the_embedded_panel(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let hs = integration(&app, &admin, json!({})).await;
    let ed = integration(
        &app,
        &admin,
        json!({"secret": null, "public_key": ED_PUBLIC}),
    )
    .await;
    let rsa = integration(
        &app,
        &admin,
        json!({"secret": null, "public_key": RSA_PUBLIC}),
    )
    .await;

    let first = launch(&app, &hs256(&claims(&hs))).await;
    assert_eq!(first.status, 303, "{}", first.text);
    let to = first.header("location");
    assert!(to.starts_with("/embed/records/case/"), "{to}");
    let set = first.header("set-cookie");
    for attr in [
        "tether_embed=",
        "HttpOnly",
        "SameSite=None",
        "Secure",
        "Partitioned",
        "Path=/",
    ] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    let cookie = embed_cookie(&first);

    // The panel loads with the cookie, and only with it.
    let panel = page(&app, &to, Some(&cookie)).await;
    assert_eq!(panel.status, 200, "{}", panel.text);
    assert!(panel.text.contains("data-page=\"embed\""));
    assert!(panel.text.contains(&format!(
        "data-allowed-origins=\"{HOST} http://localhost:9000\""
    )));
    assert!(
        !panel.text.contains("class=\"topbar\""),
        "no top bar in a frame"
    );
    assert_eq!(page(&app, &to, None).await.status, 401);
    // The embed cookie opens no other page, and is a session for the API.
    let home = page(&app, "/", Some(&cookie)).await;
    assert_eq!(
        home.status, 303,
        "the embed session is no sign-in to the whole site"
    );
    let id = to.rsplit('/').next().unwrap_or_default();
    let client = reqwest::Client::new();
    let read: Value = client
        .get(app.url(&format!("/records/case/{id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["name"], "Printer jams on tray 2");
    assert_eq!(read["fields"]["priority"], "high");
    assert_eq!(read["external"]["external_id"], "4711");

    // The agent was created under the integration's source, with the default role; launching
    // again (a new jti) matches them and updates the record, with no second one.
    let people = app.get("/users?q=olga", &admin).await.expect(200);
    assert_eq!(people.body["items"].as_array().map(Vec::len), Some(1));
    let mut again = claims(&ed);
    again["record"]["name"] = json!("Printer jams on tray 3");
    let second = launch(&app, &eddsa(&again)).await;
    assert_eq!(second.status, 303, "{}", second.text);
    assert_eq!(second.header("location"), to, "the same record");
    let third = launch(&app, &rs256(&claims(&rsa))).await;
    assert_eq!(third.status, 303, "{}", third.text);
    let people = app.get("/users?q=olga", &admin).await.expect(200);
    assert_eq!(people.body["items"].as_array().map(Vec::len), Some(1));
    let launched = app
        .get("/audit?action=session.launched&limit=10", &admin)
        .await
        .expect(200);
    assert_eq!(launched.body["items"].as_array().map(Vec::len), Some(3));
}

async fn i19_bad_tokens_get_a_401_page_and_no_session(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let hs = integration(&app, &admin, json!({})).await;
    let rsa = integration(
        &app,
        &admin,
        json!({"secret": null, "public_key": RSA_PUBLIC}),
    )
    .await;

    let forged = encode(
        &Header::new(Algorithm::HS256),
        &claims(&hs),
        &EncodingKey::from_secret(b"another-secret-of-more-than-32-bytes-xxxxxxxx"),
    )
    .unwrap();
    let mut expired = claims(&hs);
    expired["exp"] = json!(now() - 600);
    let mut too_long = claims(&hs);
    too_long["exp"] = json!(now() + 3600);
    let mut wrong_aud = claims(&hs);
    wrong_aud["aud"] = json!("someone-else");
    let mut no_jti = claims(&hs);
    no_jti.as_object_mut().unwrap().remove("jti");
    let mut no_exp = claims(&hs);
    no_exp.as_object_mut().unwrap().remove("exp");
    let replayed = hs256(&claims(&hs));
    assert_eq!(launch(&app, &replayed).await.status, 303);
    // alg=none: a header and payload with an empty signature.
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims(&rsa))
    );
    // The RS256 integration's public key used as an HS256 secret (algorithm confusion).
    let confused = encode(
        &Header::new(Algorithm::HS256),
        &claims(&rsa),
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()),
    )
    .unwrap();
    let unknown = hs256(&claims("no-such-integration"));

    for (what, token, words) in [
        ("forged", forged, "signature is not valid"),
        ("expired", hs256(&expired), "expired"),
        ("too long", hs256(&too_long), "too long"),
        ("wrong audience", hs256(&wrong_aud), "another Tether"),
        ("no jti", hs256(&no_jti), "not a valid launch token"),
        ("no exp", hs256(&no_exp), "not a valid launch token"),
        ("replayed", replayed, "already used"),
        ("alg none", none, "not a valid launch token"),
        (
            "HS256 with the public key",
            confused,
            "signature is not valid",
        ),
        ("unknown issuer", unknown, "does not know"),
        ("garbage", "not.a.jwt".into(), "not a valid launch token"),
        ("empty", String::new(), "not a valid launch token"),
    ] {
        let p = launch(&app, &token).await;
        assert_eq!(p.status, 401, "{what}: {}", p.text);
        assert!(p.header("set-cookie").is_empty(), "{what}: no cookie");
        assert!(p.header("content-type").starts_with("text/html"), "{what}");
        assert!(p.text.contains(words), "{what}: {words:?} in {}", p.text);
    }
    // In Swedish for a Swedish browser.
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let sv = client
        .get(format!(
            "{}/embed/launch?token={}",
            app.base,
            hs256(&expired)
        ))
        .header("accept-language", "sv")
        .send()
        .await
        .unwrap();
    assert_eq!(sv.status().as_u16(), 401);
    assert!(
        sv.text()
            .await
            .unwrap_or_default()
            .contains("Länken har gått ut")
    );
}

async fn i19_agents_are_provisioned_only_when_the_integration_allows_and_never_deactivated_ones(
    b: Backend,
) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let closed = integration(
        &app,
        &admin,
        json!({"provision_users": false, "default_role": null}),
    )
    .await;
    let p = launch(&app, &hs256(&claims(&closed))).await;
    assert_eq!(p.status, 401);
    assert!(p.text.contains("does not know you"), "{}", p.text);
    assert_eq!(
        app.get("/users?q=olga", &admin).await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "nobody created"
    );
    // A known person is matched by e-mail and linked, then by the host's id.
    let (olga, _) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    assert_eq!(launch(&app, &hs256(&claims(&closed))).await.status, 303);
    let mut renamed = claims(&closed);
    renamed["email"] = json!("olga.berg@example.com");
    assert_eq!(launch(&app, &hs256(&renamed)).await.status, 303, "by sub");
    // Deactivated: refused.
    app.patch(&format!("/users/{olga}"), &admin, json!({"active": false}))
        .await
        .expect(200);
    let p = launch(&app, &hs256(&claims(&closed))).await;
    assert_eq!(p.status, 401);
    assert!(p.text.contains("deactivated"), "{}", p.text);
    assert!(p.header("set-cookie").is_empty());
    // An administrator is never signed in by a launch.
    let mut ada = claims(&closed);
    ada["sub"] = json!("admin-1");
    ada["email"] = json!(crate::common::ADMIN_EMAIL);
    let p = launch(&app, &hs256(&ada)).await;
    assert_eq!(p.status, 401);
    assert!(p.header("set-cookie").is_empty());
}

async fn i19_frame_ancestors_are_the_allowed_origins_on_embed_pages_only(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let hs = integration(&app, &admin, json!({})).await;
    let first = launch(&app, &hs256(&claims(&hs))).await;
    let to = first.header("location");
    let cookie = embed_cookie(&first);
    let embed = page(&app, &to, Some(&cookie)).await;
    let csp = embed.header("content-security-policy");
    assert!(
        csp.contains(&format!("frame-ancestors {HOST} http://localhost:9000;")),
        "{csp}"
    );
    // A page the policy lets be framed does not contradict it with X-Frame-Options.
    assert_eq!(embed.header("x-frame-options"), "", "embed page");

    // A refused launch naming a known integration says why inside that host's frame...
    let mut expired = claims(&hs);
    expired["exp"] = json!(now() - 600);
    let refused = launch(&app, &hs256(&expired)).await;
    assert_eq!(refused.status, 401);
    assert!(refused.text.contains("expired"), "{}", refused.text);
    let csp = refused.header("content-security-policy");
    assert!(
        csp.contains(&format!("frame-ancestors {HOST} http://localhost:9000;")),
        "{csp}"
    );
    assert_eq!(refused.header("x-frame-options"), "");
    // ...and the page of an ended (or never started) embed session, which holds nothing but
    // the words, may be framed by the registered hosts: the agent reads "launch again" there.
    let other = integration(
        &app,
        &admin,
        json!({"name": "Chatwoot", "source": "chatwoot", "allowed_origins": ["https://desk.example"]}),
    )
    .await;
    let _ = other;
    let ended = page(&app, &to, None).await;
    assert_eq!(ended.status, 401);
    let csp = ended.header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors http://localhost:9000 https://acme.zendesk.example https://desk.example;"),
        "{csp}"
    );
    assert!(!ended.text.contains("Printer jams"), "{}", ended.text);

    let record = to.replacen("/embed", "", 1);
    // Everything else: framed by nobody, in both headers. A token naming no integration
    // included.
    let mut stranger = claims("no-such-integration");
    stranger["exp"] = json!(now() - 600);
    let stranger = format!("/embed/launch?token={}", hs256(&stranger));
    for path in [
        "/",
        "/login",
        record.as_str(),
        "/admin",
        "/chats",
        "/embed/launch?token=x",
        stranger.as_str(),
        "/api/v1/me",
    ] {
        let p = page(&app, path, None).await;
        let csp = p.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(p.header("x-frame-options"), "DENY", "{path}");
    }
}

async fn r4_a_launched_agent_sees_nothing_of_a_record_they_may_not_read(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    // Olga gets a role that reads her own cases only.
    app.post(
        "/roles",
        &admin,
        json!({"name": "sidebar", "privileges": ["collab.use", "case.read:own", "case.write:own"]}),
    )
    .await
    .expect(201);
    let hs = integration(&app, &admin, json!({"default_role": "sidebar"})).await;
    // Ticket 9000 is synced before, owned by the administrator; Olga (her own cases only)
    // launches on another ticket first, then names 9000 in a context switch's record path.
    let secret_case = app
        .put(
            "/records/case/by-external/zendesk/9000",
            &admin,
            json!({"fields": {"title": "Yarrowdale merger"}, "owner": {"email": crate::common::ADMIN_EMAIL}}),
        )
        .await
        .expect(201)
        .body;
    let first = launch(&app, &hs256(&claims(&hs))).await;
    assert_eq!(first.status, 303);
    let cookie = embed_cookie(&first);
    let client = reqwest::Client::new();
    let id = secret_case["id"].as_str().unwrap_or_default();
    for path in [
        format!("/records/case/{id}"),
        format!("/records/case/{id}/collaboration"),
        "/records/case/by-external/zendesk/9000".to_owned(),
    ] {
        let res = client
            .get(app.url(&path))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        assert!(status == 403 || status == 404, "{path}: {status}");
        assert!(!text.contains("Yarrowdale"), "{path}: {text}");
    }
    // The embed page of that record is only a shell: its data comes from the API above.
    let p = page(&app, &format!("/embed/records/case/{id}"), Some(&cookie)).await;
    assert!(!p.text.contains("Yarrowdale"));
    // A launch naming it as its record would make it Olga's? No: it exists, so the launch
    // updates it as the integration and Olga still cannot read it.
    let mut other = claims(&hs);
    other["record"]["external_id"] = json!("9000");
    other["record"]["name"] = json!("Yarrowdale merger");
    let p = launch(&app, &hs256(&other)).await;
    assert_eq!(p.status, 303);
    let res = client
        .get(app.url(&format!("/records/case/{id}")))
        .header("cookie", embed_cookie(&p))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(!res.text().await.unwrap_or_default().contains("Yarrowdale"));
}

/// A launch never signs an administrator in; a person made administrator after their launch
/// keeps a sidebar session that cannot administer either (their own sign-in can).
async fn i19_an_embed_session_never_administers_even_after_a_promotion(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let hs = integration(&app, &admin, json!({})).await;
    let first = launch(&app, &hs256(&claims(&hs))).await;
    assert_eq!(first.status, 303);
    let cookie = embed_cookie(&first);
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(app.url(path)).header("cookie", &cookie).send();
    assert_eq!(get("/integrations").await.unwrap().status().as_u16(), 403);
    let users = app.get("/users?q=olga", &admin).await.expect(200).body;
    let olga = users["items"][0]["id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/users/{olga}"),
        &admin,
        json!({"roles": ["agent", "administrator"]}),
    )
    .await
    .expect(200);
    // Her own sign-in would administer; the embed session does not.
    let me: Value = get("/me").await.unwrap().json().await.unwrap();
    let privileges = me["privileges"].as_array().unwrap();
    assert!(!privileges.iter().any(|p| p == "admin"), "{me}");
    assert!(privileges.iter().any(|p| p == "collab.use"), "{me}");
    // (`/api/v1/` spelled out: the fixture leaves paths that start with `/api` alone.)
    for path in ["/integrations", "/api/v1/api-keys", "/webhooks", "/audit"] {
        let res = get(path).await.unwrap();
        let status = res.status().as_u16();
        assert_eq!(
            status,
            403,
            "{path}: {}",
            res.text().await.unwrap_or_default()
        );
    }
}

/// A sidebar relaunched on every ticket keeps one session: the launch ends the embed session
/// whose cookie came with it — never the person's sign-in, whatever cookie is sent.
async fn i19_a_relaunch_in_the_same_browser_ends_the_embed_session_it_replaces(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let hs = integration(&app, &admin, json!({})).await;
    let first = launch(&app, &hs256(&claims(&hs))).await;
    let first_cookie = embed_cookie(&first);
    let me = |cookie: String| {
        let url = app.url("/me");
        async move {
            reqwest::Client::new()
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(first_cookie.clone()).await, 200);
    let again = page(
        &app,
        &format!("/embed/launch?token={}", hs256(&claims(&hs))),
        Some(&first_cookie),
    )
    .await;
    assert_eq!(again.status, 303);
    let second_cookie = embed_cookie(&again);
    assert_ne!(second_cookie, first_cookie);
    assert_eq!(me(first_cookie).await, 401, "the replaced session ended");
    assert_eq!(me(second_cookie.clone()).await, 200);
    // A sign-in session's token sent as if it were an embed cookie is not ended.
    let posing = page(
        &app,
        &format!("/embed/launch?token={}", hs256(&claims(&hs))),
        Some(&format!("tether_embed={admin}")),
    )
    .await;
    assert_eq!(posing.status, 303);
    app.get("/me", &admin).await.expect(200);
    assert_eq!(
        me(second_cookie).await,
        200,
        "another browser's session stays"
    );
}

/// A host on Tether's own site: the browser sends the person's sign-in cookie into the frame
/// too. The panel's requests name the embed session (`x-tether-session: embed`, and
/// `?session=embed` on the event socket), so they act as the launched agent, with the CSRF
/// token of the panel's page; Tether's own pages keep the sign-in.
async fn i19_on_the_same_site_the_panel_acts_as_the_launched_agent_not_the_sign_in(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let hs = integration(&app, &admin, json!({})).await;
    let first = launch(&app, &hs256(&claims(&hs))).await;
    let both = format!("tether_session={admin}; {}", embed_cookie(&first));
    let embed_page = page(&app, &first.header("location"), Some(&both)).await;
    assert_eq!(embed_page.status, 200);
    let csrf = embed_page
        .text
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let client = reqwest::Client::new();
    let me = |panel: bool| {
        let mut req = client.get(app.url("/me")).header("cookie", &both);
        if panel {
            req = req.header("x-tether-session", "embed");
        }
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(me(false).await["email"], crate::common::ADMIN_EMAIL);
    assert_eq!(me(true).await["email"], "olga@example.com");
    // Its attachment links (which carry no header) name the embed session in their query.
    let by_query: Value = client
        .get(app.url("/me?session=embed"))
        .header("cookie", &both)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_query["email"], "olga@example.com");
    // A write from the panel passes with the panel's CSRF token.
    let res = client
        .patch(app.url("/me"))
        .header("cookie", &both)
        .header("x-tether-session", "embed")
        .header("x-csrf-token", &csrf)
        .json(&json!({"locale": "sv"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    // Asking for the embed session with none: 401, never the sign-in instead.
    let res = client
        .get(app.url("/me"))
        .header("cookie", format!("tether_session={admin}"))
        .header("x-tether-session", "embed")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    // The panel's event socket, by its query, is Olga's too.
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://{}/api/v1/events?session=embed", app.addr),
    )
    .unwrap();
    req.headers_mut().insert("cookie", both.parse().unwrap());
    req.headers_mut()
        .insert("origin", app.base.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    use futures_util::StreamExt;
    let hello = ws.next().await.unwrap().unwrap();
    let hello: Value = serde_json::from_str(hello.to_text().unwrap()).unwrap();
    assert_eq!(hello["type"], "hello");
    let olga = me(true).await["id"].clone();
    assert_eq!(hello["user_id"], olga, "{hello}");
}

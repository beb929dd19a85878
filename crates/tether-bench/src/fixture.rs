//! The people and chats a live workload needs, each user signed in once.
//!
//! With the database at hand (the usual case, and `--url` together with `--database`), rows are
//! written through the store, every user with the same password (hashed once), and each user
//! then signs in through `POST /api/v1/auth/login` once the server is up ([`sign_in`]), as
//! people do: the server's memory is measured with the sessions and caches that sign-ins make.
//! Against a bare `--url`, users are made over the HTTP API with an administrator's sign-in.

use super::report::bar;
use anyhow::{Context, Result, bail};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tether_domain::chat::ChatKind;
use tether_server::auth::new_token;
use tether_store::Store;
use tether_store::chats::NewChat;
use tether_store::people::NewUser;

/// The role bench users get: it holds `collab.use`.
pub const BENCH_ROLE: &str = "agent";
/// The password of every bench user made through the store.
const BENCH_PASSWORD: &str = "bench-password-not-secret";
/// Writes in flight while preparing (SQLite serializes them anyway; PostgreSQL does not).
const PREPARE_CONCURRENCY: usize = 4;
/// Sign-ins in flight: about the server's password-hashing slots.
const SIGN_IN_CONCURRENCY: usize = 4;

/// A user of the run: signed in once [`sign_in`] has run (`token` is empty before).
#[derive(Clone, Debug)]
pub struct BenchUser {
    pub id: String,
    pub email: String,
    pub token: String,
}

/// A chat and its members (indices into [`Fixture::users`]).
#[derive(Clone, Debug)]
pub struct BenchChat {
    pub id: String,
    pub members: Vec<usize>,
}

/// Users and chats of one run.
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    pub users: Vec<BenchUser>,
    pub chats: Vec<BenchChat>,
}

/// Who is in which chat: chat `c` has users `c·m … c·m + m − 1` (wrapping), so with
/// `users = chats · members` everyone is in exactly one chat.
pub fn plan(users: usize, chats: usize, members: usize) -> Result<Vec<Vec<usize>>> {
    if users == 0 || chats == 0 {
        bail!("--clients and --chats must be at least 1");
    }
    if members < 2 || members > users {
        bail!("--members must be between 2 and --clients ({users})");
    }
    Ok((0..chats)
        .map(|c| (0..members).map(|j| (c * members + j) % users).collect())
        .collect())
}

/// Creates `users` users and the chats of `plan` through the store, and switches
/// collaboration on. The users sign in with [`sign_in`] once the server is up.
pub async fn via_store(store: &Store, users: usize, plan: &[Vec<usize>]) -> Result<Fixture> {
    enable_collaboration(store).await?;
    let users = create_users(store, users).await?;
    let chats = create_chats(store, &users, plan).await?;
    Ok(Fixture { users, chats })
}

/// Users with the bench password, not signed in yet.
pub async fn create_users(store: &Store, n: usize) -> Result<Vec<BenchUser>> {
    let run = tether_store::new_id();
    let run = run.get(run.len().saturating_sub(10)..).unwrap_or("run");
    let hash = bench_password_hash()?;
    let pb = bar(n as u64, "users");
    let users: Vec<BenchUser> = futures_util::stream::iter(0..n)
        .map(|i| {
            let (pb, hash) = (pb.clone(), &hash);
            async move {
                let email = format!("bench-{run}-{i}@bench.tether.test");
                let user = store
                    .create_user(
                        &NewUser {
                            email: email.clone(),
                            name: format!("Bench User {i:05}"),
                            password_hash: hash.clone(),
                            role_names: vec![BENCH_ROLE.into()],
                            team_ids: vec![],
                        },
                        None,
                    )
                    .await
                    .context("cannot create a bench user")?;
                pb.inc(1);
                Ok::<_, anyhow::Error>(BenchUser {
                    id: user.id.into(),
                    email,
                    token: String::new(),
                })
            }
        })
        .buffered(PREPARE_CONCURRENCY)
        .try_collect()
        .await?;
    pb.finish_and_clear();
    Ok(users)
}

/// The hash of the password every bench user signs in with ([`sign_in`]).
pub fn bench_password_hash() -> Result<String> {
    tether_server::auth::hash_password(BENCH_PASSWORD).context("cannot hash the bench password")
}

/// Signs every user without a token in through `POST /api/v1/auth/login` of the server at
/// `base` (one Argon2 verification each on the server), a few at a time.
pub async fn sign_in(base: &str, users: &mut [BenchUser]) -> Result<()> {
    let http = reqwest::Client::new();
    let api = format!("{}/api/v1", base.trim_end_matches('/'));
    let pb = bar(users.len() as u64, "sign-ins (POST /auth/login)");
    let tokens: Vec<String> = futures_util::stream::iter(users.iter())
        .map(|u| {
            let (http, api, pb) = (&http, &api, pb.clone());
            async move {
                let token = if u.token.is_empty() {
                    login(http, api, &u.email, BENCH_PASSWORD).await?
                } else {
                    u.token.clone()
                };
                pb.inc(1);
                Ok::<_, anyhow::Error>(token)
            }
        })
        .buffered(SIGN_IN_CONCURRENCY)
        .try_collect()
        .await?;
    pb.finish_and_clear();
    for (u, token) in users.iter_mut().zip(tokens) {
        u.token = token;
    }
    Ok(())
}

async fn create_chats(
    store: &Store,
    users: &[BenchUser],
    plan: &[Vec<usize>],
) -> Result<Vec<BenchChat>> {
    let pb = bar(plan.len() as u64, "group chats");
    let chats = futures_util::stream::iter(plan.iter().enumerate())
        .map(|(c, members)| {
            let pb = pb.clone();
            async move {
                let ids: Vec<String> = members
                    .iter()
                    .filter_map(|&m| users.get(m).map(|u| u.id.clone()))
                    .collect();
                let (chat, _) = store
                    .create_chat(
                        &NewChat {
                            kind: ChatKind::Group,
                            name: Some(format!("Bench chat {c}")),
                            team_id: None,
                            created_by: ids.first().cloned().unwrap_or_default().into(),
                            members: ids.iter().map(|id| (id.as_str().into(), 0)).collect(),
                        },
                        None,
                    )
                    .await
                    .context("cannot create a bench chat")?;
                pb.inc(1);
                Ok::<_, anyhow::Error>(BenchChat {
                    id: chat.id.into_string(),
                    members: members.clone(),
                })
            }
        })
        .buffered(PREPARE_CONCURRENCY)
        .try_collect()
        .await?;
    pb.finish_and_clear();
    Ok(chats)
}

/// How to act as an administrator of a running server.
#[derive(Clone, Debug)]
pub enum AdminLogin {
    Token(String),
    Password { email: String, password: String },
}

/// The same as [`via_store`], over the HTTP API of the server at `base`: users are created
/// by the administrator and sign in with a password (one Argon2 hash and one verification
/// each, on the server: slow, shown with a progress bar).
pub async fn via_http(
    base: &str,
    admin: &AdminLogin,
    users: usize,
    plan: &[Vec<usize>],
) -> Result<Fixture> {
    let http = reqwest::Client::new();
    let api = format!("{base}/api/v1");
    let admin_token = match admin {
        AdminLogin::Token(t) => t.clone(),
        AdminLogin::Password { email, password } => login(&http, &api, email, password)
            .await
            .context("the administrator cannot sign in")?,
    };
    call(
        &http,
        reqwest::Method::PUT,
        &format!("{api}/settings"),
        &admin_token,
        &json!({"collaboration_enabled": true}),
    )
    .await
    .context("cannot switch collaboration on (does the administrator hold `admin`?)")?;
    let run = tether_store::new_id();
    let run = run
        .get(run.len().saturating_sub(10)..)
        .unwrap_or("run")
        .to_owned();
    let password = format!("bench-{}", new_token());
    let pb = bar(users as u64, "users and sign-ins");
    let list: Vec<BenchUser> = futures_util::stream::iter(0..users)
        .map(|i| {
            let (http, api, pb, admin_token, password, run) =
                (&http, &api, pb.clone(), &admin_token, &password, &run);
            async move {
                let email = format!("bench-{run}-{i}@bench.tether.test");
                let created = call(
                    http,
                    reqwest::Method::POST,
                    &format!("{api}/users"),
                    admin_token,
                    &json!({"name": format!("Bench User {i:05}"), "email": email, "password": password, "roles": [BENCH_ROLE]}),
                )
                .await
                .context("cannot create a bench user")?;
                let id = created["id"].as_str().unwrap_or_default().to_owned();
                let token = login(http, api, &email, password).await?;
                pb.inc(1);
                Ok::<_, anyhow::Error>(BenchUser { id, email, token })
            }
        })
        .buffered(PREPARE_CONCURRENCY)
        .try_collect()
        .await?;
    pb.finish_and_clear();
    let pb = bar(plan.len() as u64, "group chats");
    let mut chats = Vec::with_capacity(plan.len());
    for (c, members) in plan.iter().enumerate() {
        let (Some(first), others) = (
            members.first().and_then(|&m| list.get(m)),
            members.get(1..).unwrap_or_default(),
        ) else {
            continue;
        };
        let member_ids: Vec<&str> = others
            .iter()
            .filter_map(|&m| list.get(m))
            .map(|u| u.id.as_str())
            .collect();
        let chat = call(
            &http,
            reqwest::Method::POST,
            &format!("{api}/chats"),
            &first.token,
            &json!({"member_ids": member_ids, "name": format!("Bench chat {c}")}),
        )
        .await
        .context("cannot create a bench chat")?;
        chats.push(BenchChat {
            id: chat["id"].as_str().unwrap_or_default().to_owned(),
            members: members.clone(),
        });
        pb.inc(1);
    }
    pb.finish_and_clear();
    Ok(Fixture { users: list, chats })
}

async fn login(http: &reqwest::Client, api: &str, email: &str, password: &str) -> Result<String> {
    let res = http
        .post(format!("{api}/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    match body["token"].as_str() {
        Some(t) if status.is_success() => Ok(t.to_owned()),
        _ => bail!("sign-in of {email} failed: {status} {}", body["detail"]),
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: &Value,
) -> Result<Value> {
    let res = http
        .request(method, url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{url}: {status} {}", body["detail"]);
    }
    Ok(body)
}

/// Turns collaboration on in a store (idle and panel need it too).
pub async fn enable_collaboration(store: &Store) -> Result<()> {
    let mut settings = store.global_settings().await?;
    if !settings.collaboration_enabled {
        settings.collaboration_enabled = true;
        store.set_global_settings(&settings, None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_is_in_one_chat_when_the_sizes_match() {
        let p = plan(20, 4, 5).unwrap();
        let mut all: Vec<usize> = p.concat();
        all.sort_unstable();
        assert_eq!(all, (0..20).collect::<Vec<_>>());
        assert!(plan(3, 1, 4).is_err());
        assert!(plan(3, 1, 1).is_err());
    }
}

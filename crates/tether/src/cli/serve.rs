//! Opening the database and running the server: `serve`, and `demo` over fresh demo data.

use crate::{DemoArgs, ListenArgs};
use anyhow::{Context, Result, anyhow};
use std::path::PathBuf;
use tether::demo;
use tether_server::{AppState, Config, auth};
use tether_store::Store;
use tokio::net::TcpListener;

/// The URL without a password, for messages.
pub(crate) use tether::database::redact;

pub(crate) async fn open_store(url: &str, opts: &tether_store::ConnectOptions) -> Result<Store> {
    tether::database::open_store_with(url, opts).await
}

pub(crate) async fn serve(
    store: Store,
    args: &ListenArgs,
    on_ready: impl FnOnce(&str),
) -> Result<()> {
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create data directory {}", args.data_dir.display()))?;
    let mut config = Config::new(public_url.clone(), args.data_dir.clone());
    config.nats_subject = args.nats_subject.clone();
    config.limits = tether_server::limits::Limits {
        sends: args.limit_sends,
        searches: args.limit_searches,
        uploads: args.limit_uploads,
        reactions: args.limit_reactions,
        downloads: args.limit_downloads,
    };
    if let Some(max) = args.max_connections {
        config.max_connections = usize::try_from(max).unwrap_or(usize::MAX);
    }
    config.header_read_timeout = std::time::Duration::from_secs(args.header_read_timeout);
    config.idle_timeout = std::time::Duration::from_secs(args.idle_timeout);
    let max_connections = config.max_connections;
    config.unsent_upload_ttl = args.unsent_upload_ttl;
    config.max_unsent_upload_bytes = usize::try_from(args.max_unsent_upload_mib)
        .unwrap_or(usize::MAX)
        .saturating_mul(1024 * 1024);
    config.email = email_settings(&args.email).map_err(|e| anyhow!("e-mail settings: {e}"))?;
    let state = match &args.nats {
        Some(url) => {
            if store.backend() == tether_store::Backend::Sqlite {
                tracing::warn!(
                    "--nats with SQLite: every node needs the same database; use PostgreSQL for several nodes"
                );
            }
            AppState::with_nats(store.clone(), config, url).await?
        }
        None => AppState::new(store.clone(), config)?,
    };
    on_ready(&public_url);
    tracing::info!(
        %public_url,
        backend = ?store.backend(),
        max_connections,
        open_files = tether_server::open_files_limit().unwrap_or(0),
        "tether is listening"
    );
    tether_server::serve(listener, state, shutdown_signal())
        .await
        .context("server failed")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The e-mail digest's settings from the flags: off without an SMTP host; with one, a sender
/// is needed, and a user name and password go together.
fn email_settings(args: &crate::EmailArgs) -> Result<tether_server::app::digest::Settings, String> {
    use tether_server::app::digest::{Settings, Smtp, SmtpPassword, SmtpTls};
    let mut settings = Settings {
        delay: args.email_delay,
        default_locale: tether_domain::locale::Locale::parse(&args.email_locale)
            .map_err(|e| e.to_string())?,
        ..Settings::default()
    };
    let Some(host) = &args.smtp_host else {
        return Ok(settings);
    };
    let from = args
        .smtp_from
        .as_deref()
        .ok_or("--smtp-host needs --smtp-from (TETHER_SMTP_FROM), the sender's address")?;
    let mut smtp = Smtp::new(host, args.smtp_tls, from)?;
    if let Some(port) = args.smtp_port {
        smtp.port = port;
    }
    match (&args.smtp_username, &args.smtp_password) {
        (Some(user), Some(password)) => {
            smtp.username = Some(user.clone());
            smtp.password = Some(SmtpPassword::new(password.clone()));
        }
        (None, None) => {}
        _ => return Err("--smtp-username and --smtp-password go together".into()),
    }
    if args.smtp_ca_file.is_some() && args.smtp_tls == SmtpTls::None {
        return Err("--smtp-ca-file is for TLS: use it with --smtp-tls starttls or tls".into());
    }
    smtp.ca_file = args.smtp_ca_file.clone();
    smtp.transport()?;
    settings.smtp = Some(smtp);
    Ok(settings)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

pub(crate) async fn run_demo(args: DemoArgs) -> Result<()> {
    let url = match &args.database {
        Some(url) => url.clone(),
        None => {
            let path = args.listen.data_dir.join("demo.db");
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", path.display()));
                if p.exists() {
                    std::fs::remove_file(&p).with_context(|| {
                        format!("cannot replace the old demo database {}", p.display())
                    })?;
                }
            }
            format!("sqlite://{}", path.display())
        }
    };
    let store = open_store(&url, &tether_store::ConnectOptions::default()).await?;
    if store.count_users().await? > 0 {
        return Err(anyhow!(
            "the demo needs an empty database, and {} already has users",
            redact(&url)
        ));
    }
    let started = std::time::Instant::now();
    let hash = auth::hash_password(demo::DEMO_PASSWORD)?;
    let summary = demo::generate(
        &store,
        &demo::DemoOptions {
            scale: args.scale,
            password_hash: hash,
            seed: args.seed,
            now: tether_store::now_ms(),
        },
    )
    .await
    .context("cannot generate the demo data")?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo data generated"
    );
    serve(store, &args.listen, move |public_url| {
        println!();
        println!("Tether demo is running at {public_url}");
        println!("API: {public_url}/api/v1 (OpenAPI at {public_url}/api/v1/openapi.json)");
        println!(
            "Demo data: {} users in {} teams, {} accounts, {} contacts, {} knowledge articles, {} cases ({} resolved), {} activities, {} chats ({} connected to a case), {} channels, {} messages",
            summary.users, summary.teams, summary.accounts, summary.contacts, summary.knowledge_articles, summary.cases, summary.resolved_cases, summary.activities,
            summary.chats, summary.connected_chats, summary.channels, summary.messages
        );
        println!("Sign in with any of these (password for every demo user: {}):", demo::DEMO_PASSWORD);
        for s in &summary.sign_ins {
            println!("  {:<40} {:<24} {}", s.email, s.name, s.note);
        }
        println!("Stop with Ctrl-C.");
    })
    .await
}

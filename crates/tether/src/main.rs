//! `tether`: the server binary. Commands: `serve`, `demo`, `migrate`, `backup`,
//! `admin create-user`, `admin set-password`, `import`, and `bench` (runs the separate
//! `tether-bench`).
//! Every failure ends with a one-line reason on stderr and a non-zero exit status.

mod cli;

/// mimalloc rather than the system allocator: a server allocates and frees small buffers per
/// request, event and row, and glibc spent ~10 % of the server's CPU on it (BENCHMARKS.md,
/// issue 18, sixth round).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand};
use cli::admin::{bootstrap_admin, read_password};
use cli::serve::{open_store, redact, run_demo, serve};
use std::net::SocketAddr;
use std::path::PathBuf;
use tether_server::auth;
use tether_store::people::NewUser;
use tether_store::{ConnectOptions, Store};

#[derive(Parser)]
#[command(
    name = "tether",
    version,
    about = "Record-connected collaboration server for customer-service teams"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Run the server over a fresh demo database, printing the address and sign-ins.
    Demo(DemoArgs),
    /// Apply pending schema migrations and exit.
    Migrate(DatabaseArgs),
    /// Write a consistent copy of a SQLite database while the server runs.
    Backup {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The new backup file (must not exist). Restore by stopping the server and putting the
        /// file in place of the database.
        #[arg(long)]
        to: PathBuf,
    },
    /// Run a benchmark workload (chat, panel, idle, bare) and print a table.
    ///
    /// Runs the benchmark tool, the separate binary `tether-bench` beside this one, with every
    /// argument (`tether bench --help` is its help).
    #[command(disable_help_flag = true)]
    Bench {
        /// The workload and its options.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Administration from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Upsert records (or, with --users, people) by external id from a CSV or JSON Lines file
    /// into the configured database, printing a summary with every refused line.
    Import(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The record type of the file's records (case, account, …).
    #[arg(
        long = "type",
        required_unless_present = "users",
        conflicts_with = "users"
    )]
    record_type: Option<String>,
    /// The file holds people (external_id, name, email, roles) instead of records.
    #[arg(long)]
    users: bool,
    /// The host system the file comes from (zammad, zendesk, …): its ids are external ids
    /// under this source, unless a line names its own.
    #[arg(long)]
    source: String,
    /// The owner (an e-mail address) of new records whose line names none.
    #[arg(long)]
    owner: Option<String>,
    /// csv or jsonl; by default from the file's ending (.csv, .jsonl, .ndjson).
    #[arg(long, value_enum)]
    format: Option<cli::import::Format>,
    /// The file to import.
    file: PathBuf,
}

#[derive(Args, Clone)]
struct DatabaseArgs {
    /// sqlite://<path> (created if missing) or postgres://<host>/<database>
    #[arg(
        long,
        env = "TETHER_DATABASE_URL",
        default_value = "sqlite://tether-data/tether.db"
    )]
    database: String,
    /// `normal`: an accepted message survives a killed process; `full`: it survives power loss
    /// too (SQLite `synchronous=FULL`).
    #[arg(long, env = "TETHER_DURABILITY", value_enum, default_value_t = Durability::Normal)]
    durability: Durability,
    /// SQLite: page cache of each connection in MiB (the writer and up to eight readers, so
    /// up to nine times this).
    #[arg(long, env = "TETHER_SQLITE_CACHE_MIB", default_value_t = tether_store::SQLITE_CACHE_KIB / 1024)]
    sqlite_cache_mib: u32,
    /// SQLite: how much of the database file reads map into memory, in MiB (0: off).
    #[arg(long, env = "TETHER_SQLITE_MMAP_MIB", default_value_t = tether_store::SQLITE_MMAP_BYTES >> 20)]
    sqlite_mmap_mib: u64,
}

impl DatabaseArgs {
    fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            durable: self.durability == Durability::Full,
            sqlite_cache_kib: self.sqlite_cache_mib.saturating_mul(1024),
            sqlite_mmap_bytes: self.sqlite_mmap_mib.saturating_mul(1 << 20),
            ..ConnectOptions::default()
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Durability {
    Normal,
    Full,
}

#[derive(Args, Clone)]
struct ListenArgs {
    /// Address to listen on.
    #[arg(long, env = "TETHER_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// NATS server for cross-node fan-out (several nodes on one PostgreSQL).
    #[arg(long, env = "TETHER_NATS_URL")]
    nats: Option<String>,
    /// NATS subject the nodes of one installation share (several installations may share one
    /// NATS with different subjects).
    #[arg(long, env = "TETHER_NATS_SUBJECT", default_value = "tether.events")]
    nats_subject: String,
    /// Address people use to reach the server; default http://<listen>.
    #[arg(long, env = "TETHER_PUBLIC_URL")]
    public_url: Option<String>,
    /// Directory for attachments and other files.
    #[arg(long, env = "TETHER_DATA_DIR", default_value = "tether-data")]
    data_dir: PathBuf,
    /// Messages one user may send or edit per minute (0: no limit).
    #[arg(long, env = "TETHER_LIMIT_SENDS", default_value_t = tether_server::limits::Limits::default().sends)]
    limit_sends: u32,
    /// Searches and suggested-contact lists one user may ask for per minute (0: no limit).
    #[arg(long, env = "TETHER_LIMIT_SEARCHES", default_value_t = tether_server::limits::Limits::default().searches)]
    limit_searches: u32,
    /// Files one user may upload per minute (0: no limit).
    #[arg(long, env = "TETHER_LIMIT_UPLOADS", default_value_t = tether_server::limits::Limits::default().uploads)]
    limit_uploads: u32,
    /// Reactions one user may add or remove per minute (0: no limit).
    #[arg(long, env = "TETHER_LIMIT_REACTIONS", default_value_t = tether_server::limits::Limits::default().reactions)]
    limit_reactions: u32,
    /// Open connections (WebSockets included) this node accepts; past it, new ones get a 503
    /// with Retry-After. Default: three quarters of the open-file limit, at most 25,000.
    #[arg(long, env = "TETHER_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,
    /// Seconds a client has to send a request's line and headers (from the connection's
    /// opening, or from the first byte of a later request).
    #[arg(long, env = "TETHER_HEADER_READ_TIMEOUT", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=300))]
    header_read_timeout: u64,
    /// Seconds a connection may move no byte either way before it is closed (keep-alive
    /// between requests, unread responses, WebSockets); above the 25 s WebSocket heartbeat.
    #[arg(long, env = "TETHER_IDLE_TIMEOUT", default_value_t = 60, value_parser = idle_timeout)]
    idle_timeout: u64,
    /// Files one user may download per minute (0: no limit).
    #[arg(long, env = "TETHER_LIMIT_DOWNLOADS", default_value_t = tether_server::limits::Limits::default().downloads)]
    limit_downloads: u32,
    /// How long an upload may wait unsent before it is removed (`24h`, `30m`, `7d`).
    #[arg(long, env = "TETHER_UNSENT_UPLOAD_TTL", default_value = "24h", value_parser = parse_ttl)]
    unsent_upload_ttl: std::time::Duration,
    /// MiB of uploads one user may have waiting unsent; past it an upload is refused (413).
    #[arg(long, env = "TETHER_MAX_UNSENT_UPLOAD_MIB", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    max_unsent_upload_mib: u32,
    #[command(flatten)]
    email: EmailArgs,
}

/// E-mail for what people missed (docs/deploy.md, E-mail): off without `--smtp-host`.
#[derive(Args, Clone)]
struct EmailArgs {
    /// SMTP server that sends the e-mail digests; without it no e-mail is sent.
    #[arg(long, env = "TETHER_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port; default 587 for starttls, 465 for tls, 25 for none.
    #[arg(long, env = "TETHER_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// How the connection is protected: starttls (required upgrade), tls (from the first byte)
    /// or none (a relay on the same host or network only).
    #[arg(long, env = "TETHER_SMTP_TLS", default_value = "starttls")]
    smtp_tls: tether_server::app::digest::SmtpTls,
    /// SMTP user name (with --smtp-password).
    #[arg(long, env = "TETHER_SMTP_USERNAME")]
    smtp_username: Option<String>,
    /// SMTP password; prefer the environment variable (a flag shows in the process list).
    #[arg(long, env = "TETHER_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// The sender of the e-mails, e.g. "Tether <tether@example.com>"; needed with --smtp-host.
    #[arg(long, env = "TETHER_SMTP_FROM")]
    smtp_from: Option<String>,
    /// PEM file of certificate authorities to trust besides the system's, for an SMTP server
    /// whose certificate a private CA signed.
    #[arg(long, env = "TETHER_SMTP_CA_FILE")]
    smtp_ca_file: Option<std::path::PathBuf>,
    /// How long a mention, an urgent message or being added may stay unread before it is
    /// e-mailed (`15m`, `1h`).
    #[arg(long, env = "TETHER_EMAIL_DELAY", default_value = "15m", value_parser = parse_ttl)]
    email_delay: std::time::Duration,
    /// Language of e-mails to people who have not chosen one: en or sv.
    #[arg(long, env = "TETHER_EMAIL_LOCALE", default_value = "en")]
    email_locale: String,
}

/// `--idle-timeout`: more than the 25 s between the server's WebSocket pings, or every idle
/// event socket would be cut.
fn idle_timeout(s: &str) -> Result<u64, String> {
    let secs: u64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if (30..=86_400).contains(&secs) {
        Ok(secs)
    } else {
        Err("must be 30 to 86400 seconds: above the 25 s between WebSocket pings, so that live event sockets are never cut".into())
    }
}

/// A humane duration (`24h`, `30m`, `1h 30m`), more than zero.
fn parse_ttl(s: &str) -> Result<std::time::Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if d.is_zero() => Err("must be longer than 0".into()),
        Ok(d) => Ok(d),
        Err(e) => Err(format!("{e}; write it like 24h, 30m or 1h 30m")),
    }
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    #[command(flatten)]
    listen: ListenArgs,
}

#[derive(Args)]
struct DemoArgs {
    /// Database for the demo; default a fresh tether-data/demo.db, replaced on every run. A
    /// database given here must be empty.
    #[arg(long)]
    database: Option<String>,
    #[command(flatten)]
    listen: ListenArgs,
    /// Multiply the demo data set (users, records, activities) for load tests.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    scale: u32,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a user in the configured database.
    CreateUser {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, env = "TETHER_NEW_USER_PASSWORD")]
        password: String,
        /// Role name; repeat or separate with commas (administrator, supervisor, agent, …).
        #[arg(long = "role", value_delimiter = ',', required = true)]
        roles: Vec<String>,
    },
    /// Set a user's password in the configured database, ending all of their sessions.
    SetPassword {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        email: String,
        /// The new password; without it, the first line of standard input (not echoed when it
        /// is a terminal).
        #[arg(long)]
        password: Option<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Command::Bench { args } = cli.command {
        // The tool sets up its own logging, limits and runtime.
        match tether::bench::run(args) {
            Ok(code) => std::process::exit(code),
            Err(e) => {
                eprintln!("tether: {e:#}");
                std::process::exit(1);
            }
        }
    }
    init_tracing();
    // Every connection holds a file descriptor: take all the system allows.
    if let Err(e) = tether_server::raise_open_files_limit() {
        tracing::warn!("cannot raise the open-file limit to its hard limit: {e}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tether: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(cli)) {
        // One line: the outermost context, then its causes.
        let reason = e
            .chain()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        eprintln!("tether: {}", reason.replace('\n', " "));
        std::process::exit(1);
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("TETHER_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("TETHER_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let store = open_store(&args.db.database, &args.db.connect_options()).await?;
            bootstrap_admin(&store).await?;
            serve(store, &args.listen, |_| {}).await
        }
        Command::Demo(args) => run_demo(args).await,
        Command::Import(args) => {
            let store = open_store(&args.db.database, &args.db.connect_options()).await?;
            let import = cli::import::Import {
                record_type: args.record_type,
                source: args.source,
                owner: args.owner,
                file: args.file,
                format: args.format,
            };
            let done = cli::import::run(store.clone(), import).await;
            store.close().await;
            done
        }
        Command::Bench { .. } => Err(anyhow!("`tether bench` runs before the runtime starts")),
        Command::Backup { db, to } => {
            let store = Store::connect(&db.database, &ConnectOptions::default())
                .await
                .with_context(|| format!("cannot open database {}", redact(&db.database)))?;
            store.backup_sqlite(&to).await.context("backup failed")?;
            store.close().await;
            println!("backed up {} to {}", redact(&db.database), to.display());
            Ok(())
        }
        Command::Migrate(args) => {
            let store = open_store(&args.database, &args.connect_options()).await?;
            store.close().await;
            println!("migrations applied to {}", redact(&args.database));
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::SetPassword {
                    db,
                    email,
                    password,
                },
        } => {
            let email =
                tether_domain::people::Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let password = match password {
                Some(p) => p,
                None => read_password(&format!("New password for {email}: "))?,
            };
            let password = tether_domain::people::Password::parse(&password)
                .map_err(|e| anyhow!("the new password: {e}"))?;
            let store = open_store(&db.database, &db.connect_options()).await?;
            let user = store
                .user_credentials(email.as_str())
                .await?
                .ok_or_else(|| anyhow!("there is no user with e-mail {email}"))?;
            let hash = auth::hash_password(password.expose())?;
            let ended = store
                .set_password(
                    &tether_domain::UserId::from(user.id.as_str()),
                    &hash,
                    None,
                    None,
                    "command line",
                )
                .await
                .context("cannot set the password")?;
            println!(
                "set the password of {} <{}>; {ended} session(s) ended",
                user.name, user.email
            );
            store.close().await;
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    db,
                    email,
                    name,
                    password,
                    roles,
                },
        } => {
            let store = open_store(&db.database, &db.connect_options()).await?;
            let email =
                tether_domain::people::Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let name =
                tether_domain::people::Name::parse("--name", &name).map_err(|e| anyhow!("{e}"))?;
            let password = tether_domain::people::Password::parse(&password)
                .map_err(|e| anyhow!("--password: {e}"))?;
            let hash = auth::hash_password(password.expose())?;
            let user = store
                .create_user(
                    &NewUser {
                        email: email.to_string(),
                        name: name.into_string(),
                        password_hash: hash,
                        role_names: roles,
                        team_ids: vec![],
                    },
                    None,
                )
                .await
                .context("cannot create the user")?;
            println!(
                "created user {} <{}> with id {} and roles {}",
                user.name,
                user.email,
                user.id,
                user.roles.join(", ")
            );
            store.close().await;
            Ok(())
        }
    }
}

//! `tether-example-host`: the stand-in helpdesk on a port of its own. See README.md.

use clap::Parser;
use tether_example_host::{Agent, Config, serve, sync::sync_tickets};

/// A stand-in helpdesk that embeds Tether beside its tickets.
#[derive(Parser)]
struct Args {
    /// Where this helpdesk listens.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: String,
    /// This helpdesk's address as browsers reach it (default `http://localhost:<port>`).
    #[arg(long)]
    public_url: Option<String>,
    /// Tether's address as browsers reach it.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    tether_url: String,
    /// The integration's id (`POST /api/v1/integrations` answers it).
    #[arg(long, env = "HOST_INTEGRATION_ID")]
    integration_id: String,
    /// The integration's shared secret (HS256, at least 32 bytes).
    #[arg(long, env = "HOST_SECRET")]
    secret: String,
    /// The integration's audience.
    #[arg(long)]
    audience: String,
    /// The webhook endpoint's secret.
    #[arg(long, env = "HOST_WEBHOOK_SECRET")]
    webhook_secret: String,
    /// The integration's source.
    #[arg(long, default_value = "host")]
    source: String,
    /// An API key with the scopes users:write and records:write: the agent and the tickets are
    /// synced to Tether at start.
    #[arg(long, env = "HOST_API_KEY")]
    api_key: Option<String>,
    /// The signed-in agent's id in this helpdesk.
    #[arg(long, default_value = "agent-7")]
    agent_id: String,
    /// The signed-in agent's e-mail address.
    #[arg(long, default_value = "sam.agent@helpdesk.example")]
    agent_email: String,
    /// The signed-in agent's name.
    #[arg(long, default_value = "Sam Agent")]
    agent_name: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let port = listener.local_addr()?.port();
    let config = Config {
        public_url: args
            .public_url
            .unwrap_or_else(|| format!("http://localhost:{port}")),
        tether_url: args.tether_url,
        integration_id: args.integration_id,
        audience: args.audience,
        secret: args.secret,
        webhook_secret: args.webhook_secret,
        source: args.source,
        agent: Agent {
            id: args.agent_id,
            email: args.agent_email,
            name: args.agent_name,
        },
    };
    if let Some(key) = &args.api_key {
        let n = sync_tickets(&config, key).await?;
        println!("synced the agent and {n} tickets to {}", config.tether_url);
    }
    println!("the helpdesk is at {}", config.public_url);
    serve(listener, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

//! `tether-bench`: the benchmark tool's binary (`tether bench …` runs it with the same
//! arguments). Every failure ends with a one-line reason on stderr and a non-zero exit status.

use clap::Parser;
use tether_bench::BenchArgs;

/// mimalloc rather than the system allocator: a server allocates and frees small buffers per
/// request, event and row, and glibc spent ~10 % of the server's CPU on it (BENCHMARKS.md,
/// issue 18, sixth round).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tether-bench",
    version,
    about = "Tether's benchmark tool: run a workload (chat, panel, idle, bare) and print a table"
)]
struct Cli {
    #[command(flatten)]
    args: BenchArgs,
}

fn main() {
    let cli = Cli::parse();
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
            eprintln!("tether-bench: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(tether_bench::run(cli.args)) {
        // One line: the outermost context, then its causes.
        let reason = e
            .chain()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        eprintln!("tether-bench: {}", reason.replace('\n', " "));
        std::process::exit(1);
    }
}

/// The same logging as `tether serve` (`TETHER_LOG`, `TETHER_LOG_FORMAT=json`): the server
/// under test may run inside this process.
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

//! `tether bench`: the benchmark tool (being written).

use clap::Args;

/// Arguments of `tether bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// chat, panel, idle or bare
    pub workload: String,
}

/// Runs a workload.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("the {} workload is not available yet", args.workload)
}

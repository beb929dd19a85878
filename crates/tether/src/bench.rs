//! `tether bench`: runs the benchmark tool, a separate binary `tether-bench` (crate
//! `crates/tether-bench`), so that its client-only dependencies stay out of the server's. It is
//! looked for beside this executable, where cargo builds both, and given every argument.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::PathBuf;

/// The benchmark tool's binary name.
pub const TOOL: &str = "tether-bench";

/// The `tether-bench` beside the running executable, or why there is none: the error names
/// the cargo command that builds it.
pub fn tool_path() -> Result<PathBuf> {
    let me = std::env::current_exe().context("cannot find the path of this executable")?;
    let tool = me.with_file_name(format!("{TOOL}{}", std::env::consts::EXE_SUFFIX));
    if !tool.is_file() {
        // A debug build looks beside itself in target/debug, a release build in target/release.
        let release = if me.parent().is_some_and(|d| d.ends_with("debug")) {
            ""
        } else {
            "--release "
        };
        bail!(
            "the benchmark tool is a separate binary, and there is no {TOOL} beside {}: build it with `cargo build {release}-p {TOOL}`",
            me.display()
        );
    }
    Ok(tool)
}

/// Runs `tether-bench <args>` with this process's standard streams and environment, and
/// returns the exit code to end with. On Unix the tool replaces this process (its signals,
/// exit status and output are then exactly its own) and named `tether bench` in its usage
/// lines; this returns only if it could not be started.
pub fn run(args: Vec<OsString>) -> Result<i32> {
    let tool = tool_path()?;
    let mut command = std::process::Command::new(&tool);
    command.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.arg0("tether bench");
        let error = command.exec();
        Err(error).with_context(|| format!("cannot run {}", tool.display()))
    }
    #[cfg(not(unix))]
    {
        let status = command
            .status()
            .with_context(|| format!("cannot run {}", tool.display()))?;
        Ok(status.code().unwrap_or(1))
    }
}

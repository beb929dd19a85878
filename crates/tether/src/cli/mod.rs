//! The `tether` binary's own modules (main.rs holds its arguments and dispatch; the library
//! half in lib.rs is shared with the tests and the benchmark tool).

pub(crate) mod admin;
pub(crate) mod import;
pub(crate) mod serve;

//! The integration tests of the `tether-bench` binary, in one test binary: each module is one
//! area (its own doc comment says which); they run the real executable and share the fixtures
//! in `support`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod bench_smoke;

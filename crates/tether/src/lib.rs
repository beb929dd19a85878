//! The `tether` binary's library half: commands that the binary and its tests share.

pub mod bench;
pub mod database;
pub mod demo;

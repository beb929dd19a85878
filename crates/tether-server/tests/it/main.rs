//! The integration tests of `tether-server`, in one test binary: each module is one area (its
//! own doc comment says which), all share the fixtures in `common` (a server per test, on its
//! own database and port) and, for the browser tests, `browser_support` and `browser_axe`.
//! One binary links the server once instead of once per file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser_axe;
mod browser_support;
#[macro_use]
mod common;

mod accounts;
mod admin_api;
mod attachments_api;
mod authz_sweep;
mod beyond_api;
mod browser;
mod browser_admin;
mod browser_i18n;
mod browser_layout;
mod browser_panel;
mod browser_records;
mod cards_api;
mod chats_api;
mod collab_api;
mod connections;
mod content_api;
mod email_digest;
mod embed_launch;
mod host_example;
mod hostile_http;
mod i18n;
mod integration_api;
mod limits_api;
mod login_next;
mod nodes;
mod openapi_params;
mod panel_truth_api;
mod persona_matrix;
mod records_api;
mod records_reach_api;
mod session_and_admin;
mod suggestions_api;
mod webhooks;
mod writes_api;

//! Sign-in, sessions, CSRF, administration and settings against the real server.

mod admin;
mod service;
mod sessions;

use crate::common;
use crate::common::{ADMIN_EMAIL, PASSWORD, spawn_app, spawn_app_with};
use reqwest::Method;
use serde_json::json;
use tether_store::Backend;

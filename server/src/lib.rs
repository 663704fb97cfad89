//! The serialtrack server crate.
//!
//! - [`cli`]: the `serialtrack` command line (`serve`, `gs1 parse`, `serials generate`).
//! - [`web`]: the axum router: the JSON API under `/api/v1` and the built browser app.
//! - [`config`]: where the server keeps its data and which database it uses.

pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod seed;
pub mod store;
pub mod web;

//! The desktop app's state and use cases, free of Tauri types so they can be tested directly.
//!
//! - `config`: [`ShellConfig`], how the shell starts (read from the environment);
//! - `state`: the [`Shell`] itself (vault, connection, unlock, idle clock), unlocking and
//!   locking, and [`AppState`] for the UI;
//! - `use_cases`: wallets, sessions, policies, sends and activity, each recorded in the local
//!   activity log, and [`open_explorer_link`].

mod config;
mod state;
mod use_cases;

pub use config::ShellConfig;
pub use state::{AppState, Shell};
pub use use_cases::{open_explorer_link, SendPreview, TokenInfo};

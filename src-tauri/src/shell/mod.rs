//! The desktop app's state and use cases, free of Tauri types so they can be tested directly.
//!
//! - `config`: [`ShellConfig`], how the shell starts (read from the environment);
//! - `state`: the [`Shell`] itself (vault, connection, unlock, idle clock), unlocking and
//!   locking, and [`AppState`] for the UI;
//! - `recovery`: the backup file (written by the shell, never sent to the webview), restoring
//!   a backup under a new PIN, and owner-key recovery, each leaving the vault unlocked;
//! - `use_cases`: wallets, sessions, policies, sends and activity, each recorded in the local
//!   activity log, and [`open_explorer_link`].

mod config;
mod recovery;
mod state;
mod use_cases;

pub use config::ShellConfig;
pub use recovery::BackupReply;
pub use state::{AppState, Shell};
pub use use_cases::{open_explorer_link, RegisterRequest, SendPreview, TokenInfo};

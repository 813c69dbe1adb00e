//! The desktop app's state and use cases, free of Tauri types so they can be tested directly.
//!
//! - `config`: [`ShellConfig`], how the shell starts (read from the environment);
//! - `state`: the [`Shell`] itself (vault, connection, unlock, idle clock), unlocking and
//!   locking, and [`AppState`] for the UI;
//! - `recovery`: the backup file (written by the shell, never sent to the webview), restoring
//!   a backup under a new PIN, and owner-key recovery, each leaving the vault unlocked;
//! - `settings`: the Settings file (network, who pays, auto-lock, address book) and its use
//!   cases; `deploy`: funding and deploying a new wallet off devnet;
//! - `use_cases`: wallets, sessions, policies, sends and activity, each recorded in the local
//!   activity log, and [`open_explorer_link`].

mod config;
mod deploy;
mod recovery;
pub mod settings;
mod state;
mod use_cases;

pub use config::ShellConfig;
pub use recovery::BackupReply;
pub use settings::{AddressEntry, Payer, SettingsView};
pub use state::{AppState, Shell};
pub use use_cases::{open_explorer_link, RegisterRequest, SendPreview, TokenInfo};

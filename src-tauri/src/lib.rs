//! Sesame's desktop shell: Tauri 2 over `sesame-app`.
//!
//! - [`shell::Shell`] holds the state (vault, connection, unlock, idle clock) and does the work;
//! - [`commands`] are thin: read the managed `Shell`, call it, map the error to `{code, message}`;
//! - [`watch`] runs the idle auto-lock and the session-expiry notifications.
//!
//! No command returns key material: replies are `sesame-app` views, which carry none.

pub mod commands;
pub mod shell;
pub mod watch;

use tauri::{Builder, Runtime};

pub use shell::{Shell, ShellConfig};

/// Registers Sesame's state and commands on `builder` (shared by the app and the IPC tests).
pub fn with_sesame<R: Runtime>(builder: Builder<R>, shell: Shell) -> Builder<R> {
    builder
        .manage(shell)
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::set_network,
            commands::vault_create,
            commands::vault_unlock,
            commands::vault_unlock_passkey,
            commands::passkey_enroll,
            commands::vault_lock,
            commands::vault_backup,
            commands::vault_restore,
            commands::vault_recover,
            commands::touch,
            commands::tokens,
            commands::wallet_create,
            commands::wallet_import,
            commands::wallets,
            commands::wallet_show,
            commands::wallet_rotate_key,
            commands::session_create,
            commands::session_register,
            commands::session_list,
            commands::session_revoke,
            commands::session_revoke_all,
            commands::policy_set,
            commands::policy_get,
            commands::send_preview,
            commands::send,
            commands::activity,
            commands::open_external,
            commands::settings_get,
            commands::settings_set_payer,
            commands::settings_set_auto_lock,
            commands::address_book,
            commands::address_save,
            commands::address_remove,
            commands::wallet_funding,
            commands::wallet_deploy,
        ])
}

/// Runs the desktop app.
pub fn run() {
    let shell = Shell::new(ShellConfig::from_env());
    let builder = tauri::Builder::default().plugin(tauri_plugin_notification::init());
    let result = with_sesame(builder, shell)
        .setup(|app| {
            watch::spawn(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!("tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("sesame: the desktop app could not start: {e}");
        std::process::exit(1);
    }
}

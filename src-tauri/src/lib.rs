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

use tauri::{Builder, Manager, RunEvent, Runtime};

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
            commands::settings_set_keep_local_chain,
            commands::address_book,
            commands::address_save,
            commands::address_remove,
            commands::wallet_funding,
            commands::wallet_deploy,
        ])
}

/// Runs the desktop app. As it exits (last window closed, or SIGTERM/SIGINT/SIGHUP from a
/// logout or a terminal), the local chain it started stops, unless the user keeps it running
/// (Settings, else [`ShellConfig::keep_local_chain`]).
pub fn run() {
    let shell = Shell::new(ShellConfig::from_env());
    let builder = tauri::Builder::default().plugin(tauri_plugin_notification::init());
    let app = with_sesame(builder, shell)
        .setup(|app| {
            watch::spawn(app.handle().clone());
            #[cfg(unix)]
            tauri::async_runtime::spawn(exit_on_signal(app.handle().clone()));
            Ok(())
        })
        .build(tauri::generate_context!("tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("sesame: the desktop app could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            tauri::async_runtime::block_on(handle.state::<Shell>().stop_local_chain_on_exit());
        }
    });
}

/// A signal to quit goes through Tauri's own exit, so `RunEvent::Exit` runs as when the window
/// is closed (a signal's default action would end the process with the chain still running).
#[cfg(unix)]
async fn exit_on_signal<R: Runtime>(app: tauri::AppHandle<R>) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = hup.recv() => {}
    }
    app.exit(0);
}

//! The shell's state: the vault, the connection to the current network (connecting and
//! starting the local chain on first use), the unlocked vault and the idle clock that locks it.
//!
//! Locking never waits for the network: the unlocked vault and the idle clock sit behind a
//! plain mutex that is only ever held for a few instructions, and connecting (which can take
//! up to the RPC timeouts, or two minutes to start the local chain) is serialised by a mutex
//! of its own that nothing else needs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sesame_app::activity::ActivityLog;
use sesame_app::local_devnet::LocalDevnet;
use sesame_app::{custody, AppError, ErrorReply, Network, Sesame, Unlocked};
use sesame_core::felt::to_hex;
use sesame_vault::{AttemptStatus, Pin, Vault};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::settings::{settings_path, Settings};
use super::ShellConfig;

/// What the UI needs to choose a screen. Carries no secret.
#[derive(Debug, Clone, Serialize)]
pub struct AppState {
    pub network: Network,
    /// `None` while the node cannot be reached (`chain_error` says why).
    pub chain_id: Option<String>,
    pub chain_error: Option<ErrorReply>,
    pub initialized: bool,
    pub unlocked: bool,
    pub attempts: AttemptStatus,
    pub auto_lock_secs: u64,
    pub passkey_enrolled: bool,
    /// Whether this build can use a passkey at all ([`sesame_vault::PASSKEY_SUPPORTED`]): the
    /// UI offers passkey enrolment and unlock only when it can.
    pub passkey_available: bool,
}

struct Inner {
    network: Network,
    /// Bumped on every network switch, so a connection made for an old network is dropped.
    network_generation: u64,
    app: Option<Sesame>,
    unlocked: Option<Unlocked>,
    last_activity: Instant,
}

/// The desktop app's state. Managed by Tauri; every command goes through it.
pub struct Shell {
    config: ShellConfig,
    vault: std::sync::OnceLock<Arc<Vault>>,
    /// Never held across an `.await`.
    inner: Mutex<Inner>,
    /// Held while connecting, so two commands do not start two connections.
    connecting: tokio::sync::Mutex<()>,
    /// The Settings file's contents (see `settings`); never held across an `.await`.
    settings: Mutex<Settings>,
    /// The idle time before auto-lock: Settings' choice, else the config's.
    auto_lock_secs: std::sync::atomic::AtomicU64,
    /// The local chain this process spawned (not one that was already running), for
    /// [`Shell::stop_local_chain_on_exit`].
    started_chain: Mutex<Option<(LocalDevnet, std::process::Child)>>,
}

impl Shell {
    pub fn new(config: ShellConfig) -> Self {
        // The environment gives the first start's network and auto-lock; once chosen in
        // Settings, the settings file's choice wins.
        let settings = Settings::load(&settings_path(&config.data_dir, &config.profile));
        let chosen = settings
            .network
            .as_ref()
            .and_then(|n| Network::resolve(&n.name, n.rpc.as_deref()).ok());
        let network = chosen.unwrap_or_else(|| {
            Network::resolve(&config.network, config.rpc.as_deref()).unwrap_or_else(|_| {
                Network::resolve("devnet", None).expect("devnet always resolves")
            })
        });
        let auto_lock_secs = settings.auto_lock_secs.unwrap_or(config.auto_lock_secs);
        Shell {
            settings: Mutex::new(settings),
            auto_lock_secs: std::sync::atomic::AtomicU64::new(auto_lock_secs),
            config,
            vault: std::sync::OnceLock::new(),
            inner: Mutex::new(Inner {
                network,
                network_generation: 0,
                app: None,
                unlocked: None,
                last_activity: Instant::now(),
            }),
            connecting: tokio::sync::Mutex::new(()),
            started_chain: Mutex::new(None),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn config(&self) -> &ShellConfig {
        &self.config
    }

    pub(super) async fn vault(&self) -> Result<Arc<Vault>, AppError> {
        if let Some(v) = self.vault.get() {
            return Ok(v.clone());
        }
        let profile = self.config.profile.clone();
        let vault =
            Arc::new(tokio::task::spawn_blocking(move || Vault::open_keychain(&profile)).await??);
        Ok(self.vault.get_or_init(|| vault).clone())
    }

    pub(super) fn activity_log(&self, network: &Network) -> ActivityLog {
        let name: String = network
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        ActivityLog::new(
            self.config
                .data_dir
                .join(format!("activity-{}-{}.jsonl", self.config.profile, name)),
        )
    }

    /// The connected app, connecting (and starting the local chain) on first use.
    pub async fn app(&self) -> Result<Sesame, AppError> {
        if let Some(app) = self.inner().app.clone() {
            return Ok(app);
        }
        let _one_at_a_time = self.connecting.lock().await;
        let (network, generation) = {
            let inner = self.inner();
            if let Some(app) = &inner.app {
                return Ok(app.clone());
            }
            (inner.network.clone(), inner.network_generation)
        };
        if network.is_devnet() && self.config.start_local_devnet && self.config.rpc.is_none() {
            let port =
                url_port(&network.rpc_url).unwrap_or(sesame_app::network::DEFAULT_DEVNET_PORT);
            let devnet = LocalDevnet::new(&self.config.data_dir, port);
            if let Some(child) = devnet.start().await?.child {
                *self
                    .started_chain
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some((devnet, child));
            }
        }
        let app =
            Sesame::connect_with(self.vault().await?, network, self.config.rpc_timeouts).await?;
        self.check_chain_pin(&app)?;
        let mut inner = self.inner();
        if inner.network_generation == generation {
            inner.app = Some(app.clone());
        }
        Ok(app)
    }

    pub(super) async fn unlocked(&self) -> Result<Unlocked, AppError> {
        let mut inner = self.inner();
        inner.last_activity = Instant::now();
        inner.unlocked.clone().ok_or(AppError::Locked)
    }

    /// Records user activity for the idle auto-lock.
    pub async fn touch(&self) {
        self.inner().last_activity = Instant::now();
    }

    /// Locks if idle for longer than the configured time; returns whether it locked now.
    pub async fn lock_if_idle(&self) -> bool {
        let mut inner = self.inner();
        let idle = inner.last_activity.elapsed() >= Duration::from_secs(self.auto_lock_secs());
        if idle && inner.unlocked.is_some() {
            inner.unlocked = None;
            return true;
        }
        false
    }

    pub async fn is_unlocked(&self) -> bool {
        self.inner().unlocked.is_some()
    }

    /// What the UI needs to choose a screen, connecting to the network first if needed.
    pub async fn app_state(&self) -> Result<AppState, AppError> {
        self.state(true).await
    }

    /// The state without waiting for a connection: a chain not connected yet reads as no
    /// chain id and no error (the next command connects).
    async fn state(&self, connect: bool) -> Result<AppState, AppError> {
        let vault = self.vault().await?;
        let cached = self.inner().app.clone();
        let (chain_id, chain_error) = match (cached, connect) {
            (Some(app), _) => (Some(to_hex(&app.chain().chain_id())), None),
            (None, false) => (None, None),
            (None, true) => match self.app().await {
                Ok(app) => (Some(to_hex(&app.chain().chain_id())), None),
                Err(e) => (None, Some(e.reply())),
            },
        };
        let initialized = custody::is_initialized(&vault).await?;
        // Before the first PIN there is no counter and no passkey to read.
        let (attempts, passkey_enrolled) = if initialized {
            (
                custody::attempt_status(&vault).await?,
                custody::has_passkey(&vault).await?,
            )
        } else {
            let fresh = AttemptStatus {
                failures: 0,
                attempts_left: sesame_vault::vault::MAX_FAILURES,
                retry_after_secs: 0,
                locked_out: false,
                tampered: false,
            };
            (fresh, false)
        };
        let inner = self.inner();
        Ok(AppState {
            network: inner.network.clone(),
            chain_id,
            chain_error,
            initialized,
            unlocked: inner.unlocked.is_some(),
            attempts,
            auto_lock_secs: self.auto_lock_secs(),
            passkey_enrolled,
            passkey_available: sesame_vault::PASSKEY_SUPPORTED,
        })
    }

    /// Called once as the app exits: stops the local chain this process started, unless
    /// `keep_local_chain`. A chain the CLI (or an earlier run) started is left alone, and the
    /// chain's state stays on disk either way, so the next start replays it.
    pub async fn stop_local_chain_on_exit(&self) {
        let started = self
            .started_chain
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some((devnet, child)) = started {
            if !self.keep_local_chain() {
                let _ = devnet.stop_started(child).await;
            }
        }
    }

    /// Switches to `name` (with an optional RPC override) and keeps the choice in Settings.
    /// A node that answers another chain than the network pins (a named network's id, or the
    /// id a custom network was added with) is refused, and the previous network stays; a node
    /// that cannot be reached is kept, with the reason in `chain_error`.
    pub async fn set_network(&self, name: &str, rpc: Option<&str>) -> Result<AppState, AppError> {
        let network = Network::resolve(name, rpc)?;
        let previous = self.switch_to(network);
        if let Err(e) = self.app().await {
            if matches!(e.code(), "CHAIN_ID_MISMATCH" | "CHAIN_ID_CHANGED") {
                self.switch_to(previous);
                return Err(e);
            }
        }
        self.update_settings(|s| {
            s.network = Some(super::settings::NetworkChoice {
                name: name.to_string(),
                rpc: rpc.map(str::to_string),
            });
        })?;
        self.app_state().await
    }

    /// Makes `network` current (dropping the connection); returns the one it replaces.
    fn switch_to(&self, network: Network) -> Network {
        let mut inner = self.inner();
        inner.network_generation += 1;
        inner.app = None;
        std::mem::replace(&mut inner.network, network)
    }

    pub(super) async fn set_unlocked(&self, unlocked: Unlocked) {
        let mut inner = self.inner();
        inner.unlocked = Some(unlocked);
        inner.last_activity = Instant::now();
    }

    pub async fn vault_create(&self, pin: Pin) -> Result<AppState, AppError> {
        let unlocked = custody::create(&self.vault().await?, pin).await?;
        self.set_unlocked(unlocked).await;
        self.app_state().await
    }

    pub async fn vault_unlock(&self, pin: Pin) -> Result<AppState, AppError> {
        let unlocked = custody::unlock(&self.vault().await?, pin).await?;
        self.set_unlocked(unlocked).await;
        self.app_state().await
    }

    pub async fn vault_unlock_passkey(&self) -> Result<AppState, AppError> {
        let unlocked = custody::unlock_with_passkey(&self.vault().await?).await?;
        self.set_unlocked(unlocked).await;
        self.app_state().await
    }

    pub async fn passkey_enroll(&self) -> Result<AppState, AppError> {
        custody::enroll_passkey(&self.unlocked().await?).await?;
        self.app_state().await
    }

    /// Drops the keys at once, whatever the network is doing, and answers without waiting
    /// for a connection.
    pub async fn vault_lock(&self) -> Result<AppState, AppError> {
        let dropped = self.inner().unlocked.take();
        drop(dropped);
        self.state(false).await
    }
}

/// Access to the settings (the use cases on them are in `settings`).
impl Shell {
    /// The current network (connected or not).
    pub(super) fn network(&self) -> Network {
        self.inner().network.clone()
    }

    pub(super) fn settings_file(&self) -> std::path::PathBuf {
        settings_path(&self.config.data_dir, &self.config.profile)
    }

    /// A copy of the settings as they are now.
    pub(super) fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes the settings with `change` and writes the file; on a write failure nothing
    /// changes.
    pub(super) fn update_settings<R>(
        &self,
        change: impl FnOnce(&mut Settings) -> R,
    ) -> Result<R, AppError> {
        let mut guard = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = guard.clone();
        let out = change(&mut next);
        if next != *guard {
            next.save(&self.settings_file())?;
            *guard = next;
        }
        Ok(out)
    }

    pub(super) fn auto_lock_secs(&self) -> u64 {
        self.auto_lock_secs
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Applies a new idle time at once (the watcher reads it on its next tick).
    pub(super) fn set_auto_lock_secs(&self, secs: u64) {
        self.auto_lock_secs
            .store(secs, std::sync::atomic::Ordering::Relaxed);
    }

    /// A custom network keeps the chain it was added with: its chain id is recorded at the
    /// first connection, and a later one that answers another is refused.
    fn check_chain_pin(&self, app: &Sesame) -> Result<(), AppError> {
        let network = app.network();
        if network.kind != sesame_app::NetworkKind::Custom {
            return Ok(());
        }
        let found = app.chain().chain_id();
        match self.settings().pinned_chain_id(network) {
            Some(pinned) => network.check_pinned_chain_id(pinned, found),
            None => self.update_settings(|s| {
                s.pinned_chain_ids
                    .insert(network.name.clone(), to_hex(&found));
            }),
        }
    }
}

fn url_port(url: &str) -> Option<u16> {
    let after_scheme = url.split("://").nth(1)?;
    let host_port = after_scheme.split('/').next()?;
    host_port.rsplit_once(':')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_devnet_port_is_read_from_the_rpc_url() {
        assert_eq!(url_port("http://127.0.0.1:5050/rpc"), Some(5050));
        assert_eq!(url_port("https://node.example/rpc"), None);
    }
}

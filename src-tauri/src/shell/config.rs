//! How the shell starts: [`ShellConfig`], read from the environment.

use std::path::PathBuf;

/// How the shell starts; every field can be set from the environment (tests, `tauri dev`).
#[derive(Debug, Clone)]
pub struct ShellConfig {
    pub data_dir: PathBuf,
    /// Keychain namespace (`SESAME_PROFILE`, default `desktop`).
    pub profile: String,
    /// `SESAME_NETWORK` (default `devnet`) and `SESAME_RPC`.
    pub network: String,
    pub rpc: Option<String>,
    /// Lock after this much idle time (`SESAME_AUTO_LOCK_SECS`, default 300).
    pub auto_lock_secs: u64,
    /// Start the embedded local devnet when the network is `devnet` and no RPC URL was given.
    pub start_local_devnet: bool,
    /// Leave the local chain this app started running when the app exits
    /// (`SESAME_KEEP_LOCAL_CHAIN=1`; default: stop it). Its state is on disk either way.
    pub keep_local_chain: bool,
    /// How long any node request may take (`SESAME_RPC_TIMEOUT_SECS` sets the request timeout;
    /// default 5 s to connect, 30 s per request).
    pub rpc_timeouts: sesame_app::Timeouts,
    /// Where `vault_backup` writes its file (`SESAME_BACKUP_DIR`); `None`: `$HOME/Documents`
    /// when it exists, else `$HOME` (see [`ShellConfig::backup_dir`]).
    pub backup_dir: Option<PathBuf>,
}

impl ShellConfig {
    pub fn from_env() -> Self {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let data_dir = env("SESAME_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let base = env("XDG_DATA_HOME")
                    .map(PathBuf::from)
                    .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share")))
                    .unwrap_or_else(|| PathBuf::from("."));
                base.join("sesame")
            });
        let rpc = env("SESAME_RPC");
        ShellConfig {
            data_dir,
            profile: env("SESAME_PROFILE").unwrap_or_else(|| "desktop".into()),
            network: env("SESAME_NETWORK").unwrap_or_else(|| "devnet".into()),
            start_local_devnet: rpc.is_none(),
            keep_local_chain: env("SESAME_KEEP_LOCAL_CHAIN").is_some_and(|v| v == "1"),
            rpc,
            auto_lock_secs: env("SESAME_AUTO_LOCK_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(300),
            rpc_timeouts: env("SESAME_RPC_TIMEOUT_SECS")
                .and_then(|v| v.parse().ok())
                .filter(|s: &u64| *s > 0)
                .map(|secs| sesame_app::Timeouts {
                    request: std::time::Duration::from_secs(secs),
                    ..Default::default()
                })
                .unwrap_or_default(),
            backup_dir: env("SESAME_BACKUP_DIR").map(PathBuf::from),
        }
    }

    /// The directory backups are written to: `backup_dir`, else `$HOME/Documents` when it
    /// exists, else `$HOME`, else the data directory.
    pub fn backup_dir(&self) -> PathBuf {
        if let Some(dir) = &self.backup_dir {
            return dir.clone();
        }
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        match home {
            Some(home) if home.join("Documents").is_dir() => home.join("Documents"),
            Some(home) => home,
            None => self.data_dir.clone(),
        }
    }
}

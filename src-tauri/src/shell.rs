//! The desktop app's state and use cases, free of Tauri types so they can be tested directly.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sesame_app::activity::{ActivityEntry, ActivityLog};
use sesame_app::local_devnet::LocalDevnet;
use sesame_app::{
    custody, AppError, ErrorReply, ExecMode, ExecOutcome, Network, PolicyView, RegisterParams,
    Sesame, SessionStatus, TxOutcome, Unlocked, WalletView,
};
use sesame_core::calls::{erc20_transfer, SpendingLimit};
use sesame_core::felt::{parse_address, parse_felt, to_hex, U256};
use sesame_core::spec::{parse_contract, parse_entrypoint, ETH, STRK};
use sesame_core::Felt;
use sesame_vault::{AttemptStatus, Pin, Vault};
use tokio::sync::Mutex;

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
            rpc,
            auto_lock_secs: env("SESAME_AUTO_LOCK_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(300),
        }
    }
}

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
}

/// A token the UI offers.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub symbol: &'static str,
    pub address: String,
    pub decimals: u8,
}

/// The send preview: preflight and the balance change, before anything is signed.
#[derive(Debug, Clone, Serialize)]
pub struct SendPreview {
    pub ok: bool,
    pub error: Option<ErrorReply>,
    pub balance_before: String,
    pub balance_after: String,
    pub fee_payer: String,
    pub remaining_calls_after: u32,
}

struct Inner {
    network: Network,
    app: Option<Sesame>,
    unlocked: Option<Unlocked>,
    last_activity: Instant,
}

/// The desktop app's state. Managed by Tauri; every command goes through it.
pub struct Shell {
    config: ShellConfig,
    vault: std::sync::OnceLock<Arc<Vault>>,
    inner: Mutex<Inner>,
}

fn arg_err(e: impl std::fmt::Display) -> AppError {
    AppError::InvalidArgument(e.to_string())
}

fn opt_felt(text: &Option<String>) -> Result<Option<Felt>, AppError> {
    text.as_deref()
        .filter(|t| !t.is_empty())
        .map(parse_felt)
        .transpose()
        .map_err(AppError::from)
}

impl Shell {
    pub fn new(config: ShellConfig) -> Self {
        let network = Network::resolve(&config.network, config.rpc.as_deref())
            .unwrap_or_else(|_| Network::resolve("devnet", None).expect("devnet always resolves"));
        Shell {
            config,
            vault: std::sync::OnceLock::new(),
            inner: Mutex::new(Inner {
                network,
                app: None,
                unlocked: None,
                last_activity: Instant::now(),
            }),
        }
    }

    pub fn config(&self) -> &ShellConfig {
        &self.config
    }

    async fn vault(&self) -> Result<Arc<Vault>, AppError> {
        if let Some(v) = self.vault.get() {
            return Ok(v.clone());
        }
        let profile = self.config.profile.clone();
        let vault =
            Arc::new(tokio::task::spawn_blocking(move || Vault::open_keychain(&profile)).await??);
        Ok(self.vault.get_or_init(|| vault).clone())
    }

    fn activity_log(&self, network: &Network) -> ActivityLog {
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
        let mut inner = self.inner.lock().await;
        if let Some(app) = &inner.app {
            return Ok(app.clone());
        }
        let network = inner.network.clone();
        if network.is_devnet() && self.config.start_local_devnet && self.config.rpc.is_none() {
            let port =
                url_port(&network.rpc_url).unwrap_or(sesame_app::network::DEFAULT_DEVNET_PORT);
            LocalDevnet::new(&self.config.data_dir, port).up().await?;
        }
        let app = Sesame::connect(self.vault().await?, network).await?;
        inner.app = Some(app.clone());
        Ok(app)
    }

    async fn unlocked(&self) -> Result<Unlocked, AppError> {
        let mut inner = self.inner.lock().await;
        inner.last_activity = Instant::now();
        inner.unlocked.clone().ok_or(AppError::Locked)
    }

    /// Records user activity for the idle auto-lock.
    pub async fn touch(&self) {
        self.inner.lock().await.last_activity = Instant::now();
    }

    /// Locks if idle for longer than the configured time; returns whether it locked now.
    pub async fn lock_if_idle(&self) -> bool {
        let mut inner = self.inner.lock().await;
        let idle = inner.last_activity.elapsed() >= Duration::from_secs(self.config.auto_lock_secs);
        if idle && inner.unlocked.is_some() {
            inner.unlocked = None;
            return true;
        }
        false
    }

    pub async fn is_unlocked(&self) -> bool {
        self.inner.lock().await.unlocked.is_some()
    }

    pub async fn app_state(&self) -> Result<AppState, AppError> {
        let vault = self.vault().await?;
        let (chain_id, chain_error) = match self.app().await {
            Ok(app) => (Some(to_hex(&app.chain().chain_id())), None),
            Err(e) => (None, Some(e.reply())),
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
            };
            (fresh, false)
        };
        let inner = self.inner.lock().await;
        Ok(AppState {
            network: inner.network.clone(),
            chain_id,
            chain_error,
            initialized,
            unlocked: inner.unlocked.is_some(),
            attempts,
            auto_lock_secs: self.config.auto_lock_secs,
            passkey_enrolled,
        })
    }

    pub async fn set_network(&self, name: &str, rpc: Option<&str>) -> Result<AppState, AppError> {
        let network = Network::resolve(name, rpc)?;
        {
            let mut inner = self.inner.lock().await;
            inner.network = network;
            inner.app = None;
        }
        self.app_state().await
    }

    async fn set_unlocked(&self, unlocked: Unlocked) {
        let mut inner = self.inner.lock().await;
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

    pub async fn vault_lock(&self) -> Result<AppState, AppError> {
        self.inner.lock().await.unlocked = None;
        self.app_state().await
    }

    pub fn tokens(&self) -> Vec<TokenInfo> {
        vec![
            TokenInfo {
                symbol: "STRK",
                address: to_hex(&STRK),
                decimals: 18,
            },
            TokenInfo {
                symbol: "ETH",
                address: to_hex(&ETH),
                decimals: 18,
            },
        ]
    }

    fn record(
        &self,
        app: &Sesame,
        wallet: &str,
        session: Option<&str>,
        kind: &str,
        summary: String,
        tx: Option<&str>,
    ) {
        let entry = ActivityEntry {
            at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            wallet: wallet.to_string(),
            session: session.map(str::to_string),
            kind: kind.to_string(),
            summary,
            tx_hash: tx.map(str::to_string),
            explorer_url: tx.and_then(|t| app.network().explorer_tx_url(t)),
        };
        // The transaction already happened: a diary write failure must not turn it into an error.
        let _ = self.activity_log(app.network()).append(&entry);
    }

    pub async fn wallet_create(&self) -> Result<WalletView, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let w = app.wallet_create(&u).await?;
        self.record(
            &app,
            &w.address,
            None,
            "create",
            "Wallet created".into(),
            None,
        );
        Ok(w)
    }

    pub async fn wallet_import(
        &self,
        address: &str,
        private_key: String,
    ) -> Result<WalletView, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let address = parse_address(address)?;
        let key = sesame_core::keys::PrivateKey::from_hex(&private_key)
            .map_err(|_| AppError::Vault(sesame_vault::VaultError::InvalidPrivateKey))?;
        drop(private_key);
        let w = app.wallet_import_key(&u, address, key).await?;
        self.record(
            &app,
            &w.address,
            None,
            "create",
            "Wallet imported".into(),
            None,
        );
        Ok(w)
    }

    pub async fn wallets(&self) -> Result<Vec<WalletView>, AppError> {
        self.app().await?.wallets().await
    }

    pub async fn wallet_show(&self, wallet: &Option<String>) -> Result<WalletView, AppError> {
        self.app().await?.wallet_show(opt_felt(wallet)?).await
    }

    pub async fn session_create(
        &self,
        wallet: &Option<String>,
        duration_secs: Option<u64>,
    ) -> Result<SessionStatus, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let s = app
            .session_create(&u, opt_felt(wallet)?, duration_secs)
            .await?;
        self.record(
            &app,
            &s.wallet,
            Some(&s.session_public_key),
            "create",
            "Session key created".into(),
            None,
        );
        Ok(s)
    }

    pub async fn session_register(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        max_calls: u32,
        allow: &[String],
        valid_until: Option<u64>,
    ) -> Result<(TxOutcome, SessionStatus), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let allowed = allow
            .iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| parse_entrypoint(a))
            .collect::<Result<Vec<_>, _>>()?;
        let params = RegisterParams {
            max_calls,
            allowed_entrypoints: allowed,
            valid_until,
        };
        let (tx, status) = app
            .session_register(&u, opt_felt(wallet)?, opt_felt(session)?, params)
            .await?;
        let summary = format!("Session registered: {max_calls} calls");
        self.record(
            &app,
            &status.wallet,
            Some(&status.session_public_key),
            "register",
            summary,
            Some(&tx.tx_hash),
        );
        Ok((tx, status))
    }

    pub async fn session_list(
        &self,
        wallet: &Option<String>,
    ) -> Result<Vec<SessionStatus>, AppError> {
        let app = self.app().await?;
        match app.session_list(opt_felt(wallet)?).await {
            Err(AppError::NoWallet) => Ok(Vec::new()),
            other => other,
        }
    }

    pub async fn session_revoke(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
    ) -> Result<(TxOutcome, SessionStatus), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (tx, status) = app
            .session_revoke(&u, opt_felt(wallet)?, opt_felt(session)?)
            .await?;
        self.record(
            &app,
            &status.wallet,
            Some(&status.session_public_key),
            "revoke",
            "Session revoked".into(),
            Some(&tx.tx_hash),
        );
        Ok((tx, status))
    }

    pub async fn session_revoke_all(
        &self,
        wallet: &Option<String>,
    ) -> Result<(Option<TxOutcome>, Vec<SessionStatus>), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (tx, sessions) = app.session_revoke_all(&u, opt_felt(wallet)?).await?;
        if let (Some(tx), Some(first)) = (&tx, sessions.first()) {
            self.record(
                &app,
                &first.wallet,
                None,
                "revoke",
                "Every session revoked".into(),
                Some(&tx.tx_hash),
            );
        }
        Ok((tx, sessions))
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn policy_set(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
        max_per_call: &str,
        max_per_window: &str,
        window_seconds: u64,
    ) -> Result<(TxOutcome, PolicyView), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let limit = SpendingLimit {
            max_per_call: U256::parse(max_per_call)?,
            max_per_window: U256::parse(max_per_window)?,
            window_seconds,
        };
        let (tx, policy) = app
            .policy_set(
                &u,
                opt_felt(wallet)?,
                opt_felt(session)?,
                parse_contract(token)?,
                limit,
            )
            .await?;
        let wallet_hex = to_hex(&app.wallet_address(opt_felt(wallet)?).await?);
        self.record(
            &app,
            &wallet_hex,
            session.as_deref(),
            "policy",
            "Spending policy set".into(),
            Some(&tx.tx_hash),
        );
        Ok((tx, policy))
    }

    pub async fn policy_get(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
    ) -> Result<PolicyView, AppError> {
        self.app()
            .await?
            .policy_get(
                opt_felt(wallet)?,
                opt_felt(session)?,
                parse_contract(token)?,
            )
            .await
    }

    fn transfer(
        token: &str,
        recipient: &str,
        amount: &str,
    ) -> Result<(Felt, U256, sesame_core::outside::Call), AppError> {
        let token = parse_contract(token)?;
        let recipient = parse_address(recipient)?;
        let amount = U256::parse(amount)?;
        if amount == U256::ZERO {
            return Err(arg_err("the amount must be more than zero"));
        }
        Ok((token, amount, erc20_transfer(token, recipient, amount)))
    }

    pub async fn send_preview(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
        recipient: &str,
        amount: &str,
    ) -> Result<SendPreview, AppError> {
        let app = self.app().await?;
        let (token, amount, call) = Self::transfer(token, recipient, amount)?;
        let address = app.wallet_address(opt_felt(wallet)?).await?;
        let balance = app.chain().erc20_balance(token, address).await?;
        let fee_payer = if app.network().is_devnet() {
            "the local relayer (gasless)"
        } else {
            "your relayer (gasless)"
        };
        let mut preview = SendPreview {
            ok: false,
            error: None,
            balance_before: balance.to_string(),
            balance_after: balance.saturating_sub(amount).to_string(),
            fee_payer: fee_payer.into(),
            remaining_calls_after: 0,
        };
        if amount > balance {
            preview.error = Some(ErrorReply {
                code: "INSUFFICIENT_BALANCE".into(),
                message: "the wallet does not hold that much of this token".into(),
            });
            return Ok(preview);
        }
        match app
            .session_check(opt_felt(wallet)?, opt_felt(session)?, &[call])
            .await
        {
            Ok(status) => {
                preview.ok = true;
                preview.remaining_calls_after = status.remaining_calls.saturating_sub(1);
            }
            Err(e) => preview.error = Some(e.reply()),
        }
        Ok(preview)
    }

    pub async fn send(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
        recipient: &str,
        amount: &str,
    ) -> Result<ExecOutcome, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (_, amount_v, call) = Self::transfer(token, recipient, amount)?;
        let out = app
            .session_execute(
                &u,
                opt_felt(wallet)?,
                opt_felt(session)?,
                vec![call],
                ExecMode::Relayer(None),
            )
            .await?;
        let address = to_hex(&app.wallet_address(opt_felt(wallet)?).await?);
        let summary = format!(
            "Sent {} of {} to {}",
            amount_v,
            token.to_uppercase(),
            recipient
        );
        self.record(
            &app,
            &address,
            session.as_deref(),
            "send",
            summary,
            Some(&out.tx_hash),
        );
        Ok(out)
    }

    pub async fn activity(&self, wallet: &Option<String>) -> Result<Vec<ActivityEntry>, AppError> {
        let app = self.app().await?;
        let address = to_hex(&app.wallet_address(opt_felt(wallet)?).await?);
        Ok(self.activity_log(app.network()).list(&address))
    }
}

/// Opens a block-explorer transaction link in the system browser. Only the links Sesame builds
/// itself (Voyager, Mainnet or Sepolia, `/tx/0x…`) are accepted: the webview cannot use this to
/// open anything else.
pub fn open_explorer_link(url: &str) -> Result<(), AppError> {
    if !is_explorer_tx_link(url) {
        return Err(AppError::InvalidArgument(format!(
            "Sesame only opens its own explorer links, not {url}"
        )));
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut command = std::process::Command::new(opener);
    if cfg!(target_os = "windows") {
        command = std::process::Command::new("explorer");
    }
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| {
            AppError::InvalidArgument(format!(
                "cannot open a browser ({opener}: {e}); the link is {url}"
            ))
        })
}

fn is_explorer_tx_link(url: &str) -> bool {
    [
        "https://voyager.online/tx/",
        "https://sepolia.voyager.online/tx/",
    ]
    .iter()
    .any(|prefix| {
        url.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix("0x"))
            .is_some_and(|hex| {
                !hex.is_empty() && hex.len() <= 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
            })
    })
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
    fn only_sesames_own_explorer_links_may_be_opened() {
        assert!(is_explorer_tx_link("https://voyager.online/tx/0xabc123"));
        assert!(is_explorer_tx_link("https://sepolia.voyager.online/tx/0x1"));
        assert!(!is_explorer_tx_link("https://voyager.online/tx/0xabc?x=1"));
        assert!(!is_explorer_tx_link("https://evil.example/tx/0x1"));
        assert!(!is_explorer_tx_link("file:///etc/passwd"));
        assert!(!is_explorer_tx_link(
            "https://voyager.online.evil.example/tx/0x1"
        ));
        assert_eq!(
            open_explorer_link("javascript:alert(1)")
                .unwrap_err()
                .code(),
            "INVALID_ARGUMENT"
        );
    }

    #[test]
    fn the_devnet_port_is_read_from_the_rpc_url() {
        assert_eq!(url_port("http://127.0.0.1:5050/rpc"), Some(5050));
        assert_eq!(url_port("https://node.example/rpc"), None);
    }

    #[test]
    fn a_transfer_needs_a_valid_recipient_and_a_positive_amount() {
        assert!(Shell::transfer("strk", "0x123", "10").is_ok());
        assert_eq!(
            Shell::transfer("strk", "0x0", "10").unwrap_err().code(),
            "INVALID_INPUT"
        );
        assert_eq!(
            Shell::transfer("strk", "0x123", "0").unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            Shell::transfer("doge", "0x123", "1").unwrap_err().code(),
            "INVALID_INPUT"
        );
    }
}

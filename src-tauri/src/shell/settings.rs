//! What a person chooses in Settings, kept per device in `<data dir>/settings-<profile>.json`:
//! the network, who pays for session sends on each network, the auto-lock time and the address
//! book. The file is owner-only (0600, written whole and renamed into place) and versioned by
//! `schema`; it never holds a secret. A paymaster's API key lives in the vault (the OS keychain,
//! sealed under the data key) and only whether it is set ever crosses IPC.
//!
//! A custom network's chain id is recorded here the first time Sesame connects to it; a later
//! connection that answers another id is refused (`CHAIN_ID_CHANGED`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sesame_app::custody::{self, Zeroizing};
use sesame_app::{AppError, ExecMode, Network, NetworkKind, Sesame, Unlocked};
use sesame_core::felt::{parse_address, parse_felt, to_hex};
use sesame_core::Felt;

use super::Shell;

/// The version of the file's layout. A file of another version is not read (the defaults are
/// used and the file is kept until the next save).
pub const SETTINGS_SCHEMA: u32 = 1;

/// Recent recipients kept per network (saved ones are kept until removed).
pub const MAX_RECENT: usize = 10;

/// Auto-lock bounds: long enough to use the app, short enough that a walked-away-from
/// computer locks the same day.
pub const AUTO_LOCK_MIN_SECS: u64 = 30;
pub const AUTO_LOCK_MAX_SECS: u64 = 86_400;

/// Who submits (and pays for) a session's send on one network. Registering and revoking are
/// owner transactions: the wallet always pays those itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Payer {
    /// The local devnet's predeployed account (devnet only; the default there).
    LocalRelayer,
    /// One of the person's own wallets on this network relays and pays in STRK.
    Relayer { wallet: String },
    /// A SNIP-29 paymaster: sponsored when `gas_token` is null, else the wallet pays the fee in
    /// that token through the paymaster. Its API key, if any, is in the vault.
    Paymaster {
        url: String,
        #[serde(default)]
        gas_token: Option<String>,
    },
}

/// One address-book entry. Saved entries carry a label; recent ones come from confirmed sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressEntry {
    pub address: String,
    /// The network name it belongs to (addresses are per chain).
    pub network: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Saved by the person (kept until removed), rather than only a recent recipient.
    pub saved: bool,
    /// When a confirmed send last paid it (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<u64>,
}

/// The network as chosen: a name (`devnet`, `sepolia`, `mainnet` or a URL) and an RPC override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkChoice {
    pub name: String,
    #[serde(default)]
    pub rpc: Option<String>,
}

/// The settings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub schema: u32,
    #[serde(default)]
    pub network: Option<NetworkChoice>,
    /// Chain ids (hex) recorded at the first connection to each custom network, by name (URL).
    #[serde(default)]
    pub pinned_chain_ids: BTreeMap<String, String>,
    /// Who pays for session sends, by network name.
    #[serde(default)]
    pub payers: BTreeMap<String, Payer>,
    #[serde(default)]
    pub auto_lock_secs: Option<u64>,
    #[serde(default)]
    pub address_book: Vec<AddressEntry>,
    /// Keep the local chain this app started running after it quits (`None`: the config's
    /// `keep_local_chain`, false unless `SESAME_KEEP_LOCAL_CHAIN=1`).
    #[serde(default)]
    pub keep_local_chain: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            schema: SETTINGS_SCHEMA,
            network: None,
            pinned_chain_ids: BTreeMap::new(),
            payers: BTreeMap::new(),
            auto_lock_secs: None,
            address_book: Vec::new(),
            keep_local_chain: None,
        }
    }
}

/// What the Settings screen shows. No secret: the API key is only `paymaster_api_key_set`.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsView {
    pub schema: u32,
    pub network: Network,
    /// The chain id recorded for the current custom network (null for named networks, or a
    /// custom one not connected yet).
    pub pinned_chain_id: Option<String>,
    /// Who pays for session sends on the current network; null when nothing is chosen (and
    /// the network has no default).
    pub payer: Option<Payer>,
    /// The same in words, as the send preview says it.
    pub payer_description: String,
    /// Whether an API key for the current network's paymaster is in the vault.
    pub paymaster_api_key_set: bool,
    pub auto_lock_secs: u64,
    /// Whether the local chain keeps running after Sesame quits (its state is kept either way).
    pub keep_local_chain: bool,
    /// Where the settings are kept.
    pub file: String,
}

/// The settings file of `profile` in `data_dir`.
pub fn settings_path(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir.join(format!("settings-{profile}.json"))
}

/// The vault item holding the API key of `network`'s paymaster.
pub fn api_key_secret_name(network: &str) -> String {
    let slug: String = network
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    format!("paymaster-api-key:{slug}")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("settings file {}: {e}", path.display()))
}

impl Settings {
    /// Reads the file; a missing file is the defaults. A file that cannot be read, or of
    /// another schema, also gives the defaults (it is replaced at the next save): settings are
    /// conveniences, and a broken file must not keep the wallet from starting.
    pub fn load(path: &Path) -> Settings {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Settings::default();
        };
        match serde_json::from_str::<Settings>(&text) {
            Ok(s) if s.schema == SETTINGS_SCHEMA => s,
            Ok(s) => {
                eprintln!(
                    "sesame: {} has settings schema {}, this build reads {SETTINGS_SCHEMA}; using defaults",
                    path.display(),
                    s.schema
                );
                Settings::default()
            }
            Err(e) => {
                eprintln!(
                    "sesame: cannot read {}: {e}; using defaults",
                    path.display()
                );
                Settings::default()
            }
        }
    }

    /// Writes the file owner-only: a temporary file (0600) renamed over the old one, so a
    /// crash leaves either the old settings or the new ones.
    pub fn save(&self, path: &Path) -> Result<(), AppError> {
        use std::io::Write;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_err(path, e))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| io_err(path, e))? + "\n";
        let tmp = path.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.create(true).write(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(|e| io_err(&tmp, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| io_err(&tmp, e))?;
        }
        file.write_all(text.as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
    }

    /// The payer chosen for `network`, or its default (the local relayer on devnet).
    pub fn payer_for(&self, network: &Network) -> Option<Payer> {
        self.payers
            .get(&network.name)
            .cloned()
            .or_else(|| network.is_devnet().then_some(Payer::LocalRelayer))
    }

    /// The chain id recorded for a custom `network`.
    pub fn pinned_chain_id(&self, network: &Network) -> Option<Felt> {
        if network.kind != NetworkKind::Custom {
            return None;
        }
        self.pinned_chain_ids
            .get(&network.name)
            .and_then(|hex| parse_felt(hex).ok())
    }

    /// The address book of `network`: saved entries by label, then recent ones, newest first.
    pub fn addresses(&self, network: &str) -> Vec<AddressEntry> {
        let mut saved: Vec<AddressEntry> = self
            .address_book
            .iter()
            .filter(|e| e.network == network && e.saved)
            .cloned()
            .collect();
        saved.sort_by(|a, b| a.label.cmp(&b.label).then(a.address.cmp(&b.address)));
        let mut recent: Vec<AddressEntry> = self
            .address_book
            .iter()
            .filter(|e| e.network == network && !e.saved)
            .cloned()
            .collect();
        recent.sort_by(|a, b| b.last_used.cmp(&a.last_used));
        saved.extend(recent);
        saved
    }

    /// Notes a confirmed send to `address` on `network`; only the newest [`MAX_RECENT`]
    /// unsaved recipients of a network are kept.
    pub fn note_recipient(&mut self, network: &str, address: Felt) {
        let address = to_hex(&address);
        let now = unix_now();
        match self
            .address_book
            .iter_mut()
            .find(|e| e.network == network && e.address == address)
        {
            Some(e) => e.last_used = Some(now),
            None => self.address_book.push(AddressEntry {
                address,
                network: network.to_string(),
                label: None,
                saved: false,
                last_used: Some(now),
            }),
        }
        let mut recent: Vec<(Option<u64>, String)> = self
            .address_book
            .iter()
            .filter(|e| e.network == network && !e.saved)
            .map(|e| (e.last_used, e.address.clone()))
            .collect();
        recent.sort_by(|a, b| b.0.cmp(&a.0));
        let drop: Vec<String> = recent.into_iter().skip(MAX_RECENT).map(|r| r.1).collect();
        self.address_book
            .retain(|e| !(e.network == network && !e.saved && drop.contains(&e.address)));
    }

    /// Saves `address` with `label` on `network` (a recent entry becomes a saved one).
    pub fn save_address(
        &mut self,
        network: &str,
        address: &str,
        label: &str,
    ) -> Result<(), AppError> {
        let address = to_hex(&parse_address(address.trim())?);
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 64 || label.chars().any(char::is_control) {
            return Err(AppError::InvalidArgument(
                "give the address a label of 1 to 64 characters".into(),
            ));
        }
        match self
            .address_book
            .iter_mut()
            .find(|e| e.network == network && e.address == address)
        {
            Some(e) => {
                e.label = Some(label.to_string());
                e.saved = true;
            }
            None => self.address_book.push(AddressEntry {
                address,
                network: network.to_string(),
                label: Some(label.to_string()),
                saved: true,
                last_used: None,
            }),
        }
        Ok(())
    }

    /// Removes `address` from `network`'s book (saved or recent).
    pub fn remove_address(&mut self, network: &str, address: &str) -> Result<(), AppError> {
        let address = to_hex(&parse_address(address.trim())?);
        self.address_book
            .retain(|e| !(e.network == network && e.address == address));
        Ok(())
    }
}

/// Checks a payer for `network` before it is saved: the local relayer only on devnet, a
/// relayer address that parses, a paymaster URL that is https (or http on this machine) and a
/// gas token that is an address.
pub fn check_payer(payer: &Payer, network: &Network) -> Result<Payer, AppError> {
    Ok(match payer {
        Payer::LocalRelayer if network.is_devnet() => Payer::LocalRelayer,
        Payer::LocalRelayer => {
            return Err(AppError::InvalidArgument(
                "the local relayer exists only on the local devnet: choose a paymaster or one of \
                 your wallets on this network"
                    .into(),
            ))
        }
        Payer::Relayer { wallet } => Payer::Relayer {
            wallet: to_hex(&parse_address(wallet.trim())?),
        },
        Payer::Paymaster { url, gas_token } => {
            let url = url.trim().to_string();
            sesame_app::network::check_transport(&url)?;
            let gas_token = match gas_token.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => Some(to_hex(&sesame_core::spec::parse_contract(t)?)),
            };
            Payer::Paymaster { url, gas_token }
        }
    })
}

/// The host of a URL, for people to read ("paymaster.example").
fn host(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn token_name(token: &str) -> String {
    let t = parse_felt(token).ok();
    if t == Some(sesame_core::spec::STRK) {
        "STRK".into()
    } else if t == Some(sesame_core::spec::ETH) {
        "ETH".into()
    } else {
        format!("token {token}")
    }
}

/// Who pays, in words (the send preview's "Fee" line and the Settings summary).
pub fn describe_payer(payer: Option<&Payer>) -> String {
    match payer {
        None => "nobody yet: choose who pays for sends in Settings".into(),
        Some(Payer::LocalRelayer) => "the local relayer (gasless)".into(),
        Some(Payer::Relayer { wallet }) => {
            format!("your wallet {wallet} as relayer, in STRK (gasless for the session)")
        }
        Some(Payer::Paymaster {
            url,
            gas_token: None,
        }) => format!("the paymaster at {} (sponsored, gasless)", host(url)),
        Some(Payer::Paymaster {
            url,
            gas_token: Some(token),
        }) => format!(
            "this wallet, in {} through the paymaster at {} (the fee is quoted and checked when you send)",
            token_name(token),
            host(url)
        ),
    }
}

impl Shell {
    /// The Settings screen's state for the current network.
    pub async fn settings_get(&self) -> Result<SettingsView, AppError> {
        let network = self.network();
        let settings = self.settings();
        let payer = settings.payer_for(&network);
        let key_set =
            custody::has_named_secret(&self.vault().await?, api_key_secret_name(&network.name))
                .await?;
        Ok(SettingsView {
            schema: settings.schema,
            pinned_chain_id: settings.pinned_chain_id(&network).map(|f| to_hex(&f)),
            payer_description: describe_payer(payer.as_ref()),
            payer,
            paymaster_api_key_set: key_set,
            auto_lock_secs: self.auto_lock_secs(),
            keep_local_chain: self.keep_local_chain(),
            file: self.settings_file().display().to_string(),
            network,
        })
    }

    /// Chooses who pays for session sends on the current network (`None`: back to the
    /// network's default). A relayer must be one of this device's deployed wallets on this
    /// network. `api_key` (non-empty) is stored in the vault, which must be unlocked;
    /// `clear_api_key` forgets it. Choosing another paymaster URL forgets the old key unless a
    /// new one is given, so a key is never sent to a server it was not issued for.
    pub async fn settings_set_payer(
        &self,
        payer: Option<Payer>,
        api_key: Option<Zeroizing<String>>,
        clear_api_key: bool,
    ) -> Result<SettingsView, AppError> {
        let network = self.network();
        let payer = payer.map(|p| check_payer(&p, &network)).transpose()?;
        if let Some(Payer::Relayer { wallet }) = &payer {
            let app = self.app().await?;
            let address = app.wallet_address(Some(parse_address(wallet)?)).await?;
            if app.chain().class_hash_at(address).await?.is_none() {
                return Err(AppError::WalletNotDeployed(wallet.clone()));
            }
        }
        let key = api_key.filter(|k| !k.trim().is_empty());
        let secret = api_key_secret_name(&network.name);
        let old_url = match self.settings().payers.get(&network.name) {
            Some(Payer::Paymaster { url, .. }) => Some(url.clone()),
            _ => None,
        };
        let new_url = match &payer {
            Some(Payer::Paymaster { url, .. }) => Some(url.clone()),
            _ => None,
        };
        if let Some(key) = key {
            if new_url.is_none() {
                return Err(AppError::InvalidArgument(
                    "an API key goes with a paymaster: choose the paymaster first".into(),
                ));
            }
            let unlocked = self.unlocked().await?;
            custody::set_named_secret(&unlocked, secret, Zeroizing::new(key.trim().to_string()))
                .await?;
        } else if clear_api_key || (old_url.is_some() && old_url != new_url) {
            custody::delete_named_secret(&self.vault().await?, secret).await?;
        }
        self.update_settings(|s| match payer {
            Some(p) => {
                s.payers.insert(network.name.clone(), p);
            }
            None => {
                s.payers.remove(&network.name);
            }
        })?;
        self.settings_get().await
    }

    /// Sets the idle time before auto-lock, applied at once and kept.
    pub async fn settings_set_auto_lock(&self, secs: u64) -> Result<SettingsView, AppError> {
        if !(AUTO_LOCK_MIN_SECS..=AUTO_LOCK_MAX_SECS).contains(&secs) {
            return Err(AppError::InvalidArgument(format!(
                "auto-lock must be between {AUTO_LOCK_MIN_SECS} seconds and 24 hours"
            )));
        }
        self.update_settings(|s| s.auto_lock_secs = Some(secs))?;
        self.set_auto_lock_secs(secs);
        self.touch().await;
        self.settings_get().await
    }

    /// Whether the local chain this app started keeps running after it quits: the person's
    /// choice in Settings, else the config's.
    pub fn keep_local_chain(&self) -> bool {
        self.settings()
            .keep_local_chain
            .unwrap_or(self.config().keep_local_chain)
    }

    /// Keeps (or stops, the default) the local chain when Sesame quits; applies to this run.
    pub async fn settings_set_keep_local_chain(
        &self,
        keep: bool,
    ) -> Result<SettingsView, AppError> {
        self.update_settings(|s| s.keep_local_chain = Some(keep))?;
        self.settings_get().await
    }

    /// The current network's address book: saved entries, then recent recipients.
    pub async fn address_book(&self) -> Result<Vec<AddressEntry>, AppError> {
        Ok(self.settings().addresses(&self.network().name))
    }

    pub async fn address_save(
        &self,
        address: &str,
        label: &str,
    ) -> Result<Vec<AddressEntry>, AppError> {
        let network = self.network().name;
        self.update_settings(|s| s.save_address(&network, address, label))??;
        self.address_book().await
    }

    pub async fn address_remove(&self, address: &str) -> Result<Vec<AddressEntry>, AppError> {
        let network = self.network().name;
        self.update_settings(|s| s.remove_address(&network, address))??;
        self.address_book().await
    }

    /// Notes a confirmed send's recipient (a failure to write is not the send's failure).
    pub(super) fn note_recipient(&self, network: &Network, recipient: Felt) {
        let _ = self.update_settings(|s| s.note_recipient(&network.name, recipient));
    }

    /// Who pays on `network`, in words.
    pub(super) fn payer_description(&self, network: &Network) -> String {
        describe_payer(self.settings().payer_for(network).as_ref())
    }

    /// How a session send goes out on `app`'s network, from the payer chosen in Settings.
    pub(super) async fn exec_mode(
        &self,
        app: &Sesame,
        unlocked: &Unlocked,
    ) -> Result<ExecMode, AppError> {
        let network = app.network();
        match self.settings().payer_for(network) {
            None => Err(AppError::InvalidArgument(
                "choose who pays for session sends on this network in Settings: a SNIP-29 \
                 paymaster, or one of your funded wallets as relayer"
                    .into(),
            )),
            Some(Payer::LocalRelayer) => Ok(ExecMode::Relayer(None)),
            Some(Payer::Relayer { wallet }) => Ok(ExecMode::Relayer(Some(parse_address(&wallet)?))),
            Some(Payer::Paymaster { url, gas_token }) => {
                let key =
                    custody::named_secret(unlocked, api_key_secret_name(&network.name)).await?;
                Ok(ExecMode::Paymaster {
                    url,
                    api_key: key.map(|k| k.to_string()),
                    gas_token: gas_token.as_deref().map(parse_felt).transpose()?,
                })
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn custom() -> Network {
        Network::resolve("http://127.0.0.1:6060/rpc", None).unwrap()
    }

    #[test]
    fn settings_round_trip_owner_only_and_a_file_of_another_schema_gives_the_defaults() {
        let dir = std::env::temp_dir().join(format!("sesame-settings-{}", std::process::id()));
        let path = settings_path(&dir, "unit");
        assert_eq!(Settings::load(&path), Settings::default());
        let mut s = Settings::default();
        s.auto_lock_secs = Some(120);
        s.payers.insert(
            "sepolia".into(),
            Payer::Paymaster {
                url: "https://pm.example".into(),
                gas_token: None,
            },
        );
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path), s);
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"schema\": 1"), "{text}");
        std::fs::write(&path, text.replace("\"schema\": 1", "\"schema\": 2")).unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn devnet_defaults_to_the_local_relayer_and_other_networks_to_nobody() {
        let s = Settings::default();
        let devnet = Network::resolve("devnet", None).unwrap();
        assert_eq!(s.payer_for(&devnet), Some(Payer::LocalRelayer));
        assert_eq!(s.payer_for(&custom()), None);
        assert!(describe_payer(None).contains("Settings"));
    }

    #[test]
    fn a_payer_is_checked_before_it_is_saved() {
        let pm = |url: &str| Payer::Paymaster {
            url: url.into(),
            gas_token: Some("strk".into()),
        };
        let ok = check_payer(&pm("https://pm.example/v1"), &custom()).unwrap();
        assert_eq!(
            ok,
            Payer::Paymaster {
                url: "https://pm.example/v1".into(),
                gas_token: Some(to_hex(&sesame_core::spec::STRK)),
            }
        );
        assert!(describe_payer(Some(&ok)).contains("in STRK through the paymaster at pm.example"));
        let err = check_payer(&pm("http://pm.example/v1"), &custom()).unwrap_err();
        assert!(err.to_string().contains("use https://"), "{err}");
        assert_eq!(
            check_payer(&Payer::LocalRelayer, &custom())
                .unwrap_err()
                .code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            check_payer(
                &Payer::Relayer {
                    wallet: "0x0".into()
                },
                &custom()
            )
            .unwrap_err()
            .code(),
            "INVALID_INPUT"
        );
    }

    #[test]
    fn the_address_book_keeps_saved_entries_and_the_newest_recent_ones_per_network() {
        let mut s = Settings::default();
        for i in 1..=(MAX_RECENT as u64 + 3) {
            s.note_recipient("devnet", Felt::from(0x100 + i));
            // Distinct times, oldest first.
            s.address_book.last_mut().unwrap().last_used = Some(i);
        }
        s.note_recipient("sepolia", Felt::from(0x999u64));
        // The oldest recent ones are gone; a recent one saved with a label moves to the top.
        assert!(s.addresses("devnet").iter().all(|e| e.address != "0x101"));
        s.save_address("devnet", "0x10d", "Alice").unwrap();
        let book = s.addresses("devnet");
        assert_eq!(book[0].label.as_deref(), Some("Alice"));
        assert!(book[0].saved);
        assert_eq!(book.iter().filter(|e| !e.saved).count(), MAX_RECENT - 1);
        assert!(book.iter().all(|e| e.network == "devnet"));
        assert_eq!(s.addresses("sepolia").len(), 1);
        assert_eq!(
            s.save_address("devnet", "0x101", "  ").unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            s.save_address("devnet", "nope", "Bob").unwrap_err().code(),
            "INVALID_INPUT"
        );
        s.remove_address("devnet", "0x10d").unwrap();
        assert!(s.addresses("devnet").iter().all(|e| e.address != "0x10d"));
    }

    #[test]
    fn api_key_items_are_named_per_network_with_vault_safe_characters() {
        assert_eq!(api_key_secret_name("sepolia"), "paymaster-api-key:sepolia");
        let name = api_key_secret_name("https://rpc.example:443/v0_10?x=1");
        assert!(name.starts_with("paymaster-api-key:https___rpc.example_443"));
        assert!(name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)));
    }
}

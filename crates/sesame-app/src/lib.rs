//! Sesame's use cases: the one API both shells (the `sesame` CLI and the desktop app) call.
//!
//! A [`Sesame`] is a vault (secrets, in the OS keychain) plus a checked connection to one
//! network. Reads need no unlock; anything that signs takes an [`Unlocked`] vault, which the
//! shell obtains once with a PIN or passkey and drops to lock again. Keychain and argon2id work
//! blocks, so every vault call runs on `spawn_blocking`. No method returns secret material.

mod account_class;
pub mod activity;
pub mod custody;
pub mod deploy;
mod error;
pub mod local_devnet;
pub mod network;
mod sessions;
mod views;
mod wallets;

use std::sync::Arc;

use sesame_chain::Chain;
pub use sesame_chain::Timeouts;
use sesame_vault::{Pin, UnlockedVault, Vault};

pub use account_class::{session_account_class_hash, session_account_v1_class_hash, AccountClass};

pub use deploy::DeployFunding;
pub use error::{AppError, ErrorReply};
pub use network::{Network, NetworkKind};
pub use sesame_chain::TxOutcome;
pub use sessions::{ExecMode, LimitSpec, RegisterParams, Scope};
pub use views::{
    EntrypointView, ExecOutcome, PolicyView, RecipientRuleView, RotateOutcome, ScopeEntryView,
    SessionStatus, SignedOutside, WalletView,
};

/// Sesame's session-account class, the one new wallets get: compiled from
/// `contracts/session_account_v2.cairo`.
pub const SESSION_ACCOUNT_SIERRA: &str =
    include_str!("../../../contracts/session_account_v2.sierra.json");

/// Sesame's v1 session-account class (`contracts/session_account.cairo`), recognised in
/// wallets made before v2.
pub const SESSION_ACCOUNT_V1_SIERRA: &str =
    include_str!("../../../contracts/session_account.sierra.json");

/// An unlocked vault. Dropping the last clone locks it again (the data key is zeroized).
#[derive(Clone)]
pub struct Unlocked(Arc<UnlockedVault>);

impl std::fmt::Debug for Unlocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Unlocked(<redacted>)")
    }
}

/// The application: a vault and a network.
#[derive(Clone)]
pub struct Sesame {
    vault: Arc<Vault>,
    network: Network,
    chain: Chain,
    /// What the send path learns once and reuses (see `sessions::execution`).
    relay_cache: Arc<std::sync::Mutex<sessions::RelayCache>>,
    /// What this connection has learnt about account classes (see `account_class`).
    known_classes: Arc<std::sync::Mutex<account_class::KnownClasses>>,
}

impl std::fmt::Debug for Sesame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sesame")
            .field("network", &self.network)
            .finish_non_exhaustive()
    }
}

/// Runs blocking vault work off the async runtime.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await?
}

impl Sesame {
    /// Connects to `network` (checking its JSON-RPC version) with `vault` as the key store.
    pub async fn connect(vault: Arc<Vault>, network: Network) -> Result<Sesame, AppError> {
        Self::connect_with(vault, network, Timeouts::default()).await
    }

    /// Connects like [`Sesame::connect`], waiting at most `timeouts` for every node request.
    pub async fn connect_with(
        vault: Arc<Vault>,
        network: Network,
        timeouts: Timeouts,
    ) -> Result<Sesame, AppError> {
        let chain = Chain::connect_with(&network.rpc_url, timeouts).await?;
        if let Some(expected) = network.expected_chain_id() {
            if chain.chain_id() != expected {
                let name = |f: sesame_core::Felt| {
                    sesame_core::felt::decode_short_string(&f)
                        .unwrap_or_else(|| sesame_core::felt::to_hex(&f))
                };
                return Err(AppError::ChainIdMismatch {
                    network: network.name.clone(),
                    expected: name(expected),
                    found: name(chain.chain_id()),
                });
            }
        }
        Ok(Sesame {
            vault,
            network,
            chain,
            relay_cache: Default::default(),
            known_classes: Default::default(),
        })
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    pub fn vault(&self) -> &Arc<Vault> {
        &self.vault
    }

    /// Whether a vault (PIN) has been set up on this device.
    pub async fn is_initialized(&self) -> Result<bool, AppError> {
        custody::is_initialized(&self.vault).await
    }

    /// Sets up the vault with a PIN and returns it unlocked.
    pub async fn create_vault(&self, pin: Pin) -> Result<Unlocked, AppError> {
        custody::create(&self.vault, pin).await
    }

    /// Unlocks with the PIN (subject to the attempt limits).
    pub async fn unlock(&self, pin: Pin) -> Result<Unlocked, AppError> {
        custody::unlock(&self.vault, pin).await
    }
}

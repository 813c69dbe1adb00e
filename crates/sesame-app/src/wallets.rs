//! Wallets: an owner key in the vault and an account address on one network.

use std::sync::Arc;

use sesame_chain::class::{counterfactual_address, deploy_account};
use sesame_chain::devnet::DevnetClient;
use sesame_core::calls;
use sesame_core::felt::to_hex;
use sesame_core::keys::{sign_rotation_proof, PrivateKey};
use sesame_core::spec::{ETH, STRK};
use sesame_core::Felt;
use sesame_vault::{OwnerKeyMeta, Pin};

use crate::account_class::session_account_class_hash;
use crate::{blocking, AccountClass, AppError, RotateOutcome, Sesame, Unlocked, WalletView};

/// STRK minted to a new wallet on the local devnet, in fri (100 STRK).
const DEVNET_FUNDING: u128 = 100_000_000_000_000_000_000;

impl Sesame {
    /// Wallets of this network on this device, newest last.
    pub(crate) async fn owner_metas(&self) -> Result<Vec<OwnerKeyMeta>, AppError> {
        let vault = self.vault.clone();
        let network = self.network.name.clone();
        let mut metas = blocking(move || Ok(vault.list_owner_keys()?)).await?;
        metas.retain(|m| m.network == network);
        metas.sort_by_key(|m| m.created_at);
        Ok(metas)
    }

    /// Picks `wallet`, or the newest wallet of this network when `None`.
    pub(crate) async fn pick_wallet(&self, wallet: Option<Felt>) -> Result<OwnerKeyMeta, AppError> {
        let metas = self.owner_metas().await?;
        match wallet {
            Some(address) => metas
                .into_iter()
                .find(|m| m.wallet_address == address)
                .ok_or_else(|| AppError::WalletNotFound(to_hex(&address))),
            None => metas.into_iter().last().ok_or(AppError::NoWallet),
        }
    }

    /// The owner key of `wallet`. When a key rotation was interrupted after it reached the
    /// chain, the staged key is the one the account answers to: it is committed here first.
    pub(crate) async fn owner_key(
        &self,
        unlocked: &Unlocked,
        wallet: Felt,
    ) -> Result<Arc<PrivateKey>, AppError> {
        let u = unlocked.0.clone();
        let network = self.network.name.clone();
        let staged = blocking(move || Ok(u.staged_owner_key(&network, &wallet)?)).await?;
        if let Some(staged) = staged {
            if self.on_chain_public_key(wallet).await? == Some(staged.public_key()) {
                self.commit_staged(unlocked, wallet).await?;
                return Ok(Arc::new(staged));
            }
        }
        let u = unlocked.0.clone();
        let network = self.network.name.clone();
        blocking(move || Ok(Arc::new(u.owner_key_on(&network, &wallet)?))).await
    }

    async fn on_chain_public_key(&self, wallet: Felt) -> Result<Option<Felt>, AppError> {
        if self.chain.class_hash_at(wallet).await?.is_none() {
            return Ok(None);
        }
        let key = self.chain.call(wallet, "get_public_key", vec![]).await?;
        Ok(key.first().copied())
    }

    async fn commit_staged(&self, unlocked: &Unlocked, wallet: Felt) -> Result<(), AppError> {
        let u = unlocked.0.clone();
        let network = self.network.name.clone();
        blocking(move || Ok(u.commit_staged_owner_key(&network, &wallet).map(|_| ())?)).await
    }

    /// Replaces the owner key of a v2 wallet. The new key is stored on this device before
    /// anything is sent; it proves itself to the account (`set_public_key` with a signature by
    /// the new key), and the change is confirmed on-chain before the old key is dropped. The
    /// account ends every session at a rotation: a thief's session dies with the old key.
    pub async fn wallet_rotate_key(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
    ) -> Result<RotateOutcome, AppError> {
        let meta = self.pick_wallet(wallet).await?;
        let address = meta.wallet_address;
        if self.account_class(address).await? != AccountClass::SesameV2 {
            return Err(AppError::UnsupportedByWallet(
                "this wallet's contract cannot check a new owner key or end its sessions at a \
                 rotation; key rotation needs a Sesame v2 wallet"
                    .into(),
            ));
        }
        // Signs with the current key, committing an interrupted rotation first.
        let owner = self.owner_account(unlocked, address).await?;
        let current = self
            .on_chain_public_key(address)
            .await?
            .ok_or_else(|| AppError::WalletNotDeployed(to_hex(&address)))?;
        let live_before = self
            .session_list(Some(address))
            .await?
            .iter()
            .filter(|s| s.state == sesame_core::session::SessionState::Active)
            .count();
        let new_key = PrivateKey::generate_os();
        let new_public = new_key.public_key();
        let proof = sign_rotation_proof(&new_key, address, current)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let u = unlocked.0.clone();
        let network = self.network.name.clone();
        blocking(move || Ok(u.stage_owner_key(&network, &address, &new_key)?)).await?;
        let tx = owner
            .invoke(&[calls::set_public_key(address, new_public, &proof)])
            .await?;
        if self.on_chain_public_key(address).await? != Some(new_public) {
            return Err(AppError::NotExecuted {
                tx_hash: tx.tx_hash,
                detail: "the account does not answer to the new key; the old one still \
                         works and the new one stays staged on this device"
                    .into(),
            });
        }
        self.commit_staged(unlocked, address).await?;
        Ok(RotateOutcome {
            explorer_url: self.network.explorer_tx_url(&tx.tx_hash),
            tx,
            wallet: self.wallet_show(Some(address)).await?,
            sessions_ended: live_before as u32,
        })
    }

    /// Creates a wallet: a new owner key, stored before anything is sent. On the local devnet
    /// it is funded and deployed at once; elsewhere the view says how to fund it.
    pub async fn wallet_create(&self, unlocked: &Unlocked) -> Result<WalletView, AppError> {
        let key = PrivateKey::generate_os();
        let class_hash = session_account_class_hash()?;
        let public_key = key.public_key();
        let address = counterfactual_address(class_hash, public_key, public_key);
        let u = unlocked.0.clone();
        let network = self.network.name.clone();
        let key = Arc::new(key);
        let stored = key.clone();
        blocking(move || Ok(u.store_owner_key(address, &network, &stored)?)).await?;
        if self.network.is_devnet() {
            DevnetClient::new(&self.network.rpc_url)
                .mint_strk(address, DEVNET_FUNDING)
                .await?;
            deploy_account(&self.chain, class_hash, key, public_key).await?;
        }
        self.wallet_show(Some(address)).await
    }

    /// Deploys a funded wallet whose account is not on-chain yet.
    pub async fn wallet_deploy(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
    ) -> Result<WalletView, AppError> {
        let meta = self.pick_wallet(wallet).await?;
        if self
            .chain
            .class_hash_at(meta.wallet_address)
            .await?
            .is_none()
        {
            let key = self.owner_key(unlocked, meta.wallet_address).await?;
            let class_hash = session_account_class_hash()?;
            deploy_account(&self.chain, class_hash, key, meta.public_key).await?;
        }
        self.wallet_show(Some(meta.wallet_address)).await
    }

    /// Imports an existing account with its owner key. Refuses accounts without session support.
    pub async fn wallet_import_key(
        &self,
        unlocked: &Unlocked,
        address: Felt,
        key: PrivateKey,
    ) -> Result<WalletView, AppError> {
        self.require_session_support(address).await?;
        let on_chain = self.chain.call(address, "get_public_key", vec![]).await?;
        if on_chain.first() != Some(&key.public_key()) {
            return Err(AppError::Vault(sesame_vault::VaultError::OwnerKeyMismatch));
        }
        let u = unlocked.0.clone();
        let network = self.network.name.clone();
        blocking(move || Ok(u.store_owner_key(address, &network, &key)?)).await?;
        self.wallet_show(Some(address)).await
    }

    /// Imports a Chipi `WalletData` JSON encrypted under `encrypt_key`. The decrypted key must
    /// match both the JSON's `publicKey` and the account's on-chain owner key.
    pub async fn wallet_import_chipi(
        &self,
        unlocked: &Unlocked,
        address: Felt,
        wallet_json: String,
        encrypt_key: Pin,
    ) -> Result<WalletView, AppError> {
        let key = blocking(move || {
            let data = sesame_vault::ChipiWalletData::from_json(&wallet_json)
                .map_err(sesame_vault::VaultError::from)?;
            Ok(data
                .decrypt(&encrypt_key)
                .map_err(sesame_vault::VaultError::from)?)
        })
        .await?;
        self.wallet_import_key(unlocked, address, key).await
    }

    /// `supportsSession`: the account answers `get_session_data`.
    pub async fn supports_sessions(&self, address: Felt) -> Result<bool, AppError> {
        if self.chain.class_hash_at(address).await?.is_none() {
            return Ok(false);
        }
        self.answers_session_data(address).await
    }

    /// Whether a deployed account answers `get_session_data` (a view call).
    async fn answers_session_data(&self, address: Felt) -> Result<bool, AppError> {
        match self
            .chain
            .call(address, "get_session_data", vec![Felt::ZERO])
            .await
        {
            Ok(_) => Ok(true),
            Err(sesame_chain::ChainError::Rejected { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn require_session_support(&self, address: Felt) -> Result<(), AppError> {
        if self.supports_sessions(address).await? {
            Ok(())
        } else {
            Err(AppError::InvalidWalletTypeForSession {
                address: to_hex(&address),
            })
        }
    }

    /// The address of `wallet`, or of the newest wallet of this network when `None`, from the
    /// vault's index alone (no chain reads).
    pub async fn wallet_address(&self, wallet: Option<Felt>) -> Result<Felt, AppError> {
        Ok(self.pick_wallet(wallet).await?.wallet_address)
    }

    /// One wallet with its chain state and balances (the newest when `None`).
    pub async fn wallet_show(&self, wallet: Option<Felt>) -> Result<WalletView, AppError> {
        let meta = self.pick_wallet(wallet).await?;
        let address = meta.wallet_address;
        let deployed = self.chain.class_hash_at(address).await?.is_some();
        let supports_sessions = deployed && self.answers_session_data(address).await?;
        let account_class = if deployed {
            self.account_class(address).await?
        } else {
            // Not on-chain yet: it will be the class Sesame deploys.
            crate::AccountClass::SesameV2
        };
        let strk = self.chain.erc20_balance(STRK, address).await?;
        let eth = self
            .chain
            .erc20_balance(ETH, address)
            .await
            .unwrap_or_default();
        let next_step = (!deployed).then(|| self.deploy_step(&address));
        Ok(WalletView {
            address: to_hex(&address),
            public_key: to_hex(&meta.public_key),
            network: meta.network,
            deployed,
            supports_sessions,
            account_class,
            scoped_sessions: account_class.scoped_sessions(),
            session_limits: account_class.session_limits().to_string(),
            strk_balance: strk.to_string(),
            eth_balance: eth.to_string(),
            next_step,
        })
    }

    /// What to do with a wallet that is not deployed: fund it, then deploy it from the app or
    /// with a CLI command that names this vault's profile and network, so it finds the wallet
    /// (the app's vault is the `desktop` profile, the CLI's default is `default`).
    fn deploy_step(&self, address: &Felt) -> String {
        let rpc_hint = match self.network.kind {
            crate::NetworkKind::Sepolia => " (give the node with --rpc or SESAME_SEPOLIA_RPC)",
            crate::NetworkKind::Mainnet => " (give the node with --rpc or SESAME_MAINNET_RPC)",
            _ => "",
        };
        format!(
            "send STRK to {address} for the deployment fee, then deploy it: in the app, or run \
             `sesame --profile {profile} --network {network} --wallet {address} wallet deploy`\
             {rpc_hint}",
            address = to_hex(address),
            profile = self.vault.profile(),
            network = self.network.name,
        )
    }

    /// Every wallet of this network on this device.
    pub async fn wallets(&self) -> Result<Vec<WalletView>, AppError> {
        let mut out = Vec::new();
        for meta in self.owner_metas().await? {
            out.push(self.wallet_show(Some(meta.wallet_address)).await?);
        }
        Ok(out)
    }
}

//! A session's lifecycle: create (the key is stored before anything is sent), register with
//! the owner key, status and list (read from the chain), revoke one or all, clear locally.

use sesame_chain::TxOutcome;
use sesame_core::felt::to_hex;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::Call;
use sesame_core::session::{
    check_duration, check_max_calls, SessionState, DEFAULT_DURATION_SECS, DEFAULT_MAX_CALLS,
};
use sesame_core::Felt;

use super::EXPIRY_MARGIN_SECS;
use crate::views::SessionStatus;
use crate::{blocking, AppError, Sesame, Unlocked};

/// How to register a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterParams {
    pub max_calls: u32,
    /// Selectors; empty allows every non-admin entrypoint.
    pub allowed_entrypoints: Vec<Felt>,
    /// Defaults to the expiry chosen at creation.
    pub valid_until: Option<u64>,
}

impl Default for RegisterParams {
    fn default() -> Self {
        RegisterParams {
            max_calls: DEFAULT_MAX_CALLS,
            allowed_entrypoints: Vec::new(),
            valid_until: None,
        }
    }
}

impl Sesame {
    async fn set_state(&self, session: Felt, state: &'static str) -> Result<(), AppError> {
        let vault = self.vault.clone();
        blocking(move || Ok(vault.set_session_state(&session, state).map(|_| ())?)).await
    }

    /// Creates a session key for `wallet` and stores it at once, before anything is sent, so
    /// a crash never loses a key that might end up on-chain.
    pub async fn session_create(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        duration_secs: Option<u64>,
    ) -> Result<SessionStatus, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let duration = check_duration(duration_secs.unwrap_or(DEFAULT_DURATION_SECS))
            .map_err(AppError::InvalidArgument)?;
        let valid_until = self
            .chain
            .block_timestamp()
            .await?
            .checked_add(duration)
            .ok_or_else(|| AppError::InvalidArgument("the expiry overflows".into()))?;
        let key = PrivateKey::generate_os();
        let u = unlocked.0.clone();
        let address = wallet.wallet_address;
        let meta =
            blocking(move || Ok(u.store_session_key(address, valid_until, "created", &key)?))
                .await?;
        self.session_status(Some(address), Some(meta.session_public_key))
            .await
    }

    /// Registers the session on-chain with the owner key (the one owner signature a session
    /// needs). Refuses wallets without session support.
    pub async fn session_register(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        params: RegisterParams,
    ) -> Result<(TxOutcome, SessionStatus), AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        self.require_session_support(wallet.wallet_address).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let valid_until = params.valid_until.unwrap_or(meta.valid_until);
        let now = self.chain.block_timestamp().await?;
        if valid_until <= now + EXPIRY_MARGIN_SECS {
            return Err(AppError::InvalidArgument(format!(
                "valid_until {valid_until} is not in the future (chain time is {now}); create a new session"
            )));
        }
        check_max_calls(params.max_calls).map_err(AppError::InvalidArgument)?;
        check_duration(valid_until - now).map_err(AppError::InvalidArgument)?;
        let owner = self.owner_account(unlocked, wallet.wallet_address).await?;
        let tx = owner
            .register_session(
                meta.session_public_key,
                valid_until,
                params.max_calls,
                &params.allowed_entrypoints,
            )
            .await?;
        self.set_state(meta.session_public_key, "registered")
            .await?;
        let status = self
            .session_status(Some(wallet.wallet_address), Some(meta.session_public_key))
            .await?;
        Ok((tx, status))
    }

    /// The status of one session (the newest when `None`), read from the chain.
    pub async fn session_status(
        &self,
        wallet: Option<Felt>,
        session: Option<Felt>,
    ) -> Result<SessionStatus, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let (now, chain) = self
            .chain
            .session_data_many(&[(wallet.wallet_address, meta.session_public_key)])
            .await?;
        let data = chain
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("empty batch".into()))?;
        self.reconcile(&meta, &data).await?;
        Ok(self.status_of(&meta, &data, now))
    }

    /// Brings the device's record in line with the chain: a session the chain knows was
    /// registered, even if the app died between sending the registration and its receipt.
    /// Without this, a later revocation by another device would read as "created".
    async fn reconcile(
        &self,
        meta: &sesame_vault::SessionMeta,
        chain: &sesame_core::session::OnChainSession,
    ) -> Result<(), AppError> {
        if meta.state == "created" && chain.is_registered() {
            self.set_state(meta.session_public_key, "registered")
                .await?;
        }
        Ok(())
    }

    /// Every session of `wallet`, newest last, read in one batched JSON-RPC request.
    pub async fn session_list(&self, wallet: Option<Felt>) -> Result<Vec<SessionStatus>, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let metas = self.session_metas(wallet.wallet_address).await?;
        if metas.is_empty() {
            return Ok(Vec::new());
        }
        let pairs: Vec<_> = metas
            .iter()
            .map(|m| (wallet.wallet_address, m.session_public_key))
            .collect();
        let (now, chain) = self.chain.session_data_many(&pairs).await?;
        for (m, c) in metas.iter().zip(chain.iter()) {
            self.reconcile(m, c).await?;
        }
        Ok(metas
            .iter()
            .zip(chain.iter())
            .map(|(m, c)| self.status_of(m, c, now))
            .collect())
    }

    /// Revokes a session on-chain with the owner key.
    pub async fn session_revoke(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
    ) -> Result<(TxOutcome, SessionStatus), AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let owner = self.owner_account(unlocked, wallet.wallet_address).await?;
        let tx = owner.revoke_session(meta.session_public_key).await?;
        self.set_state(meta.session_public_key, "revoked").await?;
        Ok((
            tx,
            self.session_status(Some(wallet.wallet_address), Some(meta.session_public_key))
                .await?,
        ))
    }

    /// The kill switch: revokes every session of `wallet` that the chain still knows, in one
    /// owner transaction.
    pub async fn session_revoke_all(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
    ) -> Result<(Option<TxOutcome>, Vec<SessionStatus>), AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let metas = self.session_metas(wallet.wallet_address).await?;
        let pairs: Vec<_> = metas
            .iter()
            .map(|m| (wallet.wallet_address, m.session_public_key))
            .collect();
        let (_, chain) = self.chain.session_data_many(&pairs).await?;
        let live: Vec<Felt> = metas
            .iter()
            .zip(chain.iter())
            .filter(|(_, c)| c.is_registered())
            .map(|(m, _)| m.session_public_key)
            .collect();
        let tx = if live.is_empty() {
            None
        } else {
            let owner = self.owner_account(unlocked, wallet.wallet_address).await?;
            let calls: Vec<Call> = live
                .iter()
                .map(|k| sesame_core::calls::revoke_session(wallet.wallet_address, *k))
                .collect();
            let tx = owner.invoke(&calls).await?;
            for key in &live {
                self.set_state(*key, "revoked").await?;
            }
            Some(tx)
        };
        Ok((tx, self.session_list(Some(wallet.wallet_address)).await?))
    }

    /// Forgets a session on this device. The chain is not touched, so a session the chain
    /// still honours is refused unless `force`: once forgotten, this device cannot list or
    /// revoke it any more. A chain that cannot be reached cannot prove a session dead.
    pub async fn session_clear(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        force: bool,
    ) -> Result<String, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        if !force {
            let status = self
                .session_status(Some(wallet.wallet_address), Some(meta.session_public_key))
                .await?;
            if status.state == SessionState::Active {
                return Err(AppError::SessionLive(status.session_public_key));
            }
        }
        let u = unlocked.0.clone();
        let key = meta.session_public_key;
        blocking(move || Ok(u.delete_session(&key)?)).await?;
        Ok(to_hex(&key))
    }
}

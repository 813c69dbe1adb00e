//! The session lifecycle: create, register, execute (relayer, paymaster or direct), sign for a
//! third party, revoke, status, spending policies, clear.

use std::sync::Arc;

use sesame_chain::devnet::DevnetClient;
use sesame_chain::paymaster::{ApiKey, ExecutionParameters, PaymasterClient};
use sesame_chain::{OwnerAccount, SessionAccount, SpendingPolicyState, TxOutcome};
use sesame_core::calls::SpendingLimit;
use sesame_core::felt::to_hex;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{Call, OutsideExecution, SessionSignature, ANY_CALLER};
use sesame_core::preflight::{self, PolicyView as PreflightPolicy, PreflightInput};
use sesame_core::selector::is_spending_selector;
use sesame_core::session::{
    derive_state, LocalMark, OnChainSession, SessionState, DEFAULT_DURATION_SECS, DEFAULT_MAX_CALLS,
};
use sesame_core::Felt;
use sesame_vault::SessionMeta;

use crate::views::{EntrypointView, ExecOutcome, PolicyView, SessionStatus, SignedOutside};
use crate::{blocking, AppError, Sesame, Unlocked};

/// Seconds a session must still have to be used: a transaction needs time to land.
pub const EXPIRY_MARGIN_SECS: u64 = 30;

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

/// Who submits a session execution and pays for it.
#[derive(Clone, PartialEq, Eq)]
pub enum ExecMode {
    /// A funded account relays it: on devnet a predeployed account, elsewhere one of the
    /// user's own wallets on this device (`Some(address)`).
    Relayer(Option<Felt>),
    /// A SNIP-29 paymaster at `url` builds the typed data (checked before signing), submits
    /// it and pays (sponsored mode).
    Paymaster {
        url: String,
        api_key: Option<String>,
    },
    /// The session signs the account's own INVOKE; the account pays.
    Direct,
}

impl std::fmt::Debug for ExecMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecMode::Relayer(r) => f.debug_tuple("Relayer").field(r).finish(),
            // The API key is a credential: never printed.
            ExecMode::Paymaster { url, .. } => f
                .debug_struct("Paymaster")
                .field("url", url)
                .finish_non_exhaustive(),
            ExecMode::Direct => f.write_str("Direct"),
        }
    }
}

fn local_mark(state: &str) -> LocalMark {
    match state {
        "revoked" => LocalMark::Revoked,
        "created" => LocalMark::Created,
        _ => LocalMark::Registered,
    }
}

impl Sesame {
    async fn session_metas(&self, wallet: Felt) -> Result<Vec<SessionMeta>, AppError> {
        let vault = self.vault.clone();
        let mut metas = blocking(move || Ok(vault.list_sessions()?)).await?;
        metas.retain(|m| m.wallet_address == wallet);
        metas.sort_by_key(|m| m.created_at);
        Ok(metas)
    }

    /// Picks `session` of `wallet`, or its newest session when `None`.
    async fn pick_session(
        &self,
        wallet: Felt,
        session: Option<Felt>,
    ) -> Result<SessionMeta, AppError> {
        let metas = self.session_metas(wallet).await?;
        match session {
            Some(key) => metas
                .into_iter()
                .find(|m| m.session_public_key == key)
                .ok_or_else(|| AppError::SessionNotFound(to_hex(&key))),
            None => metas.into_iter().last().ok_or(AppError::NoSession),
        }
    }

    async fn session_key(
        &self,
        unlocked: &Unlocked,
        session: Felt,
    ) -> Result<Arc<PrivateKey>, AppError> {
        let u = unlocked.0.clone();
        blocking(move || Ok(Arc::new(u.session_key(&session)?))).await
    }

    /// The wallet's account, signing with its owner key from the vault.
    async fn owner_account(
        &self,
        unlocked: &Unlocked,
        wallet: Felt,
    ) -> Result<OwnerAccount, AppError> {
        Ok(OwnerAccount::new(
            &self.chain,
            wallet,
            self.owner_key(unlocked, wallet).await?,
        ))
    }

    async fn set_state(&self, session: Felt, state: &'static str) -> Result<(), AppError> {
        let vault = self.vault.clone();
        blocking(move || Ok(vault.set_session_state(&session, state).map(|_| ())?)).await
    }

    fn status_of(&self, meta: &SessionMeta, chain: &OnChainSession, now: u64) -> SessionStatus {
        let state = derive_state(Some(local_mark(&meta.state)), Some(chain), now);
        // Until it is registered, the expiry is the one chosen at creation.
        let valid_until = if chain.is_registered() {
            chain.valid_until
        } else {
            meta.valid_until
        };
        let counting = matches!(state, SessionState::Active | SessionState::Created);
        SessionStatus {
            session_public_key: to_hex(&meta.session_public_key),
            wallet: to_hex(&meta.wallet_address),
            state,
            is_active: chain.is_active,
            valid_until,
            remaining_calls: chain.remaining_calls,
            allowed_entrypoints: chain
                .allowed_entrypoints
                .as_ref()
                .map(|list| list.iter().map(EntrypointView::of).collect()),
            chain_time: now,
            seconds_left: if counting {
                valid_until.saturating_sub(now)
            } else {
                0
            },
            data_shape: chain.shape,
            created_at: meta.created_at,
        }
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
        let duration = duration_secs.unwrap_or(DEFAULT_DURATION_SECS);
        if duration < 60 {
            return Err(AppError::InvalidArgument(
                "a session must last at least 60 seconds".into(),
            ));
        }
        let valid_until = self.chain.block_timestamp().await? + duration;
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
        if params.max_calls == 0 {
            return Err(AppError::InvalidArgument(
                "max calls must be at least 1".into(),
            ));
        }
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
        Ok(self.status_of(&meta, &data, now))
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
        Ok(metas
            .iter()
            .zip(chain.iter())
            .map(|(m, c)| self.status_of(m, c, now))
            .collect())
    }

    async fn policies_for(
        &self,
        wallet: Felt,
        session: Felt,
        calls: &[Call],
    ) -> Result<Vec<PreflightPolicy>, AppError> {
        let mut tokens: Vec<Felt> = calls
            .iter()
            .filter(|c| is_spending_selector(&c.selector))
            .map(|c| c.to)
            .collect();
        tokens.sort();
        tokens.dedup();
        let mut out = Vec::new();
        for token in tokens {
            let p = self.chain.spending_policy(wallet, session, token).await?;
            if p.is_set() {
                out.push(PreflightPolicy {
                    token,
                    max_per_call: p.max_per_call,
                    max_per_window: p.max_per_window,
                    window_seconds: p.window_seconds,
                    spent_in_window: p.spent_in_window,
                });
            }
        }
        Ok(out)
    }

    /// Runs preflight for `calls`; returns the chain view of the session it checked.
    async fn preflight(
        &self,
        wallet: Felt,
        meta: &SessionMeta,
        calls: &[Call],
    ) -> Result<OnChainSession, AppError> {
        let chain = self
            .chain
            .session_data(wallet, meta.session_public_key)
            .await?;
        let now = self.chain.block_timestamp().await?;
        let policies = self
            .policies_for(wallet, meta.session_public_key, calls)
            .await?;
        preflight::check(&PreflightInput {
            account: wallet,
            session: &chain,
            known_revoked: local_mark(&meta.state) == LocalMark::Revoked,
            now,
            margin: EXPIRY_MARGIN_SECS,
            calls,
            policies: &policies,
        })?;
        Ok(chain)
    }

    async fn sign_outside_execution(
        &self,
        unlocked: &Unlocked,
        wallet: Felt,
        meta: &SessionMeta,
        chain: &OnChainSession,
        calls: Vec<Call>,
        caller: Felt,
    ) -> Result<(OutsideExecution, [Felt; 4]), AppError> {
        let key = self.session_key(unlocked, meta.session_public_key).await?;
        let outside = OutsideExecution {
            caller,
            nonce: PrivateKey::generate_os().public_key(),
            execute_after: 0,
            execute_before: chain.valid_until,
            calls,
        };
        let hash = outside.message_hash(self.chain.chain_id(), wallet);
        let sig = SessionSignature::sign(&key, &hash, chain.valid_until)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .to_felts();
        Ok((outside, sig))
    }

    async fn relayer_account(
        &self,
        unlocked: &Unlocked,
        relayer: Option<Felt>,
    ) -> Result<OwnerAccount, AppError> {
        match relayer {
            Some(address) => {
                self.owner_account(unlocked, address).await
            }
            None if self.network.is_devnet() => {
                let accounts = DevnetClient::new(&self.network.rpc_url).predeployed_accounts().await?;
                let (address, key) = accounts
                    .into_iter()
                    .next()
                    .ok_or_else(|| AppError::DevnetUnavailable("the devnet has no predeployed account to relay".into()))?;
                let key = PrivateKey::from_be_bytes(key.to_bytes_be()).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(OwnerAccount::new(&self.chain, address, Arc::new(key)))
            }
            None => Err(AppError::InvalidArgument(
                "name a relayer: one of your funded wallets on this network (--relayer ADDRESS), or use --direct".into(),
            )),
        }
    }

    /// Preflight only: whether the account would accept `calls` from the session now. Returns
    /// the session's status as checked.
    pub async fn session_check(
        &self,
        wallet: Option<Felt>,
        session: Option<Felt>,
        calls: &[Call],
    ) -> Result<SessionStatus, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let chain = self.preflight(wallet.wallet_address, &meta, calls).await?;
        let now = self.chain.block_timestamp().await?;
        Ok(self.status_of(&meta, &chain, now))
    }

    /// Executes `calls` with a session, after preflight. Nothing is signed or sent when
    /// preflight refuses; the chain's simulation then refuses anything preflight missed.
    pub async fn session_execute(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        calls: Vec<Call>,
        mode: ExecMode,
    ) -> Result<ExecOutcome, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let chain = self.preflight(wallet.wallet_address, &meta, &calls).await?;
        let (tx, mode_name, paid_by) = match mode {
            ExecMode::Relayer(relayer) => {
                let relayer = self.relayer_account(unlocked, relayer).await?;
                let (outside, sig) = self
                    .sign_outside_execution(
                        unlocked,
                        wallet.wallet_address,
                        &meta,
                        &chain,
                        calls,
                        ANY_CALLER,
                    )
                    .await?;
                let tx = relayer.relay(wallet.wallet_address, &outside, &sig).await?;
                (tx, "relayer", to_hex(&relayer.address()))
            }
            ExecMode::Paymaster { url, api_key } => {
                let client = PaymasterClient::new(&url, api_key.map(ApiKey::new))?;
                let prepared = client
                    .prepare_invoke(
                        self.chain.chain_id(),
                        wallet.wallet_address,
                        &calls,
                        &ExecutionParameters::sponsored(),
                    )
                    .await?;
                let key = self.session_key(unlocked, meta.session_public_key).await?;
                let sig = SessionSignature::sign(&key, &prepared.message_hash(), chain.valid_until)
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .to_felts();
                let sent = client.execute_prepared(&prepared, &sig).await?;
                self.chain.wait_for_receipt(sent.transaction_hash).await?;
                let outcome = TxOutcome {
                    tx_hash: to_hex(&sent.transaction_hash),
                    fee: String::new(),
                    fee_unit: String::new(),
                };
                (outcome, "paymaster", url)
            }
            ExecMode::Direct => {
                let key = self.session_key(unlocked, meta.session_public_key).await?;
                let account =
                    SessionAccount::new(&self.chain, wallet.wallet_address, key, chain.valid_until);
                (
                    account.execute(&calls).await?,
                    "direct",
                    to_hex(&wallet.wallet_address),
                )
            }
        };
        let after = self
            .chain
            .session_data(wallet.wallet_address, meta.session_public_key)
            .await?;
        Ok(ExecOutcome {
            explorer_url: self.network.explorer_tx_url(&tx.tx_hash),
            tx_hash: tx.tx_hash,
            mode: mode_name.to_string(),
            paid_by,
            fee: tx.fee,
            fee_unit: tx.fee_unit,
            remaining_calls: after.remaining_calls,
        })
    }

    /// Signs an outside execution of `calls` (after preflight) without submitting it, for any
    /// third-party relayer or paymaster. `caller` defaults to `ANY_CALLER`.
    pub async fn session_sign_outside(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        calls: Vec<Call>,
        caller: Option<Felt>,
    ) -> Result<SignedOutside, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let chain = self.preflight(wallet.wallet_address, &meta, &calls).await?;
        let (outside, sig) = self
            .sign_outside_execution(
                unlocked,
                wallet.wallet_address,
                &meta,
                &chain,
                calls,
                caller.unwrap_or(ANY_CALLER),
            )
            .await?;
        let hex = |f: &Felt| to_hex(f);
        Ok(SignedOutside {
            account: hex(&wallet.wallet_address),
            chain_id: hex(&self.chain.chain_id()),
            message_hash: hex(&outside.message_hash(self.chain.chain_id(), wallet.wallet_address)),
            outside_execution: serde_json::json!({
                "caller": hex(&outside.caller),
                "nonce": hex(&outside.nonce),
                "execute_after": outside.execute_after,
                "execute_before": outside.execute_before,
                "calls": outside.calls.iter().map(|c| serde_json::json!({
                    "to": hex(&c.to),
                    "selector": hex(&c.selector),
                    "calldata": c.calldata.iter().map(hex).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }),
            signature: sig.iter().map(hex).collect(),
            calldata: outside.to_calldata(&sig).iter().map(hex).collect(),
        })
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

    /// Forgets a session on this device. The chain is not touched: revoke first if it is live.
    pub async fn session_clear(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
    ) -> Result<String, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let u = unlocked.0.clone();
        let key = meta.session_public_key;
        blocking(move || Ok(u.delete_session(&key)?)).await?;
        Ok(to_hex(&key))
    }

    /// Sets a spending policy for a session on `token`.
    pub async fn policy_set(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        token: Felt,
        limit: SpendingLimit,
    ) -> Result<(TxOutcome, PolicyView), AppError> {
        if limit.window_seconds == 0 {
            return Err(AppError::InvalidArgument(
                "the window must be at least 1 second".into(),
            ));
        }
        if limit.max_per_call > limit.max_per_window {
            return Err(AppError::InvalidArgument(
                "the per-call cap cannot exceed the window cap".into(),
            ));
        }
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let owner = self.owner_account(unlocked, wallet.wallet_address).await?;
        let tx = owner
            .set_spending_policy(meta.session_public_key, token, &limit)
            .await?;
        Ok((
            tx,
            self.policy_get(
                Some(wallet.wallet_address),
                Some(meta.session_public_key),
                token,
            )
            .await?,
        ))
    }

    /// A session's spending policy on `token`.
    pub async fn policy_get(
        &self,
        wallet: Option<Felt>,
        session: Option<Felt>,
        token: Felt,
    ) -> Result<PolicyView, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let p = self
            .chain
            .spending_policy(wallet.wallet_address, meta.session_public_key, token)
            .await?;
        Ok(policy_view(token, &p))
    }

    /// Removes a session's spending policy on `token`.
    pub async fn policy_remove(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        token: Felt,
    ) -> Result<TxOutcome, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let owner = self.owner_account(unlocked, wallet.wallet_address).await?;
        Ok(owner
            .remove_spending_policy(meta.session_public_key, token)
            .await?)
    }
}

fn policy_view(token: Felt, p: &SpendingPolicyState) -> PolicyView {
    PolicyView {
        token: to_hex(&token),
        max_per_call: p.max_per_call.to_string(),
        max_per_window: p.max_per_window.to_string(),
        window_seconds: p.window_seconds,
        spent_in_window: p.spent_in_window.to_string(),
        window_start: p.window_start,
    }
}

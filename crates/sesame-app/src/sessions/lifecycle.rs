//! A session's lifecycle: create (the key is stored before anything is sent), register with
//! the owner key, status and list (read from the chain), revoke one or all, clear locally.

use sesame_chain::TxOutcome;
use sesame_core::calls::{self, check_registration, SessionCall, SpendingLimit};
use sesame_core::felt::to_hex;
use sesame_core::felt::U256;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::Call;
use sesame_core::session::{
    check_duration, check_max_calls, ChainStatus, SessionState, DEFAULT_DURATION_SECS,
    DEFAULT_MAX_CALLS,
};
use sesame_core::spec::{
    parse_contract, parse_entrypoint, parse_recipient, parse_scope_entry, STRK,
};
use sesame_core::Felt;

use super::EXPIRY_MARGIN_SECS;
use crate::views::SessionStatus;
use crate::{blocking, AccountClass, AppError, Sesame, Unlocked};

/// What a session may call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Exactly these `(contract, entrypoint)` pairs (v2 accounts): the default.
    Calls(Vec<SessionCall>),
    /// These entrypoints on **any** contract; empty allows every non-admin entrypoint. A
    /// leaked key reaches every contract that has them: an explicit, labelled choice.
    AnyContract(Vec<Felt>),
}

impl Default for Scope {
    /// STRK transfers only.
    fn default() -> Self {
        Scope::Calls(vec![SessionCall::new(STRK, "transfer")])
    }
}

/// A spending cap as typed: the token (`strk`, `eth` or an address) and amounts in its
/// smallest unit (fri, wei), as decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct LimitSpec {
    pub token: String,
    pub max_per_call: String,
    pub max_per_window: String,
    pub window_seconds: u64,
}

impl LimitSpec {
    pub fn parse(&self) -> Result<(Felt, SpendingLimit), AppError> {
        Ok((
            parse_contract(&self.token)?,
            SpendingLimit {
                max_per_call: U256::parse(&self.max_per_call)?,
                max_per_window: U256::parse(&self.max_per_window)?,
                window_seconds: self.window_seconds,
            },
        ))
    }
}

/// How to register a session: its budget, scope, and the limits that go in the same owner
/// transaction, so the session is never live without them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterParams {
    pub max_calls: u32,
    pub scope: Scope,
    /// Per token, the only addresses its transfers and approvals may name (v2).
    pub recipients: Vec<(Felt, Vec<Felt>)>,
    /// Per token, spending caps.
    pub limits: Vec<(Felt, SpendingLimit)>,
    /// Defaults to the expiry chosen at creation.
    pub valid_until: Option<u64>,
}

impl Default for RegisterParams {
    fn default() -> Self {
        RegisterParams {
            max_calls: DEFAULT_MAX_CALLS,
            scope: Scope::default(),
            recipients: Vec::new(),
            limits: Vec::new(),
            valid_until: None,
        }
    }
}

impl RegisterParams {
    /// Builds the parameters from what people type, as both shells take them:
    /// - `allow`: `CONTRACT:ENTRYPOINT` items; with `allow_any_contract`, entrypoints alone
    ///   (none = every non-admin entrypoint). Scoped with no item: [`Scope::default`].
    /// - `recipients`: `TOKEN:ADDRESS` items, grouped per token.
    pub fn from_specs(
        max_calls: u32,
        allow: &[String],
        allow_any_contract: bool,
        recipients: &[String],
        limits: &[LimitSpec],
        valid_until: Option<u64>,
    ) -> Result<RegisterParams, AppError> {
        let limits = limits
            .iter()
            .map(LimitSpec::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let bad = |e: sesame_core::spec::SpecError| AppError::InvalidArgument(e.to_string());
        let allow: Vec<&str> = allow
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
            .collect();
        let scope = if allow_any_contract {
            Scope::AnyContract(
                allow
                    .iter()
                    .map(|a| parse_entrypoint(a))
                    .collect::<Result<_, _>>()?,
            )
        } else if allow.is_empty() {
            Scope::default()
        } else {
            Scope::Calls(
                allow
                    .iter()
                    .map(|a| parse_scope_entry(a))
                    .collect::<Result<_, _>>()
                    .map_err(bad)?,
            )
        };
        let mut grouped: Vec<(Felt, Vec<Felt>)> = Vec::new();
        for spec in recipients.iter().filter(|r| !r.trim().is_empty()) {
            let (token, address) = parse_recipient(spec).map_err(bad)?;
            match grouped.iter_mut().find(|(t, _)| *t == token) {
                Some((_, list)) if !list.contains(&address) => list.push(address),
                Some(_) => {}
                None => grouped.push((token, vec![address])),
            }
        }
        Ok(RegisterParams {
            max_calls,
            scope,
            recipients: grouped,
            limits,
            valid_until,
        })
    }

    /// The owner calls that register the session with everything asked for: registration,
    /// spending caps and recipient rules, for one multicall. Refuses what `class` cannot
    /// enforce instead of registering a weaker session.
    fn owner_calls(
        &self,
        class: AccountClass,
        spending_policies: bool,
        account: Felt,
        session: Felt,
        valid_until: u64,
    ) -> Result<Vec<Call>, AppError> {
        let scope = match &self.scope {
            Scope::Calls(pairs) => Some(pairs.as_slice()),
            Scope::AnyContract(_) => None,
        };
        check_registration(account, scope, &self.recipients, &self.limits)
            .map_err(AppError::InvalidArgument)?;
        if !class.scoped_sessions() {
            if scope.is_some() {
                return Err(AppError::ScopeUnsupported(
                    "this wallet's contract enforces only an entrypoint allowlist valid on every \
                     contract, not exact contracts: register a broad session (allow any \
                     contract) or move to a Sesame v2 wallet"
                        .into(),
                ));
            }
            if !self.recipients.is_empty() {
                return Err(AppError::ScopeUnsupported(
                    "this wallet's contract cannot limit recipients; nothing was registered".into(),
                ));
            }
        }
        if !spending_policies && !self.limits.is_empty() {
            return Err(AppError::ScopeUnsupported(
                "this wallet's contract has no spending caps; nothing was registered".into(),
            ));
        }
        let mut calls = vec![match &self.scope {
            Scope::Calls(pairs) => {
                calls::register_session_scoped(account, session, valid_until, self.max_calls, pairs)
            }
            Scope::AnyContract(selectors) => {
                calls::register_session(account, session, valid_until, self.max_calls, selectors)
            }
        }];
        calls.extend(
            self.limits
                .iter()
                .map(|(token, limit)| calls::set_spending_policy(account, session, *token, limit)),
        );
        calls.extend(
            self.recipients
                .iter()
                .map(|(token, list)| calls::set_session_recipients(account, session, *token, list)),
        );
        Ok(calls)
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
        let class = self.account_class(wallet.wallet_address).await?;
        let policies = params.limits.is_empty()
            || self
                .has_spending_policies(wallet.wallet_address, class)
                .await?;
        let owner_calls = params.owner_calls(
            class,
            policies,
            wallet.wallet_address,
            meta.session_public_key,
            valid_until,
        )?;
        let owner = self.owner_account(unlocked, wallet.wallet_address).await?;
        let tx = owner.invoke(&owner_calls).await?;
        // A tx hash is not a registration: the chain must now hold this very session.
        let status = self
            .session_status(Some(wallet.wallet_address), Some(meta.session_public_key))
            .await?;
        if status.valid_until != valid_until || status.state == SessionState::Created {
            return Err(AppError::NotExecuted {
                tx_hash: tx.tx_hash,
                detail: "the chain does not hold the session after its registration".into(),
            });
        }
        self.set_state(meta.session_public_key, "registered")
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
        let (now, views) = self
            .read_sessions(wallet.wallet_address, std::slice::from_ref(&meta))
            .await?;
        let view = views
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("empty batch".into()))?;
        self.reconcile(&meta, &view.data).await?;
        Ok(self.status_of(&meta, &view, now))
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
        let (now, chain) = self.read_sessions(wallet.wallet_address, &metas).await?;
        for (m, c) in metas.iter().zip(chain.iter()) {
            self.reconcile(m, &c.data).await?;
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
        // Confirmed on-chain, not assumed from the receipt: the chain no longer honours it.
        let status = self
            .session_status(Some(wallet.wallet_address), Some(meta.session_public_key))
            .await?;
        if status.is_active {
            return Err(AppError::NotExecuted {
                tx_hash: tx.tx_hash,
                detail: "the chain still honours the session".into(),
            });
        }
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
        let address = wallet.wallet_address;
        let metas = self.session_metas(address).await?;
        let (_, chain) = self.read_sessions(address, &metas).await?;
        let live: Vec<Felt> = metas
            .iter()
            .zip(chain.iter())
            .filter(|(_, c)| match &c.v2 {
                Some(v2) => v2.status != ChainStatus::Revoked && v2.status != ChainStatus::None,
                None => c.data.is_registered(),
            })
            .map(|(m, _)| m.session_public_key)
            .collect();
        let v2 = self.account_class(address).await? == AccountClass::SesameV2;
        // On v2 one O(1) call ends every session ever registered, including any this device
        // does not know about: the real kill switch.
        let calls: Vec<Call> = if v2 {
            vec![calls::revoke_all_session_keys(address)]
        } else {
            live.iter()
                .map(|k| calls::revoke_session(address, *k))
                .collect()
        };
        let tx = if calls.is_empty() {
            None
        } else {
            let owner = self.owner_account(unlocked, address).await?;
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

//! The session lifecycle: create, register, execute (relayer or paymaster), sign for a
//! third party, revoke, status, spending policies, clear.
//!
//! Finding a session (and its owner account) and reading its status live here; the rest is
//! split by concern: `lifecycle` (create, register, status, list, revoke, clear), `execution`
//! (preflight, then relayer or paymaster execution, or signing for a third party) and
//! `policies` (spending limits, set with the owner key).

use sesame_chain::{OwnerAccount, SessionV2};
use sesame_core::felt::to_hex;
use sesame_core::session::{
    derive_state, derive_state_v2, LocalMark, OnChainSession, SessionState,
};
use sesame_core::Felt;
use sesame_vault::SessionMeta;

use crate::views::{EntrypointView, RecipientRuleView, ScopeEntryView, SessionStatus};
use crate::{blocking, AccountClass, AppError, Sesame, Unlocked};

mod execution;
mod lifecycle;
mod policies;

pub use execution::ExecMode;
pub(crate) use execution::RelayCache;
pub use lifecycle::{LimitSpec, RegisterParams, Scope};

/// What the chain says of one session: `get_session_data`, and on a v2 account its status
/// word, scope and recipient rules.
#[derive(Debug, Clone)]
pub(crate) struct ChainView {
    pub data: OnChainSession,
    pub v2: Option<SessionV2>,
}

/// Seconds a session must still have to be used: a transaction needs time to land.
pub const EXPIRY_MARGIN_SECS: u64 = 30;

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

    /// The wallet's account, signing with its owner key from the vault.
    pub(crate) async fn owner_account(
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

    /// Reads `metas` (sessions of `wallet`) from the chain: one batched request for the
    /// session data, and on a v2 account one more, at the same time, for status and scope.
    async fn read_sessions(
        &self,
        wallet: Felt,
        metas: &[SessionMeta],
    ) -> Result<(u64, Vec<ChainView>), AppError> {
        let pairs: Vec<_> = metas
            .iter()
            .map(|m| (wallet, m.session_public_key))
            .collect();
        let keys: Vec<_> = metas.iter().map(|m| m.session_public_key).collect();
        let v2 = self.account_class(wallet).await? == AccountClass::SesameV2;
        let data = async {
            self.chain
                .session_data_many(&pairs)
                .await
                .map_err(AppError::from)
        };
        let extra = async {
            if v2 {
                Ok(Some(self.chain.session_v2_many(wallet, &keys, None).await?))
            } else {
                Ok::<_, AppError>(None)
            }
        };
        let ((now, data), extra) = tokio::try_join!(data, extra)?;
        let views = match extra {
            Some(extra) => data
                .into_iter()
                .zip(extra)
                .map(|(data, v2)| ChainView { data, v2: Some(v2) })
                .collect(),
            None => data
                .into_iter()
                .map(|data| ChainView { data, v2: None })
                .collect(),
        };
        Ok((now, views))
    }

    fn status_of(&self, meta: &SessionMeta, view: &ChainView, now: u64) -> SessionStatus {
        let chain = &view.data;
        let local = Some(local_mark(&meta.state));
        let state = match &view.v2 {
            Some(v2) => derive_state_v2(local, v2.status),
            None => derive_state(local, Some(chain), now),
        };
        let registered = chain.is_registered();
        let (broad, scope, recipients) = match &view.v2 {
            Some(v2) => (
                registered && v2.scope.is_empty(),
                v2.scope.iter().map(ScopeEntryView::of).collect(),
                v2.recipients.iter().map(RecipientRuleView::of).collect(),
            ),
            None => (registered, Vec::new(), Vec::new()),
        };
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
            is_active: view
                .v2
                .as_ref()
                .map(|v| v.status == sesame_core::session::ChainStatus::Active)
                .unwrap_or(chain.is_active),
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
            broad,
            scope,
            recipients,
            data_shape: chain.shape,
            created_at: meta.created_at,
        }
    }
}

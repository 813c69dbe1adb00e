//! The session lifecycle: create, register, execute (relayer, paymaster or direct), sign for a
//! third party, revoke, status, spending policies, clear.
//!
//! Finding a session (and its owner account) and reading its status live here; the rest is
//! split by concern: `lifecycle` (create, register, status, list, revoke, clear), `execution`
//! (preflight, then relayer, paymaster or direct execution, or signing for a third party) and
//! `policies` (spending limits, set with the owner key).

use sesame_chain::OwnerAccount;
use sesame_core::felt::to_hex;
use sesame_core::session::{derive_state, LocalMark, OnChainSession, SessionState};
use sesame_core::Felt;
use sesame_vault::SessionMeta;

use crate::views::{EntrypointView, SessionStatus};
use crate::{blocking, AppError, Sesame, Unlocked};

mod execution;
mod lifecycle;
mod policies;

pub use execution::ExecMode;
pub(crate) use execution::RelayCache;
pub use lifecycle::RegisterParams;

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
}

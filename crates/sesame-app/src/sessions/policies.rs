//! Spending policies: per-token limits on what a session may spend, set and removed with the
//! owner key and read from the chain.

use sesame_chain::{SpendingPolicyState, TxOutcome};
use sesame_core::calls::SpendingLimit;
use sesame_core::felt::to_hex;
use sesame_core::Felt;

use crate::views::PolicyView;
use crate::{AppError, Sesame, Unlocked};

impl Sesame {
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

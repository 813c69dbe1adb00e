//! Deploying a wallet off devnet: how much STRK its counterfactual address needs first.
//!
//! A wallet created on a public or custom network is an address and an owner key until it is
//! funded and deployed ([`Sesame::wallet_deploy`]). The fee is estimated by the node for the
//! wallet's own DEPLOY_ACCOUNT; the deployment then sets resource bounds of 1.5x the estimated
//! gas at 1.5x the estimated price, and the account must hold that maximum, so the funding asked
//! for is [`FUNDING_MARGIN`] times the estimate.

use serde::Serialize;
use sesame_chain::class::estimate_deploy_account_fee;
use sesame_core::felt::{to_hex, U256};
use sesame_core::spec::STRK;
use sesame_core::Felt;

use crate::account_class::session_account_class_hash;
use crate::{AppError, Sesame, Unlocked};

/// The funding asked for, as a multiple of the estimated fee (above the 2.25x the bounds reach,
/// so a gas price that moves a little between funding and deploying still fits).
pub const FUNDING_MARGIN: u128 = 3;

/// What a wallet needs before it can be deployed. Amounts are STRK in fri (10^-18 STRK).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeployFunding {
    pub address: String,
    pub network: String,
    pub deployed: bool,
    /// The address's STRK balance now.
    pub balance: String,
    /// The node's estimate of the deployment fee (0 once deployed).
    pub estimated_fee: String,
    /// What the address should hold to deploy: the estimate times [`FUNDING_MARGIN`].
    pub required: String,
    /// Whether `balance` covers `required` (true once deployed).
    pub funded: bool,
}

/// The funding to ask for, given the estimated fee.
pub fn required_funding(estimated_fee: u128) -> u128 {
    estimated_fee.saturating_mul(FUNDING_MARGIN)
}

impl Sesame {
    /// How much STRK `wallet` (the newest when `None`) needs to be deployed, and whether it has
    /// it. Estimating signs a fee query with the owner key, so it needs the vault unlocked.
    pub async fn wallet_funding(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
    ) -> Result<DeployFunding, AppError> {
        let meta = self.pick_wallet(wallet).await?;
        let address = meta.wallet_address;
        let balance = self.chain.erc20_balance(STRK, address).await?;
        let deployed = self.chain.class_hash_at(address).await?.is_some();
        let (estimated, required) = if deployed {
            (0, 0)
        } else {
            let key = self.owner_key(unlocked, address).await?;
            let fee = estimate_deploy_account_fee(
                &self.chain,
                session_account_class_hash()?,
                key,
                meta.public_key,
            )
            .await?;
            (fee, required_funding(fee))
        };
        Ok(DeployFunding {
            address: to_hex(&address),
            network: meta.network,
            deployed,
            balance: balance.to_string(),
            estimated_fee: estimated.to_string(),
            required: required.to_string(),
            funded: deployed || balance >= U256::from_u128(required),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_funding_asked_for_covers_the_bounds_the_deployment_sets() {
        // 1.5x the gas at 1.5x the price: 2.25x the estimate must fit in what is asked for.
        let estimate = 1_000_000_000_000_000u128;
        assert!(required_funding(estimate) >= estimate * 9 / 4);
        assert_eq!(required_funding(0), 0);
        assert_eq!(required_funding(u128::MAX), u128::MAX, "no overflow");
    }
}

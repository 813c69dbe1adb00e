//! Deploying a new wallet from the app, off devnet: the funding its counterfactual address
//! needs (polled by the UI until it arrives), then the DEPLOY_ACCOUNT transaction, paid by the
//! wallet itself from that funding.

use sesame_app::{AppError, DeployFunding, WalletView};

use super::use_cases::opt_felt;
use super::Shell;

impl Shell {
    /// The STRK `wallet` needs before it can be deployed, and what it holds now.
    pub async fn wallet_funding(&self, wallet: &Option<String>) -> Result<DeployFunding, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        app.wallet_funding(&u, opt_felt(wallet)?).await
    }

    /// Deploys `wallet` (already funded); a deployed wallet is returned as it is.
    pub async fn wallet_deploy(&self, wallet: &Option<String>) -> Result<WalletView, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let before = app.wallet_show(opt_felt(wallet)?).await?;
        let w = app.wallet_deploy(&u, opt_felt(wallet)?).await?;
        if !before.deployed && w.deployed {
            self.record(
                &app,
                &w.address,
                None,
                "deploy",
                "Wallet deployed".into(),
                None,
            );
        }
        Ok(w)
    }
}
